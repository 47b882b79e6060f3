"""Every class of the inventory is accounted for: the coverage page, `/op/` links, search, coverage.json, the figure."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.coverage import coverage_of
from generator.inventory import load_inventory
from generator.parameters import parse_shared_parameters
from generator.parse import parse_document
from generator.validate import validate
from tests.project import MAPPING_LIST, MAPPINGS, ROOT

INVENTORY = load_inventory()
COVERAGE = coverage_of(INVENTORY, MAPPING_LIST)
SEARCH_WORKER = Path(__file__).parent / "support" / "search_worker.js"


def short_link_target(site_dir: Path, name: str) -> str:
    """Where `/op/<name>/` sends the browser, as a site path (`/coverage/#s3keysensor`)."""
    html = (site_dir / "op" / name / "index.html").read_text()
    (target,) = re.findall(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
    page, _, anchor = target.partition("#")
    path = (Path("/op") / name / page).resolve().as_posix() + "/"
    return path + (f"#{anchor}" if anchor else "")


def test_coverage_figure_counts_the_amazon_classes_with_a_page():
    assert len(COVERAGE.amazon) == 280
    amazon = {entry.cls.name for entry in COVERAGE.amazon}
    assert COVERAGE.figure == f"{sum(1 for m in MAPPING_LIST if not m.is_legacy and m.operator in amazon)} of 280"


def test_coverage_page_lists_every_class_with_its_page_and_level_or_not_yet_mapped(site_dir: Path):
    html = (site_dir / "coverage" / "index.html").read_text()
    for entry in COVERAGE.entries:
        heading = re.search(rf'<h3 id="{entry.anchor}">{entry.cls.name}<a', html)
        assert heading, entry.cls.name
        after = html[heading.end() : heading.end() + 600]
        if entry.mapping:
            assert f'href="../{entry.mapping.url}"' in after and f'class="level level-{entry.level}"' in after
        else:
            assert "<strong>not yet mapped</strong>" in after


def test_coverage_page_groups_classes_by_service(site_dir: Path):
    html = (site_dir / "coverage" / "index.html").read_text()
    emr = html.index('<h2 id="amazon-emr">')
    assert emr < html.index('id="emraddstepsoperator"') < html.index('<h2', emr + 10)


@pytest.mark.parametrize("entry", COVERAGE.entries, ids=lambda entry: entry.cls.name)
def test_every_class_has_a_short_link_as_written_and_in_lowercase(site_dir: Path, entry):
    expected = f"/{entry.url}" if entry.mapping else f"/coverage/#{entry.anchor}"
    for spelling in (entry.cls.name, entry.cls.name.lower()):
        assert short_link_target(site_dir, spelling) == expected


def test_old_names_lead_where_their_replacement_does(site_dir: Path):
    assert short_link_target(site_dir, "S3PrefixSensor") == "/operators/s3/s3keysensor/"
    assert short_link_target(site_dir, "EMRContainerOperator") == "/operators/emr/emrcontaineroperator/"
    assert short_link_target(site_dir, "AWSBatchOperator") == "/operators/batch/batchoperator/"
    assert short_link_target(site_dir, "GoogleCloudStorageToS3Operator") == "/coverage/#gcstos3operator"
    assert short_link_target(site_dir, "awsathenaoperator") == "/operators/athena/athenaoperator/"
    assert short_link_target(site_dir, "RedshiftSQLOperator") == "/operators/redshift/redshiftsqloperator/"
    for old in INVENTORY.legacy:
        assert (site_dir / "op" / old.name / "index.html").is_file(), old.name


def test_coverage_json_is_published_beside_mappings_json(site_dir: Path):
    data = json.loads((site_dir / "coverage.json").read_text())
    assert data["amazon_classes"] == 280 and data["amazon_classes_mapped"] == COVERAGE.mapped_amazon
    assert len(data["classes"]) == len(INVENTORY.classes)
    assert data["classes"]["GlueJobOperator"]["page"] == "operators/glue/gluejoboperator/"
    assert data["classes"]["GlueJobOperator"]["verification_level"] == "moto"
    assert data["classes"]["S3KeySensor"]["page"] == "operators/s3/s3keysensor/"
    assert data["classes"]["EmrStepSensor"]["page"] == "operators/emr/emrstepsensor/"
    assert data["classes"]["SageMakerProcessingOperator"]["page"] is None
    assert "airflow.providers.amazon.aws.sensors.s3_prefix.S3PrefixSensor" in data["classes"]["S3KeySensor"]["old_names"]


def test_home_page_states_the_coverage_figure_from_the_data(site_dir: Path):
    text = re.sub(r"<[^>]+>", "", (site_dir / "index.html").read_text())
    assert f"{COVERAGE.figure} classes" in text
    assert "{{ coverage.figure }}" not in text


def test_readme_states_the_coverage_figure_from_the_data():
    result = subprocess.run([sys.executable, "-m", "generator", "readme", "--check"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert f"**Coverage: {COVERAGE.figure}**" in (ROOT / "README.md").read_text()


def test_stale_readme_figure_fails_with_a_diff_that_names_the_command(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text((ROOT / "README.md").read_text().replace(f"**Coverage: {COVERAGE.figure}**", "**Coverage: 999 of 280**"))
    result = subprocess.run([sys.executable, "-m", "generator", "readme", "--check", "--file", str(readme)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "-**Coverage: 999 of 280**" in result.stderr and "run `make readme`" in result.stderr


@pytest.fixture(scope="module")
def class_search(site_dir: Path):
    """Search results (page#anchor of each group's best hit) for every class name, exact and in lowercase."""
    queries = sorted({spelling for cls in INVENTORY.classes for spelling in (cls.name, cls.name.lower())})
    node = shutil.which("node")
    assert node, "node is needed to run Material's search worker; `make test` installs it"
    result = subprocess.run([node, str(SEARCH_WORKER), str(site_dir)], input=json.dumps(queries), capture_output=True, text=True, check=True)
    results = json.loads(result.stdout)
    return lambda query: [group[0]["location"] for group in results[query]]


@pytest.mark.parametrize("entry", COVERAGE.entries, ids=lambda entry: entry.cls.name)
def test_search_for_any_class_name_puts_its_page_or_its_coverage_entry_first(class_search, entry):
    expected = entry.mapping.url if entry.mapping else f"coverage/#{entry.anchor}"
    for query in (entry.cls.name, entry.cls.name.lower()):
        found = class_search(query)
        assert found[:1] == [expected], f"{query!r} → {found[:3]}"


def document_with(replace: str, by: str) -> list[str]:
    """The problems of mappings/s3.md with one edit, checked against the inventory."""
    text = (MAPPINGS / "s3.md").read_text()
    assert replace in text
    result = parse_document("mappings/s3.md", text.replace(replace, by, 1))
    shared, _ = parse_shared_parameters("shared.md", (MAPPINGS / "shared" / "parameters.md").read_text())
    return [f"{d.code}: {d.message}" for d in validate([result.document], INVENTORY, shared)[1]]


def test_a_section_naming_a_class_no_provider_has_is_an_error():
    problems = document_with("{% section S3CopyObjectOperator %}\n## operator\nS3CopyObjectOperator", "{% section S3CopyObjOperator %}\n## operator\nS3CopyObjOperator")
    assert problems == ["unknown-class: 'S3CopyObjOperator' is not a class of the pinned providers; did you mean 'S3CopyObjectOperator'?"]


def test_a_section_whose_module_does_not_define_its_class_is_an_error():
    problems = document_with("## module\nairflow.providers.amazon.aws.operators.s3\n", "## module\nairflow.providers.amazon.aws.operators.glue\n")
    assert problems == [
        "wrong-module: airflow.providers.amazon.aws.operators.glue does not define S3CreateObjectOperator; it is in airflow.providers.amazon.aws.operators.s3"
    ]


def test_a_section_in_another_services_document_is_an_error():
    text = (MAPPINGS / "s3.md").read_text().replace("slug: s3", "slug: glue").replace("title: Amazon S3", "title: AWS Glue")
    result = parse_document("mappings/s3.md", text)
    codes = {d.code for d in validate([result.document], INVENTORY, None)[1]}
    assert "wrong-service" in codes
