"""Parse and validate every mapping document of a folder, in one call."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from generator.inventory import Inventory, load_inventory
from generator.model import Diagnostic, Mapping
from generator.parameters import SHARED_PARAMETERS_PATH, parse_shared_parameters
from generator.parse import parse_paths
from generator.validate import validate


PRELOADED: dict[Path, tuple[list[Mapping], Inventory]] = {}
"""Mappings a command already loaded and checked, by mappings folder, for the MkDocs hook of the build
it starts in the same process (`python -m generator build`): the generator runs once per build."""


def mapping_paths(mappings_dir: Path) -> list[Path]:
    """The mapping documents of a folder, sorted."""
    return sorted(mappings_dir.glob("*.md"))


def load_mappings(
    mappings_dir: Path, root: Path | None = None, inventory: Inventory | None = None
) -> tuple[list[Mapping], list[Diagnostic]]:
    """Every valid mapping under `mappings_dir` and every problem found, sorted.

    Paths in diagnostics are relative to `root` (default: the folder's parent).
    Sections are checked against `inventory` (default: the committed one) and the
    folder's shared parameter defaults (`shared/parameters.md`, if present).
    """
    root = root if root is not None else mappings_dir.parent
    with garbage_collection_paused():
        return _load(mappings_dir, root, inventory)


@contextmanager
def garbage_collection_paused():
    """The generator allocates many small objects and no cycles worth collecting; the collector's passes
    over the growing heap took a third of the load and render time at 3000 operators (`bench/build_scale.py`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(mappings_dir: Path, root: Path, inventory: Inventory | None) -> tuple[list[Mapping], list[Diagnostic]]:
    documents, parse_problems = parse_paths(mapping_paths(mappings_dir), root)
    shared_path = mappings_dir / SHARED_PARAMETERS_PATH
    shared, shared_problems = {}, []
    if shared_path.exists():
        shared, shared_problems = parse_shared_parameters(_display(shared_path, root), shared_path.read_text(encoding="utf-8"))
    mappings, problems = validate(documents, inventory or load_inventory(), shared)
    return mappings, sorted(parse_problems + shared_problems + problems)


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
