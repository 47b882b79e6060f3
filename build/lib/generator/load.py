"""Parse and validate every mapping document of a folder, in one call."""

from __future__ import annotations

from pathlib import Path

from generator.model import Diagnostic, Mapping
from generator.parse import parse_paths
from generator.validate import validate


def mapping_paths(mappings_dir: Path) -> list[Path]:
    """The mapping documents of a folder, sorted."""
    return sorted(mappings_dir.glob("*.md"))


def load_mappings(mappings_dir: Path, root: Path | None = None) -> tuple[list[Mapping], list[Diagnostic]]:
    """Every valid mapping under `mappings_dir` and every problem found, sorted.

    Paths in diagnostics are relative to `root` (default: the folder's parent).
    """
    root = root if root is not None else mappings_dir.parent
    documents, parse_problems = parse_paths(mapping_paths(mappings_dir), root)
    mappings, problems = validate(documents)
    return mappings, sorted(parse_problems + problems)
