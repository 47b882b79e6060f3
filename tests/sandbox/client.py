"""The test side of the sandbox: launches the supervisor in a network namespace
of its own and sends it examples to run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.sandbox.isolation import sandbox_environment
from tests.sandbox.services import PROJECT_ROOT


def network_namespace_available() -> bool:
    """Whether `unshare --net` works here (it needs root or user namespaces)."""
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0


@dataclass
class CodeBlockJob:
    role: str
    path: str
    first_line: int
    code: str


def failure_report(result: dict, subject: str, fallback_location: str) -> str:
    """A failed run as `path:line: <subject> failed in its <block> code`, then the traceback and the output."""
    if result.get("timed_out") or "path" not in result:
        where = fallback_location
    else:
        where = f"{os.path.relpath(result['path'], PROJECT_ROOT)}:{result['line']}"
    return (
        f"{where}: {subject} failed in its {result.get('block', 'run')} code\n"
        f"{result.get('error', '')}\n--- output\n{result.get('output', '')}"
    )


class Sandbox:
    """A running sandbox. `run(...)` executes one example and gives its result."""

    def __init__(self, parent_environment: dict[str, str], workdir: Path | None = None) -> None:
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="sandbox-"))
        self.workdir.chmod(0o755)  # PostgreSQL runs as the postgres user when the tests run as root
        self.in_network_namespace = network_namespace_available()
        environment = sandbox_environment(parent_environment, self.workdir / "home")
        environment.update(PYTHONPATH=str(PROJECT_ROOT), SANDBOX_WORKDIR=str(self.workdir))
        command = [sys.executable, "-m", "tests.sandbox.supervisor", str(self.workdir)]
        if self.in_network_namespace:
            environment["SANDBOX_NETNS"] = "1"
            command = ["unshare", "--net", "--kill-child", *command]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=(self.workdir / "supervisor.log").open("wb"),
            env=environment,
            cwd=PROJECT_ROOT,
            text=True,
        )
        self.ready = self._receive()
        if not self.ready.get("ready"):
            self.close()
            raise RuntimeError(f"the sandbox did not start:\n{self.ready.get('error')}\n{self.log_tail()}")

    def _receive(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            return {"ready": False, "error": "the supervisor exited"}
        return json.loads(line)

    def log_tail(self) -> str:
        return "".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}\n" for log in sorted(self.workdir.glob("*.log"))
        )

    def run(self, blocks: list[CodeBlockJob], module: str = "sandbox_example", timeout: float = 60) -> dict:
        job = {"blocks": [block.__dict__ for block in blocks], "module": module, "timeout": timeout}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        result = self._receive()
        if "ok" not in result:
            raise RuntimeError(f"the sandbox stopped:\n{self.log_tail()}")
        return result

    def save_blocks(self) -> None:
        """Save the standard blocks again (`aws-default`, `my-bucket`, `redshift-default`)."""
        self.process.stdin.write(json.dumps({"action": "save-blocks"}) + "\n")
        self.process.stdin.flush()
        result = self._receive()
        if not result.get("ok"):
            raise RuntimeError(f"saving the blocks again failed: {result.get('error')}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)
