"""Broken mapping documents: each gives its error code at its line, all problems at once, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.load import load_mappings
from generator.parse import parse_document
from generator.validate import validate
from tests.project import MAPPING_LIST

BROKEN = Path(__file__).parent / "broken"
SEED = Path(__file__).parent / "seeds" / "aws-operator-mappings.md"  # copy of shared/seeds, as first received

# document → (code, line) of the one problem it holds
EXPECTED = {
    "duplicate_field": ("duplicate-field", 42),
    "duplicate_section": ("duplicate-section", 56),
    "empty_fence": ("empty-code", 33),
    "incomplete_legacy": ("incomplete-legacy", 15),
    "invalid_python": ("invalid-python", 31),
    "invalid_service_slug": ("front-matter", 1),
    "missing_after": ("missing-field", 27),
    "missing_field": ("missing-field", 8),
    "missing_front_matter": ("front-matter", 1),
    "missing_verification": ("missing-verification", 8),
    "module_not_airflow": ("module-not-airflow", 13),
    "name_mismatch": ("name-mismatch", 9),
    "raw_html": ("raw-html", 53),
    "colin_heading": ("colin-heading", 39),
    "bullet_marker": ("bullet-marker", 53),
    "notes_not_list": ("notes-not-a-list", 52),
    "stray_endsection": ("stray-endsection", 55),
    "text_outside_section": ("text-outside-section", 56),
    "unclosed_fence": ("unclosed-fence", 48),
    "unclosed_section": ("unclosed-section", 8),
    "unclosed_section_before_next": ("unclosed-section", 8),
    "undefined_variable": ("undefined-variable", 32),
    "unknown_field": ("unknown-field", 21),
    "unknown_package": ("unknown-package", 22),
    "unknown_tag": ("template-syntax", 8),
    "unknown_verification_part": ("unknown-field", 47),
}


def diagnose(path: Path) -> list[str]:
    result = parse_document(path.name, path.read_text(encoding="utf-8"))
    diagnostics = list(result.diagnostics)
    if result.document is not None:
        diagnostics += validate([result.document])[1]
    return [f"{d.location.line}:{d.code}" for d in sorted(diagnostics)]


def test_every_broken_document_has_an_expectation():
    assert sorted(path.stem for path in BROKEN.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_document_reports_its_code_at_its_line(name: str):
    code, line = EXPECTED[name]
    found = diagnose(BROKEN / f"{name}.md")
    assert f"{line}:{code}" in found, found


@pytest.mark.parametrize("name", ["unknown_field"])
def test_unknown_field_suggests_the_closest_field(name: str):
    result = parse_document("x.md", (BROKEN / f"{name}.md").read_text())
    messages = [d.message for d in validate([result.document])[1]]
    assert any("did you mean 'prefect_package'?" in message for message in messages), messages


def test_undefined_variable_names_raw_as_the_fix():
    result = parse_document("x.md", (BROKEN / "undefined_variable.md").read_text())
    (diagnostic,) = result.diagnostics
    assert "'ds' is undefined" in diagnostic.message and "{% raw %}" in diagnostic.message


def test_undefined_variable_leaves_no_second_complaint_about_the_same_section():
    assert diagnose(BROKEN / "undefined_variable.md") == ["32:undefined-variable"]


def test_seed_document_fails_only_where_airflow_templating_is_not_raw():
    """The seed (not escaped) reports each `{{ … }}` at its own line, and its other sections parse."""
    lines = SEED.read_text().split("\n")
    result = parse_document("seed.md", SEED.read_text())
    undefined = {d.location.line: d.message for d in result.diagnostics if d.code == "undefined-variable"}
    assert "{{ ds }}" in lines[min(undefined) - 1]
    assert "{{ var.value.role }}" in lines[max(undefined) - 1]
    assert len(undefined) == 2
    assert sum(section.rendered for section in result.document.sections) == 9


def run_cli(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *arguments], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def broken_project(tmp_path: Path) -> Path:
    (tmp_path / "mappings").mkdir()
    for number, name in enumerate(("unknown_field", "invalid_python", "undefined_variable", "module_not_airflow")):
        text = (BROKEN / f"{name}.md").read_text().replace("DemoOperator", f"Demo{number}Operator")
        (tmp_path / "mappings" / f"{name}.md").write_text(text)
    return tmp_path


def test_cli_reports_every_problem_of_every_document_in_one_run(broken_project: Path):
    result = run_cli("check", cwd=broken_project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    reported = [line for line in result.stderr.splitlines() if ": error[" in line]
    assert "mappings/unknown_field.md:21: error[unknown-field]: '## prefect_packge' is not a field; did you mean 'prefect_package'?" in reported
    assert any(line.startswith("mappings/invalid_python.md:31: error[invalid-python]: ") for line in reported)
    assert any(line.startswith("mappings/undefined_variable.md:32: error[undefined-variable]: ") for line in reported)
    assert any(line.startswith("mappings/module_not_airflow.md:13: error[module-not-airflow]: ") for line in reported)
    positions = [(line.split(":")[0], int(line.split(":")[1])) for line in reported]
    assert positions == sorted(positions)


def test_cli_writes_nothing_when_a_document_is_broken(broken_project: Path):
    out = broken_project / "out"
    result = run_cli("render", "--out", str(out), cwd=broken_project)
    assert result.returncode == 2
    assert not out.exists()


def test_project_mappings_have_no_problems():
    mappings, diagnostics = load_mappings(Path(__file__).resolve().parent.parent / "mappings")
    assert [str(d) for d in diagnostics] == []
    assert len(mappings) == len(list(MAPPING_LIST)) >= 12


def test_raw_html_in_a_note_is_rejected_at_its_line_and_code_spans_are_not_html():
    found = diagnose(BROKEN / "raw_html.md")
    assert found == ["53:raw-html"]
    harmless = (BROKEN / "raw_html.md").read_text().replace("<script>window.x=1</script><img src=x onerror=\"alert(1)\">", "`<script>` and `a < b && c > d` and <https://example.com>")
    result = parse_document("x.md", harmless)
    assert validate([result.document])[1] == []

