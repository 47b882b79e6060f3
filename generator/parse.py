"""Parse step: read Colin documents into sections and fields, each with its `path:line`.

A Colin document is YAML front matter followed by a Jinja2 template whose
`{% section Name %} … {% endsection %}` blocks hold markdown. Inside a block,
`## name` starts a field and `### name` a part of it; headings inside code
fences are code, not fields.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import jinja2
import yaml
from jinja2 import nodes
from jinja2.ext import Extension

from generator.model import CodeBlock, Diagnostic, Document, Field, Line, Section, SourceLocation

FENCE_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<language>[^\s`]*)")
FIELD_HEADING = re.compile(r"^(?P<hashes>#{2,3})\s+(?P<name>.*?)\s*#*\s*$")
JINJA_MARKUP = re.compile(r"\{#.*?#\}|\{%.*?%\}", re.DOTALL)
SECTION_TAG_LINE = re.compile(r"^\{% section ([A-Za-z_][A-Za-z0-9_]*) %\}$")
ENDSECTION_TAG_LINE = "{% endsection %}"
JINJA_OPENERS = ("{{", "{%", "{#")


class SectionSyntaxError(jinja2.TemplateSyntaxError):
    """A misuse of the `section` tag, with its diagnostic code."""

    def __init__(self, code: str, message: str, lineno: int) -> None:
        super().__init__(message, lineno)
        self.code = code


@dataclass
class _RenderedSection:
    name: str
    start: int
    end: int
    body: str | None
    undefined: tuple[int, str] | None = None


class SectionExtension(Extension):
    """The `{% section Name %} … {% endsection %}` tag of Colin documents."""

    tags = {"section"}

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.rendered: list[_RenderedSection] = []

    def parse(self, parser: jinja2.parser.Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        if parser.stream.current.type != "name":
            raise SectionSyntaxError(
                "section-name", "'{% section %}' needs an operator class name, e.g. '{% section GlueJobOperator %}'", lineno
            )
        name = next(parser.stream).value
        open_sections = parser.__dict__.setdefault("open_sections", [])
        if open_sections:
            outer_name, outer_line = open_sections[-1]
            raise SectionSyntaxError(
                "unclosed-section",
                f"section '{outer_name}' is not closed before section '{name}' starts at line {lineno}; "
                "add '{% endsection %}'",
                outer_line,
            )
        open_sections.append((name, lineno))
        try:
            body = parser.parse_statements(("name:endsection",))
        except jinja2.TemplateSyntaxError:
            if parser.stream.current.type == "eof":
                raise SectionSyntaxError(
                    "unclosed-section", f"section '{name}' is never closed; add '{{% endsection %}}'", lineno
                ) from None
            raise
        end = next(parser.stream).lineno
        open_sections.pop()
        call = self.call_method("_record", [nodes.Const(name), nodes.Const(lineno), nodes.Const(end)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _record(self, name: str, start: int, end: int, caller) -> str:
        try:
            self.rendered.append(_RenderedSection(name, start, end, caller()))
        except jinja2.UndefinedError as error:
            line = _template_line(error.__traceback__) or start
            self.rendered.append(_RenderedSection(name, start, end, None, (line, error.message or str(error))))
        return ""


def _template_line(traceback: TracebackType | None) -> int | None:
    """The template line of the innermost template frame of a traceback."""
    line = None
    while traceback is not None:
        template = traceback.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = template.get_corresponding_lineno(traceback.tb_lineno)
        traceback = traceback.tb_next
    return line


def _environment() -> jinja2.Environment:
    # No trim_blocks here: a tag line must leave its newline so rendered lines keep their numbers.
    return jinja2.Environment(
        extensions=[SectionExtension],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


@dataclass
class ParseResult:
    """What parsing one document gives: the document (None if unreadable) and its problems."""

    document: Document | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `text` into the front matter's YAML, the template with the front
    matter blanked out (so line numbers stay), and the line of the opening `---`."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            yaml_text = "\n".join(lines[1:index])
            blanked = "\n" * index + "\n" + "\n".join(lines[index + 1 :])
            return yaml_text, blanked, 1
    return None, text, 1


def parse_document(path: str, text: str) -> ParseResult:
    """Parse one Colin document; never raises for bad input."""
    result = ParseResult(document=None)

    def report(line: int, code: str, message: str) -> None:
        result.diagnostics.append(Diagnostic(SourceLocation(path, line), code, message))

    text = text.replace("\r\n", "\n")
    yaml_text, template_text, front_line = split_front_matter(text)
    front_matter: dict | None = None
    if yaml_text is None:
        report(1, "front-matter", "the document must start with YAML front matter between '---' lines")
    else:
        try:
            loaded = yaml.safe_load(yaml_text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            report(front_line + 1 + (mark.line if mark else 0), "front-matter", f"front matter is not valid YAML: {error}")
        else:
            if loaded is None:
                loaded = {}
            if isinstance(loaded, dict):
                front_matter = loaded
            else:
                report(front_line, "front-matter", "front matter must be a YAML mapping")

    try:
        rendered_sections, outside = render_plain(template_text) or render_with_jinja(template_text)
    except SectionSyntaxError as error:
        report(error.lineno, error.code, error.message or "")
        return result
    except jinja2.TemplateSyntaxError as error:
        report(error.lineno, *_syntax_problem(error))
        return result
    except jinja2.UndefinedError as error:
        line = _template_line(error.__traceback__) or 1
        report(line, "undefined-variable", _undefined_message(error.message or str(error)))
        return result
    except jinja2.TemplateError as error:
        report(1, "template-error", str(error))
        return result

    source_lines = template_text.split("\n")
    sections = []
    for rendered in rendered_sections:
        location = SourceLocation(path, rendered.start)
        if rendered.undefined is not None:
            line, message = rendered.undefined
            report(line, "undefined-variable", _undefined_message(message))
            sections.append(Section(rendered.name, location, (), rendered=False))
            continue
        assert rendered.body is not None
        lines = _number_lines(rendered.body, source_lines, rendered.start, rendered.end)
        fields, diagnostics = parse_fields(path, lines)
        result.diagnostics.extend(diagnostics)
        sections.append(Section(rendered.name, location, fields))

    if outside.strip():
        for line in _lines_outside_sections(source_lines, rendered_sections):
            report(line, "text-outside-section", "text outside any '{% section %}' block is not published; move it into a section or a '{# comment #}'")

    result.document = Document(
        path=path,
        front_matter=front_matter,
        front_matter_location=SourceLocation(path, front_line),
        sections=tuple(sections),
    )
    return result


def render_with_jinja(template_text: str) -> tuple[list[_RenderedSection], str]:
    """Render a document as the Jinja2 template it is; give its sections and the text outside them."""
    environment = _environment()
    extension: SectionExtension = environment.extensions[SectionExtension.identifier]  # type: ignore[assignment]
    outside = environment.from_string(template_text).render()
    return extension.rendered, outside


def render_plain(template_text: str) -> tuple[list[_RenderedSection], str] | None:
    """What Jinja renders for a document whose only markup is section tags alone
    on their lines (most documents), without compiling a template; None for any
    other document, which then goes through Jinja. Compiling costs about 10 ms
    per 30 sections; `test_plain_documents_render_as_jinja_renders_them` proves both agree."""
    sections: list[_RenderedSection] = []
    outside: list[str] = []
    open_section: tuple[str, int, list[str]] | None = None
    for number, line in enumerate(template_text.split("\n"), 1):
        if match := SECTION_TAG_LINE.match(line):
            if open_section is not None:
                return None
            open_section = (match[1], number, [""])
        elif line == ENDSECTION_TAG_LINE:
            if open_section is None:
                return None
            name, start, body = open_section
            sections.append(_RenderedSection(name, start, number, "\n".join(body + [""])))
            open_section = None
            outside.append("")
        elif any(opener in line for opener in JINJA_OPENERS):
            return None
        elif open_section is not None:
            open_section[2].append(line)
        else:
            outside.append(line)
    if open_section is not None:
        return None
    return sections, "\n".join(outside)


def _syntax_problem(error: jinja2.TemplateSyntaxError) -> tuple[str, str]:
    """The code and message of a Jinja syntax error."""
    message = (error.message or "").split("\n")[0]
    if "endsection" in message and "unknown tag" in message:
        return "stray-endsection", "'{% endsection %}' without an open '{% section %}'"
    return "template-syntax", f"template syntax error: {message}"


def _undefined_message(message: str) -> str:
    return (
        f"{message}: Jinja evaluates the whole document; "
        "write Airflow templating such as '{{ ds }}' inside '{% raw %}…{% endraw %}'"
    )


def _number_lines(body: str, source_lines: list[str], start: int, end: int) -> list[Line]:
    """Give each rendered body line the document line it came from.

    Body line 0 is the rest of the `{% section %}` line. When rendering kept the
    number of lines (the usual case: `{% raw %}` tags leave blank lines), the
    mapping is exact; otherwise rendered lines are aligned with the source.
    """
    rendered = body.split("\n")
    if len(rendered) == end - start + 1:
        return [Line(start + offset, text) for offset, text in enumerate(rendered)]
    source = source_lines[start - 1 : end]
    numbers = [start] * len(rendered)
    matcher = difflib.SequenceMatcher(a=rendered, b=source, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            numbers[block.a + offset] = start + block.b + offset
    for index in range(1, len(numbers)):
        numbers[index] = max(numbers[index], numbers[index - 1])
    return [Line(number, text) for number, text in zip(numbers, rendered)]


def _lines_outside_sections(source_lines: list[str], rendered: list[_RenderedSection]) -> list[int]:
    inside = set()
    for section in rendered:
        inside.update(range(section.start, section.end + 1))
    outside_text = "\n".join("" if number in inside else text for number, text in enumerate(source_lines, 1))
    without_markup = JINJA_MARKUP.sub(lambda match: "\n" * match.group(0).count("\n"), outside_text)
    return [number for number, text in enumerate(without_markup.split("\n"), 1) if text.strip()][:1]


@dataclass
class _FieldBuilder:
    name: str
    line: int
    level: int
    lines: list[Line] = field(default_factory=list)
    children: list[_FieldBuilder] = field(default_factory=list)

    def freeze(self, path: str, diagnostics: list[Diagnostic]) -> Field:
        return Field(
            name=self.name,
            location=SourceLocation(path, self.line),
            level=self.level,
            lines=tuple(self.lines),
            children=tuple(child.freeze(path, diagnostics) for child in self.children),
            code_blocks=tuple(_code_blocks(path, self.lines, diagnostics)),
        )


def parse_fields(path: str, lines: list[Line]) -> tuple[tuple[Field, ...], list[Diagnostic]]:
    """Split a section body into `##` fields with their `###` parts."""
    diagnostics: list[Diagnostic] = []
    fields: list[_FieldBuilder] = []
    target: _FieldBuilder | None = None
    open_fence: str | None = None
    for line in lines:
        if open_fence is not None:
            if fence_closes(line.text, open_fence):
                open_fence = None
        elif match := FENCE_OPEN.match(line.text):
            open_fence = match["fence"]
        elif heading := FIELD_HEADING.match(line.text):
            builder = _FieldBuilder(heading["name"], line.number, len(heading["hashes"]))
            if builder.level == 2:
                fields.append(builder)
                target = builder
                continue
            if not fields:
                diagnostics.append(
                    Diagnostic(SourceLocation(path, line.number), "text-before-field", "a '###' heading must follow a '## field' heading")
                )
                continue
            fields[-1].children.append(builder)
            target = builder
            continue
        if target is None:
            if line.text.strip():
                diagnostics.append(
                    Diagnostic(
                        SourceLocation(path, line.number),
                        "text-before-field",
                        "text before the section's first '## field' heading belongs to no field",
                    )
                )
            continue
        target.lines.append(line)
    return tuple(builder.freeze(path, diagnostics) for builder in fields), diagnostics


def fence_closes(text: str, fence: str) -> bool:
    """Whether `text` closes a code fence opened with `fence`."""
    stripped = text.strip()
    return len(text) - len(text.lstrip(" ")) <= 3 and stripped.startswith(fence) and set(stripped) == {fence[0]}


def _code_blocks(path: str, lines: list[Line], diagnostics: list[Diagnostic]) -> list[CodeBlock]:
    """The fenced code blocks among a field's own lines."""
    blocks = []
    index = 0
    while index < len(lines):
        match = FENCE_OPEN.match(lines[index].text)
        if not match:
            index += 1
            continue
        opening = lines[index]
        fence = match["fence"]
        body: list[Line] = []
        index += 1
        closed = False
        while index < len(lines):
            if fence_closes(lines[index].text, fence):
                closed = True
                break
            body.append(lines[index])
            index += 1
        index += 1
        location = SourceLocation(path, opening.number)
        if not closed:
            diagnostics.append(Diagnostic(location, "unclosed-fence", f"code fence '{fence}' is never closed"))
        while body and not body[0].text.strip():
            body.pop(0)
        while body and not body[-1].text.strip():
            body.pop()
        blocks.append(
            CodeBlock(
                location=location,
                language=match["language"],
                code="\n".join(line.text for line in body) + ("\n" if body else ""),
                first_code_line=body[0].number if body else opening.number + 1,
                fence=fence,
                closed=closed,
            )
        )
    return blocks


def parse_paths(paths: list[Path], root: Path | None = None) -> tuple[list[Document], list[Diagnostic]]:
    """Parse every document at `paths`, named relative to `root` in diagnostics."""
    documents, diagnostics = [], []
    for path in sorted(paths):
        name = _display_path(path, root)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            diagnostics.append(Diagnostic(SourceLocation(name, 1), "unreadable", f"cannot read the document: {error}"))
            continue
        result = parse_document(name, text)
        diagnostics.extend(result.diagnostics)
        if result.document is not None:
            documents.append(result.document)
    return documents, diagnostics


def _display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
