# nettrain: two commands for everyone, a few more for course authors.
#   make lab         set up .venv (first time only) and open JupyterLab on lessons/, the student setup
#   make test        set up .venv (first time only), lint the code, and run the whole test suite
#   make instructor  JupyterLab at the repository root with nbgrader's formgrader and create-assignment
#   make hub         the course's JupyterHub with demo users, on this machine (root: sudo make hub)
# They reinstall only when requirements*.txt or pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# nbgrader runs `alembic` and `jupyter` from PATH: use the ones in the virtual environment.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: lab instructor test lint lessons venv clean sandbox browser proxy hub bench

# Jupyter refuses to run as root unless told; containers often run as root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

# jupyter/student/ hides nbgrader's instructor parts (formgrader, course list, create assignment);
# jupyter/instructor/ keeps them. Both turn off JupyterLab's news pop-up, which needs the internet.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/student $(BIN)/jupyter lab --ServerApp.root_dir=lessons $(LAB_FLAGS)

instructor: $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/instructor $(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) $(LAB_FLAGS)

test: lint sandbox browser proxy
	$(BIN)/python -m pytest

# ruff, configured in pyproject.toml: pyflakes, pycodestyle, import order, bugbear.
lint: $(TEST_STAMP)
	$(BIN)/ruff check .

# Two system packages, installed here when run as root with apt (CI, containers); otherwise the
# tests that need them are skipped with a message saying how to install them.
#   bubblewrap: the instructor's grading sandbox (nettrain-grade)
#   chromium:   the browser Playwright drives in tests/course/test_browser.py
# $(call system_package,COMMAND,PACKAGE,WHAT NEEDS IT)
define system_package
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $(2) for $(3)"; \
	    apt-get install -y -qq $(2) >/dev/null 2>&1 || \
	      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $(2) >/dev/null 2>&1; } || \
	      echo "WARNING: could not install $(2); $(3) will be skipped"; \
	  else \
	    echo "NOTE: $(2) is not installed (sudo apt-get install $(2)): $(3) will be skipped"; \
	  fi; }
endef

sandbox:
	$(call system_package,bwrap,bubblewrap,the grading sandbox tests)

browser:
	$(call system_package,chromium,chromium,the browser test)

# JupyterHub's proxy, configurable-http-proxy, from npm into deploy/node_modules (the versions are
# pinned in deploy/package-lock.json); reinstalled only when the lock file changed.
PROXY_STAMP := deploy/node_modules/.package-lock.json
proxy:
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "NOTE: npm is not installed (sudo apt-get install npm): the JupyterHub test will be skipped"; \
	elif [ ! $(PROXY_STAMP) -nt deploy/package-lock.json ]; then \
	  npm ci --prefix deploy --no-audit --no-fund --loglevel=error; \
	fi

# The course's JupyterHub (deploy/jupyterhub_config.py) on this machine, with demo users that exist
# only inside its own namespaces (deploy/localhub.py). Needs root, npm and Linux. HUB_ARGS=--help.
HUB_STAMP := $(VENV)/.installed-hub
hub: $(HUB_STAMP)
	@command -v npm >/dev/null 2>&1 || { echo "make hub needs npm for JupyterHub's proxy: sudo apt-get install npm"; exit 1; }
	@$(MAKE) --no-print-directory proxy
	$(BIN)/python -m deploy.localhub $(HUB_ARGS)

$(HUB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e .[hub]
	touch $(HUB_STAMP)

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "nettrain needs Python 3.10 or newer; $(PYTHON) is Python " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# What only the tests need (Playwright, ruff), on top of the course.
$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $(TEST_STAMP)

# For course authors: regenerate every student notebook in lessons/ from solutions/.
lessons: $(STAMP)
	for dir in solutions/*/; do \
	  $(BIN)/nbgrader generate_assignment "$$(basename "$$dir")" --force --no-db || exit 1; \
	done

# For course authors: seconds per epoch of nettrain_lib, a plain numpy loop and PyTorch CPU
# (README, "Performance"). PyTorch and threadpoolctl (the `bench` extra) go into their own environment, .venv-bench:
# neither is a course dependency. torch==2.13.0 is the CPU build where pip finds it on disk; on other
# machines pip may take a much larger CUDA build: `make bench BENCH_TORCH=` leaves PyTorch out.
BENCH_TORCH ?= torch==2.13.0
bench:
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -e .[bench] $(BENCH_TORCH)
	.venv-bench/bin/python -m bench.training_speed $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-bench .pytest_cache nettrain_lib.egg-info test-artifacts deploy/node_modules .hub
