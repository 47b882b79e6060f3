"""Every code block of the connection guides and the concept pages runs in the sandbox with its
assertions; every IAM policy parses and names real actions and resources."""

from __future__ import annotations

import json
import re

import botocore.session
import pytest

from tests.guides import Fence, GuideExample, guide_examples
from tests.project import ROOT
from tests.sandbox.client import CodeBlockJob, Sandbox, failure_report

GUIDES = sorted((ROOT / "docs" / "connections").glob("*.md")) + sorted((ROOT / "docs" / "concepts").glob("*.md"))
EXAMPLES = [example for guide in GUIDES for example in guide_examples(guide)]
RUNNABLE = [example for example in EXAMPLES if example.example.language in ("python", "bash")]
POLICIES = [example for example in EXAMPLES if example.example.language == "json"]
# IAM actions that authorise a protocol, not an API call, so no service model lists them.
PROTOCOL_ACTIONS = {"rds-db:connect"}
RESOURCE_FORMATS = {
    "rds-db:connect": r"arn:aws:rds-db:[a-z0-9-]+:\d{12}:dbuser:(db|cluster)-[A-Z0-9]+/[\w*-]+",
    "redshift:GetClusterCredentials": r"arn:aws:redshift:[a-z0-9-]+:\d{12}:(dbuser|dbname):[\w-]+/[\w*-]+",
    "redshift-serverless:GetCredentials": r"arn:aws:redshift-serverless:[a-z0-9-]+:\d{12}:workgroup/[\w*-]+",
    "sts:AssumeRole": r"arn:aws:iam::\d{12}:role/[\w+=,.@/-]+",
}


def as_python(fence: Fence) -> str:
    """A bash block becomes Python that runs it, with the project's Python first on PATH."""
    if fence.language == "python":
        return fence.code
    return (
        "import os, subprocess, sys, tempfile; "
        "subprocess.run(['bash', '-euo', 'pipefail', '-c', "
        f"{fence.code!r}], check=True, cwd=tempfile.mkdtemp(), "
        "env=dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH']))\n"
    )


def guide_job(example: GuideExample) -> list[CodeBlockJob]:
    path = str(example.path)
    blocks = [("setup", example.setup), ("example", example.example), ("assertions", example.assertions)]
    return [CodeBlockJob(role, path, fence.first_line, as_python(fence)) for role, fence in blocks if fence is not None]


def test_the_guides_have_examples():
    assert {guide.name for guide in GUIDES} >= {"aws.md", "postgres-iam.md", "converter.md"}
    assert len(RUNNABLE) >= 8 and len(POLICIES) >= 3


@pytest.mark.parametrize("example", RUNNABLE, ids=lambda example: example.location)
def test_guide_example_runs_and_its_assertions_hold(sandbox: Sandbox, example: GuideExample):
    assert example.assertions is not None, f"{example.location}: add a 'How this example is verified' block with assertions"
    try:
        result = sandbox.run(guide_job(example), module="guide_example")
    finally:
        sandbox.save_blocks()
    if not result["ok"]:
        pytest.fail(failure_report(result, "guide example", example.location), pytrace=False)


@pytest.mark.parametrize("example", POLICIES, ids=lambda example: example.location)
def test_iam_policy_parses_and_names_real_actions_and_resource_formats(example: GuideExample):
    policy = json.loads(example.example.code)
    assert policy["Version"] == "2012-10-17"
    session = botocore.session.get_session()
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for action in actions:
            prefix, _, operation = action.partition(":")
            if action not in PROTOCOL_ACTIONS:
                model = session.get_service_model(prefix)
                assert operation in model.operation_names, f"{example.location}: {action} is not an action of {prefix}"
            formats = [RESOURCE_FORMATS[action]]
            assert all(any(re.fullmatch(pattern, resource) for pattern in formats) for resource in resources), (
                f"{example.location}: {resources} for {action}"
            )
