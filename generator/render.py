"""Render step: turn validated mappings into page texts through the templates in `templates/`."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import jinja2

from generator.coverage import COVERAGE_JSON_PATH, COVERAGE_PAGE_PATH, coverage_of, render_coverage_json, short_link_targets
from generator.export import render_json
from generator.inventory import Inventory
from generator.levels import LEVEL_BY_KEY
from generator.model import Mapping, Service
from generator.parameters import INHERITED_GROUPS

TEMPLATES_DIR = Path(__file__).parent / "templates"
CATALOG_PATH = "operators/index.md"
JSON_EXPORT_PATH = "mappings.json"
SHORT_LINK_PREFIX = "op"


def humanize(class_name: str) -> str:
    """`S3CreateObjectOperator` → `S3 Create Object Operator`: the words of a class name."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", class_name)


def fence(code: str, language: str) -> str:
    """A fenced code block around `code`, with a fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    marker = "`" * max(3, longest + 1)
    return f"{marker}{language}\n{code.rstrip()}\n{marker}"


def provider_distribution(module: str) -> str:
    """The distribution that ships an Airflow provider module (`apache-airflow-providers-amazon`)."""
    parts = module.split(".")
    name = "-".join(parts[2:4]) if parts[2] == "common" else parts[2]
    return f"apache-airflow-providers-{name}"


def airflow_class_docs_url(class_path: str) -> str:
    """A class's entry in its Airflow provider's API reference."""
    module, _, class_name = class_path.rpartition(".")
    return (
        f"https://airflow.apache.org/docs/{provider_distribution(module)}/stable/_api/"
        f"{module.replace('.', '/')}/index.html#{module}.{class_name}"
    )


def airflow_docs_url(mapping: Mapping) -> str:
    """The operator's entry in Airflow's provider API reference (its replacement's, for a legacy operator)."""
    if mapping.is_legacy:
        return airflow_class_docs_url(mapping.text("replaced_by"))
    return airflow_class_docs_url(f"{mapping.text('module')}.{mapping.operator}")


def install_command(package: str, tool: str) -> str:
    """The command that installs `package` with `tool` (pip or uv)."""
    return {"pip": f"pip install {package}", "uv": f"uv add {package}"}[tool]


def first_sentence(text: str) -> str:
    """The first sentence of a field, without markdown code marks, for a page description."""
    plain = text.replace("`", "").split("\n")[0]
    return re.split(r"(?<=\.)\s", plain, maxsplit=1)[0]


def table_cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def level_badge(level: str | None) -> str:
    """A verification level as a short badge (HTML the template writes, never mapping text)."""
    if level is None:
        return ""
    found = LEVEL_BY_KEY[level]
    return f'<span class="level level-{found.key}" title="{found.sentence}">{found.badge}</span>'


def code_cell(text: str | None) -> str:
    """A default value as a table cell: code, or 'required'."""
    return "required" if text is None else f"`{text}`".replace("\n", " ")


def inherited_links(groups: tuple[str, ...], prefix: str) -> list[tuple[str, str]]:
    """(words, link) for each group of arguments a class inherits, linked from a page `prefix` deep."""
    return [(words, f"{prefix}{page}") for key, _, page, words in INHERITED_GROUPS if key in groups]


def register_filters(environment: jinja2.Environment) -> None:
    """Every filter the templates use, in one place."""
    environment.filters.update(
        airflow_class_docs_url=airflow_class_docs_url,
        airflow_docs_url=airflow_docs_url,
        alias_label=lambda alias: f"`{alias.rpartition('.')[2]}` (`{alias.rpartition('.')[0]}`)",
        code=lambda text: f"`{text}`",
        code_cell=code_cell,
        inherited_links=inherited_links,
        level_badge=level_badge,
        fence=fence,
        first_sentence=first_sentence,
        humanize=humanize,
        install_command=install_command,
        last_name=lambda dotted: dotted.rpartition(".")[2],
        provider_distribution=provider_distribution,
        table_cell=table_cell,
    )


def template_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    register_filters(environment)
    return environment


def services_with_mappings(mappings: list[Mapping]) -> list[tuple[Service, list[Mapping]]]:
    """Mappings grouped by service, services sorted by title, operators by name."""
    ordered = sorted(mappings, key=lambda mapping: (mapping.service.title.lower(), mapping.operator))
    return [(service, list(group)) for service, group in itertools.groupby(ordered, key=lambda mapping: mapping.service)]


KEPT_SHORT_LINKS = {"AWSGlueJobOperator": "GlueJobOperator"}
"""Short links published before the inventory showed the old name was in no Airflow release
(it is from AWS's `awsairflowlib` workshop package); kept so that links in tickets still work."""


def short_link_files(targets: dict[str, tuple[str, tuple[str, ...]]], titles: dict[str, str], environment: jinja2.Environment) -> dict[str, str]:
    """`op/<name>/index.html` for every name, as written and in lowercase, each sending the browser on."""
    template = environment.get_template("redirect.html.jinja")
    files = {}
    for lowercase, (url, spellings) in targets.items():
        for spelling in dict.fromkeys((*spellings, lowercase)):
            files[f"{SHORT_LINK_PREFIX}/{spelling}/index.html"] = template.render(name=spelling, title=titles.get(url, spelling), target=f"../../{url}")
    return files


def render_site(mappings: list[Mapping], versions: dict[str, str], site_url: str, inventory: Inventory) -> dict[str, str]:
    """Every generated file, keyed by its path under the docs folder.

    `versions` are the pinned versions the examples are verified against;
    `site_url` is the published base URL, for the files read outside the site (llms.txt);
    `inventory` lists every class to account for on the coverage page and in short links.
    """
    environment = template_environment()
    operator_template = environment.get_template("operator.md.jinja")
    service_template = environment.get_template("service.md.jinja")
    grouped = services_with_mappings(mappings)
    site_url = site_url.rstrip("/") + "/"
    coverage = coverage_of(inventory, mappings)
    targets = short_link_targets(coverage, mappings)
    for old, current in KEPT_SHORT_LINKS.items():
        url, spellings = targets.get(old.lower(), (targets[current.lower()][0], ()))
        targets[old.lower()] = (url, tuple(dict.fromkeys((*spellings, old))))
    titles = {mapping.url: f"{mapping.operator} → Prefect" for mapping in mappings}
    titles.update({entry.url: f"{entry.cls.name}: not yet mapped" for entry in coverage.entries if not entry.mapping})
    files = {
        COVERAGE_PAGE_PATH: environment.get_template("coverage.md.jinja").render(coverage=coverage, sources=inventory.sources["current"]),
        COVERAGE_JSON_PATH: render_coverage_json(coverage),
        **short_link_files(targets, titles, environment),
        CATALOG_PATH: environment.get_template("catalog.md.jinja").render(services=grouped),
        JSON_EXPORT_PATH: render_json(mappings),
        "llms.txt": environment.get_template("llms.txt.jinja").render(services=grouped, site_url=site_url),
        "llms-full.txt": environment.get_template("llms_full.txt.jinja").render(mappings=mappings, site_url=site_url),
    }
    for service, members in grouped:
        files[f"operators/{service.slug}/index.md"] = service_template.render(service=service, mappings=members)
        for mapping in members:
            files[mapping.page_path] = operator_template.render(
                mapping=mapping, versions=versions, level=LEVEL_BY_KEY[mapping.verification_record.level]
            )
    return {path: files[path].rstrip("\n") + "\n" for path in sorted(files)}
