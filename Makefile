# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup index run test test-fast lint typecheck bench bench-100k browser clean train

setup: $(STAMP)

# torch goes first and pinned, through pip (its index settings find the CPU build; an unpinned torch pulls a
# multi-GB CUDA build). uv installs the rest: the same packages and versions as pip, faster (docs/reliability.md
# section 87), compiled to bytecode as pip does. uv keeps an installed torch that satisfies the pin; the pin
# repeated makes a resolution that wanted another torch fail rather than download the CUDA build.
$(STAMP): pyproject.toml requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0 "uv>=0.13.9,<0.14"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -e ".[ui,dev,bench,milvus]" torch==2.13.0
	touch $(STAMP)

index: setup
	$(BIN)/qa index

run: index
	$(BIN)/python app.py

# Headless Chromium for the browser tests (Debian package; Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium"; fi; }

test: setup browser
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

# lint = ruff + mypy (settings in pyproject.toml: [tool.mypy] checks the qa package); CI runs it before the tests.
lint: setup typecheck
	$(BIN)/ruff check qa tests app.py scripts benchmarks training

typecheck: setup
	$(BIN)/mypy

# The reranker and answerability models (qa/models/*.json), deterministic on one machine; indexes cached in
# /tmp/trust-cache. Another CPU chooses the same blend and threshold but writes other trees (docs/quality.md).
train: setup
	$(BIN)/python -m pip install --quiet -e ".[train]"
	$(BIN)/python -m training.train

# The Milvus Lite store beside the local one (docs/scaling.md). 100k passages is its own target: Milvus
# Lite is pure Python; that size took 12 minutes here at load 2, 25 at load 5-7 (docs/scaling.md).
bench: index
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.milvus --sizes real,facqa,10k

bench-100k: setup
	$(BIN)/python -m benchmarks.milvus --sizes 100k --singles 72 --one-segment

clean:
	rm -rf $(VENV) index/[0-9]* index/manifest.json index/.qa-tmp-* test-artifacts
