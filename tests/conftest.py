"""Shared fixtures: the project's paths, a built site, and snapshot updating."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.project import ROOT, build_site
from tests.sandbox.client import Sandbox



def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true", help="rewrite the reviewed snapshots from the current output")


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return request.config.getoption("--update-snapshots")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """The project's site, built once per test session with `mkdocs build --strict`."""
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(ROOT / "mkdocs.yml", site_dir)
    return site_dir, result


@pytest.fixture(scope="session")
def site_dir(built_site: tuple[Path, subprocess.CompletedProcess]) -> Path:
    site, result = built_site
    assert result.returncode == 0, result.stdout + result.stderr
    return site


# Real-looking credentials in the environment the tests start from: the sandbox must hide them.
CANARY_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7CANARY1",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY",
    "AWS_PROFILE": "production",
    "AWS_DEFAULT_REGION": "eu-west-1",
}


@pytest.fixture(scope="session")
def sandbox():
    running = Sandbox(parent_environment={**os.environ, **CANARY_ENVIRONMENT})
    yield running
    running.close()
