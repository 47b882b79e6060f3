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

AIRFLOW_SOURCES := .cache/airflow-sources/.downloaded
AIRFLOW_LEGACY_SOURCES := .cache/airflow-legacy-sources/.downloaded

.PHONY: serve build check test bench lock system-packages clean inventory readme

# Colin (requirements-colin.txt) goes in without its declared dependencies, which do not
# resolve beside requirements.lock; the file says why and what it pins instead.
$(INSTALLED): requirements.lock requirements-colin.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements-colin.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# The Airflow wheels whose source the tests read (never installed).
$(AIRFLOW_SOURCES): requirements-airflow-sources.txt $(INSTALLED)
	rm -rf $(dir $@) && mkdir -p $(dir $@)
	$(BIN)/pip download --quiet --disable-pip-version-check --no-deps -d $(dir $@) -r requirements-airflow-sources.txt
	touch $@

# Old releases, read for the old names DAGs still import; one download each, since several
# releases of one distribution cannot share a requirements file.
$(AIRFLOW_LEGACY_SOURCES): requirements-airflow-legacy.txt $(INSTALLED)
	rm -rf $(dir $@) && mkdir -p $(dir $@)
	grep -v '^#' requirements-airflow-legacy.txt | xargs -n1 $(BIN)/pip download --quiet --disable-pip-version-check --no-deps -d $(dir $@)
	touch $@

# Regenerate generator/data/inventory.json from the pinned wheels (commit the result).
inventory: $(AIRFLOW_SOURCES) $(AIRFLOW_LEGACY_SOURCES)
	$(BIN)/python -m generator inventory

# Rewrite README.md's coverage figure from the mappings and the inventory (commit the result).
readme: $(INSTALLED)
	$(BIN)/python -m generator readme

# node runs Material's search worker; PostgreSQL, ip and unshare make the examples' sandbox;
# Chromium (Debian's, never a downloaded one) runs the browser tests.
system-packages:
	scripts/ensure-debian-packages node=nodejs '/usr/lib/postgresql/*/bin/postgres=postgresql' ip=iproute2 unshare=util-linux /usr/bin/chromium=chromium

check: $(INSTALLED)
	$(BIN)/python -m generator check

serve: check
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# One process: the mappings are checked (path:line errors, exit 2) and the same load feeds the build.
build: $(INSTALLED)
	$(BIN)/python -m generator build --site-dir site

test: $(INSTALLED) $(AIRFLOW_SOURCES) $(AIRFLOW_LEGACY_SOURCES) system-packages
	$(BIN)/python -m pytest

bench: $(INSTALLED) system-packages
	$(BIN)/python bench/build_scale.py
	$(BIN)/python bench/sandbox.py

# Re-resolve every version from pyproject.toml into requirements.lock.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[test]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^airflow-prefect-aws-reference' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) site .pytest_cache .cache
