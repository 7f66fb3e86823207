# One command to set up and build the site, one to set up and pass the tests.
# Both work on a fresh Debian machine with Python 3.11+ (system packages via apt when missing: the site
# prints PDFs with Chromium, the tests drive it).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup site test validate serve system-deps clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/.installed

system-deps:
	bash scripts/install-system-deps.sh

site: setup system-deps
	$(BIN)/python -m generator site

validate: setup
	$(BIN)/python -m generator validate budgets/

serve: setup
	$(BIN)/python -m generator serve

test: setup system-deps
	$(BIN)/python -m pytest

clean:
	rm -rf site build site.old .site-* .render-* .pdf-cache-* .build-cache-*
