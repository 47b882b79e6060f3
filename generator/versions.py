"""Parse step for pins: the exact versions the examples are verified against, read from the lock files."""

from __future__ import annotations

import re
from pathlib import Path

LOCK_FILES = ("requirements.lock", "requirements-airflow-sources.txt")
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")


def read_pins(text: str) -> dict[str, str]:
    """`name==version` lines of a requirements file, names lowercased with `-`."""
    pins = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            pins[re.sub(r"[._]+", "-", match[1]).lower()] = match[2]
    return pins


def project_versions(root: Path) -> dict[str, str]:
    """Every pinned version of the project's lock files."""
    versions: dict[str, str] = {}
    for name in LOCK_FILES:
        path = root / name
        if path.exists():
            versions.update(read_pins(path.read_text(encoding="utf-8")))
    return versions
