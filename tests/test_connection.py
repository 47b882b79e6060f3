"""The connection converter's command line on the shared test vectors, against reviewed
outputs. The browser page is held to the same outputs in test_browser.py, and the AWS
guide runs the printed code end to end in the sandbox (test_guides.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project import ROOT, SNAPSHOTS

VECTORS = json.loads((Path(__file__).parent / "connection_vectors.json").read_text())
OUTPUTS = SNAPSHOTS / "connections"


def cli_output(vector: dict) -> subprocess.CompletedProcess:
    arguments = [sys.executable, "-m", "generator", "connection", vector["input"]]
    if vector.get("show_secrets"):
        arguments.append("--show-secrets")
    if vector.get("name_option"):
        arguments += ["--name", vector["name_option"]]
    return subprocess.run(arguments, capture_output=True, text=True, cwd=ROOT)


def expected_output(vector: dict, result: subprocess.CompletedProcess) -> str:
    """What the converter must print for a vector: the code, or the one-line error."""
    return result.stderr if vector.get("error") else result.stdout


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector["name"])
def test_cli_prints_the_reviewed_output_for_every_vector(vector: dict, update_snapshots: bool):
    result = cli_output(vector)
    assert result.returncode == (2 if vector.get("error") else 0), result.stderr
    output = expected_output(vector, result)
    if vector.get("error"):
        assert output.startswith("error: ") and output.count("\n") == 1 and "Traceback" not in output
    snapshot = OUTPUTS / f"{vector['name']}.txt"
    if update_snapshots:
        OUTPUTS.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(output)
    assert output == snapshot.read_text(), f"review {snapshot} (pytest --update-snapshots rewrites it)"


def test_secrets_are_placeholders_unless_asked_for():
    hidden = cli_output(VECTORS[1]).stdout
    assert "wJalrXUtnFEMI" not in hidden and 'os.environ["AWS_SECRET_ACCESS_KEY"]' in hidden
    shown = cli_output(VECTORS[2]).stdout
    assert '"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"' in shown  # %2F decoded to /


def test_every_extra_not_carried_over_is_a_warning():
    vector = next(vector for vector in VECTORS if vector["name"] == "session-token-and-web-identity")
    result = cli_output(vector)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: not carried over: ")]
    assert len(warnings) == 2
    assert any("assume_role_method 'assume_role_with_web_identity'" in warning for warning in warnings)
    assert any("extra 'service_config'" in warning for warning in warnings)
    assert "#   - extra 'service_config'" in result.stdout


def test_printed_code_compiles_for_every_vector():
    for vector in VECTORS:
        if not vector.get("error"):
            compile(cli_output(vector).stdout, vector["name"], "exec")
