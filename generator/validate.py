"""Validate step: check parsed documents and turn the sound sections into mappings.

Never raises for bad input: every problem becomes a `Diagnostic`, and the
caller prints them all, sorted, before deciding anything.
"""

from __future__ import annotations

import ast
import difflib
import re

from generator.inventory import Inventory, ProviderClass
from generator.levels import verification_of
from generator.model import (
    FIELD_PARTS,
    KNOWN_FIELDS,
    KNOWN_PACKAGES,
    REQUIRED_FIELDS,
    REQUIRED_PARTS,
    Diagnostic,
    Document,
    Field,
    Mapping,
    Section,
    SourceLocation,
)
from generator.markup import raw_html
from generator.parameters import SharedParameter, check_parameters, inherited_groups, parameter_notes, parameter_rows
from generator.parse import FENCE_OPEN, fence_closes

SERVICE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PYTHON_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SINGLE_LINE_FIELDS = ("operator", "module", "prefect_package", "prefect_import", "replaced_by", "removed_in")
DOTTED_AIRFLOW_PATH = re.compile(r"^airflow(\.[A-Za-z_][A-Za-z0-9_]*)+$")
ALIAS_PATH = re.compile(r"^airflow(\.[a-z_][a-z0-9_]*)+\.[A-Z][A-Za-z0-9_]*$")
CODE_FIELDS = tuple(FIELD_PARTS)
"""Fields made of code; every other field is prose, rendered as markdown."""
OTHER_BULLET = re.compile(r"^\s*[*+] ")
COLIN_HEADING = re.compile(r"^#+\s+.+$")
"""A line Colin reads as a markdown heading even inside a code fence: Colin does not track fences
(colin-py 0.1.2, `renders/markdown_parser.py`); an indented line or `#x` / `#!` is not one."""


def validate(
    documents: list[Document],
    inventory: Inventory | None = None,
    shared_parameters: dict[str, SharedParameter] | None = None,
) -> tuple[list[Mapping], list[Diagnostic]]:
    """Check every document; give the mappings and the sorted diagnostics.

    With an `inventory`, each section is also checked against the Airflow class it names
    (module, service, parameters) and its mapping carries its parameter table.
    """
    diagnostics: list[Diagnostic] = []
    mappings: list[Mapping] = []
    first_seen: dict[str, SourceLocation] = {}
    service_titles: dict[str, tuple[str, SourceLocation]] = {}
    for document in documents:
        front_problems = _check_front_matter(document)
        diagnostics.extend(front_problems)
        service = document.service if document.front_matter is not None and not front_problems else None
        if service is not None:
            known = service_titles.setdefault(service.slug, (service.title, document.front_matter_location))
            if known[0] != service.title:
                diagnostics.append(
                    Diagnostic(
                        document.front_matter_location,
                        "service-title-conflict",
                        f"service '{service.slug}' is titled '{known[0]}' in {known[1].path}, not '{service.title}'",
                    )
                )
        for section in document.sections:
            if section.name in first_seen:
                diagnostics.append(
                    Diagnostic(
                        section.location,
                        "duplicate-section",
                        f"section '{section.name}' is already defined at {first_seen[section.name]}",
                    )
                )
                continue
            first_seen[section.name] = section.location
            if not section.rendered:
                continue  # the parse step reported why it has no fields
            problems = check_section(section)
            if not problems and service is not None and inventory is not None:
                problems = check_against_inventory(section, service.slug, inventory, shared_parameters or {})
            diagnostics.extend(problems)
            if not problems and service is not None:
                mappings.append(build_mapping(section, service, inventory, shared_parameters or {}))
    diagnostics.extend(_check_names_are_unique(mappings))
    return sorted(mappings, key=lambda mapping: mapping.operator), sorted(diagnostics)


def class_of(section: Section, inventory: Inventory) -> ProviderClass | None:
    """The inventory class whose parameters a section maps: its own, or its replacement's when legacy."""
    replaced_by = section.field("replaced_by")
    return inventory.by_path().get(replaced_by.text) if replaced_by else inventory.by_name().get(section.name)


def build_mapping(section: Section, service, inventory: Inventory | None, shared: dict[str, SharedParameter]) -> Mapping:
    """A validated section as a mapping, with its parameter table and its verification's level."""
    mapping = Mapping(section=section, service=service)
    cls = class_of(section, inventory) if inventory is not None else None
    if cls is not None:
        field = section.field("parameters")
        notes = parameter_notes(section.location.path, field)[0] if field else []
        mapping = Mapping(
            section=section,
            service=service,
            parameter_rows=parameter_rows(cls, notes, shared),
            inherits=inherited_groups(cls),
            parameters_of=cls.name,
        )
    return Mapping(**{**vars(mapping), "verification_record": verification_of(mapping)})


def check_against_inventory(section: Section, service_slug: str, inventory: Inventory, shared: dict[str, SharedParameter]) -> list[Diagnostic]:
    """The section's class exists where it says, in the right document, and its parameters are all covered."""
    problems: list[Diagnostic] = []
    module_field = section.field("module")
    module = module_field.text if module_field else ""
    module_line = _value_location(module_field) if module_field else section.location
    legacy = inventory.legacy_by_path()
    if section.field("replaced_by") is not None:
        replaced_by = section.field("replaced_by")
        old = legacy.get(f"{module}.{section.name}")
        if replaced_by.text not in inventory.by_path():
            problems.append(Diagnostic(_value_location(replaced_by), "unknown-class", f"'{replaced_by.text}' is not a class of the pinned providers"))
        elif old is None:
            problems.append(Diagnostic(module_line, "unknown-class", f"no release read for the inventory had {section.name} in {module}"))
        elif old.replacement != replaced_by.text:
            problems.append(Diagnostic(_value_location(replaced_by), "wrong-replacement", f"{section.name} was replaced by {old.replacement}"))
    else:
        cls = inventory.by_name().get(section.name)
        if cls is None:
            close = difflib.get_close_matches(section.name, list(inventory.by_name()), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Diagnostic(section.location, "unknown-class", f"'{section.name}' is not a class of the pinned providers{hint}"))
            return problems
        if cls.module != module:
            problems.append(Diagnostic(module_line, "wrong-module", f"{module} does not define {section.name}; it is in {cls.module}"))
        if cls.service != service_slug:
            problems.append(
                Diagnostic(section.location, "wrong-service", f"{section.name} belongs in the document of service '{cls.service}' ({cls.service_title}), not '{service_slug}'")
            )
    problems.extend(_check_aliases(section, inventory))
    cls = class_of(section, inventory)
    if cls is not None:
        field = section.field("parameters")
        notes, bullet_problems = parameter_notes(section.location.path, field) if field else ([], [])
        problems.extend(bullet_problems)
        problems.extend(check_parameters(cls, notes, shared, field.location if field else section.location))
    return problems


def _check_aliases(section: Section, inventory: Inventory) -> list[Diagnostic]:
    """Each old name must be one the inventory knows, and lead to this section's class."""
    field = section.field("aliases")
    if field is None:
        return []
    legacy = inventory.legacy_by_path()
    current = class_of(section, inventory)
    problems = []
    for line in field.lines:
        alias = re.sub(r"^\s*[-*+] ", "", line.text).strip()
        if not alias:
            continue
        known = legacy.get(alias)
        location = SourceLocation(field.location.path, line.number)
        if known is None:
            problems.append(Diagnostic(location, "unknown-alias", f"no release read for the inventory had '{alias}'; see the legacy names in generator/data/inventory.json"))
        elif current is not None and known.replacement != current.path:
            problems.append(Diagnostic(location, "unknown-alias", f"'{alias}' leads to {known.replacement.rpartition('.')[2]}, not {current.name}"))
    return problems


def _value_location(item: Field) -> SourceLocation:
    """The line of a field's value (its first non-blank line), for errors about the value rather than the field."""
    line = next((line.number for line in item.lines if line.text.strip()), item.location.line)
    return SourceLocation(item.location.path, line)


def _check_names_are_unique(mappings: list[Mapping]) -> list[Diagnostic]:
    """An old name or short link must lead to exactly one operator page (names compared in lowercase)."""
    problems = []
    owner: dict[str, Mapping] = {}
    for mapping in mappings:
        for name in mapping.names:
            first = owner.setdefault(name.lower(), mapping)
            if first is not mapping:
                field = mapping.section.field("aliases")
                location = field.location if field else mapping.location
                problems.append(
                    Diagnostic(location, "duplicate-alias", f"'{name}' already names {first.operator} ({first.location})")
                )
    return problems


def _check_front_matter(document: Document) -> list[Diagnostic]:
    if document.front_matter is None:
        return []  # the parse step reported why there is none
    location = document.front_matter_location
    service = document.front_matter.get("service")
    if not isinstance(service, dict) or not isinstance(service.get("slug"), str) or not isinstance(service.get("title"), str):
        return [
            Diagnostic(
                location,
                "front-matter",
                "front matter needs 'service: {slug: <url-slug>, title: <AWS service name>}'",
            )
        ]
    if not SERVICE_SLUG.match(service["slug"]):
        return [
            Diagnostic(
                location,
                "front-matter",
                f"service slug '{service['slug']}' must be lowercase letters, digits and single hyphens",
            )
        ]
    return []


def check_section(section: Section) -> list[Diagnostic]:
    """Every problem of one section."""
    problems: list[Diagnostic] = []

    def report(location: SourceLocation, code: str, message: str) -> None:
        problems.append(Diagnostic(location, code, message))

    if not section.fields:
        report(section.location, "missing-field", "section has no fields; it needs " + ", ".join(f"'## {name}'" for name in REQUIRED_FIELDS))
        return problems

    seen: dict[str, Field] = {}
    for item in section.fields:
        if item.name in seen:
            report(item.location, "duplicate-field", f"field '{item.name}' already appears at line {seen[item.name].location.line}")
            continue
        seen[item.name] = item
        if item.name not in KNOWN_FIELDS:
            report(item.location, "unknown-field", f"'## {item.name}' is not a field{_did_you_mean(item.name, KNOWN_FIELDS)}")
            continue
        problems.extend(_check_field(section, item))
    for name in REQUIRED_FIELDS:
        if name not in seen:
            report(section.location, "missing-field", f"section '{section.name}' has no '## {name}' field")
    if "verification" in seen and "unverified" in seen:
        report(seen["unverified"].location, "verification-conflict", "a section has either '## verification' or '## unverified', not both")
    elif "verification" not in seen and "unverified" not in seen:
        report(
            section.location,
            "missing-verification",
            f"section '{section.name}' needs '## verification' (how the sandbox runs its example) or '## unverified' (why it cannot)",
        )
    if ("replaced_by" in seen) != ("removed_in" in seen):
        present = "replaced_by" if "replaced_by" in seen else "removed_in"
        report(seen[present].location, "incomplete-legacy", "a legacy operator needs both '## replaced_by' and '## removed_in'")
    return problems


def _check_field(section: Section, item: Field) -> list[Diagnostic]:
    problems: list[Diagnostic] = []

    def report(location: SourceLocation, code: str, message: str) -> None:
        problems.append(Diagnostic(location, code, message))

    problems.extend(_check_code_lines_colin_reads_as_headings(item))
    if item.name in FIELD_PARTS:
        return problems + _check_parts(item)
    problems.extend(_check_raw_html(item))
    problems.extend(_check_bullet_markers(item))
    for child in item.children:
        report(child.location, "unknown-field", f"'### {child.name}' is not a part of '{item.name}'; only {', '.join(FIELD_PARTS)} have parts")
    if not item.text:
        report(item.location, "empty-field", f"field '{item.name}' is empty")
        return problems
    if item.name in SINGLE_LINE_FIELDS and "\n" in item.text:
        report(item.location, "multi-line-field", f"field '{item.name}' must be a single line")
        return problems
    if item.name == "operator":
        if item.text != section.name:
            report(
                item.location,
                "name-mismatch",
                f"section is named '{section.name}' but its operator field says '{item.text}'",
            )
        if not PYTHON_IDENTIFIER.match(item.text):
            report(item.location, "section-name", f"operator '{item.text}' is not a Python class name")
    elif item.name == "module":
        if not DOTTED_AIRFLOW_PATH.match(item.text):
            report(_value_location(item), "module-not-airflow", f"module '{item.text}' is not a dotted module path under 'airflow.'")
    elif item.name == "replaced_by":
        if not DOTTED_AIRFLOW_PATH.match(item.text):
            report(_value_location(item), "module-not-airflow", f"replacement '{item.text}' is not a dotted class path under 'airflow.'")
    elif item.name == "prefect_package":
        if item.text not in KNOWN_PACKAGES:
            report(
                _value_location(item),
                "unknown-package",
                f"'{item.text}' is not a package we know; use one of {', '.join(KNOWN_PACKAGES)}",
            )
    elif item.name == "prefect_import":
        first_line = next(line.number for line in item.lines if line.text.strip())
        problems.extend(_check_python(item.location, item.text, first_line=first_line, what="prefect_import"))
    elif item.name == "notes":
        if item.bullets is None:
            report(item.location, "notes-not-a-list", "'## notes' must be a bullet list ('- …' per note)")
    elif item.name == "aliases":
        for alias in item.bullets or [item.text]:
            if not ALIAS_PATH.match(alias):
                report(item.location, "invalid-alias", f"alias '{alias}' is not a bullet of the form 'airflow.module.path.ClassName'")
    return problems


def _prose_lines(item: Field):
    """The lines of a field outside its code fences."""
    fence = None
    for line in item.lines:
        if fence is not None:
            if fence_closes(line.text, fence):
                fence = None
        elif match := FENCE_OPEN.match(line.text):
            fence = match["fence"]
        else:
            yield line


def _check_raw_html(item: Field) -> list[Diagnostic]:
    """Mapping text is data: an HTML tag in it would reach the page as HTML, script included."""
    problems = []
    for line in _prose_lines(item):
        found = raw_html(line.text)
        if found:
            problems.append(
                Diagnostic(
                    SourceLocation(item.location.path, line.number),
                    "raw-html",
                    f"raw HTML '{found[:40]}' in '## {item.name}': mapping text is markdown only; put code in backticks",
                )
            )
    return problems


def _check_bullet_markers(item: Field) -> list[Diagnostic]:
    """Colin makes a JSON list of `- ` items only; a `* ` or `+ ` list would become one string in its record."""
    return [
        Diagnostic(SourceLocation(item.location.path, line.number), "bullet-marker", "start list items with '- ': Colin reads only '- ' items as a list")
        for line in _prose_lines(item)
        if OTHER_BULLET.match(line.text)
    ]


def _check_code_lines_colin_reads_as_headings(item: Field) -> list[Diagnostic]:
    """Colin does not track code fences: a code line like `# comment` would become a field of the record."""
    problems = []
    for block in [*item.code_blocks, *(block for child in item.children for block in child.code_blocks)]:
        for offset, text in enumerate(block.code.split("\n"), 1):
            if COLIN_HEADING.match(text):
                problems.append(
                    Diagnostic(
                        SourceLocation(block.location.path, block.document_line(offset)),
                        "colin-heading",
                        f"Colin reads '{text[:30]}' as a markdown heading even inside a code fence; indent it or put the comment at the end of a code line",
                    )
                )
    return problems


def _check_parts(item: Field) -> list[Diagnostic]:
    """Check a field made of `###` parts (`example`, `verification`)."""
    known = FIELD_PARTS[item.name]
    problems: list[Diagnostic] = []
    if item.text:
        listing = " or ".join(f"'### {name}'" for name in known)
        problems.append(Diagnostic(item.location, "text-before-field", f"text under '## {item.name}' must be inside {listing}"))
    seen = set()
    for part in item.children:
        if part.name not in known:
            problems.append(
                Diagnostic(part.location, "unknown-field", f"'### {part.name}' is not a part of '{item.name}'{_did_you_mean(part.name, known)}")
            )
            continue
        if part.name in seen:
            problems.append(Diagnostic(part.location, "duplicate-field", f"'### {part.name}' appears twice in '{item.name}'"))
            continue
        seen.add(part.name)
        problems.extend(_check_part_code(part))
    for name in REQUIRED_PARTS[item.name]:
        if name not in seen:
            problems.append(Diagnostic(item.location, "missing-field", f"'## {item.name}' has no '### {name}'"))
    return problems


def _check_part_code(part: Field) -> list[Diagnostic]:
    if not part.code_blocks:
        return [Diagnostic(part.location, "missing-code", f"'### {part.name}' needs one ```python code fence")]
    problems = []
    if len(part.code_blocks) > 1:
        problems.append(Diagnostic(part.code_blocks[1].location, "extra-code", f"'### {part.name}' has more than one code fence"))
    block = part.code_blocks[0]
    if not block.closed:
        return problems  # the parse step reported the unclosed fence
    if block.language != "python":
        problems.append(Diagnostic(block.location, "fence-language", f"the '{part.name}' fence must be marked ```python, not '{block.language or 'unmarked'}'"))
    if not block.code.strip():
        problems.append(Diagnostic(block.location, "empty-code", f"the '{part.name}' code fence is empty"))
        return problems
    problems.extend(_check_python(block.location, block.code, first_line=block.first_code_line, what=f"'{part.name}' code"))
    return problems


def _check_python(location: SourceLocation, code: str, *, first_line: int, what: str) -> list[Diagnostic]:
    try:
        ast.parse(code)
    except SyntaxError as error:
        line = first_line + (error.lineno or 1) - 1
        return [Diagnostic(SourceLocation(location.path, line), "invalid-python", f"{what} is not valid Python: {error.msg}")]
    return []


def _did_you_mean(name: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(choices)}"
