"""Markup checks shared by the validate steps: mapping text is markdown, never HTML."""

from __future__ import annotations

import re

RAW_HTML = re.compile(r"<!--|<\?|</?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])[^>]*>|</?[A-Za-z][A-Za-z0-9-]*\s*$")
"""An HTML tag or comment (`<script>`, `<img src=x …>`, `</b>`); an autolink such as `<https://…>` is not one."""
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def raw_html(text: str) -> str | None:
    """The first HTML tag or comment in a line of markdown outside its code spans, if any."""
    found = RAW_HTML.search(INLINE_CODE.sub("", text))
    return found.group(0) if found else None
