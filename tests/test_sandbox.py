"""The sandbox keeps examples in their box: loopback only, no inherited credentials,
a time limit, and polling sleeps that do not slow the suite."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conftest import CANARY_ENVIRONMENT
from tests.sandbox.client import CodeBlockJob, Sandbox
from tests.sandbox.isolation import sandbox_environment


def run(sandbox: Sandbox, code: str, timeout: float = 60) -> dict:
    return sandbox.run([CodeBlockJob("example", "/sandbox-test/example.md", 1, textwrap.dedent(code))], timeout=timeout)


def test_example_cannot_reach_a_host_other_than_loopback(sandbox: Sandbox):
    result = run(
        sandbox,
        """
        import socket
        socket.create_connection(("192.0.2.10", 443), timeout=2)  # TEST-NET-1: never routed
        """,
    )
    assert not result["ok"]
    assert "only 127.0.0.1 is reachable" in result["error"]


def test_example_cannot_look_up_a_public_name(sandbox: Sandbox):
    result = run(sandbox, "import urllib.request\nurllib.request.urlopen('https://s3.amazonaws.com', timeout=2)\n")
    assert not result["ok"]
    assert "no name lookups but localhost" in result["error"]


def test_sandbox_network_has_only_the_loopback_interface(sandbox: Sandbox):
    assert sandbox.in_network_namespace, "unshare --net is not available here; the socket guard alone isolates examples"
    result = run(sandbox, "import socket\nnames = [name for _, name in socket.if_nameindex()]\nassert names == ['lo'], names\n")
    assert result["ok"], result.get("error")


def test_credentials_of_the_parent_environment_are_invisible_to_examples(sandbox: Sandbox):
    result = run(
        sandbox,
        f"""
        import os
        import boto3
        leaked = [name for name, value in os.environ.items() if value in {sorted(CANARY_ENVIRONMENT.values())!r}]
        assert leaked == [], leaked
        assert "AWS_ACCESS_KEY_ID" not in os.environ and "AWS_PROFILE" not in os.environ
        assert boto3.Session().get_credentials() is None
        """,
    )
    assert result["ok"], result.get("error")


def test_sandbox_environment_drops_credentials_and_points_config_files_at_empty_ones(tmp_path: Path):
    environment = sandbox_environment({"PATH": "/usr/bin", **CANARY_ENVIRONMENT, "PREFECT_API_KEY": "pnu_x"}, tmp_path)
    assert environment["PATH"] == "/usr/bin"
    assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "PREFECT_API_KEY"} & set(environment)
    assert Path(environment["AWS_SHARED_CREDENTIALS_FILE"]).read_text() == ""
    assert Path(environment["AWS_CONFIG_FILE"]).read_text() == ""


def test_example_that_never_ends_is_stopped_and_the_next_one_still_runs(sandbox: Sandbox):
    stuck = run(sandbox, "while True:\n    pass\n", timeout=3)
    assert not stuck["ok"] and stuck["timed_out"]
    assert "stopped after 3 s" in stuck["error"]
    after = run(sandbox, "assert 1 + 1 == 2\n")
    assert after["ok"]


def test_polling_sleeps_return_at_once_and_prefect_still_runs_its_flow(sandbox: Sandbox):
    result = run(
        sandbox,
        """
        import time
        from prefect import flow, get_run_logger

        @flow
        def poll():
            for _ in range(3):
                time.sleep(30)
            get_run_logger().info("done polling")
            return "finished"

        assert poll() == "finished"
        """,
    )
    assert result["ok"], result.get("error")
    assert result["slept_seconds"] == 90
    assert result["seconds"] < 20


def test_a_flow_call_in_an_example_does_not_wait_out_a_heartbeat_thread(sandbox: Sandbox):
    result = run(
        sandbox,
        """
        import time
        from prefect import flow
        from prefect.settings import get_current_settings

        @flow
        def quick():
            return get_current_settings().flows.heartbeat_frequency

        started = time.perf_counter()
        assert [quick() for _ in range(3)] == [None, None, None]
        assert time.perf_counter() - started < 2.5, "each flow call joined a heartbeat thread's one-second sleep"
        """,
    )
    assert result["ok"], result.get("error")


def test_a_state_transition_an_example_sets_does_not_reach_the_next_example(sandbox: Sandbox):
    read_transition = """
        import json, urllib.request
        with urllib.request.urlopen(MOTO_URL + "/moto-api/state-manager/get-transition?model_name=athena::execution") as response:
            transition = json.load(response)
        """
    setting = run(sandbox, read_transition + """
        moto_api("/moto-api/state-manager/set-transition", {"model_name": "athena::execution", "transition": {"progression": "manual", "times": 1}})
        with urllib.request.urlopen(MOTO_URL + "/moto-api/state-manager/get-transition?model_name=athena::execution") as response:
            assert json.load(response)["progression"] == "manual"
        """)
    assert setting["ok"], setting.get("error")
    after = run(sandbox, read_transition + """
        assert transition.get("progression") != "manual", transition
        """)
    assert after["ok"], after.get("error")


def test_a_failing_example_points_at_its_document_line(sandbox: Sandbox):
    code = "from prefect import task\n\n@task\ndef broken():\n    return missing_name\n\nbroken()\n"
    result = sandbox.run([CodeBlockJob("example", "/sandbox-test/mapping.md", 40, code)])
    assert not result["ok"]
    assert result["path"] == "/sandbox-test/mapping.md"
    assert result["line"] == 44  # `return missing_name` is the code's 5th line, and the code starts at line 40
    assert "NameError" in result["error"]
