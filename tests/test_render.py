"""Rendered pages and the JSON export: reviewed snapshots, Colin's JSON rules, byte-identical reruns."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.load import load_mappings
from generator.inventory import load_inventory
from generator.render import humanize, render_site
from generator.versions import project_versions

from tests.project import MAPPINGS, ROOT, SNAPSHOTS

REQUIRED_KEYS = {"operator", "module", "source_context", "prefect_pattern", "prefect_package", "prefect_import", "example"}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    mappings, diagnostics = load_mappings(MAPPINGS)
    assert not diagnostics
    return render_site(mappings, project_versions(ROOT), "https://reference.example/", load_inventory())


def check_snapshot(name: str, actual: str, update: bool) -> None:
    snapshot = SNAPSHOTS / name
    if update:
        snapshot.write_text(actual, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot}; run pytest --update-snapshots and review the file"
    assert actual == snapshot.read_text(encoding="utf-8"), f"{name} differs from its reviewed snapshot; review, then pytest --update-snapshots"


@pytest.mark.parametrize(
    ("path", "snapshot"),
    [
        ("operators/s3/s3createobjectoperator.md", "s3createobjectoperator.md"),
        ("operators/athena/athenaoperator.md", "athenaoperator.md"),
        ("operators/index.md", "catalog.md"),
    ],
)
def test_rendered_page_matches_reviewed_snapshot(rendered, path, snapshot, update_snapshots):
    check_snapshot(snapshot, rendered[path], update_snapshots)


def test_json_export_matches_reviewed_snapshot(rendered, update_snapshots):
    check_snapshot("mappings.json", rendered["mappings.json"], update_snapshots)


def test_every_mapping_has_a_page_at_its_documented_url(rendered):
    mappings, _ = load_mappings(MAPPINGS)
    for mapping in mappings:
        assert mapping.page_path == f"operators/{mapping.service.slug}/{mapping.operator.lower()}.md"
        assert mapping.page_path in rendered


def test_airflow_templating_in_raw_blocks_is_shown_literally(rendered):
    assert "query=\"SELECT * FROM my_table WHERE date = '{{ ds }}'\"" in rendered["operators/athena/athenaoperator.md"]
    assert "SELECT '{{ ds }}', SUM(amount)" in rendered["operators/redshift/redshiftsqloperator.md"]


def test_json_export_follows_colins_rules(rendered):
    records = json.loads(rendered["mappings.json"])
    assert len(records) == len(load_mappings(MAPPINGS)[0])
    for operator, record in records.items():
        assert record["operator"] == operator
        assert REQUIRED_KEYS <= set(record)
        assert set(record["example"]) == {"before", "after"}  # ### headings → nested object
        for part in record["example"].values():
            assert part.startswith("```python\n") and part.endswith("\n```")  # fences kept verbatim
        assert isinstance(record.get("notes", []), list)  # bullet list → array
        assert isinstance(record["source_context"], str)
    assert records["S3CreateObjectOperator"]["notes"][0] == (
        'For a local file, use `bucket.upload_from_path("local/data.json", "output/data.json")`.'
    )
    assert set(records["S3CreateObjectOperator"]["verification"]) == {"setup", "call", "assertions"}


def test_humanize_spells_out_the_words_of_a_class_name():
    assert humanize("S3CreateObjectOperator") == "S3 Create Object Operator"
    assert humanize("RedshiftSQLOperator") == "Redshift SQL Operator"


def test_rendering_twice_in_fresh_processes_gives_byte_identical_files(tmp_path: Path, rendered):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        environment = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run(
            [sys.executable, "-m", "generator", "render", "--out", str(out)], cwd=ROOT, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs.append({path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == len(rendered) + 1  # and the manifest
    assert all(b"\r\n" not in data and data.endswith(b"\n") and not data.endswith(b"\n\n") for data in outputs[0].values())


def test_render_writes_only_what_changed(tmp_path: Path, rendered):
    def render() -> str:
        return subprocess.run(
            [sys.executable, "-m", "generator", "render", "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True
        ).stdout

    assert render().startswith(f"{len(rendered)} file(s) changed")
    assert render().startswith("0 file(s) changed")


def test_code_fences_show_angle_brackets_and_ampersands_literally_on_the_page(tmp_path: Path):
    """Mapping code is data too: `<script>` in an example is shown, never run."""
    import markdown
    import yaml

    shutil.copytree(MAPPINGS / "shared", tmp_path / "mappings" / "shared")
    document = (MAPPINGS / "s3.md").read_text().replace(
        'return upload("output/data.json", \'{"result": "ok"}\')',
        'return upload("output/data.json", "<script>alert(1)</script> & a < b > c")',
        1,
    )
    (tmp_path / "mappings" / "s3.md").write_text(document)
    mappings, diagnostics = load_mappings(tmp_path / "mappings", tmp_path)
    assert not diagnostics
    page = render_site(mappings, project_versions(ROOT), "https://reference.example/", load_inventory())["operators/s3/s3createobjectoperator.md"]
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text().replace("!ENV", ""))
    extensions = [next(iter(item)) if isinstance(item, dict) else item for item in config["markdown_extensions"]]
    settings = {next(iter(item)): item[next(iter(item))] for item in config["markdown_extensions"] if isinstance(item, dict)}
    html = markdown.markdown(page.split("---", 2)[2], extensions=extensions, extension_configs=settings)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; a &lt; b &gt; c" in html
    assert "<script>" not in html
