# Two commands on a fresh Debian machine: `make run` and `make test`.
VENV        := .venv
PYTHON      := $(VENV)/bin/python
FLASK       := $(VENV)/bin/flask --app wsgi
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# WeasyPrint's libraries, poppler for PDF checks, and fonts that draw every name the
# registry accepts (GB 18030 with CJK Extension A and B, emoji; DOMAIN.md §8).
DEB_RUN     := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils \
               fonts-wqy-microhei fonts-noto-cjk fonts-hanazono fonts-noto-color-emoji
# Browser tests drive Debian's Chromium through Playwright; the backup tests on
# PostgreSQL run pg_dump/pg_restore (the client must match the server: 15 on Debian 12).
DEB_TEST    := chromium postgresql-client

.PHONY: setup run serve scheduler test system system-test schema catalogs messages federation clean

setup: system $(VENV)/.installed catalogs schema

system:
	@$(MAKE) --no-print-directory _apt PACKAGES="$(DEB_RUN)"

system-test:
	@$(MAKE) --no-print-directory _apt PACKAGES="$(DEB_TEST)"

_apt:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -e '.[test]'
	touch $@

# Every package's Flask-Babel catalogs (<package>/translations, core/people/translations …).
schema:
	@mkdir -p instance
	$(FLASK) db upgrade

# Message catalogs: every package keeps its own in <package>/translations (core/people too).
PYBABEL      := $(VENV)/bin/pybabel
CATALOG_DIRS  = $(wildcard */translations */*/translations)

# Compile every catalog's .po into the .mo Flask-Babel reads.
catalogs: $(VENV)/.installed
	@for dir in $(CATALOG_DIRS); do \
		if ls $$dir/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
			$(PYBABEL) -q compile -d $$dir -D messages || exit 1; \
		fi; \
	done

# Extract the English message ids of each package into its catalog and update the
# Chinese translations (new ids come in untranslated: fill them in, then `make catalogs`).
# A package's own sub-packages with their own catalog are left to that catalog.
messages: $(VENV)/.installed
	@for dir in $(CATALOG_DIRS); do \
		pkg=$${dir%/translations}; \
		ignore="--ignore-dirs=.* --ignore-dirs=_* --ignore-dirs=translations"; \
		for nested in $$pkg/*/translations; do \
			[ -d "$$nested" ] && ignore="$$ignore --ignore-dirs=$$(basename $$(dirname $$nested))"; \
		done; \
		$(PYBABEL) -q extract -F babel.cfg -k _l -k zh_ -k en_ -k lazy_pgettext:1c,2 --no-location --sort-output \
			$$ignore -o $$dir/messages.pot $$pkg || exit 1; \
		if [ -f $$dir/zh/LC_MESSAGES/messages.po ]; then \
			$(PYBABEL) -q update -i $$dir/messages.pot -d $$dir -l zh -D messages \
				--no-fuzzy-matching --ignore-obsolete || exit 1; \
		else \
			$(PYBABEL) -q init -i $$dir/messages.pot -d $$dir -l zh -D messages || exit 1; \
		fi; \
	done
	@$(MAKE) --no-print-directory catalogs

run: setup
	$(FLASK) demo seed
	SCHEDULER_ENABLED=1 $(FLASK) run --host 127.0.0.1 --port 5000 --no-reload --with-threads

# Production processes (docs/operations.md): the web tier under gunicorn with the shipped
# configuration (gthread workers; put deploy/nginx.conf or another buffering proxy in
# front), and the scheduler as its own process. Settings come from the environment.
PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/instance/prometheus
serve: setup
	PROMETHEUS_MULTIPROC_DIR=$(PROMETHEUS_MULTIPROC_DIR) \
		$(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app

scheduler: setup
	$(FLASK) jobs run

# The suite runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL at the same
# time (one core each; their output is shown when both have ended, and kept in
# instance/test-*.log). The SQLite run measures coverage and fails below it (here, not in
# addopts: a single `pytest tests/x.py` is not held to it); the PostgreSQL run runs the
# same tests without the tracer, which slowed it by a quarter. Sources and omissions:
# [tool.coverage] in pyproject.
COVERAGE    := --cov=. --cov-report=term --cov-fail-under=93
test: setup system-test
	@if [ -z "$$TEST_DATABASE_URL" ]; then \
		$(VENV)/bin/pytest $(COVERAGE); \
	else \
		mkdir -p instance; \
		echo "== SQLite and PostgreSQL side by side (instance/test-sqlite.log, instance/test-postgresql.log) =="; \
		{ TEST_DATABASE_URL= $(VENV)/bin/pytest $(COVERAGE) \
			> instance/test-sqlite.log 2>&1; echo $$? > instance/test-sqlite.rc; } & \
		$(VENV)/bin/pytest > instance/test-postgresql.log 2>&1; postgresql=$$?; \
		wait; sqlite=$$(cat instance/test-sqlite.rc); \
		echo "== SQLite (exit $$sqlite) =="; cat instance/test-sqlite.log; \
		echo "== PostgreSQL (exit $$postgresql) =="; cat instance/test-postgresql.log; \
		[ "$$sqlite" = 0 ] && [ "$$postgresql" = 0 ]; \
	fi

# Two registries (吉林 220000, 辽宁 210000) on 127.0.0.1 that pin, witness and hear each
# other (INTEROP.md §7); FEDERATION_DATABASE_URL_JL / _LN select PostgreSQL databases.
federation: $(VENV)/.installed catalogs
	$(VENV)/bin/python -m interop.federation

clean:
	rm -rf $(VENV) instance *.egg-info
