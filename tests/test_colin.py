"""The real Colin compiles every mapping section to the record `mappings.json` publishes.

`generator/export.py` says it builds each record of `mappings.json` by Colin's JSON rules.
These tests hold it to Colin itself: the PyPI package colin-py 0.1.2 (import name `colin`).

How Colin runs here, and why:

- In this process, from the project's venv. `make` installs colin-py with `--no-deps` from
  `requirements-colin.txt`, with only the packages its compile path imports beyond
  `requirements.lock` (python-frontmatter, tomli, tomli-w, and pydantic-ai-slim with its
  own imports, because `colin.providers.llm` imports pydantic_ai at load time). Its declared
  dependencies (a fastmcp pre-release, pydantic-ai with every model SDK) do not resolve
  beside prefect 3.8.8, and compiling documents never uses them. No second venv, no
  subprocess.
- Colin compiles projects, not files. The session fixture makes one in a temporary
  folder: a `colin.toml` and a `models/` folder. It calls `colin.api.compile.compile_project`
  as `colin run --ephemeral` does (`force=True` as well): no `.colin/` state, no cache,
  nothing written outside that folder. No provider or LLM is called, so there is no network.
- Section by section. Colin's JSON renderer turns a whole document into one object keyed by
  its `##` headings. A document with two sections has the key `operator` twice, and Colin
  rejects it ("Duplicate key 'operator' at the same level"), as it does `mappings/s3.md`. So
  each section becomes a Colin document of its own: the mapping document's text, front
  matter (`colin: output: format: json`) included, with every other `{% section %}` block
  cut out. Colin renders it with its own Jinja environment and `section` tag, then writes
  JSON. That JSON, parsed, is compared with `generator.export.mapping_record`.

Colin's markdown parser knows nothing of code fences. A line that starts with one or more
`#` followed by whitespace and at least one more character is a heading, inside a fence
too. So a Python comment such as `# setup` at the start of a line in an example starts a
new key and cuts the code in two. The last test pins down which lines count.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.export import mapping_record
from generator.load import mapping_paths
from generator.model import Mapping
from generator.parse import parse_document
from tests.project import MAPPING_LIST, MAPPINGS

SECTION_BLOCK = re.compile(r"^\{% section (\w+) %\}\n.*?^\{% endsection %\}\n?", re.MULTILINE | re.DOTALL)
"""A `{% section Name %} … {% endsection %}` block of a mapping document, tags on lines of their own."""


def one_document_per_section(text: str) -> dict[str, str]:
    """Each section's own Colin document: `text` without the other sections' blocks."""
    blocks = list(SECTION_BLOCK.finditer(text))
    documents = {}
    for kept in blocks:
        pieces, position = [], 0
        for block in blocks:
            pieces.append(text[position : block.start()])
            if block is kept:
                pieces.append(block[0])
            position = block.end()
        pieces.append(text[position:])
        documents[kept[1]] = "".join(pieces)
    return documents


def compile_with_colin(project: Path, models: dict[str, str]) -> dict[str, Any]:
    """Compile `models` (path under `models/` → text) as one Colin project; each one's JSON by path, without `.md`."""
    # Imported here: without colin installed, these tests fail and the rest of the suite still runs.
    from colin.api.compile import compile_project

    for relative, text in models.items():
        path = project / "models" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (project / "colin.toml").write_text('[project]\nname = "mapping-sections"\n', encoding="utf-8")
    # In a thread of its own: Playwright's sync API (the browser tests) may hold this thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(asyncio.run, compile_project(project, ephemeral=True, force=True)).result()
    return {
        document.uri.removeprefix("project://").removesuffix(".md"): json.loads(document.output)
        for document in result.compiled
    }


@pytest.fixture(scope="module")
def colin_records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Colin's JSON of every section of `mappings/`, by section name."""
    models = {}
    for path in mapping_paths(MAPPINGS):
        for name, text in one_document_per_section(path.read_text(encoding="utf-8")).items():
            models[f"{path.stem}/{name}.md"] = text
    compiled = compile_with_colin(tmp_path_factory.mktemp("colin-project"), models)
    return {key.rpartition("/")[2]: record for key, record in compiled.items()}


def as_json(record: Any) -> str:
    """A record as readable JSON, so that a failure shows a line diff."""
    return json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False)


def test_colin_compiles_the_same_sections_that_are_published(colin_records: dict[str, Any]) -> None:
    assert sorted(colin_records) == sorted(mapping.operator for mapping in MAPPING_LIST)


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=lambda mapping: mapping.operator)
def test_colin_compiles_the_section_to_its_published_record(mapping: Mapping, colin_records: dict[str, Any]) -> None:
    assert as_json(colin_records[mapping.operator]) == as_json(mapping_record(mapping))


DEMO_DOCUMENT = """\
---
service: {slug: demo, title: Demo}
colin:
  output:
    format: json
---

{% section DemoOperator %}
## operator
DemoOperator

## example
### after
```python
# a comment
done = True
```
{% endsection %}
"""


def test_a_comment_line_in_a_code_fence_gives_colin_a_different_record(tmp_path: Path) -> None:
    """The comparison above can fail: this is the defect that it caught in ecs.md and lambda.md."""
    colin = compile_with_colin(tmp_path, {"demo.md": DEMO_DOCUMENT})["demo"]
    document = parse_document("demo.md", DEMO_DOCUMENT).document
    ours = mapping_record(Mapping(section=document.sections[0], service=document.service))

    assert ours == {"operator": "DemoOperator", "example": {"after": "```python\n# a comment\ndone = True\n```"}}
    assert colin == {"operator": "DemoOperator", "example": {"after": "```python"}, "a comment": "done = True\n```"}


@pytest.mark.parametrize(
    ("line", "is_heading"),
    [
        ("# comment", True),
        ("## comment", True),
        ("####### comment", True),
        ("#\tcomment", True),
        ("#  ", True),  # two spaces: a heading with the empty key
        ("#comment", False),
        ("#!/usr/bin/env python", False),
        ("    # comment", False),
        (" # comment", False),
        ("#", False),
        ("# ", False),  # one space and nothing after it
    ],
    ids=repr,
)
def test_colin_takes_a_code_line_for_a_heading(line: str, is_heading: bool) -> None:
    from colin.renders.json import JSONRenderer

    markdown = f"## operator\nDemoOperator\n\n## example\n```python\n{line}\ndone = True\n```"
    record = json.loads(JSONRenderer().render(markdown, "project://demo.md").content)
    kept_in_the_fence = {"operator": "DemoOperator", "example": f"```python\n{line}\ndone = True\n```"}

    assert (record != kept_in_the_fence) is is_heading
