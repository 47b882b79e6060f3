"""Supervisor: starts the servers, then runs examples one at a time, each in a
forked, time-limited process. Speaks JSON lines on stdin/stdout.

Run by `tests.sandbox.client` inside a network namespace of its own
(`unshare --net`), so that the servers and the examples see only loopback.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import traceback
import types
from pathlib import Path

from tests.sandbox import services as sandbox_services
from tests.sandbox.isolation import PollingClock, install_socket_guard

RECORDED_ROLES = ("example", "call")
"""The blocks whose use of moto, PostgreSQL and the helpers earns the page its level (not setup, not assertions)."""
MOTO_CONFIG = {"lambda": {"use_docker": False}, "batch": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}


def main() -> None:
    started = time.monotonic()
    workdir = Path(sys.argv[1])
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the protocol
    if os.environ.get("SANDBOX_NETNS") == "1":
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    services = sandbox_services.Services(workdir)
    environment = dict(os.environ)
    try:
        sandbox_services.start_moto(services, environment)
        sandbox_services.start_postgres(services, environment)
        sandbox_services.start_prefect(services, environment)
        os.environ.update(
            PREFECT_API_URL=services.prefect_api_url,
            PREFECT_HOME=str(workdir / "client-home"),
            PREFECT_LOGGING_LEVEL="WARNING",
            SANDBOX_MOTO_URL=services.moto_url,
            SANDBOX_DATABASE_URL=services.database_url,
        )
        import_example_dependencies()
        sandbox_services.wait_for_all(services)
        reset_aws(services.moto_url)
        block_settings = {"database_url": services.database_url, "moto_url": services.moto_url}
        registration = run_forked(register_blocks, block_settings, timeout=60)
        if not registration["ok"]:
            raise RuntimeError(f"saving the sandbox's blocks failed:\n{registration['error']}")
        send(protocol, {"ready": True, "startup_seconds": time.monotonic() - started, "moto_url": services.moto_url})
        with without_flow_heartbeats():
            for line in sys.stdin:
                job = json.loads(line)
                if job.get("action") == "save-blocks":  # put back blocks an example overwrote
                    send(protocol, run_forked(register_blocks, block_settings, timeout=60))
                    continue
                reset_aws(services.moto_url)
                send(protocol, run_forked(run_example, job, timeout=job.get("timeout", 60)))
    except Exception:
        send(protocol, {"ready": False, "error": traceback.format_exc()})
    finally:
        services.stop()


def send(protocol, message: dict) -> None:
    protocol.write(json.dumps(message) + "\n")
    protocol.flush()


def import_example_dependencies() -> None:
    """Import once here what every example needs, so a forked example starts warm."""
    import boto3  # noqa: F401
    import prefect  # noqa: F401
    import prefect.flows  # noqa: F401
    import prefect_aws  # noqa: F401
    import prefect_sqlalchemy  # noqa: F401
    import psycopg2  # noqa: F401
    import sqlalchemy  # noqa: F401


def reset_aws(moto_url: str) -> None:
    """Empty the local AWS between examples, let Lambda run without Docker, and let Step Functions execute."""
    for path, payload in (("/moto-api/reset", {}), ("/moto-api/config", MOTO_CONFIG)):
        sandbox_services.post_json(f"{moto_url}{path}", payload)


def run_forked(function, job: dict, timeout: float) -> dict:
    """Run `function(job)` in a forked child; stop it after `timeout` seconds."""
    reader, writer = os.pipe()
    log = Path(os.environ.get("SANDBOX_WORKDIR", ".")) / "example.log"
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(reader)
        code = 1
        try:
            output = os.open(str(log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(output, 1)
            os.dup2(output, 2)
            result = function(job)
            code = 0
        except BaseException:
            result = {"ok": False, "error": traceback.format_exc()}
        try:
            import atexit

            atexit._run_exitfuncs()  # let Prefect drain its log and event workers
        finally:
            os.write(writer, json.dumps(result).encode())
            os._exit(code)
    os.close(writer)
    chunks = []
    deadline = started + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(reader)
            return {"ok": False, "timed_out": True, "error": f"stopped after {timeout} s: the example did not finish", "seconds": timeout, "output": _tail(log)}
        readable, _, _ = select.select([reader], [], [], min(remaining, 0.5))
        if readable:
            chunk = os.read(reader, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    os.close(reader)
    os.waitpid(pid, 0)
    seconds = time.monotonic() - started
    try:
        result = json.loads(b"".join(chunks) or b"{}")
    except json.JSONDecodeError:
        result = {}
    if "ok" not in result:
        result = {"ok": False, "error": "the example's process died without a result"}
    result.update(seconds=seconds, output=_tail(log))
    return result


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-4000:]
    except OSError:
        return ""


def run_example(job: dict) -> dict:
    """Run an example's blocks in order in one module namespace; report where it failed."""
    from tests.sandbox.helpers import unset_transitions, verification_namespace
    from tests.sandbox.usage import Usage

    files = {block["path"] for block in job["blocks"]}
    install_socket_guard()
    clock = PollingClock(files)
    clock.install()
    usage = Usage()
    usage.install()
    module = types.ModuleType(job.get("module", "sandbox_example"))
    sys.modules[module.__name__] = module
    namespace = module.__dict__
    namespace.update(verification_namespace(usage))
    try:
        return run_blocks(job, namespace, usage, clock, files)
    finally:
        unset_transitions()


def without_flow_heartbeats():
    """Settings without flow-run heartbeats or logs sent to the API, entered once here and inherited by every forked example.

    Heartbeats let a worker's server notice a crashed run; an example runs in-process with
    no worker. Prefect 3.8.8 joins its heartbeat thread at the end of every flow call, which
    waits out that thread's one-second sleep: most of a short example's time. No verification
    reads logs back, and every log written is one more write for the server's SQLite database,
    whose write conflicts answer 503 and cost the client a two-second retry.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_LOGGING_TO_API_ENABLED, temporary_settings

    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None, PREFECT_LOGGING_TO_API_ENABLED: False})


def run_blocks(job: dict, namespace: dict, usage, clock, files: set[str]) -> dict:
    """Run the job's blocks in order in `namespace`; report where one failed."""
    for block in job["blocks"]:
        code = compile("\n" * (block["first_line"] - 1) + block["code"], block["path"], "exec")
        usage.recording = block["role"] in RECORDED_ROLES
        try:
            exec(code, namespace)
            if block["role"] == "call":
                usage.finish()
        except BaseException as error:
            frames = traceback.extract_tb(error.__traceback__)
            lines = [frame.lineno for frame in frames if frame.filename in files]
            return {
                "ok": False,
                "block": block["role"],
                "line": lines[-1] if lines else block["first_line"],
                "path": block["path"],
                "error": "".join(traceback.format_exception(error.__class__, error, error.__traceback__.tb_next)),
                "slept_seconds": clock.skipped_seconds,
            }
    return {"ok": True, "slept_seconds": clock.skipped_seconds, "backends": sorted(usage.backends), "calls": usage.calls[:100]}


def register_blocks(job: dict) -> dict:
    """Save the blocks the examples load, pointing at the local AWS and PostgreSQL."""
    from urllib.parse import urlsplit

    from prefect_aws import AwsClientParameters, AwsCredentials, S3Bucket
    from prefect_sqlalchemy import ConnectionComponents, SqlAlchemyConnector, SyncDriver

    credentials = AwsCredentials(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
        aws_client_parameters=AwsClientParameters(endpoint_url=job["moto_url"]),
    )
    credentials.save("aws-default", overwrite=True)
    S3Bucket(bucket_name="my-bucket", credentials=credentials).save("my-bucket", overwrite=True)
    database = urlsplit(job["database_url"])
    connector = SqlAlchemyConnector(
        connection_info=ConnectionComponents(
            driver=SyncDriver.POSTGRESQL_PSYCOPG2,
            username=database.username,
            host=database.hostname,
            port=database.port,
            database=database.path.lstrip("/"),
        )
    )
    # One local PostgreSQL stands in for Redshift and for a DAG's own PostgreSQL database.
    for name in ("redshift-default", "postgres-default"):
        connector.save(name, overwrite=True)
    return {"ok": True}


if __name__ == "__main__":
    main()
