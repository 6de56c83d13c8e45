# The two commands of the README:
#   make report   install openrace in .venv and build the report from the bundled data
#                 and whatever the local store holds
#   make test     install openrace with its test dependencies (and Debian's chromium and
#                 Java for the browser and Spark tests) and run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= report
# the lowest huggingface_hub that pyproject.toml allows: the Hub tests run on it too
HUB_LOWER := 2.0.0

.PHONY: report test install install-test system-deps lint bench clean test-hub-lower docs

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

$(VENV)/hub-lower/.installed: Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-deps --upgrade --target $(VENV)/hub-lower \
		"huggingface_hub==$(HUB_LOWER)"
	touch $@

test: install-test system-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-hub-lower

# the Hub source's tests again, on the lowest huggingface_hub the package declares
test-hub-lower: install-test $(VENV)/hub-lower/.installed
	OPENRACE_EXPECT_HUB=$(HUB_LOWER) PYTHONPATH=$(VENV)/hub-lower $(BIN)/python -m pytest -q \
		-p no:cacheprovider tests/hf/test_hub_contract.py tests/hf/test_source.py \
		tests/hf/test_harvest.py

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# the generated blocks of the README (command reference) and the methodology (metrics)
docs: install
	$(BIN)/python -m openrace.cli.reference README.md docs/methodology.md

bench: install-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
