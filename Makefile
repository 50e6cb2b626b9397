# The two commands of the README: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast package-test venv browser clean examples bench-static bench-export

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=python3"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# Debian's chromium, for the browser test of the HTML report (installed only when missing).
browser:
	@bash scripts/install-browser.sh

demo: $(STAMP)
	$(BIN)/interopcheck demo --output-dir reports/demo

# The whole suite, then the package test.
test: $(STAMP) browser
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not package"
	@$(MAKE) --no-print-directory package-test

# Day-to-day: no browser, no acceptance runs against the sandbox, no package build.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not acceptance and not browser and not package"

# Builds the sdist and the wheel from it, installs the wheel in a fresh venv (pip's cache reused) and
# runs `interopcheck demo` from another folder: a broken package fails here.
package-test: $(STAMP)
	$(BIN)/python -m pytest -q -m package tests/distribution

# The example reports in reports/examples/ (a test fails when they drift from the demo).
examples: $(STAMP)
	rm -rf reports/examples/good reports/examples/flawed
	$(BIN)/interopcheck demo --variant good --output-dir reports/examples/good --format json,md,html,junit,sarif
	$(BIN)/interopcheck demo --variant flawed --output-dir reports/examples/flawed --format json,md,html,junit,sarif; test $$? -eq 1

# Benchmarks (not part of `make test`); results are recorded in the README.
bench-static: $(STAMP)
	$(BIN)/python benchmarks/static_github.py

bench-export: $(STAMP)
	$(BIN)/python benchmarks/export_bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache
