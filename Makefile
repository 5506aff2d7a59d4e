# onevisit — the commands a newcomer and CI use. `make help` lists them.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.onevisit-installed
MANAGE := $(PY) manage.py
# The SQLite and PostgreSQL suites run in two processes (the machines have two cores).
PYTEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest
CI_REPORTS := var/ci

.PHONY: help install run test test-sqlite test-postgres test-browser browser-deps lint format \
        bench bench-data bench-postgres messages ci clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# --- environment -------------------------------------------------------------
install: $(STAMP) ## create .venv (Python 3.12+) and install the project with its dev tools

$(STAMP): pyproject.toml
	@if ! [ -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  py=$$(scripts/find-python.sh); \
	  echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	  rm -rf $(VENV); $$py -m venv $(VENV); \
	fi
	@echo "Installing onevisit and its dependencies into $(VENV)..."
	@{ $(PY) -m pip install --disable-pip-version-check --upgrade pip \
	  && $(PY) -m pip install --disable-pip-version-check -e '.[dev]'; } >$(VENV)/install.log 2>&1 \
	  || { tail -n 40 $(VENV)/install.log; echo "pip install failed; full log: $(VENV)/install.log"; exit 1; }
	@touch $(STAMP)

browser-deps: ## install Debian's Chromium and CJK fonts for the browser tests (if missing)
	@if ! [ -x /usr/bin/chromium ]; then \
	  echo "Installing chromium and fonts-noto-cjk from Debian..."; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

# --- running -----------------------------------------------------------------
run: install ## migrate, load the demo province, serve on http://127.0.0.1:$(PORT)/
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (demo logins in README.md; Ctrl-C stops)"
	@$(MANAGE) runserver 127.0.0.1:$(PORT)

# --- tests -------------------------------------------------------------------
# Each leg writes a JUnit report to $(CI_REPORTS); `make ci` adds them up at the end.
test: test-sqlite test-browser ## the full suite on SQLite, then the browser tests

test-sqlite: install
	@mkdir -p $(CI_REPORTS)
	$(PYTEST) -q -n $(PYTEST_WORKERS) --junitxml=$(CI_REPORTS)/sqlite.xml

test-postgres: install ## the suite on a throwaway PostgreSQL (started and stopped here)
	@mkdir -p $(CI_REPORTS)
	@dir=$$(mktemp -d "$${TMPDIR:-/tmp}/onevisit-pg.XXXXXX"); \
	trap 'scripts/postgres.sh stop "'"$$dir"'"' EXIT; \
	url=$$(scripts/postgres.sh start "$$dir"); \
	echo "PostgreSQL: $$url"; \
	DATABASE_URL=$$url $(PYTEST) -q -n $(PYTEST_WORKERS) --junitxml=$(CI_REPORTS)/postgres.xml

# Exit code 5 ("no tests collected") is not a failure while no browser test exists yet.
test-browser: install browser-deps ## the browser tests (Playwright driving /usr/bin/chromium)
	@mkdir -p $(CI_REPORTS)
	@rc=0; $(PYTEST) -q -m browser --junitxml=$(CI_REPORTS)/browser.xml || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "(no browser tests collected)"; rc=0; fi; exit $$rc

lint: install ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install ## update the zh_Hans catalogue and compile it (needs GNU gettext)
	@command -v msgfmt >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq gettext; }
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=bench && $(MANAGE) compilemessages -l zh_Hans --ignore=.venv

# --- benchmarks ----------------------------------------------------------------
bench-data: install ## generate the province-scale dataset into var/bench/ (if missing)
	$(PY) bench/generate.py

bench: install ## generate the dataset if needed, then measure; writes bench/RESULTS.md
	@command -v wrk >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq wrk; }
	$(PY) bench/generate.py
	$(PY) bench/run.py

bench-postgres: install ## the same benchmark on a throwaway PostgreSQL; writes bench/RESULTS-postgres.md
	@command -v wrk >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq wrk; }
	@dir=$$(mktemp -d "$${TMPDIR:-/tmp}/onevisit-pg.XXXXXX"); \
	trap 'scripts/postgres.sh stop "'"$$dir"'"; rm -rf var/bench/postgres' EXIT; \
	export DATABASE_URL=$$(scripts/postgres.sh start "$$dir") ONEVISIT_BENCH_DIR=var/bench/postgres; \
	$(PY) bench/generate.py && $(PY) bench/run.py --output bench/RESULTS-postgres.md

# Issue 5 (the service desk): 1M cases generated in bulk (a few minutes; kept in var/bench/),
# the lists measured at 1M and at 10k, then submissions through HTTP against a one-row insert,
# then a holiday arrangement published over the open deadlines (rolled back).
.PHONY: bench-cases bench-cases-postgres
bench-cases: install ## service desk: 1M cases, list queries, submit vs insert, a calendar publication; writes bench/RESULTS.md
	@command -v wrk >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq wrk; }
	$(PY) bench/cases_generate.py
	$(PY) bench/cases_queries.py
	$(PY) bench/cases_submit.py
	$(PY) bench/calendar_publish.py

bench-cases-postgres: install ## the same on a throwaway PostgreSQL; sections in bench/RESULTS.md
	@command -v wrk >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq wrk; }
	@dir=$$(mktemp -d "$${TMPDIR:-/tmp}/onevisit-pg.XXXXXX"); \
	trap 'scripts/postgres.sh stop "'"$$dir"'"; rm -rf var/bench/postgres-cases' EXIT; \
	export DATABASE_URL=$$(scripts/postgres.sh start "$$dir") ONEVISIT_BENCH_DIR=var/bench/postgres-cases; \
	$(PY) bench/cases_generate.py && $(PY) bench/cases_queries.py && $(PY) bench/cases_submit.py \
	  && $(PY) bench/calendar_publish.py

# Issue 7 (the public portal): a 5,000-item catalog (the demo's, copied to Zhejiang's counties;
# kept in var/bench/), search latency in-process, then cached home and guide pages through HTTP
# against a minimal page. DATABASE_URL=postgres://... measures on PostgreSQL (database <db>_portal).
.PHONY: bench-portal
bench-portal: install ## the portal: search p95 on 5,000 items, cached pages vs minimal; writes bench/RESULTS.md
	@command -v wrk >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq wrk; }
	$(PY) bench/portal_generate.py
	$(PY) bench/portal_bench.py

# --- CI ----------------------------------------------------------------------------
# Legs in order, each under a heading with its time; the first failure stops the run.
define leg
	@printf '\n==== %s ====\n' "$(1)"; start=$$(date +%s); \
	$(MAKE) --no-print-directory $(2) || { \
	  printf '==== %s: FAILED after %ss ====\n' "$(1)" $$(( $$(date +%s) - start )); exit 1; }; \
	printf '==== %s: done in %ss ====\n' "$(1)" $$(( $$(date +%s) - start )) | tee -a $(CI_REPORTS)/timings.txt
endef

ci: ## everything CI runs: lint, SQLite suite, PostgreSQL suite, browser tests
	@rm -rf $(CI_REPORTS); mkdir -p $(CI_REPORTS)
	$(call leg,install,install)
	$(call leg,lint (ruff),lint)
	$(call leg,test suite on SQLite,test-sqlite)
	$(call leg,test suite on PostgreSQL,test-postgres)
	$(call leg,browser tests (Chromium),test-browser)
	@printf '\n==== timings ====\n'; cat $(CI_REPORTS)/timings.txt
	@$(PY) scripts/junit_summary.py $(CI_REPORTS)/*.xml

clean: ## remove the virtualenv, test databases and generated bench data
	rm -rf $(VENV) var/test var/bench var/ci *.egg-info
