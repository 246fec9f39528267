# nettrain: two commands for everyone, a few more for course authors.
#   make lab    set up .venv (first time only) and open JupyterLab on lessons/
#   make test   set up .venv (first time only) and run the whole test suite
# Both reinstall only when requirements.txt or pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader runs `alembic` and `jupyter` from PATH: use the ones in the virtual environment.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: lab test lessons venv clean sandbox bench

# Jupyter refuses to run as root unless told; containers often run as root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=lessons $(LAB_FLAGS)

test: $(STAMP) sandbox
	$(BIN)/python -m pytest

# The instructor's grading sandbox needs bubblewrap (a distribution package, not a Python one).
# As root with apt (CI, containers) it is installed here; otherwise the sandbox tests are skipped
# with a message saying how to install it.
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing bubblewrap for the grading sandbox"; \
	    apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1; } || \
	      echo "WARNING: could not install bubblewrap; the grading sandbox tests will be skipped"; \
	  else \
	    echo "NOTE: bubblewrap is not installed (sudo apt-get install bubblewrap): the grading sandbox tests will be skipped"; \
	  fi; }

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "nettrain needs Python 3.10 or newer; $(PYTHON) is Python " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# For course authors: regenerate every student notebook in lessons/ from solutions/.
lessons: $(STAMP)
	for dir in solutions/*/; do \
	  $(BIN)/nbgrader generate_assignment "$$(basename "$$dir")" --force --no-db || exit 1; \
	done

# For course authors: seconds per epoch of nettrain_lib, a plain numpy loop and PyTorch CPU
# (README, "Performance"). PyTorch and threadpoolctl go into their own environment, .venv-bench:
# neither is a course dependency. torch==2.13.0 is the CPU build where pip finds it on disk; on other
# machines pip may take a much larger CUDA build: `make bench BENCH_TORCH=` leaves PyTorch out.
BENCH_TORCH ?= torch==2.13.0
bench:
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -e . threadpoolctl $(BENCH_TORCH)
	.venv-bench/bin/python bench/training_speed.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-bench .pytest_cache nettrain_lib.egg-info
