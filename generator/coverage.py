"""Coverage step: every class of the inventory with the page that maps it, if any, and the old names that lead to it."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from generator.inventory import Inventory, LegacyName, ProviderClass
from generator.levels import LEVEL_BY_KEY
from generator.model import Mapping

COVERAGE_URL = "coverage/"
COVERAGE_PAGE_PATH = "coverage/index.md"
COVERAGE_JSON_PATH = "coverage.json"


@dataclass(frozen=True)
class CoverageEntry:
    """One class of the inventory: its page (None while not yet mapped), old names, and legacy pages that lead to it."""

    cls: ProviderClass
    mapping: Mapping | None
    old_names: tuple[LegacyName, ...]
    legacy_pages: tuple[Mapping, ...]

    @property
    def anchor(self) -> str:
        """The entry's id on the coverage page (the heading's slug)."""
        return self.cls.name.lower()

    @property
    def url(self) -> str:
        """Where a link to the class lands today: its page, or its coverage entry."""
        return self.mapping.url if self.mapping else f"{COVERAGE_URL}#{self.anchor}"

    @property
    def level(self) -> str | None:
        return self.mapping.verification_record.level if self.mapping and self.mapping.verification_record else None


@dataclass(frozen=True)
class Coverage:
    """Every entry, and the figure the home page and the README state."""

    entries: tuple[CoverageEntry, ...]

    @property
    def amazon(self) -> tuple[CoverageEntry, ...]:
        return tuple(entry for entry in self.entries if entry.cls.is_amazon)

    @property
    def mapped_amazon(self) -> int:
        return sum(1 for entry in self.amazon if entry.mapping)

    @property
    def figure(self) -> str:
        """`N of 280`: Amazon provider classes with a page."""
        return f"{self.mapped_amazon} of {len(self.amazon)}"

    def by_service(self) -> list[tuple[str, str, list[CoverageEntry]]]:
        """(slug, title, entries) per service, services by title, classes by name."""
        ordered = sorted(self.entries, key=lambda entry: (entry.cls.service_title.lower(), entry.cls.name))
        return [
            (slug, title, list(group))
            for (title, slug), group in itertools.groupby(ordered, key=lambda entry: (entry.cls.service_title, entry.cls.service))
        ]


def coverage_of(inventory: Inventory, mappings: list[Mapping]) -> Coverage:
    """Join the inventory with the mappings."""
    pages = {mapping.operator: mapping for mapping in mappings if not mapping.is_legacy}
    legacy_pages: dict[str, list[Mapping]] = {}
    for mapping in mappings:
        if mapping.is_legacy:
            legacy_pages.setdefault(mapping.text("replaced_by"), []).append(mapping)
    old_names: dict[str, list[LegacyName]] = {}
    for item in inventory.legacy:
        old_names.setdefault(item.replacement, []).append(item)
    return Coverage(
        tuple(
            CoverageEntry(cls, pages.get(cls.name), tuple(old_names.get(cls.path, ())), tuple(legacy_pages.get(cls.path, ())))
            for cls in inventory.classes
        )
    )


def short_link_targets(coverage: Coverage, mappings: list[Mapping]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every name `/op/<name>/` answers for, in lowercase → (the URL it leads to, the spellings it was written in).

    A page's own names win; then each class of the inventory; then old names, which lead where their
    replacement does. Names that differ only in case (`AWSBatchOperator`, `AwsBatchOperator`) share one target.
    """
    targets: dict[str, tuple[str, list[str]]] = {}

    def add(name: str, url: str) -> None:
        url, spellings = targets.setdefault(name.lower(), (url, []))
        if name not in spellings:
            spellings.append(name)

    for mapping in mappings:
        for name in mapping.names:
            add(name, mapping.url)
    for entry in coverage.entries:
        add(entry.cls.name, entry.url)
    for entry in coverage.entries:
        for old in entry.old_names:
            add(old.name, entry.url)
    return {key: (url, tuple(spellings)) for key, (url, spellings) in sorted(targets.items())}


def render_coverage_json(coverage: Coverage) -> str:
    """`coverage.json`: every class of the inventory, whether it has a page, and its level."""
    payload = {
        "amazon_classes": len(coverage.amazon),
        "amazon_classes_mapped": coverage.mapped_amazon,
        "classes": {
            entry.cls.name: {
                "module": entry.cls.module,
                "distribution": entry.cls.distribution,
                "kind": entry.cls.kind,
                "service": entry.cls.service,
                "page": entry.mapping.url if entry.mapping else None,
                "verification_level": entry.level,
                "verification": LEVEL_BY_KEY[entry.level].sentence if entry.level else None,
                "old_names": [old.path for old in entry.old_names],
                "legacy_pages": [mapping.url for mapping in entry.legacy_pages],
            }
            for entry in coverage.entries
        },
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
