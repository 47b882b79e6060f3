"""Every Prefect example runs in the sandbox with its setup, call and assertions;
a failure points at the mapping document's line."""

from __future__ import annotations


import pytest

from generator.load import load_mappings
from generator.model import Mapping
from tests.project import MAPPINGS, MAPPING_LIST, ROOT
from tests.sandbox.client import CodeBlockJob, Sandbox, failure_report

VERIFIED = [mapping for mapping in MAPPING_LIST if mapping.verification]
UNVERIFIED = [mapping for mapping in MAPPING_LIST if not mapping.verification]

def example_job(mapping: Mapping) -> list[CodeBlockJob]:
    """The code the sandbox runs for a mapping: setup, the Prefect example, the call, the assertions."""
    path = str((ROOT / mapping.location.path).resolve())
    blocks = []
    for role, block in [("example", mapping.example("after")), *mapping.verification]:
        blocks.append(CodeBlockJob(role=role, path=path, first_line=block.first_code_line, code=block.code))
    order = {"setup": 0, "example": 1, "call": 2, "assertions": 3}
    return sorted(blocks, key=lambda block: order[block.role])


@pytest.mark.parametrize("mapping", VERIFIED, ids=lambda mapping: mapping.operator)
def test_prefect_example_runs_and_its_assertions_hold(sandbox: Sandbox, mapping: Mapping):
    result = sandbox.run(example_job(mapping), module=f"example_{mapping.slug}")
    if not result["ok"]:
        pytest.fail(failure_report(result, f"example {mapping.operator}", str(mapping.location)), pytrace=False)


def test_every_unexecuted_example_says_plainly_why():
    for mapping in UNVERIFIED:
        assert len(mapping.text("unverified")) > 40, f"{mapping.location}: say plainly why this example cannot run in the sandbox"


@pytest.mark.parametrize(
    ("broken", "fixed", "error"),
    [
        ("content=data.encode()", "contents=data.encode()", "TypeError"),
        ("from prefect_aws import S3Bucket\n\n\n@task", "\n\n\n@task", "NameError"),
    ],
    ids=["wrong-argument", "missing-import"],
)
def test_breaking_an_example_on_purpose_fails_at_its_mapping_line(sandbox: Sandbox, tmp_path, broken, fixed, error):
    document = (MAPPINGS / "s3.md").read_text()
    assert broken in document
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "s3.md").write_text(document.replace(broken, fixed, 1))
    mappings, diagnostics = load_mappings(tmp_path / "mappings", tmp_path)
    assert not diagnostics
    (mapping,) = [m for m in mappings if m.operator == "S3CreateObjectOperator"]
    blocks = [
        CodeBlockJob(job.role, str(tmp_path / "mappings" / "s3.md"), job.first_line, job.code) for job in example_job(mapping)
    ]
    result = sandbox.run(blocks)
    assert not result["ok"]
    failing_line = (tmp_path / "mappings" / "s3.md").read_text().split("\n")[result["line"] - 1]
    assert ("write_path" if error == "TypeError" else "S3Bucket.load") in failing_line
    assert error in result["error"]
    assert f'mappings/s3.md", line {result["line"]}' in result["error"]
