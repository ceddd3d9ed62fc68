# Two commands do everything on a fresh machine:
#   make demo   install, build the graph of the bundled example corpus, run a query
#   make test   install with the dev tools, lint, type-check and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint install browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: these machines carry its CPU wheel; an unpinned torch would pull CUDA.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	rm -rf kg-store
	$(BIN)/kg build examples/corpus
	$(BIN)/kg query events-by-place

lint: install
	$(BIN)/ruff check kg tests scripts
	$(BIN)/ruff format --check kg tests scripts
	$(BIN)/mypy

# The report test drives a real headless browser, Debian's chromium package: installed here
# when it is missing and we may (root, apt); without it the test skips, except in CI (CI=true).
browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

test: lint browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) kg-store .pytest_cache .mypy_cache .ruff_cache
