"""The built site: strict build, URLs, content tabs, nothing loaded from other hosts, search on the built index."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from generator.model import Mapping
from generator.render import humanize
from generator.versions import LOCK_FILES

from tests.project import MAPPING_LIST, ROOT, build_site

SEARCH_WORKER = Path(__file__).parent / "support" / "search_worker.js"
MAX_OPERATOR_PAGE_BYTES = 50_000


def visible_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def ids(mapping: Mapping) -> str:
    return mapping.operator


def test_strict_build_passes_without_warnings(built_site):
    _, result = built_site
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=ids)
def test_operator_page_is_published_at_its_stable_url(site_dir: Path, mapping: Mapping):
    html = (site_dir / mapping.url / "index.html").read_text()
    assert f"<h1 id=\"{mapping.slug}\">{mapping.operator}" in html
    assert mapping.text("module") in html
    assert len(html.encode()) < MAX_OPERATOR_PAGE_BYTES


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=ids)
def test_operator_page_has_linked_tabs_permalinks_and_provider_link(site_dir: Path, mapping: Mapping):
    html = (site_dir / mapping.url / "index.html").read_text()
    tab_labels = re.findall(r'<label for="__tabbed_\d+_\d+">([^<]+)</label>', html)
    assert tab_labels == ["Airflow", "Prefect", "pip", "uv"]
    assert 'class="headerlink"' in html
    assert "https://airflow.apache.org/docs/apache-airflow-providers-" in html
    assert f"pip install {mapping.text('prefect_package')}" in visible_text(html)


def test_catalog_links_every_operator_grouped_by_service(site_dir: Path):
    html = (site_dir / "operators" / "index.html").read_text()
    for mapping in MAPPING_LIST:
        assert f'href="{mapping.service.slug}/{mapping.slug}/"' in html
        assert f">{mapping.service.title}</a>" in html


def primary_navigation(html: str) -> str:
    start = html.index('<nav class="md-nav md-nav--primary"')
    return visible_text(html[start : html.index("md-sidebar--secondary", start)])


def test_sidebar_shows_the_pages_service_with_its_operators_and_no_other_service(site_dir: Path):
    nav = primary_navigation((site_dir / "operators/s3/s3copyobjectoperator/index.html").read_text())
    assert "Amazon S3" in nav
    assert all(name in nav for name in ("S3CopyObjectOperator", "S3CreateObjectOperator", "S3DeleteObjectsOperator"))
    assert "AWS Glue" not in nav and "GlueJobOperator" not in nav


def sidebar_links(html: str) -> list[str]:
    start = html.index('<nav class="md-nav md-nav--primary"')
    return re.findall(r'href="([^"#]+)" class="md-nav__link( md-nav__link--active)?"', html[start : html.index("md-sidebar--secondary", start)])


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=ids)
def test_sidebar_lists_every_operator_of_the_service_in_order_once_with_the_page_active(site_dir: Path, mapping: Mapping):
    links = sidebar_links((site_dir / mapping.url / "index.html").read_text())
    siblings = [m.slug for m in sorted(MAPPING_LIST, key=lambda m: m.operator) if m.service == mapping.service]
    listed = [url for url, _ in links if url == "./" or re.fullmatch(r"\.\./[a-z0-9]+/", url)]
    assert listed == ["./" if slug == mapping.slug else f"../{slug}/" for slug in siblings]
    assert ("./", " md-nav__link--active") in links
    index = (site_dir / "operators" / mapping.service.slug / "index.html").read_text()
    assert [url for url, _ in sidebar_links(index) if re.fullmatch(r"[a-z0-9]+/", url)] == [f"{slug}/" for slug in siblings]


def test_json_export_and_api_reference_are_published(site_dir: Path):
    records = json.loads((site_dir / "mappings.json").read_text())
    assert sorted(records) == sorted(mapping.operator for mapping in MAPPING_LIST)
    api = (site_dir / "reference" / "generator" / "index.html").read_text()
    assert "generator.parse.parse_document" in api and "generator.validate.validate" in api


EXTERNAL = re.compile(r"^(https?:)?//(?!127\.0\.0\.1[:/])", re.IGNORECASE)
# Hosts of fonts and CDNs that themes and extensions load by default.
CDN_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")


def loaded_urls(html: str) -> list[str]:
    """Every URL an HTML page makes the browser load (not plain `<a>` links)."""
    urls = re.findall(r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=\"([^\"]+)\"", html)
    for tag in re.findall(r"<link\b[^>]*>", html):
        rel = re.search(r'rel="([^"]+)"', tag)
        href = re.search(r'href="([^"]+)"', tag)
        if href and rel and rel.group(1) not in ("canonical", "alternate", "prev", "next"):
            urls.append(href.group(1))
    urls += re.findall(r"url\(['\"]?([^'\")]+)", html)
    return urls


def test_built_site_loads_nothing_from_other_hosts(site_dir: Path):
    offenders = []
    for page in site_dir.rglob("*.html"):
        offenders += [f"{page.relative_to(site_dir)}: {url}" for url in loaded_urls(page.read_text()) if EXTERNAL.match(url)]
    for stylesheet in site_dir.rglob("*.css"):
        text = stylesheet.read_text()
        offenders += [f"{stylesheet.relative_to(site_dir)}: {url}" for url in re.findall(r"url\(['\"]?([^'\")]+)", text) if EXTERNAL.match(url)]
        offenders += [f"{stylesheet.relative_to(site_dir)}: @import" for _ in re.findall(r"@import\s+(?:url\()?['\"]?https?:", text)]
    for script in site_dir.rglob("*.js"):
        text = script.read_text()
        offenders += [f"{script.relative_to(site_dir)}: {host}" for host in CDN_HOSTS if host in text]
    assert offenders == []


def test_theme_features_that_call_other_hosts_stay_off(site_dir: Path):
    """Material's bundle can fetch repository facts (needs repo_url) and load Mermaid from unpkg (needs a mermaid diagram)."""
    assert not [page for page in site_dir.rglob("*.html") if 'class="mermaid"' in page.read_text()]
    config = (ROOT / "mkdocs.yml").read_text()
    assert "repo_url" not in config
    assert "font: false" in config
    assert "mermaid" not in config


def test_site_rebuild_is_byte_identical(site_dir: Path, tmp_path: Path):
    again = tmp_path / "again"
    result = build_site(ROOT / "mkdocs.yml", again)
    assert result.returncode == 0, result.stderr

    def tree(root: Path) -> dict[str, bytes]:
        return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}

    first, second = tree(site_dir), tree(again)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []


def test_edited_mapping_shows_up_in_the_next_build_without_a_manual_step(tmp_path: Path):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "docs", "mappings", "overrides", "generator", *LOCK_FILES):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    sns = project / "mappings" / "sns.md"
    original = sns.read_text()
    assert "Publishes a message to an Amazon SNS topic" in original
    sns.write_text(original.replace("Publishes a message to an Amazon SNS topic", "Publishes an edited message."))
    result = build_site(project / "mkdocs.yml", project / "site")
    assert result.returncode == 0, result.stderr
    assert "Publishes an edited message." in (project / "site" / "operators/sns/snspublishoperator/index.html").read_text()


# --- search, with Material's own search worker on the built index -----------------------------


def service_word(mapping: Mapping) -> str:
    """What a person types for a service: its title without the vendor prefix (`AWS Glue` → `glue`)."""
    return re.sub(r"^(Amazon|AWS)\s+", "", mapping.service.title).lower()


def name_words(mapping: Mapping) -> str:
    return humanize(mapping.operator).removesuffix(" Operator").lower()


SEARCH_STOP_WORDS = {"to", "get", "from", "for", "of", "on", "in", "and"}
"""The words of operator names that the search index drops (lunr's English stop words)."""


def distinct_words(text: str) -> set[str]:
    """The words a search can tell apart: stop words dropped, a plural's `s` too (`keys` finds `key`)."""
    words = {word.lower() for word in text.split()} - SEARCH_STOP_WORDS
    return {word.removesuffix("s") if len(word) > 3 else word for word in words}


def pages_named_with(words: str) -> set[str]:
    """The pages whose class name holds every word of `words`: a search for them cannot rank one above another."""
    return {m.url for m in MAPPING_LIST if distinct_words(words) <= distinct_words(humanize(m.operator))}


@pytest.fixture(scope="module")
def search(site_dir: Path):
    queries = {"create object", "S3CREATEOBJECTOPERATOR"}
    for mapping in MAPPING_LIST:
        queries |= {mapping.operator, mapping.operator.lower(), name_words(mapping), service_word(mapping)}
    node = shutil.which("node")
    assert node, "node is needed to run Material's search worker; `make test` installs it"
    result = subprocess.run([node, str(SEARCH_WORKER), str(site_dir)], input=json.dumps(sorted(queries)), capture_output=True, text=True, check=True)
    results = json.loads(result.stdout)
    return lambda query: [group[0]["location"].split("#")[0] for group in results[query]]


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=ids)
@pytest.mark.parametrize("kind", ["exact", "lowercase", "words"])
def test_search_puts_the_operator_page_first(search, mapping: Mapping, kind: str):
    """By name, the page comes first; by the words of its name, it comes first among the pages whose names hold the
    same words (`s3 to sql` and `sql to s3` are the same words to a search)."""
    query = {"exact": mapping.operator, "lowercase": mapping.operator.lower(), "words": name_words(mapping)}[kind]
    named_alike = pages_named_with(query) if kind == "words" else {mapping.url}
    assert mapping.url in named_alike
    assert set(search(query)[: len(named_alike)]) == named_alike, f"{query!r} → {search(query)[:5]}"


def test_search_create_object_and_uppercase_name_find_s3_create_object(search):
    assert search("create object")[0] == "operators/s3/s3createobjectoperator/"
    assert search("S3CREATEOBJECTOPERATOR")[0] == "operators/s3/s3createobjectoperator/"


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=ids)
def test_search_by_service_finds_the_operator_before_other_services_operators(search, mapping: Mapping):
    operator_pages = [url for url in search(service_word(mapping)) if url.count("/") == 3]
    assert mapping.url in operator_pages
    same_service = {m.url for m in MAPPING_LIST if m.service == mapping.service}
    same_service |= pages_named_with(service_word(mapping))  # a transfer from or to the service names it
    assert set(operator_pages[: len(same_service)]) == same_service, operator_pages
