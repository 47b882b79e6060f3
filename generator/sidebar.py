"""Sidebar step: the operator pages of the page's own service, spliced into the rendered sidebar.

Material renders each navigation item through its Jinja macros, about 0.15 ms an
item; with a service's 30 operators in every page's sidebar that was a quarter of
the build at 3000 operators. The theme now renders only the active page (with its
table of contents) and the service's index page; the other operator pages, which
are plain links alike on every page of the folder, are written here once per
service and spliced in around the active item (`bench/build_scale.py`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

ACTIVE_ITEM = '<li class="md-nav__item md-nav__item--active">'
"""How Material 9.8 opens the active page's item: the only `li` whose classes end there."""
LIST_TAG = re.compile(r"<ul\b|</ul>")


@dataclass(frozen=True)
class Siblings:
    """The sidebar links to write before and after the active page's item, as (relative URL, title)."""

    before: tuple[tuple[str, str], ...]
    after: tuple[tuple[str, str], ...]


def link_item(url: str, title: str) -> str:
    """A plain page link, as Material's `partials/nav-item.html` writes one."""
    return (
        f'<li class="md-nav__item">\n  <a href="{html.escape(url)}" class="md-nav__link">\n'
        f'    <span class="md-ellipsis">\n      {html.escape(title)}\n    </span>\n  </a>\n</li>\n'
    )


def splice_siblings(page_html: str, siblings: Siblings) -> str:
    """`page_html` with the sibling links around the active item; unchanged when it has no active item."""
    start = page_html.find(ACTIVE_ITEM)
    if start < 0:
        return page_html
    depth = 0
    for tag in LIST_TAG.finditer(page_html, start):
        depth += 1 if tag.group(0) == "<ul" else -1
        if depth < 0:  # the list that holds the active item closes here
            end = tag.start()
            break
    else:
        return page_html
    before = "".join(link_item(url, title) for url, title in siblings.before)
    after = "".join(link_item(url, title) for url, title in siblings.after)
    return page_html[:start] + before + page_html[start:end] + after + page_html[end:]
