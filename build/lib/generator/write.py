"""Write step for the command line: put rendered files in a folder, touching only what changed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

MANIFEST = ".generated"
"""A folder the generator owns holds this file, listing what it wrote."""


class OutputFolderError(Exception):
    """The output folder holds files the generator did not write."""


def write_tree(files: dict[str, str], out_dir: Path) -> list[str]:
    """Write `files` under `out_dir`; remove what an earlier run wrote and this one did not.

    Every file is written whole (temporary file, then rename), and only when its
    bytes differ. Gives the paths that changed, sorted.
    """
    manifest = out_dir / MANIFEST
    if out_dir.exists() and any(out_dir.iterdir()) and not manifest.exists():
        raise OutputFolderError(f"{out_dir} is not empty and was not written by the generator; choose an empty folder")
    previous = set(manifest.read_text(encoding="utf-8").split()) if manifest.exists() else set()
    changed = []
    for relative, content in sorted(files.items()):
        target = out_dir / relative
        data = content.encode("utf-8")
        if target.exists() and target.read_bytes() == data:
            continue
        _write_atomically(target, data)
        changed.append(relative)
    for stale in sorted(previous - set(files)):
        (out_dir / stale).unlink(missing_ok=True)
        changed.append(stale)
    _write_atomically(manifest, ("\n".join(sorted(files)) + "\n").encode("utf-8"))
    return sorted(changed)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
