# nettrain: two commands for everyone, a few more for course authors.
#   make lab         set up .venv (first time only) and open JupyterLab on lessons/, the student setup
#   make test        set up .venv (first time only), lint the code, and run the whole test suite
#   make instructor  JupyterLab at the repository root with nbgrader's formgrader and create-assignment
#   make hub         the course's JupyterHub with demo users, on this machine (root: sudo make hub)
# They reinstall only when requirements*.txt or pyproject.toml changed.
# LANG=pt_BR on the command line opens the Portuguese edition (pt_BR/): make lab LANG=pt_BR.
# For translators: make translations (catalogues follow the English), then make lessons.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# nbgrader runs `alembic` and `jupyter` from PATH: use the ones in the virtual environment.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: lab instructor test lint lessons translations edition venv clean sandbox browser proxy hub bench

# The edition to open: English (the repository root) or a translation (its own course folder,
# pt_BR/). Only a LANG given on the make command line chooses it: the LANG of a shell is a locale
# (en_US.UTF-8), not a choice of edition. The programs started here get LANG=C.UTF-8 instead of
# "pt_BR", which is no locale.
EDITIONS := en pt_BR
ifeq ($(origin LANG),command line)
EDITION := $(patsubst pt,pt_BR,$(patsubst pt-BR,pt_BR,$(patsubst pt_br,pt_BR,$(LANG))))
override LANG := C.UTF-8
else
EDITION := en
endif
COURSE := $(if $(filter en,$(EDITION)),$(CURDIR),$(CURDIR)/$(EDITION))

# Refuses an edition that does not exist, with the list of those that do.
edition:
	@case " $(EDITIONS) " in *" $(EDITION) "*) ;; *) \
	  echo "unknown language '$(EDITION)': the course is available in en (English) and pt_BR (português do Brasil)." >&2; \
	  echo "idioma desconhecido '$(EDITION)': o curso existe em en (inglês) e pt_BR (português do Brasil)." >&2; \
	  echo "Example / exemplo: make lab LANG=pt_BR" >&2; exit 2;; esac

# Jupyter refuses to run as root unless told; containers often run as root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

# jupyter/student/ hides nbgrader's instructor parts (formgrader, course list, create assignment);
# jupyter/instructor/ keeps them. Both turn off JupyterLab's news pop-up, which needs the internet.
lab: edition $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/student $(BIN)/jupyter lab --ServerApp.root_dir=$(COURSE)/lessons $(LAB_FLAGS)

# nbgrader reads nbgrader_config.py in the folder it runs in: the edition's course folder.
instructor: edition $(STAMP)
	cd $(COURSE) && JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/instructor $(CURDIR)/$(BIN)/jupyter lab \
	  --ServerApp.root_dir=$(COURSE) $(LAB_FLAGS)

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

# For course authors: the translated editions' instructor notebooks (pt_BR/solutions/) from
# solutions/ and pt_BR/translations/ (each notebook that changed is run, for nbval); then every
# student notebook of each course folder, lessons/ from solutions/, with nbgrader.
lessons: $(STAMP)
	$(BIN)/python -m nettrain_grading.translate build --execute
	for course in . $(filter-out en,$(EDITIONS)); do \
	  for dir in $$course/solutions/*/; do \
	    (cd $$course && $(CURDIR)/$(BIN)/nbgrader generate_assignment "$$(basename "$$dir")" --force --no-db) || exit 1; \
	  done; \
	done

# For translators: bring pt_BR/translations/*.po and the library's catalogue in line with the
# English (new texts empty, changed ones marked fuzzy beside the old English); then translate,
# `make lessons`, and `make test`.
translations: $(STAMP)
	$(BIN)/python -m nettrain_grading.translate update

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
