"""Links made for tickets: every published URL stays, short links and old names redirect, llms.txt lists every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.model import Mapping
from tests.project import MAPPING_LIST

PUBLISHED_URLS = Path(__file__).parent / "published_urls.txt"
DATA_FILES = ("mappings.json", "coverage.json", "llms.txt", "llms-full.txt")


def site_urls(site_dir: Path) -> list[str]:
    """Every page address of the built site (as `/path/`), and its data files."""
    pages = [
        "/" + page.parent.relative_to(site_dir).as_posix().removeprefix(".") + ("/" if page.parent != site_dir else "")
        for page in site_dir.rglob("index.html")
    ]
    return sorted({url.replace("//", "/") for url in pages} | {f"/{name}" for name in DATA_FILES})


def test_no_published_url_ever_disappears(site_dir: Path, update_snapshots: bool):
    current = site_urls(site_dir)
    if update_snapshots:
        kept = set(PUBLISHED_URLS.read_text().split()) if PUBLISHED_URLS.exists() else set()
        PUBLISHED_URLS.write_text("\n".join(sorted(kept | set(current))) + "\n")
    published = PUBLISHED_URLS.read_text().split()
    gone = sorted(set(published) - set(current))
    assert gone == [], f"published URLs no longer exist; people's tickets link to them: {gone}"
    unlisted = sorted(set(current) - set(published))
    assert unlisted == [], f"new URLs: add them to {PUBLISHED_URLS.name} with pytest --update-snapshots: {unlisted}"


def redirect_target(site_dir: Path, short_link: str) -> str:
    html = (site_dir / short_link.strip("/") / "index.html").read_text()
    (target,) = re.findall(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
    return (Path("/" + short_link.strip("/")) / target).resolve().as_posix() + "/"


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=lambda mapping: mapping.operator)
def test_short_links_of_every_name_and_case_lead_to_the_operator_page(site_dir: Path, mapping: Mapping):
    for name in mapping.names:
        for spelling in (name, name.lower()):
            assert redirect_target(site_dir, f"/op/{spelling}/") == f"/{mapping.url}"


def test_old_names_appear_on_the_page_as_also_known_as(site_dir: Path):
    html = (site_dir / "operators/athena/athenaoperator/index.html").read_text()
    assert "Also known as:" in html
    assert "<code>AWSAthenaOperator</code> (<code>airflow.contrib.operators.aws_athena_operator</code>)" in html


def test_operator_page_offers_a_markdown_link_for_tickets(site_dir: Path):
    html = (site_dir / "operators/glue/gluejoboperator/index.html").read_text()
    assert 'data-clipboard-text="[GlueJobOperator → Prefect](http://127.0.0.1:8000/operators/glue/gluejoboperator/)"' in html


def test_llms_txt_lists_every_operator_page_and_full_text_holds_every_example(site_dir: Path):
    index = (site_dir / "llms.txt").read_text()
    full = (site_dir / "llms-full.txt").read_text()
    for mapping in MAPPING_LIST:
        assert f"[{mapping.operator}](http://127.0.0.1:8000/{mapping.url})" in index
        assert mapping.example("after").code.strip() in full
    home = (site_dir / "index.html").read_text()
    assert 'href="llms.txt"' in home and 'href="mappings.json"' in home
