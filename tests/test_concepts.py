"""The concept pages: found by the argument names people search for, and linked from every operator page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.model import Mapping
from tests.project import MAPPING_LIST

SEARCH_WORKER = Path(__file__).parent / "support" / "search_worker.js"
EXPECTED_FIRST = {
    "poke_interval": "concepts/waiting-and-sensors/",
    "deferrable": "concepts/waiting-and-sensors/",
    "{{ ds }}": "concepts/templating/",
    "ds_add": "concepts/templating/",
    "xcom_pull": "concepts/templating/",
    "trigger_rule": "concepts/task-options/",
    "execution_timeout": "concepts/task-options/",
    "aws_conn_id": "concepts/aws-arguments/",
}


@pytest.fixture(scope="module")
def first_pages(site_dir: Path) -> dict[str, list[str]]:
    node = shutil.which("node")
    assert node, "node is needed to run Material's search worker; `make test` installs it"
    result = subprocess.run([node, str(SEARCH_WORKER), str(site_dir)], input=json.dumps(sorted(EXPECTED_FIRST)), capture_output=True, text=True, check=True)
    return {query: [group[0]["location"].split("#")[0] for group in groups] for query, groups in json.loads(result.stdout).items()}


@pytest.mark.parametrize("query", sorted(EXPECTED_FIRST))
def test_search_for_an_argument_puts_its_concept_page_first(first_pages, query):
    assert first_pages[query][:1] == [EXPECTED_FIRST[query]], f"{query!r} → {first_pages[query][:3]}"


@pytest.mark.parametrize("mapping", MAPPING_LIST, ids=lambda mapping: mapping.operator)
def test_operator_page_links_to_concept_pages_that_exist(site_dir: Path, mapping: Mapping):
    html = (site_dir / mapping.url / "index.html").read_text()
    links = set(re.findall(r'href="\.\./\.\./\.\./(concepts/[a-z-]+/)(?:#[a-z0-9-]*)?"', html))
    assert links, "the page links no concepts page"
    for link in links:
        assert (site_dir / link / "index.html").is_file(), link
