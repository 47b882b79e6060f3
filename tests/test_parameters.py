"""`## parameters`: every own parameter of a class covered once, checked against the inventory; the table on the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.inventory import load_inventory
from generator.model import Mapping
from generator.parameters import parse_shared_parameters
from generator.parse import parse_document
from generator.validate import validate
from tests.project import MAPPING_LIST, MAPPINGS

INVENTORY = load_inventory()
SHARED, SHARED_PROBLEMS = parse_shared_parameters("mappings/shared/parameters.md", (MAPPINGS / "shared" / "parameters.md").read_text())


def problems_after(replace: str, by: str) -> list[str]:
    """`line:code: message` of mappings/s3.md's problems after one edit."""
    text = (MAPPINGS / "s3.md").read_text()
    assert replace in text
    result = parse_document("mappings/s3.md", text.replace(replace, by, 1))
    return [f"{d.location.line}:{d.code}: {d.message}" for d in validate([result.document], INVENTORY, SHARED)[1]]


def line_of(text: str) -> int:
    return (MAPPINGS / "s3.md").read_text().split("\n").index(text) + 1


def test_shared_defaults_parse_without_problems():
    assert SHARED_PROBLEMS == []
    assert SHARED["aws_conn_id"].concept == "concepts/aws-arguments.md"
    assert SHARED["deferrable"].concept == "concepts/waiting-and-sensors.md#deferrable-operators-deferrable"


def test_a_misspelled_parameter_is_an_error_at_its_line_with_did_you_mean():
    bullet = next(line for line in (MAPPINGS / "s3.md").read_text().split("\n") if line.startswith("- `s3_key`:"))
    problems = problems_after(bullet, bullet.replace("`s3_key`", "`s3_keys`"))
    assert f"{line_of(bullet)}:unknown-parameter: S3CreateObjectOperator has no parameter 's3_keys'; did you mean 's3_key'?" in problems


def test_a_missing_parameter_is_an_error_that_names_it():
    bullet = next(line for line in (MAPPINGS / "s3.md").read_text().split("\n") if line.startswith("- `encrypt`:"))
    problems = problems_after(bullet + "\n", "")
    assert any(problem.endswith("missing-parameter: S3CreateObjectOperator's parameter 'encrypt' needs a bullet under '## parameters'") for problem in problems), problems


def test_a_parameter_covered_twice_is_an_error():
    bullet = next(line for line in (MAPPINGS / "s3.md").read_text().split("\n") if line.startswith("- `data`:"))
    problems = problems_after(bullet, f"{bullet}\n{bullet}")
    assert f"{line_of(bullet) + 1}:duplicate-parameter: 'data' is already covered at line {line_of(bullet)}" in problems


def edited_s3_mappings(replace: str, by: str) -> tuple[dict[str, Mapping], list[str]]:
    text = (MAPPINGS / "s3.md").read_text()
    assert replace in text
    mappings, problems = validate([parse_document("mappings/s3.md", text.replace(replace, by, 1)).document], INVENTORY, SHARED)
    return {mapping.operator: mapping for mapping in mappings}, [f"{d.location.line}:{d.code}: {d.message}" for d in problems]


def test_a_sensor_may_explain_an_inherited_sensor_argument_for_itself_in_a_row_marked_inherited():
    bullet = next(line for line in (MAPPINGS / "s3.md").read_text().split("\n") if line.startswith("- `bucket_name`:"))
    mappings, problems = edited_s3_mappings(bullet, f"{bullet}\n- `poke_interval`: the listing loop's sleep")
    assert problems == []
    row = mappings["S3KeySensor"].parameter_rows[-1]
    assert (row.name, row.prefect, row.inherited_from) == ("poke_interval", "the listing loop's sleep", "concepts/waiting-and-sensors.md#sensors-poke_interval-timeout-mode")


def test_an_operator_cannot_explain_a_sensor_argument_it_does_not_inherit():
    bullet = next(line for line in (MAPPINGS / "s3.md").read_text().split("\n") if line.startswith("- `data`:"))
    _, problems = edited_s3_mappings(bullet, f"{bullet}\n- `poke_interval`: the loop's sleep")
    assert f"{line_of(bullet) + 1}:unknown-parameter: S3CreateObjectOperator has no parameter 'poke_interval'" in problems


def test_a_bullet_not_in_the_parameter_form_is_an_error():
    bullet = next(line for line in (MAPPINGS / "s3.md").read_text().split("\n") if line.startswith("- `data`:"))
    problems = problems_after(bullet, bullet.replace("`data`:", "data -"))
    assert any(":parameter-bullet: " in problem for problem in problems)


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=lambda mapping: mapping.operator)
def test_every_section_has_a_row_for_every_own_parameter_of_its_class(mapping: Mapping):
    cls = INVENTORY.by_name()[mapping.parameters_of]
    own_rows = [row for row in mapping.parameter_rows if not row.inherited_from]
    assert [row.name for row in own_rows] == [parameter.name for parameter in cls.parameters]
    for row in mapping.parameter_rows:
        assert row.prefect.strip() and row.prefect.strip() not in {"—", "-", "n/a"}
        assert row.templated == (row.name in cls.template_fields)


def test_page_table_has_default_templated_and_prefect_columns_and_links_inherited_arguments(site_dir: Path):
    html = (site_dir / "operators/s3/s3createobjectoperator/index.html").read_text()
    assert "<th>Airflow parameter</th>" in html and "<th>Airflow default</th>" in html and "<th>Templated</th>" in html
    assert '<td><code>s3_key</code></td>\n<td>required</td>\n<td><a href="../../../concepts/templating/">yes</a></td>' in html
    assert '<td><code>replace</code></td>\n<td><code>False</code></td>\n<td>no</td>' in html
    assert 'href="../../../concepts/aws-arguments/">the AWS arguments</a>' in html
    assert 'href="../../../concepts/task-options/">BaseOperator' in html


def test_an_inherited_argument_explained_by_the_section_links_its_group_in_the_default_column(site_dir: Path):
    html = (site_dir / "operators/s3/s3createbucketoperator/index.html").read_text()
    assert '<td><code>region_name</code></td>\n<td><a href="../../../concepts/aws-arguments/">inherited</a></td>' in html


def test_a_shared_default_links_its_concepts_page(site_dir: Path):
    html = (site_dir / "operators/athena/athenaoperator/index.html").read_text()
    row = html[html.index("<td><code>deferrable</code></td>") :][:800]
    assert 'href="../../../concepts/waiting-and-sensors/#deferrable-operators-deferrable">shared</a>' in row


def test_raw_html_in_a_shared_default_is_an_error_at_its_line():
    text = (MAPPINGS / "shared" / "parameters.md").read_text()
    line = next(number for number, content in enumerate(text.split("\n"), 1) if content.startswith("- `verify`:"))
    _, problems = parse_shared_parameters("shared.md", text.replace("- `verify`: ", "- `verify`: <b>bold</b> ", 1))
    assert [(d.location.line, d.code) for d in problems] == [(line, "raw-html")]
