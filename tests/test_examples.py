"""Every Prefect example runs in the sandbox with its setup, call and assertions;
a failure points at the mapping document's line."""

from __future__ import annotations

import shutil


import pytest

from generator.levels import backends_in_code, level_for
from generator.load import load_mappings
from generator.model import Mapping
from tests.project import MAPPINGS, MAPPING_LIST, ROOT
from tests.sandbox.client import CodeBlockJob, Sandbox, failure_report
from tests.sandbox.usage import with_idempotency_tokens

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


def level_problem(shown: str, result: dict) -> str | None:
    """Why a page's level is not the one its run earned, if it is not."""
    earned = level_for(result["backends"])
    if earned == shown:
        return None
    return f"the page shows the level '{shown}', but the run earned '{earned}'; what the example and its call used: {result['calls'][:12]}"


@pytest.mark.parametrize("mapping", VERIFIED, ids=lambda mapping: mapping.operator)
def test_prefect_example_runs_and_its_assertions_hold_at_the_level_its_page_shows(sandbox: Sandbox, mapping: Mapping):
    result = sandbox.run(example_job(mapping), module=f"example_{mapping.slug}")
    if not result["ok"]:
        pytest.fail(failure_report(result, f"example {mapping.operator}", str(mapping.location)), pytrace=False)
    problem = level_problem(mapping.verification_record.level, result)
    assert problem is None, f"{mapping.location}: {problem}"


def test_a_page_cannot_show_a_higher_level_than_its_run_earned(sandbox: Sandbox):
    """An example that imports prefect_aws reads as 'moto', but one that never reaches AWS earns nothing."""
    blocks = [
        CodeBlockJob("example", "idle.md", 1, "from prefect_aws import AwsCredentials\n\ndef idle():\n    return 1\n"),
        CodeBlockJob("call", "idle.md", 10, "value = idle()\n"),
        CodeBlockJob("assertions", "idle.md", 20, "assert value == 1\naws('s3').list_buckets()\n"),
    ]
    result = sandbox.run(blocks)
    assert result["ok"], result.get("error")
    assert result["backends"] == []
    assert "the run earned 'not-executed'" in level_problem("moto", result)


def describe_step_job(answers: object, body: str, expected: object) -> list[CodeBlockJob]:
    """A job whose setup answers `emr.describe_step` with `answers`, whose example's `run()` does `body`
    with an EMR client `emr`, and whose assertions expect `run()` to give `expected`."""
    return [
        CodeBlockJob("setup", "answered.md", 1, f'answer_locally("emr", "describe_step", {answers!r})\n'),
        CodeBlockJob(
            "example",
            "answered.md",
            5,
            "from prefect_aws import AwsCredentials\n\ndef run():\n    emr = AwsCredentials.load('aws-default').get_client('emr')\n" + body,
        ),
        CodeBlockJob("call", "answered.md", 20, "value = run()\n"),
        CodeBlockJob("assertions", "answered.md", 30, f"assert value == {expected!r}, value\n"),
    ]


STEP_STATE = "emr.describe_step(ClusterId='j-1', StepId='s-1')['Step']['Status']['State']"


def test_a_call_answered_locally_earns_the_answered_level_not_moto(sandbox: Sandbox):
    body = f"    emr.list_clusters()\n    return {STEP_STATE}\n"
    result = sandbox.run(describe_step_job({"Step": {"Status": {"State": "COMPLETED"}}}, body, "COMPLETED"))
    assert result["ok"], result.get("error")
    assert result["backends"] == ["answered", "moto"]
    assert level_for(result["backends"]) == "moto-answered"
    assert level_problem("moto", result) is not None


def test_a_list_of_local_answers_is_given_in_turn_and_its_last_repeated(sandbox: Sandbox):
    states = [{"Step": {"Status": {"State": state}}} for state in ("PENDING", "RUNNING", "COMPLETED")]
    body = f"    return [{STEP_STATE} for _ in range(4)]\n"
    result = sandbox.run(describe_step_job(states, body, ["PENDING", "RUNNING", "COMPLETED", "COMPLETED"]))
    assert result["ok"], result.get("error")
    assert result["backends"] == ["answered"]


MODEL_STUB_SETUP = (  # start_flow's clientToken is filled in by botocore, as for a real call
    "from botocore.stub import ANY\n"
    'stub = model_stub("appflow")\n'
    'stub.add_response("start_flow", {"flowArn": "arn:aws:appflow:us-east-1:123456789012:flow/daily", "executionId": "e-1"}, {"flowName": "daily", "clientToken": ANY})\n'
)
MODEL_STUB_EXAMPLE = (
    "from prefect_aws import AwsCredentials\n\ndef start(name):\n"
    "    return AwsCredentials.load('aws-default').get_client('appflow').start_flow(flowName=name)['executionId']\n"
)


@pytest.mark.parametrize(
    ("call", "outcome"),
    [
        ("value = start('daily')\n", "ok"),
        ("value = start(5)\n", "Invalid type for parameter flowName"),
        ("value = start('weekly')\n", "was called with {'flowName': 'weekly', 'clientToken': "),
        ("value = 'e-1'\n", "expected call(s) not made: appflow.start_flow"),
    ],
    ids=["matches-the-model", "breaks-the-model", "unexpected-arguments", "call-never-made"],
)
def test_model_stub_checks_requests_against_the_service_model_and_that_expected_calls_are_made(sandbox: Sandbox, call, outcome):
    blocks = [
        CodeBlockJob("setup", "stub.md", 1, MODEL_STUB_SETUP),
        CodeBlockJob("example", "stub.md", 5, MODEL_STUB_EXAMPLE),
        CodeBlockJob("call", "stub.md", 20, call),
        CodeBlockJob("assertions", "stub.md", 30, "assert value == 'e-1'\n"),
    ]
    result = sandbox.run(blocks)
    if outcome == "ok":
        assert result["ok"], result.get("error")
        assert level_for(result["backends"]) == "api-model"
    else:
        assert not result["ok"] and result["block"] == "call"
        assert outcome in result["error"], result["error"]


def test_a_model_checked_call_gets_the_idempotency_token_botocore_would_fill_in():
    import botocore.session

    model = botocore.session.get_session().get_service_model("emr-serverless").operation_model("StartSession")
    params = {"applicationId": "a", "executionRoleArn": "arn:aws:iam::123456789012:role/r"}
    filled = with_idempotency_tokens(params, model)
    assert set(filled) == {*params, "clientToken"} and len(filled["clientToken"]) == 36
    assert with_idempotency_tokens({**params, "clientToken": "mine"}, model)["clientToken"] == "mine"
    assert "clientToken" not in params


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
    shutil.copytree(MAPPINGS / "shared", tmp_path / "mappings" / "shared")
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


def test_a_page_names_each_answered_call_once_however_often_the_verification_answers_it():
    verification = (
        'answer_locally("emr", "describe_step", {"Step": {"Status": {"State": "RUNNING"}}})\n'
        'answer_locally("emr", "describe_step", {"Step": {"Status": {"State": "COMPLETED"}}})\n'
        'model_stub("emr").add_response("describe_notebook_execution", {})\n'
    )
    backends, calls = backends_in_code("from prefect_aws import AwsCredentials\n", verification)
    assert backends == ("answered", "model")
    assert calls == ("emr.describe_step", "emr")
