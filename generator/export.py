"""Render step: the JSON export, one record per section built by Colin's JSON rules.

Colin's rules: a `##` heading becomes a key, `###` headings under it a nested
object, a bullet list an array, any other text a string; a code fence stays
verbatim, backticks included, inside its string.
"""

from __future__ import annotations

import json

from generator.model import Field, Mapping


def field_value(item: Field) -> str | list[str] | dict:
    """The JSON value of one field by Colin's rules."""
    if item.children:
        return {child.name: field_value(child) for child in item.children}
    bullets = item.bullets
    if bullets is not None:
        return list(bullets)
    return item.text


def mapping_record(mapping: Mapping) -> dict:
    """The JSON record of one section."""
    return {item.name: field_value(item) for item in mapping.section.fields}


DERIVED_LEVEL_KEY = "verification_level"
"""The one key of a published record that Colin does not make: the level the verification earned (`generator.levels`)."""


def render_json(mappings: list[Mapping]) -> str:
    """`mappings.json`: every section keyed by operator name, Colin's record plus its verification level."""
    records = {mapping.operator: {**mapping_record(mapping), DERIVED_LEVEL_KEY: mapping.verification_record.level} for mapping in mappings}
    return json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
