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
def payload() -> dict:
    return json.loads(scan(str(DAGS), "--format", "json").stdout)


@pytest.fixture(scope="module")
def rows(payload) -> dict[str, dict]:
    return {row["class"]: row for row in payload["operators"]}


@pytest.fixture(scope="module")
def markdown() -> str:
    return scan(str(DAGS)).stdout


def test_contrib_imports_and_provider_renames_merge_into_todays_class(rows):
    athena = rows["AthenaOperator"]
    assert athena["page"] == f"{SITE_URL}operators/athena/athenaoperator/"
    assert [item["path"] for item in athena["imported_as"]] == ["airflow.contrib.operators.aws_athena_operator.AWSAthenaOperator"]
    ecs = rows["EcsRunTaskOperator"]
    assert ecs["uses"] == 2
    assert sorted(item["path"] for item in ecs["imported_as"]) == [
        "airflow.contrib.operators.ecs_operator.ECSOperator",
        "airflow.providers.amazon.aws.operators.ecs.EcsOperator",
    ]
    assert rows["SnsPublishOperator"]["page"] == f"{SITE_URL}operators/sns/snspublishoperator/"
    assert rows["LambdaInvokeFunctionOperator"]["imported_as"][0]["old"] is True


def test_old_module_paths_and_a_removed_class_lead_to_the_current_class(rows):
    sensor = rows["S3KeySensor"]
    assert sensor["module"] == "airflow.providers.amazon.aws.sensors.s3"
    assert sorted(item["path"] for item in sensor["imported_as"]) == [
        "airflow.providers.amazon.aws.sensors.s3.S3KeySensor",
        "airflow.providers.amazon.aws.sensors.s3_key.S3KeySensor",
        "airflow.providers.amazon.aws.sensors.s3_prefix.S3PrefixSensor",
        "airflow.sensors.s3_key_sensor.S3KeySensor",
    ]
    assert sensor["uses"] == 4
    assert sensor["page"] == f"{SITE_URL}operators/s3/s3keysensor/"
    processing = rows["SageMakerProcessingOperator"]
    assert processing["page"] is None and processing["coverage"] == f"{SITE_URL}coverage/#sagemakerprocessingoperator"


def test_a_removed_class_leads_to_its_replacements_page(rows):
    sql = rows["SQLExecuteQueryOperator"]
    assert sql["page"] == f"{SITE_URL}operators/sql/sqlexecutequeryoperator/"
    assert {item["path"] for item in sql["imported_as"]} == {
        "airflow.providers.amazon.aws.operators.redshift.RedshiftSQLOperator",
        "airflow.providers.common.sql.operators.sql.SQLExecuteQueryOperator",
    }


def test_dynamic_task_mapping_counts_as_an_instantiation(rows):
    assert rows["SageMakerProcessingOperator"]["uses"] == 1
    assert rows["SageMakerProcessingOperator"]["imported_as"][0]["path"] == "airflow.providers.amazon.aws.operators.sagemaker_processing.SageMakerProcessingOperator"
    assert rows["S3CopyObjectOperator"]["uses"] == 1
    assert rows["S3CopyObjectOperator"]["page"] == f"{SITE_URL}operators/s3/s3copyobjectoperator/"


def test_airflow_core_classes_link_to_the_page_around_aws_operators(rows, markdown):
    bash = rows["BashOperator"]
    assert bash["aws"] is False and bash["page"] == f"{SITE_URL}concepts/around-aws-operators/#pythonoperator-and-bashoperator"
    assert f"- [ ] `BashOperator` ×1 — Airflow core, not AWS → [Around your AWS operators]({bash['page']})" in markdown


def test_classes_in_no_release_are_not_airflow_aws_classes(rows, markdown):
    for name in ("S3MagicOperator", "TidyOperator"):
        assert rows[name]["aws"] is False and rows[name]["page"] is None and rows[name]["coverage"] is None
    assert "- [ ] `S3MagicOperator` ×1 — not an Airflow AWS class (`airflow.providers.amazon.aws.operators.s3`)" in markdown
    assert "- [ ] `TidyOperator` ×1 — not an Airflow AWS class (`<defined in the DAG file>`)" in markdown


def test_taskflow_dag_counts_each_use_of_an_aliased_import(rows):
    glue = rows["GlueJobOperator"]
    assert glue["uses"] == 2
    assert [place.rsplit(":", 1)[1] for place in glue["places"]] == ["16", "17"]
    assert rows["S3DeleteObjectsOperator"]["uses"] == 1


def test_markdown_checklist_has_one_line_per_current_class_with_count_link_and_old_paths(rows, markdown):
    items = [line for line in markdown.splitlines() if line.startswith("- [ ] ")]
    assert len(items) == len(rows)
    assert f"- [ ] `GlueJobOperator` ×2 → [GlueJobOperator → Prefect]({SITE_URL}operators/glue/gluejoboperator/)" in items
    assert (
        "- [ ] `AthenaOperator` ×1 (imported as `airflow.contrib.operators.aws_athena_operator.AWSAthenaOperator`)"
        f" → [AthenaOperator → Prefect]({SITE_URL}operators/athena/athenaoperator/)"
    ) in items
    assert any(line.startswith("- [ ] `S3KeySensor` ×4 (imported as ") and line.endswith(f"[S3KeySensor → Prefect]({SITE_URL}operators/s3/s3keysensor/)") for line in items)
    assert (
        "- [ ] `SageMakerProcessingOperator` ×1 (imported as `airflow.providers.amazon.aws.operators.sagemaker_processing.SageMakerProcessingOperator`)"
        f" — **no page yet**: [coverage entry]({SITE_URL}coverage/#sagemakerprocessingoperator)"
    ) in items


def test_summary_gives_the_dags_coverage_as_a_figure(payload, markdown):
    summary = payload["summary"]
    aws_rows = [row for row in payload["operators"] if row["aws"]]
    assert summary["aws_uses"] == sum(row["uses"] for row in aws_rows)
    assert summary["aws_uses_with_a_page"] == sum(row["uses"] for row in aws_rows if row["page"])
    expected = round(100 * summary["aws_uses_with_a_page"] / summary["aws_uses"], 1)
    assert summary["coverage_percent"] == expected
    assert f"Coverage: {summary['aws_uses_with_a_page']} of {summary['aws_uses']} AWS class instantiations ({expected:g}%) land on a page." in markdown


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
    links = re.findall(rf"\]\({re.escape(SITE_URL)}([^)#]*)(?:#([^)]*))?\)", markdown)
    assert links
    for link, anchor in links:
        page = (site_dir / link / "index.html").read_text()
        assert not anchor or f'id="{anchor}"' in page, f"{link}#{anchor}"
