"""Model step: the frozen dataclasses that carry mappings through the pipeline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

REQUIRED_FIELDS = (
    "operator",
    "module",
    "source_context",
    "prefect_pattern",
    "prefect_package",
    "prefect_import",
    "example",
)
"""Fields every section must have, in the order pages show them."""

OPTIONAL_FIELDS = ("aliases", "parameters", "notes", "verification", "unverified", "replaced_by", "removed_in")
"""Fields a section may have. Exactly one of `verification` (how the sandbox runs
the example) and `unverified` (why it cannot) is required; `replaced_by` and
`removed_in` mark an operator the current Airflow provider no longer has;
`aliases` lists, as `module.ClassName`, the old names Airflow used for it;
`parameters` says, one bullet per parameter of the class's `__init__`, what to do with it
in Prefect (required for every parameter the shared defaults do not cover)."""

KNOWN_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

EXAMPLE_PARTS = ("before", "after")
"""The `###` headings of the `example` field."""

VERIFICATION_PARTS = ("setup", "call", "assertions")
"""The `###` headings of the `verification` field, in the order the sandbox runs them."""

REQUIRED_VERIFICATION_PARTS = ("call", "assertions")

FIELD_PARTS = {"example": EXAMPLE_PARTS, "verification": VERIFICATION_PARTS}
"""Fields made of `###` parts, each holding one Python code fence."""

REQUIRED_PARTS = {"example": EXAMPLE_PARTS, "verification": REQUIRED_VERIFICATION_PARTS}

KNOWN_PACKAGES = ("prefect", "prefect-aws", "prefect-sqlalchemy")
"""Packages a mapping may ask readers to install."""


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A line in a mapping document."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in the input, printed as `path:line: error[code]: message`."""

    location: SourceLocation
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: error[{self.code}]: {self.message}"


@dataclass(frozen=True)
class Line:
    """One line of a section body, with the document line it came from."""

    number: int
    text: str


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block; `location` is its opening fence."""

    location: SourceLocation
    language: str
    code: str
    first_code_line: int
    fence: str
    closed: bool

    def document_line(self, code_line: int) -> int:
        """The document line of the code's line `code_line` (1-based)."""
        return self.first_code_line + code_line - 1


@dataclass(frozen=True)
class Field:
    """A `##` field (or a `###` part of one) of a section, with its body lines."""

    name: str
    location: SourceLocation
    level: int
    lines: tuple[Line, ...]
    children: tuple[Field, ...] = ()
    code_blocks: tuple[CodeBlock, ...] = ()

    @cached_property
    def text(self) -> str:
        """The body as markdown, without surrounding blank lines."""
        return "\n".join(line.text for line in self.lines).strip("\n").strip()

    @cached_property
    def bullets(self) -> tuple[str, ...] | None:
        """The items when the body is only a bullet list, else None."""
        items = [line.text for line in self.lines if line.text.strip()]
        if not items or not all(re.match(r"\s*[-*+] ", item) for item in items):
            return None
        return tuple(re.sub(r"^\s*[-*+] ", "", item).strip() for item in items)

    def child(self, name: str) -> Field | None:
        """The first `###` part called `name`, if any."""
        return next((child for child in self.children if child.name == name), None)


@dataclass(frozen=True)
class Service:
    """An AWS service: its URL slug (never changes once published) and its title."""

    slug: str
    title: str


@dataclass(frozen=True)
class Section:
    """One `{% section Name %}` block of a document."""

    name: str
    location: SourceLocation
    fields: tuple[Field, ...]
    rendered: bool = True
    """False when Jinja could not render the body; the parse step reported why."""

    def field(self, name: str) -> Field | None:
        """The first field called `name`, if any."""
        return self._first_fields.get(name)

    @cached_property
    def _first_fields(self) -> dict[str, Field]:
        first: dict[str, Field] = {}
        for item in self.fields:
            first.setdefault(item.name, item)
        return first


@dataclass(frozen=True)
class Document:
    """A parsed mapping document."""

    path: str
    front_matter: dict | None = field(compare=False, hash=False)
    """None when missing or unreadable; the parse step reported why."""
    front_matter_location: SourceLocation
    sections: tuple[Section, ...]

    @property
    def service(self) -> Service | None:
        """The service named by the front matter, if it names one well-formed."""
        service = (self.front_matter or {}).get("service")
        if not isinstance(service, dict):
            return None
        slug, title = service.get("slug"), service.get("title")
        if not isinstance(slug, str) or not isinstance(title, str):
            return None
        return Service(slug=slug, title=title)


@dataclass(frozen=True)
class ParameterNote:
    """What to do in Prefect with one Airflow parameter: a `- `name`: text` bullet."""

    name: str
    text: str
    location: SourceLocation


@dataclass(frozen=True)
class ParameterRow:
    """One row of an operator page's parameter table."""

    name: str
    default: str | None
    """The Airflow default as written in the source; None when the parameter is required."""
    templated: bool
    prefect: str
    concept: str | None
    """The concepts page the Prefect text comes from, for a shared default; None for the section's own."""
    inherited_from: str | None = None
    """For an argument the class inherits that the section explains for itself: the concepts page of its group."""


@dataclass(frozen=True)
class Verification:
    """What a section's verification runs against, and the level that earns (see `generator.levels`)."""

    level: str
    backends: tuple[str, ...]
    services: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Mapping:
    """A validated operator mapping, ready to render."""

    section: Section
    service: Service
    parameter_rows: tuple[ParameterRow, ...] = ()
    inherits: tuple[str, ...] = ()
    """The groups of arguments the class inherits (`aws`, `sensor`, `task`), for the line under the table."""
    parameters_of: str = ""
    """The class whose parameters the table lists: the operator's own, or its replacement's when legacy."""
    verification_record: Verification | None = None

    @property
    def operator(self) -> str:
        return self.section.name

    @property
    def location(self) -> SourceLocation:
        return self.section.location

    def text(self, name: str) -> str:
        """The text of field `name` ('' when absent)."""
        found = self.section.field(name)
        return found.text if found else ""

    def code(self, field_name: str, part: str) -> CodeBlock | None:
        """The code block of part `part` of field `field_name`, if present."""
        found = self.section.field(field_name)
        child = found.child(part) if found else None
        return child.code_blocks[0] if child and child.code_blocks else None

    def example(self, part: str) -> CodeBlock:
        """The code block of the example's `before` or `after`."""
        block = self.code("example", part)
        assert block is not None
        return block

    @property
    def verification(self) -> list[tuple[str, CodeBlock]]:
        """The verification's parts that are present, in the order they run."""
        parts = [(part, self.code("verification", part)) for part in VERIFICATION_PARTS]
        return [(part, block) for part, block in parts if block is not None]

    @property
    def aliases(self) -> tuple[str, ...]:
        """Old dotted paths (`module.ClassName`) of the same operator."""
        found = self.section.field("aliases")
        return (found.bullets or ()) if found else ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every class name this operator went by: its own first, then old ones, without repeats."""
        return tuple(dict.fromkeys([self.operator, *(alias.rpartition(".")[2] for alias in self.aliases)]))

    @property
    def is_legacy(self) -> bool:
        """Whether the current Airflow provider no longer has this operator."""
        return self.section.field("replaced_by") is not None

    @property
    def notes(self) -> tuple[str, ...]:
        notes = self.section.field("notes")
        return (notes.bullets or ()) if notes else ()

    @property
    def slug(self) -> str:
        """The page's slug: the class name in lowercase."""
        return self.operator.lower()

    @property
    def url(self) -> str:
        """The page's published URL path (never changes once published)."""
        return f"operators/{self.service.slug}/{self.slug}/"

    @property
    def page_path(self) -> str:
        """The generated page's path under the docs folder."""
        return f"operators/{self.service.slug}/{self.slug}.md"
