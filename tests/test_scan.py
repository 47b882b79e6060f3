"""`python -m generator scan`: DAG files become a migration checklist whose links resolve."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project import ROOT

DAGS = Path(__file__).parent / "dags"
SITE_URL = "https://reference.example/"


def scan(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "scan", *arguments, "--site-url", SITE_URL], capture_output=True, text=True, cwd=ROOT
    )


@pytest.fixture(scope="module")
def rows() -> dict[tuple[str, str], dict]:
    result = scan(str(DAGS), "--format", "json")
    payload = json.loads(result.stdout)
    return {(row["module"], row["class"]): row for row in payload["operators"]}


def test_classic_contrib_imports_and_module_aliases_are_found(rows):
    assert rows[("airflow.contrib.operators.aws_athena_operator", "AWSAthenaOperator")]["operator"] == "AthenaOperator"
    assert rows[("airflow.contrib.operators.ecs_operator", "ECSOperator")]["operator"] == "EcsRunTaskOperator"
    assert rows[("airflow.contrib.operators.sns_publish_operator", "SnsPublishOperator")]["page"] == (
        f"{SITE_URL}operators/sns/snspublishoperator/"
    )


def test_taskflow_dag_counts_each_use_of_an_aliased_import(rows):
    glue = rows[("airflow.providers.amazon.aws.operators.glue", "GlueJobOperator")]
    assert glue["uses"] == 2
    assert [place.rsplit(":", 1)[1] for place in glue["places"]] == ["16", "17"]
    assert rows[("airflow.providers.amazon.aws.operators.s3", "S3DeleteObjectsOperator")]["uses"] == 1


def test_fully_dotted_module_access_and_provider_renames_are_found(rows):
    assert rows[("airflow.providers.amazon.aws.operators.lambda_function", "AwsLambdaInvokeFunctionOperator")]["operator"] == (
        "LambdaInvokeFunctionOperator"
    )
    assert rows[("airflow.providers.amazon.aws.operators.ecs", "EcsOperator")]["operator"] == "EcsRunTaskOperator"
    assert rows[("airflow.providers.amazon.aws.operators.redshift", "RedshiftSQLOperator")]["operator"] == "RedshiftSQLOperator"


def test_operators_without_a_page_are_listed_and_marked(rows):
    for key in [
        ("airflow.operators.bash_operator", "BashOperator"),
        ("airflow.sensors.s3_key_sensor", "S3KeySensor"),
        ("airflow.providers.amazon.aws.sensors.s3", "S3KeySensor"),
        ("airflow.providers.common.sql.operators.sql", "SQLExecuteQueryOperator"),
    ]:
        assert rows[key]["page"] is None
    markdown = scan(str(DAGS)).stdout
    assert "- [ ] `BashOperator` ×1 — **no page yet** (`airflow.operators.bash_operator`)" in markdown


def test_markdown_checklist_has_one_line_per_operator_class_with_count_and_link(rows):
    markdown = scan(str(DAGS)).stdout
    items = [line for line in markdown.splitlines() if line.startswith("- [ ] ")]
    assert len(items) == len(rows)
    assert (
        f"- [ ] `GlueJobOperator` ×2 → [GlueJobOperator → Prefect]({SITE_URL}operators/glue/gluejoboperator/)" in items
    )
    assert (
        f"- [ ] `AWSAthenaOperator` ×1 (old name of AthenaOperator) → [AthenaOperator → Prefect]({SITE_URL}operators/athena/athenaoperator/)"
        in items
    )


def test_unparsable_file_is_named_with_its_line_and_the_others_are_still_scanned():
    result = scan(str(DAGS))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{DAGS / 'broken_dag.py'}:5: error[unparsable-dag]: not valid Python: '(' was never closed" in result.stderr
    assert "GlueJobOperator" in result.stdout and "AWSAthenaOperator" in result.stdout


def test_scan_of_good_files_exits_zero():
    assert scan(str(DAGS / "taskflow_dag.py")).returncode == 0


def test_scan_never_runs_the_dag_files(tmp_path: Path):
    trap = tmp_path / "trap_dag.py"
    marker = tmp_path / "ran"
    trap.write_text(f"open({str(marker)!r}, 'w').write('x')\nfrom airflow.providers.amazon.aws.operators.sns import SnsPublishOperator\nSnsPublishOperator(task_id='t')\n")
    assert scan(str(trap)).returncode == 0
    assert not marker.exists()


def test_every_checklist_link_resolves_in_the_built_site(site_dir: Path):
    markdown = scan(str(DAGS)).stdout
    links = re.findall(rf"\]\({re.escape(SITE_URL)}([^)]*)\)", markdown)
    assert links
    for link in links:
        assert (site_dir / link / "index.html").is_file(), link
