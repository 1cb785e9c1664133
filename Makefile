# branch-liaison: `make run` (development server, embedded mode) and `make test` (what CI runs).
# GNU make. Recipes need bash (pipefail, arithmetic).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY = .venv/bin/python
PORT ?= 8000
PYTHON3 ?= python3
PYTEST_ARGS ?=

# One stamp per content of the requirements files: an edit re-installs, a second run is instant.
REQ_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-16)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
REQ_STAMP := .venv/.installed-req-$(REQ_HASH)
DEV_STAMP := .venv/.installed-dev-$(DEV_HASH)

# Debian packages: Pango for WeasyPrint, a CJK font really embedded in the PDFs,
# gettext for compilemessages, poppler-utils (pdftotext, pdffonts) for the PDF tests.
SYSDEPS := libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei gettext poppler-utils
# Playwright drives the system Chromium (/usr/bin/chromium); never `playwright install`.
BROWSER_SYSDEPS := chromium

# $(call ensure_debs,packages): install what is missing when root, else one error line and exit 1.
# Without dpkg (not Debian) a package counts as present when the file or command it provides is.
define ensure_debs
	@have() { \
	  if command -v dpkg-query >/dev/null 2>&1; then \
	    dpkg-query -W -f='$${Status}' "$$1" 2>/dev/null | grep -q 'install ok installed'; return; \
	  fi; \
	  case "$$1" in \
	    libpango-1.0-0) ldconfig -p | grep -q 'libpango-1.0\.so\.0' ;; \
	    libpangoft2-1.0-0) ldconfig -p | grep -q 'libpangoft2-1.0\.so\.0' ;; \
	    fonts-wqy-microhei) fc-list 2>/dev/null | grep -qi 'WenQuanYi Micro Hei' ;; \
	    gettext) command -v msgfmt >/dev/null ;; \
	    poppler-utils) command -v pdftotext >/dev/null ;; \
	    chromium) command -v chromium >/dev/null ;; \
	    wrk) command -v wrk >/dev/null ;; \
	    *) return 1 ;; \
	  esac; \
	}; \
	missing=""; \
	for p in $(1); do have "$$p" || missing="$$missing $$p"; done; \
	missing="$${missing# }"; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "error: missing system packages: $$missing (install them: sudo apt-get install -y --no-install-recommends $$missing)" >&2; \
	  exit 1; \
	fi; \
	echo "Installing system packages: $$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt=(apt-get -o DPkg::Lock::Timeout=600 -q); \
	"$${apt[@]}" install -y --no-install-recommends $$missing \
	  || { "$${apt[@]}" update && "$${apt[@]}" install -y --no-install-recommends $$missing; }
endef

.PHONY: help venv install install-dev sysdeps sysdeps-browser messages run test screenshots worker beat lint clean

help:
	@echo "make run          development server on http://127.0.0.1:$(PORT) (SQLite, jobs in-process unless DATABASE_URL/REDIS_URL are set)"
	@echo "make test         the full test suite, as CI runs it (PYTEST_ARGS='-k ...' to narrow it)"
	@echo "make worker/beat  Celery worker / scheduler (need REDIS_URL)"
	@echo "make lint         ruff check, ruff format --check, djhtml --check, mypy"
	@echo "make install      .venv with requirements.txt (install-dev: requirements-dev.txt)"
	@echo "make sysdeps      Debian packages for PDFs and translations (sysdeps-browser: chromium)"
	@echo "make messages     compile the translations (.mo files are not committed)"
	@echo "make clean        caches, compiled translations, collected static (keeps .venv and var/)"

venv: $(PY)

$(PY):
	@$(PYTHON3) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: Python >= 3.11 is needed to create .venv, but '$(PYTHON3)' is $$($(PYTHON3) -V 2>&1 || echo 'not found'); run: make PYTHON3=/path/to/python3.11 ..." >&2; \
	  exit 1; }
	@echo "$(PYTHON3) -m venv .venv"
	@$(PYTHON3) -m venv .venv || { rm -rf .venv; \
	  echo "error: '$(PYTHON3) -m venv' failed; on Debian: apt-get install -y python3-venv" >&2; exit 1; }

install: $(REQ_STAMP)

install-dev: $(DEV_STAMP)

$(REQ_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f .venv/.installed-req-*
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt $(REQ_STAMP) | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f .venv/.installed-dev-*
	touch $@

sysdeps:
	$(call ensure_debs,$(SYSDEPS))

sysdeps-browser:
	$(call ensure_debs,$(BROWSER_SYSDEPS))

# DEBUG=1 only so that settings load without SECRET_KEY/ALLOWED_HOSTS: compiling needs neither.
messages: sysdeps install
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# Development defaults, overridden by whatever is already in the environment.
run worker beat: export DEBUG ?= 1
run worker beat: export SITE_URL ?= http://127.0.0.1:$(PORT)

run: sysdeps install messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Tests set DEBUG themselves. Embedded unless DATABASE_URL/REDIS_URL are set; REQUIRE_SERVICES=1
# makes the `services` tests fail instead of skipping when those are missing (.ci/run sets it).
test: sysdeps sysdeps-browser install-dev messages
	$(PY) -m pytest $(PYTEST_ARGS)

# The browser journeys save their screenshots into docs/screenshots/ (shown in README).
screenshots: sysdeps sysdeps-browser install-dev messages
	$(PY) -m pytest -m browser tests/browser $(PYTEST_ARGS)

worker: install messages
	.venv/bin/celery -A branch_liaison worker -l info

beat: install
	.venv/bin/celery -A branch_liaison beat -l info

# mypy (files in pyproject.toml) loads the settings: DEBUG=1 only so they load without SECRET_KEY.
lint: install-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/djhtml --check templates
	DEBUG=1 .venv/bin/mypy

clean:
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles
	find locale -name '*.mo' -delete

# `make bench`: builds bl_bench_1 and bl_bench_40 once (seed_demo --scale 1/40; marker in
# var/bench/), then measures pages, obligations, reminders, PDFs and talk POST throughput (wrk,
# gunicorn) and prints one table; figures also in bench/results.json. BENCH_PG names the server.
.PHONY: bench
bench: sysdeps install messages
	$(call ensure_debs,wrk)
	$(PY) -m bench.run

# Backups of the PostgreSQL database named by DATABASE_URL (custom format, restorable with
# pg_restore). Uploaded evidence and generated PDFs live in PRIVATE_MEDIA_ROOT: back that
# directory up too (e.g. rsync), the dump holds only the database.
BACKUP_DIR ?= var/backups
.PHONY: backup restore

define need_postgres_url
	@case "$${DATABASE_URL:-}" in \
	  postgres://*|postgresql://*|pgsql://*) ;; \
	  *) echo "error: DATABASE_URL must name the PostgreSQL database (postgres://user@host:port/name)" >&2; exit 1 ;; \
	esac
endef

backup:
	$(call need_postgres_url)
	@mkdir -p $(BACKUP_DIR)
	@out="$(BACKUP_DIR)/$$(date -u +%Y%m%dT%H%M%SZ).dump"; \
	  pg_dump -Fc --no-owner --dbname="$${DATABASE_URL/#pgsql:/postgresql:}" -f "$$out.part" \
	  && mv "$$out.part" "$$out" && echo "$$out"

# make restore DUMP=var/backups/20260101T000000Z.dump: replaces the objects of DATABASE_URL's
# database with the dump's (stop web, worker and beat first).
restore:
	$(call need_postgres_url)
	@[ -n "$${DUMP:-}" ] && [ -f "$${DUMP}" ] || { \
	  echo "error: name an existing dump: make restore DUMP='$(BACKUP_DIR)/<time>.dump'" >&2; \
	  echo "latest: $$(ls -1t $(BACKUP_DIR)/*.dump 2>/dev/null | head -1)" >&2; exit 1; }
	pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error \
	  --dbname="$${DATABASE_URL/#pgsql:/postgresql:}" "$${DUMP}"

# Load test (issue 6): gunicorn, 2 workers, production settings, on the seeded PostgreSQL
# database of DATABASE_URL; 100 members for LOAD_DURATION (default 2m). See bench/run-load.sh.
.PHONY: load
load: install-dev messages
	bash bench/run-load.sh
