"""What keeps an example in its box: a scrubbed environment, a loopback-only
socket guard, and sleeps in polling loops that return at once."""

from __future__ import annotations

import ipaddress
import socket
import sys
import time
from pathlib import Path

# Environment variables an example must never see: credentials and the places they come from.
SCRUBBED_PREFIXES = ("AWS_", "BOTO_", "PREFECT_", "AIRFLOW", "PG", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")
SCRUBBED_NAMES = ("http_proxy", "https_proxy", "no_proxy", "all_proxy", "ALL_PROXY")

# Sleeps called from these files are polling waits: they return at once in the sandbox.
POLLING_CALLERS = ("prefect_aws/glue_job.py", "botocore/waiter.py")

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}


def sandbox_environment(parent: dict[str, str], home: Path) -> dict[str, str]:
    """The environment of the sandbox: the parent's, minus every credential and
    AWS/Prefect setting, with an empty home and empty AWS config files."""
    environment = {
        name: value
        for name, value in parent.items()
        if not name.startswith(SCRUBBED_PREFIXES) and name not in SCRUBBED_NAMES
    }
    aws_dir = home / ".aws"
    aws_dir.mkdir(parents=True, exist_ok=True)
    (aws_dir / "config").write_text("")
    (aws_dir / "credentials").write_text("")
    environment.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(aws_dir / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(aws_dir / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
    )
    return environment


class SandboxNetworkError(ConnectionRefusedError):
    """An example tried to reach a host other than 127.0.0.1."""


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _is_address(host: str) -> bool:
    """An IP address needs no lookup; `connect` decides whether it is allowed."""
    try:
        ipaddress.ip_address(host.split("%")[0])
        return True
    except ValueError:
        return False


def install_socket_guard() -> None:
    """Refuse, before any packet, every connection and name lookup that is not loopback."""
    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not _is_loopback(host):
                raise SandboxNetworkError(f"sandbox: only 127.0.0.1 is reachable, not {host!r}")

    def connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _is_loopback(name) and not _is_address(name):
            raise SandboxNetworkError(f"sandbox: no name lookups but localhost, not {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo


class PollingClock:
    """Makes `time.sleep` return at once when called from an example's own code
    or a known polling helper; every other caller (Prefect's threads) sleeps for real."""

    def __init__(self, example_files: set[str]) -> None:
        self.example_files = example_files
        self.skipped_seconds = 0.0
        self._real_sleep = time.sleep

    def sleep(self, seconds: float) -> None:
        caller = sys._getframe(1).f_code.co_filename
        if caller in self.example_files or caller.endswith(POLLING_CALLERS):
            self.skipped_seconds += max(0.0, seconds)
            self._real_sleep(min(seconds, 0.01))
        else:
            self._real_sleep(seconds)

    def install(self) -> None:
        time.sleep = self.sleep
