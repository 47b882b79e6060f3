"""Parameter tables: what to do in Prefect with each parameter of an Airflow class.

A section's `## parameters` field has one bullet per parameter of the class's
`__init__` (`` - `replace`: … ``). Parameters that many classes share get their text
once, in `mappings/shared/parameters.md`, under the concepts page that explains them;
a section's own bullet overrides it. A section may also explain an argument its class
inherits (`poke_interval`, `region_name`) when the shared text is wrong for it: that row
is marked inherited.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from generator.inventory import ProviderClass
from generator.markup import raw_html
from generator.model import Diagnostic, Field, Line, ParameterNote, ParameterRow, SourceLocation
from generator.parse import parse_fields, split_front_matter

SHARED_PARAMETERS_PATH = Path("shared") / "parameters.md"
"""Relative to the mappings folder."""

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
PARAMETER_BULLET = re.compile(r"^\s*[-*+] `(?P<name>[A-Za-z_][A-Za-z0-9_]*)`\s*:\s*(?P<text>\S.*)$")

INHERITED_GROUPS = (
    ("aws", ("AwsBaseOperator", "AwsBaseSensor", "AwsBaseHookMixin"), "concepts/aws-arguments.md", "the AWS arguments"),
    ("sensor", ("BaseSensorOperator",), "concepts/waiting-and-sensors.md#sensors-poke_interval-timeout-mode", "the sensor arguments"),
    ("task", ("BaseOperator",), "concepts/task-options.md", "BaseOperator's task arguments"),
)
"""(key, bases that bring the group, concepts page, words for the link): the arguments a class inherits."""

INHERITED_SHARED_DEFAULTS = {
    "aws": ("concepts/aws-arguments.md",),
    "sensor": ("concepts/waiting-and-sensors.md#sensors-poke_interval-timeout-mode", "concepts/waiting-and-sensors.md#soft_fail"),
    "task": ("concepts/task-options.md",),
}
"""Per inherited group, the shared-defaults headings that hold its arguments: a section may give one of them its own
text when the shared one is wrong or too vague for its class (`poke_interval` of a sensor that polls inside one poke)."""


@dataclass(frozen=True)
class SharedParameter:
    """A parameter's shared Prefect text and the concepts page it links to."""

    note: ParameterNote
    concept: str


def parameter_notes(path: str, item: Field) -> tuple[list[ParameterNote], list[Diagnostic]]:
    """The bullets of a `## parameters` field (or a shared group), each checked for its form."""
    notes, problems = [], []
    for line in item.lines:
        if not line.text.strip():
            continue
        match = PARAMETER_BULLET.match(line.text)
        if match is None:
            problems.append(
                Diagnostic(SourceLocation(path, line.number), "parameter-bullet", "write each parameter as one bullet: '- `name`: what to do in Prefect'")
            )
            continue
        notes.append(ParameterNote(match["name"], match["text"].strip(), SourceLocation(path, line.number)))
    return notes, problems


def parse_shared_parameters(path: str, text: str) -> tuple[dict[str, SharedParameter], list[Diagnostic]]:
    """The shared defaults document: `## <concepts page>` headings, each with parameter bullets."""
    _, template, _ = split_front_matter(text.replace("\r\n", "\n"))
    template = JINJA_COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), template)
    lines = [Line(number, content) for number, content in enumerate(template.split("\n"), 1)]
    fields, problems = parse_fields(path, lines)
    shared: dict[str, SharedParameter] = {}
    for item in fields:
        if not item.name.startswith("concepts/") or not item.name.partition("#")[0].endswith(".md"):
            problems.append(
                Diagnostic(item.location, "shared-parameters", f"'## {item.name}' must name a concepts page or section, e.g. '## concepts/task-options.md#trigger_rule'")
            )
            continue
        notes, bullet_problems = parameter_notes(path, item)
        problems.extend(bullet_problems)
        for note in notes:
            found = raw_html(note.text)
            if found:
                problems.append(Diagnostic(note.location, "raw-html", f"raw HTML '{found[:40]}': mapping text is markdown only; put code in backticks"))
        for note in notes:
            if note.name in shared:
                problems.append(Diagnostic(note.location, "duplicate-parameter", f"'{note.name}' already has a shared default at line {shared[note.name].note.location.line}"))
                continue
            shared[note.name] = SharedParameter(note, item.name)
    return shared, sorted(problems)


def check_parameters(
    cls: ProviderClass, notes: list[ParameterNote], shared: dict[str, SharedParameter], section_location: SourceLocation
) -> list[Diagnostic]:
    """Every own parameter covered once; no bullet for a name the class neither has nor inherits."""
    problems = []
    inherited = inherited_parameters(cls, shared)
    names = [parameter.name for parameter in cls.parameters]
    seen: dict[str, ParameterNote] = {}
    for note in notes:
        if note.name in seen:
            problems.append(Diagnostic(note.location, "duplicate-parameter", f"'{note.name}' is already covered at line {seen[note.name].location.line}"))
            continue
        seen[note.name] = note
        if note.name not in names and note.name not in inherited:
            close = difflib.get_close_matches(note.name, names + sorted(inherited), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Diagnostic(note.location, "unknown-parameter", f"{cls.name} has no parameter '{note.name}'{hint}"))
    missing = [name for name in names if name not in seen and name not in shared]
    if missing:
        listing = ", ".join(f"'{name}'" for name in missing)
        problems.append(
            Diagnostic(section_location, "missing-parameter", f"{cls.name}'s parameter{'s' if len(missing) > 1 else ''} {listing} need{'' if len(missing) > 1 else 's'} a bullet under '## parameters'")
        )
    return problems


def parameter_rows(cls: ProviderClass, notes: list[ParameterNote], shared: dict[str, SharedParameter]) -> tuple[ParameterRow, ...]:
    """The table rows, in the order of the class's `__init__`."""
    own = {note.name: note for note in notes}
    rows = []
    for parameter in cls.parameters:
        templated = parameter.name in cls.template_fields
        if parameter.name in own:
            rows.append(ParameterRow(parameter.name, parameter.default, templated, own[parameter.name].text, None))
        elif parameter.name in shared:
            default = shared[parameter.name]
            rows.append(ParameterRow(parameter.name, parameter.default, templated, default.note.text, default.concept))
    for name, group_page in inherited_parameters(cls, shared).items():  # in the shared defaults' order
        if name in own:
            rows.append(ParameterRow(name, None, name in cls.template_fields, own[name].text, None, inherited_from=group_page))
    return tuple(rows)


def inherited_parameters(cls: ProviderClass, shared: dict[str, SharedParameter]) -> dict[str, str]:
    """The shared-default arguments the class inherits (not declares), each with the concepts page of its group."""
    own = {parameter.name for parameter in cls.parameters}
    headings = {heading: key for key in inherited_groups(cls) for heading in INHERITED_SHARED_DEFAULTS[key]}
    group_pages = {key: page for key, _, page, _ in INHERITED_GROUPS}
    return {
        name: group_pages[headings[default.concept]]
        for name, default in shared.items()
        if name not in own and default.concept in headings
    }


def inherited_groups(cls: ProviderClass) -> tuple[str, ...]:
    """The groups of arguments a class inherits, by the bases it rests on."""
    return tuple(key for key, bases, _, _ in INHERITED_GROUPS if set(bases) & set(cls.rests_on))
