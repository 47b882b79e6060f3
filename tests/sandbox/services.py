"""The sandbox's servers: moto, PostgreSQL and a Prefect API server, each a
child process on 127.0.0.1 with its state in a temporary folder."""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A Prefect database migrated once and copied for every start (a fresh migration costs 8–10 s).
PREFECT_DATABASE_CACHE = PROJECT_ROOT / ".cache" / "sandbox"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready, what: str, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} not ready after {timeout} s:\n{log.read_text()[-3000:]}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def post_json(url: str, payload: object) -> None:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10):
        pass


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path
    stop_command: list[str] | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            if self.stop_command:
                subprocess.run(self.stop_command, capture_output=True)
            else:
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Services:
    """Handles on the running servers and the URLs the examples use."""

    workdir: Path
    moto_url: str = ""
    prefect_api_url: str = ""
    database_url: str = ""
    running: list[Service] = field(default_factory=list)
    pending: list[tuple] = field(default_factory=list)

    def stop(self) -> None:
        for service in reversed(self.running):
            service.stop()
        self.running.clear()


def _spawn(command: list[str], log: Path, environment: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        command, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=environment, start_new_session=True, **kwargs
    )


def start_moto(services: Services, environment: dict[str, str]) -> None:
    port = free_port()
    log = services.workdir / "moto.log"
    process = _spawn([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], log, environment)
    services.moto_url = f"http://127.0.0.1:{port}"
    services.running.append(Service("moto", process, log))
    services.pending.append((lambda: http_ok(f"{services.moto_url}/moto-api/data.json"), "moto server", 30, process, log))


def _postgres_bin() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed; `make test` installs Debian's postgresql package")
    return Path(candidates[-1]).parent


def start_postgres(services: Services, environment: dict[str, str]) -> None:
    bin_dir = _postgres_bin()
    folder = services.workdir / "postgres"
    folder.mkdir()
    # PostgreSQL refuses to run as root: run it as the postgres user then.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    init = subprocess.run(
        as_postgres + [str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
        capture_output=True,
        text=True,
        env=environment,
    )
    if init.returncode != 0:
        raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    port = free_port()
    log = services.workdir / "postgres.log"
    settings = ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"]
    process = _spawn(
        as_postgres + [str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port), "-k", str(folder), *settings],
        log,
        environment,
    )
    services.database_url = f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    stop = as_postgres + [str(bin_dir / "pg_ctl"), "-D", str(data), "stop", "-m", "fast"]
    services.running.append(Service("postgres", process, log, stop))

    def ready() -> bool:
        return subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"]).returncode == 0

    services.pending.append((ready, "PostgreSQL", 30, process, log))


def prefect_environment(services: Services, environment: dict[str, str], database: Path) -> dict[str, str]:
    return dict(
        environment,
        PREFECT_HOME=str(services.workdir / "prefect-home"),
        PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{database}",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",
        PREFECT_SERVER_UI_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        **{f"PREFECT_SERVER_SERVICES_{name.upper()}_ENABLED": "false" for name in IDLE_SERVICES},
    )


IDLE_SERVICES = (
    "cancellation_cleanup", "db_vacuum", "event_persister", "event_logger", "foreman", "late_runs",
    "scheduler", "pause_expirations", "repossessor", "cleanup_reconciler", "triggers",
)
"""Prefect server services the examples do not need. The task run recorder stays on: it writes the task
runs' states that a client reports as events, which the concept pages' examples read back."""


def migrated_prefect_database(environment: dict[str, str]) -> Path:
    """A migrated, empty Prefect database for this Prefect version, made once and cached."""
    from importlib.metadata import version

    cached = PREFECT_DATABASE_CACHE / f"prefect-{version('prefect')}.db"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        building = cached.with_suffix(f".{os.getpid()}.tmp")
        reset = subprocess.run(
            [sys.executable, "-m", "prefect", "server", "database", "reset", "-y"],
            env=dict(environment, PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{building}", PREFECT_HOME=str(building.parent / "home")),
            capture_output=True,
            text=True,
        )
        if reset.returncode != 0:
            raise RuntimeError(f"migrating the Prefect database failed:\n{reset.stdout}\n{reset.stderr}")
        os.replace(building, cached)
    return cached


def start_prefect(services: Services, environment: dict[str, str]) -> None:
    database = services.workdir / "prefect.db"
    shutil.copy(migrated_prefect_database(environment), database)
    port = free_port()
    log = services.workdir / "prefect.log"
    process = _spawn(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui", "--analytics-off"],
        log,
        prefect_environment(services, environment, database),
    )
    services.prefect_api_url = f"http://127.0.0.1:{port}/api"
    services.running.append(Service("prefect", process, log))
    services.pending.append((lambda: http_ok(f"{services.prefect_api_url}/health"), "Prefect server", 60, process, log))


def wait_for_all(services: Services) -> None:
    for ready, what, timeout, process, log in services.pending:
        wait_until(ready, what, timeout, process, log)
    services.pending.clear()
