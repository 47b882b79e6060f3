"""The built site in a real headless Chromium (Debian's, driven by Playwright):
search, linked tabs, the copy-link action, short links, and no request off 127.0.0.1."""

from __future__ import annotations

import functools
import json
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.project import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PUBLISHED_SITE_URL = "http://127.0.0.1:8000/"  # mkdocs.yml's site_url unless SITE_URL is set

off_host_requests: list[str] = []
all_requests: list[str] = []


@pytest.fixture(scope="session")
def site_url(site_dir: Path):
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing; `make test` installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser, site_url: str, color_scheme: str = "light"):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))

    def guard(route):
        url = route.request.url
        all_requests.append(url)
        if urlsplit(url).hostname != "127.0.0.1" and not url.startswith(("data:", "blob:")):
            off_host_requests.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    return context.new_page()


@pytest.fixture
def page(browser, site_url):
    opened = new_page(browser, site_url)
    yield opened
    opened.context.close()


def search(page, site_url: str, query: str) -> list[str]:
    """The result links Material's search box shows for `query`, as site paths."""
    page.goto(site_url)
    # Keys typed before Material's bundle has wired the search box are lost: wait for it, then type.
    page.wait_for_function("typeof window.document$ !== 'undefined'")
    page.click("input.md-search__input")
    page.locator("input.md-search__input").press_sequentially(query)
    page.wait_for_function("document.querySelectorAll('.md-search-result__item').length > 0")
    # Results appear while the query is typed: read them once they have stopped changing.
    previous, stable_reads = None, 0
    while stable_reads < 3:
        page.wait_for_timeout(150)
        hrefs = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "links => links.map(l => l.href)")
        stable_reads = stable_reads + 1 if hrefs == previous else 0
        previous = hrefs
    return [urlsplit(href).path for href in hrefs]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("GlueJobOperator", "/operators/glue/gluejoboperator/"),
        ("gluejoboperator", "/operators/glue/gluejoboperator/"),
        ("AWSAthenaOperator", "/operators/athena/athenaoperator/"),
        ("ecsoperator", "/operators/ecs/ecsruntaskoperator/"),
        ("create object", "/operators/s3/s3createobjectoperator/"),
        ("step function start execution", "/operators/stepfunctions/stepfunctionstartexecutionoperator/"),
    ],
)
def test_search_box_puts_the_right_page_first(page, site_url, query, expected):
    assert search(page, site_url, query)[0] == expected


def selected_tab(page, group: int) -> str:
    return page.eval_on_selector_all(
        ".tabbed-set",
        f"sets => {{ const set = sets[{group}]; const input = set.querySelector(':scope > input:checked');"
        " return set.querySelector(`label[for=\"${input.id}\"]`).textContent.trim() }",
    )


def click_tab(page, label: str) -> None:
    page.locator(".tabbed-labels > label", has_text=label).first.click()


def test_before_after_and_install_tabs_switch_and_stay_linked_across_pages(page, site_url):
    page.goto(f"{site_url}operators/glue/gluejoboperator/")
    assert selected_tab(page, 0) == "Airflow"
    click_tab(page, "Prefect")
    assert selected_tab(page, 0) == "Prefect"
    assert page.is_visible("text=def run_glue_job")
    click_tab(page, "uv")
    page.goto(f"{site_url}operators/sns/snspublishoperator/")
    assert selected_tab(page, 0) == "Prefect"
    assert selected_tab(page, 1) == "uv"
    assert page.is_visible("text=uv add prefect-aws")


def test_code_is_highlighted_in_the_browser(page, site_url):
    page.goto(f"{site_url}operators/glue/gluejoboperator/")
    page.wait_for_selector("code.hljs .hljs-keyword", state="attached")


def test_copy_link_action_copies_a_markdown_link_for_tickets(page, site_url):
    page.goto(f"{site_url}operators/glue/gluejoboperator/")
    page.click("button.ticket-link")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"[GlueJobOperator → Prefect]({PUBLISHED_SITE_URL}operators/glue/gluejoboperator/)"


@pytest.mark.parametrize(
    ("short_link", "expected"),
    [
        ("op/GlueJobOperator/", "/operators/glue/gluejoboperator/"),
        ("op/gluejoboperator/", "/operators/glue/gluejoboperator/"),
        ("op/AWSAthenaOperator/", "/operators/athena/athenaoperator/"),
        ("op/awslambdainvokefunctionoperator/", "/operators/lambda/lambdainvokefunctionoperator/"),
    ],
)
def test_short_links_and_old_names_land_on_the_operator_page(page, site_url, short_link, expected):
    page.goto(site_url + short_link)
    page.wait_for_url(f"**{expected}")
    assert urlsplit(page.url).path == expected
    assert page.inner_text("article h1").removesuffix("¶").strip().lower() == expected.strip("/").split("/")[-1]


def test_screenshots_of_an_operator_page_light_and_dark_and_of_search(browser, site_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        shot = new_page(browser, site_url, color_scheme=scheme)
        shot.goto(f"{site_url}operators/glue/gluejoboperator/")
        shot.wait_for_selector("code.hljs", state="attached")
        background = shot.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(255, 255, 255)") == (scheme == "light"), background
        shot.screenshot(path=str(SCREENSHOTS / f"operator-page-{scheme}.png"), full_page=True)
        shot.context.close()
    shot = new_page(browser, site_url)
    assert search(shot, site_url, "AthenaOperator")[0] == "/operators/athena/athenaoperator/"
    shot.screenshot(path=str(SCREENSHOTS / "search-athena.png"))
    shot.context.close()
    assert all((SCREENSHOTS / name).stat().st_size > 10_000 for name in ("operator-page-light.png", "operator-page-dark.png", "search-athena.png"))


@pytest.mark.parametrize("vector", json.loads((ROOT / "tests" / "connection_vectors.json").read_text()), ids=lambda v: v["name"])
def test_converter_page_prints_what_the_command_line_prints(page, site_url, vector):
    from tests.test_connection import cli_output, expected_output

    page.goto(f"{site_url}connections/converter/")
    if vector.get("show_secrets"):
        page.check("#connection-show-secrets")
    if vector.get("name_option"):
        page.fill("#connection-block-name", vector["name_option"])
    page.fill("#connection-input", vector["input"])
    shown = page.eval_on_selector("#connection-converter-output", "element => element.textContent")
    assert shown == expected_output(vector, cli_output(vector))


def test_zz_pages_requested_nothing_but_127_0_0_1():
    """Runs last in this module: every request of every page above went to 127.0.0.1."""
    assert len(all_requests) > 50
    assert off_host_requests == []
