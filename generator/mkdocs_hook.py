"""Write step for the site: an MkDocs hook that runs the generator inside every build.

`mkdocs build` and `mkdocs serve` both load the mappings, so an edited mapping
shows up without a manual step; generated pages live only in memory.
The `Operators` entry of `nav` in mkdocs.yml is expanded into one section per
AWS service, each with its operator pages. Each page's sidebar shows, under
Operators, only the catalog and the page's own service: the catalog lists every
service, and a page's HTML and render time do not grow with the number of
services (at 3000 operators, listing 100 services on every page made each page
62 KB and the build 37 s). The theme renders only the page's own entry of its
service; `generator.sidebar` splices in the others (see there why).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from generator.coverage import coverage_of
from generator.inventory import Inventory, load_inventory
from generator.load import PRELOADED, garbage_collection_paused, load_mappings
from generator.model import Mapping
from generator.render import CATALOG_PATH, render_site, services_with_mappings
from generator.sidebar import Siblings, splice_siblings
from generator.versions import project_versions

OPERATORS_NAV_TITLE = "Operators"
COVERAGE_FIGURE = "{{ coverage.figure }}"
"""Written in a hand-written page, replaced by the coverage figure from the data (`10 of 280`)."""

_mappings: list[Mapping] = []
_inventory: Inventory | None = None


def _project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent


def operators_nav(mappings: list[Mapping]) -> list:
    """The `Operators` navigation: the catalog, then one section per service."""
    entries: list = [CATALOG_PATH]
    for service, members in services_with_mappings(mappings):
        pages = [f"operators/{service.slug}/index.md"] + [{mapping.operator: mapping.page_path} for mapping in members]
        entries.append({service.title: pages})
    return entries


def on_config(config: MkDocsConfig, /) -> MkDocsConfig:
    global _mappings, _inventory
    root = _project_root(config)
    preloaded = PRELOADED.pop((root / "mappings").resolve(), None)
    if preloaded is not None:
        (mappings, _inventory), diagnostics = preloaded, []
    else:
        _inventory = load_inventory()
        mappings, diagnostics = load_mappings(root / "mappings", root, _inventory)
    if diagnostics:
        listing = "\n".join(str(diagnostic) for diagnostic in diagnostics)
        raise PluginError(f"the mapping documents have {len(diagnostics)} problem(s):\n{listing}")
    _mappings = mappings
    for index, item in enumerate(config.nav or []):
        if isinstance(item, dict) and item.get(OPERATORS_NAV_TITLE) == CATALOG_PATH:
            config.nav[index] = {OPERATORS_NAV_TITLE: operators_nav(mappings)}
    return config


def on_files(files: Files, /, *, config: MkDocsConfig) -> Files:
    with garbage_collection_paused():
        site = render_site(_mappings, project_versions(_project_root(config)), config.site_url or "/", _inventory)
    # One lookup of the hand-written files: `Files` rebuilds its index after every append.
    clashes = sorted(set(site) & {file.src_uri for file in files})
    if clashes:
        raise PluginError(f"docs/{clashes[0]} is generated from the mappings; remove the hand-written file")
    for path, content in site.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if COVERAGE_FIGURE in markdown:
        markdown = markdown.replace(COVERAGE_FIGURE, coverage_of(_inventory, _mappings).figure)
    return markdown


def on_serve(server, /, *, config: MkDocsConfig, builder):
    root = _project_root(config)
    server.watch(str(root / "mappings"))
    server.watch(str(root / "generator" / "templates"))
    return server


def page_navigation(nav: Navigation, page: Page) -> tuple[Navigation, Siblings | None]:
    """The navigation the theme renders for `page`, and the sibling links to splice in after.

    Under Operators: the catalog and the active service only. In the active service, the theme
    renders the service's index page and `page`; its other operator pages come back as siblings.
    """
    items, siblings = [], None
    for item in nav.items:
        if isinstance(item, Section) and item.title == OPERATORS_NAV_TITLE:
            children = []
            for child in item.children:
                if isinstance(child, Section):
                    if not child.active:
                        continue
                    child, siblings = _service_with_active_page_only(child, page)
                children.append(child)  # the catalog page, or the active service
            item = _section(item.title, children, item.active)
        items.append(item)
    trimmed_nav = Navigation(items, nav.pages)
    trimmed_nav.homepage = nav.homepage
    return trimmed_nav, siblings


def _service_with_active_page_only(service: Section, page: Page) -> tuple[Section, Siblings | None]:
    index, operators = service.children[0], service.children[1:]
    position = next((number for number, child in enumerate(operators) if child is page), -1)
    if position < 0:  # the service's index page, which the theme renders as the section's own link
        return service, None
    links = [(get_relative_url(child.url, page.url), child.title) for child in operators]
    kept = _section(service.title, [index, page], True)
    return kept, Siblings(tuple(links[:position]), tuple(links[position + 1 :]))


def _section(title: str, children: list, active: bool) -> Section:
    section = Section(title, children)
    section.active = active
    return section


_siblings: dict[str, Siblings] = {}


def on_page_context(context: dict, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    context["nav"], siblings = page_navigation(nav, page)
    if siblings is not None:
        _siblings[page.file.src_uri] = siblings
    return context


def on_post_page(output: str, /, *, page: Page, config: MkDocsConfig) -> str:
    siblings = _siblings.pop(page.file.src_uri, None)
    return splice_siblings(output, siblings) if siblings else output
