# Two commands on a fresh machine with Python 3.11 (see README):
#   make demo   set up .venv, run the main job on the bundled seeds (embedded models, no network)
#   make test   set up .venv with the test extras, run ruff and the whole test suite
# and for the inner loop while developing:
#   make test-fast   ruff, then the tests outside the slow, gold, notebook, browser and ray tiers (README)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test test-fast lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[full]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[full,test,ct2,ray]"
	touch $@

SEEDS := $(notdir $(wildcard seeds/de/*.txt))

demo: $(VENV)/.installed-demo
	for f in $(SEEDS); do \
	  HF_HUB_OFFLINE=1 $(BIN)/align run seeds/de/$$f --reference seeds/en/$$f -o $(OUT)/$${f%.txt} || exit $$?; \
	done
	@echo "open $(OUT)/*/report.html"

test: $(VENV)/.installed-test
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: the browser tests will be skipped"
	$(BIN)/ruff check align tests benchmarks notebooks
	$(BIN)/ruff format --check align tests benchmarks
	$(BIN)/mypy
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

# The markers are given by rules in tests/conftest.py; `make test` above still runs every tier.
FAST_TESTS := not slow and not gold and not notebook and not browser and not ray

test-fast: $(VENV)/.installed-test
	$(BIN)/ruff check align tests benchmarks notebooks
	$(BIN)/ruff format --check align tests benchmarks
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -m "$(FAST_TESTS)"

clean:
	rm -rf $(VENV) $(OUT)
