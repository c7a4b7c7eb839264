# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup index run test test-fast lint typecheck bench bench-100k browser clean train

setup: $(STAMP)

# torch goes first, with pip, as requirements.txt has it: PyPI's torch for Linux is the CUDA build (its
# cuda-toolkit and nvidia-* dependencies are gigabytes a CPU machine never uses); the CPU build, 2.13.0+cpu,
# comes from a local wheel (pip's own settings, e.g. --find-links) or else PyTorch's CPU index: tried in that
# order, so a machine with the wheel at hand never asks an index it may not reach (one warning per package,
# "Failed to resolve download.pytorch.org"); --retries 1 keeps a failing index to seconds. Where neither has
# it (PyPI alone), PyPI's torch==2.13.0 is taken, with a note: it works, gigabytes larger.
# macOS has no +cpu build: PyPI's torch is the CPU one there.
# uv installs the rest: the same packages and versions as pip, faster (docs/reliability.md section 87),
# compiled to bytecode as pip does. uv reads no pip settings; it keeps the installed torch, which its pin
# (the release: ==2.13.0 takes +cpu too) accepts, so a resolution that wanted another torch fails rather
# than download the CUDA build.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH := $(if $(filter Linux,$(shell uname -s)),torch==2.13.0+cpu,torch==2.13.0)
UV := "uv>=0.13.9,<0.14"
$(STAMP): pyproject.toml requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH) $(UV) 2>/dev/null || $(BIN)/python -m pip install --quiet --retries 1 --extra-index-url $(TORCH_INDEX) $(TORCH) $(UV) || { echo "note: no CPU build of torch reachable; PyPI's torch instead (the CUDA build, gigabytes larger)" >&2; $(BIN)/python -m pip install --quiet torch==2.13.0 $(UV); }
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

# The suite runs in TEST_WORKERS processes (pytest-xdist): most of a test's time is waiting on a server, a
# subprocess or a timeout, not computing, so two workers on two cores take well under the time of one
# (docs/reliability.md section 93). --dist loadfile keeps each file on one worker: its module's server,
# index or browser starts once, and its tests run in file order as they do alone.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

test: setup browser
	$(PYTEST)

test-fast: setup
	$(PYTEST) -m "not slow"

# lint = ruff check, ruff format --check and mypy (settings in pyproject.toml: [tool.mypy] checks the qa
# package); CI runs it before the tests.
lint: setup typecheck
	$(BIN)/ruff check qa tests app.py scripts benchmarks training
	$(BIN)/ruff format --check qa tests app.py scripts benchmarks training

typecheck: setup
	$(BIN)/mypy

# The reranker and answerability models (qa/models/*.json); indexes cached in /tmp/trust-cache. The same
# bytes on every CPU kernel tried (AVX-512, AVX2: qa/exact.py, docs/quality.md "Fifteenth round").
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
