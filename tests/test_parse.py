"""The parse step's shortcut for plain documents gives exactly what Jinja gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.parse import render_plain, render_with_jinja, split_front_matter
from tests.project import MAPPINGS

BROKEN = Path(__file__).parent / "broken"
DOCUMENTS = sorted(MAPPINGS.glob("*.md")) + sorted(BROKEN.glob("*.md"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_plain_documents_render_as_jinja_renders_them(path: Path):
    _, template_text, _ = split_front_matter(path.read_text())
    plain = render_plain(template_text)
    if plain is None:
        return  # has Jinja markup beyond section tags: only Jinja renders it
    try:
        sections, outside = render_with_jinja(template_text)
    except Exception as error:  # noqa: BLE001 - a document Jinja rejects must not pass the shortcut
        pytest.fail(f"the shortcut accepted a document Jinja rejects: {error}")
    assert plain[0] == sections
    assert plain[1].strip() == outside.strip()


def test_shortcut_declines_documents_with_other_jinja_markup():
    assert render_plain("{% section A %}\n## operator\n{% raw %}{{ ds }}{% endraw %}\n{% endsection %}\n") is None
    assert render_plain("{% section A %}\n## operator\n") is None  # unclosed: Jinja reports it
    assert render_plain("{% endsection %}\n") is None


def test_shortcut_is_taken_by_most_project_documents():
    plain = [path.name for path in sorted(MAPPINGS.glob("*.md")) if render_plain(split_front_matter(path.read_text())[1]) is not None]
    assert len(plain) >= 7, plain
