"""Airflow's own source, read from the pinned wheels with `ast` (never installed or imported), to check
that a "before" example would construct its operator, and to regenerate the inventory."""

from __future__ import annotations

import ast

from generator.airflow_source import AirflowSource, read_wheels
from tests.project import ROOT

WHEELS_DIR = ROOT / ".cache" / "airflow-sources"
LEGACY_WHEELS_DIR = ROOT / ".cache" / "airflow-legacy-sources"

__all__ = ["AirflowSource", "WHEELS_DIR", "LEGACY_WHEELS_DIR", "airflow_source", "constructor_calls"]


def constructor_calls(code: str, class_name: str) -> list[ast.Call]:
    """The calls `class_name(...)` in a code example."""
    return [
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == class_name
    ]


def airflow_source() -> AirflowSource:
    return read_wheels(WHEELS_DIR)
