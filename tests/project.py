"""Where the project's parts are, and how the tests build its site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.load import load_mappings

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "mappings"
SNAPSHOTS = Path(__file__).parent / "snapshots"
MAPPING_LIST = load_mappings(MAPPINGS)[0]
"""The project's mappings, loaded once for every test module."""


def build_site(config: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `config` into `site_dir`, as `make build` runs it."""
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="0")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=config.parent,
    )
