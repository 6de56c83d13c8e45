# The two commands of the README:
#   make report   install openrace in .venv and build the report from the bundled data
#                 and whatever the local store holds
#   make test     install openrace with its test dependencies (and Debian's chromium and
#                 Java for the browser and Spark tests) and run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= report

.PHONY: report test install install-test system-deps lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

report: install
	$(BIN)/openrace report --out $(OUT)

system-deps:
	bash scripts/system-deps.sh

test: install-test system-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: install-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
