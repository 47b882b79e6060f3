"""The runnable examples of the hand-written guides: each top-level code fence, and
the "How this example is verified" block that follows it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> {0}| {4})```(?P<language>[a-z]*)\s*$")
VERIFIED_BY = '??? example "How this example is verified"'
LABELS = {"Before it runs:": "setup", "These must hold:": "assertions"}


@dataclass(frozen=True)
class Fence:
    language: str
    code: str
    first_line: int  # the document line of the code's first line


@dataclass(frozen=True)
class GuideExample:
    path: Path
    example: Fence
    setup: Fence | None
    assertions: Fence | None

    @property
    def location(self) -> str:
        return f"{self.path.relative_to(self.path.parents[2]).as_posix()}:{self.example.first_line - 1}"


def fences(lines: list[str], start: int, indent: str) -> tuple[Fence, int]:
    """The fence opening at line index `start`; gives it and the index after its closing line."""
    language = FENCE.match(lines[start])["language"]
    end = start + 1
    while lines[end].rstrip() != f"{indent}```":
        end += 1
    code = "\n".join(line[len(indent) :] for line in lines[start + 1 : end]) + "\n"
    return Fence(language, code, start + 2), end + 1


def guide_examples(path: Path) -> list[GuideExample]:
    """Every top-level fence of a guide, with its verification."""
    lines = path.read_text(encoding="utf-8").split("\n")
    examples: list[GuideExample] = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match or match["indent"]:
            index += 1
            continue
        example, index = fences(lines, index, "")
        parts: dict[str, Fence] = {}
        following = index
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following < len(lines) and lines[following].strip() == VERIFIED_BY:
            index = following + 1
            label = None
            while index < len(lines) and (not lines[index].strip() or lines[index].startswith("    ")):
                text = lines[index].strip()
                if text in LABELS:
                    label = LABELS[text]
                elif text.startswith("```") and label:
                    parts[label], index = fences(lines, index, "    ")
                    continue
                index += 1
        examples.append(GuideExample(path, example, parts.get("setup"), parts.get("assertions")))
    return examples
