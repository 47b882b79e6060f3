# make serve  — set up and serve the site on http://127.0.0.1:8000/
# make build  — set up and write the static site to site/
# make test   — set up (Python packages, Debian packages) and run every test
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
# Deterministic builds: no build date in the sitemap.
export SOURCE_DATE_EPOCH := 0

.PHONY: serve build check test bench lock system-packages clean

$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

system-packages:
	scripts/ensure-debian-packages node=nodejs

check: $(INSTALLED)
	$(BIN)/python -m generator check

serve: check
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: check
	$(BIN)/mkdocs build --strict --site-dir site

test: $(INSTALLED) system-packages
	$(BIN)/python -m pytest

bench: $(INSTALLED)
	$(BIN)/python bench/build_scale.py

# Re-resolve every version from pyproject.toml into requirements.lock.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[test]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^airflow-prefect-aws-reference' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) site .pytest_cache
