# packbuilder task runner. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# the example meetings `make demo` builds (every folder of inputs/ holding a meeting.xlsx)
MEETINGS ?= $(patsubst %/meeting.xlsx,%,$(wildcard inputs/*/meeting.xlsx))
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian/Ubuntu packages: LibreOffice Writer without a GUI, metric-compatible fonts,
# poppler (pdftotext, to compare public papers' text with exempt ones; pdftoppm, to look at
# pages), qpdf (the benchmark's plain recipe) and python3-uno
# (LibreOffice's Python bridge, for the warm converter's helper: docs/warm-converter.md).
APT_PACKAGES := libreoffice-writer-nogui fonts-liberation fonts-liberation2 fonts-dejavu-core poppler-utils qpdf python3-uno
# The web page: Chromium and its driver for the browser tests; Node.js and npm (only where missing)
# for the front-end packages in package.json (GOV.UK Frontend, htmx, axe-core, sass).
WEB_APT_PACKAGES := chromium chromium-driver
NODE_APT_PACKAGES := nodejs npm
# Several machines (docs/scaling.md): the tests start a real Redis and a real PostgreSQL on loopback.
SCALE_APT_PACKAGES := redis-server postgresql
PORT ?= 8000

.PHONY: help setup system system-node system-test venv bytecode assets demo serve test lint lock bench fuzz wheel-check clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/' | expand -t 12

setup: system venv bytecode  ## install LibreOffice, fonts and the virtualenv (idempotent)

# packbuilder's modules compiled ahead: where Python may not write bytecode itself (containers
# often set PYTHONDONTWRITEBYTECODE), every command would otherwise compile them as it starts
# (0.15 s of each `packbuilder build`). Up to date, it checks and writes nothing.
bytecode: venv
	@$(BIN)/python -m compileall -q packbuilder

system:
	@if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null || ! command -v qpdf >/dev/null \
	   || ! fc-list | grep -qi 'Liberation Sans' || ! /usr/bin/python3 -c 'import uno' 2>/dev/null; then \
	  echo "Installing system packages: $(APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

# Node.js and npm, for the web page's front-end packages (`assets`), where missing
system-node:
	@if ! command -v npm >/dev/null; then \
	  echo "Installing system packages: $(NODE_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(NODE_APT_PACKAGES); \
	fi

# What the tests alone need: Chromium for the browser tests, Redis and PostgreSQL for the
# several-machine tests. Not for `serve` or `demo`: Debian starts Redis and PostgreSQL as
# services when it installs them, which a server of the web page would run for nothing.
system-test:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "Installing system packages: $(WEB_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(WEB_APT_PACKAGES); \
	fi
	@if ! command -v redis-server >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "Installing system packages: $(SCALE_APT_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(SCALE_APT_PACKAGES); \
	fi

venv: $(BIN)/.installed

# requirements.lock pins every dependency to the versions the tests last passed with, so a fresh
# machine gets those; `make lock` writes it anew from the virtualenv after an upgrade.
$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev,web,web-test,scale]'
	touch $@

CSS := packbuilder/web/static/web/app.css

assets: system-node node_modules/.installed $(CSS)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --omit=optional --ignore-scripts
	touch $@

$(CSS): packbuilder/web/scss/app.scss node_modules/.installed
	@# written aside, then renamed: a server running meanwhile never serves half of it
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map $< $@.part \
	  || { rm -f $@.part; exit 1; }
	mv -f $@.part $@

serve: setup assets  ## the web page for advisors at http://127.0.0.1:$(PORT) (jobs included)
	$(BIN)/packbuilder-web serve --port $(PORT)

demo: setup  ## build the example meetings in inputs/ into output/
	@for m in $(MEETINGS); do echo "== $$m"; $(BIN)/packbuilder build "$$m" || exit 1; done

test: setup system-test assets  ## run every test (real LibreOffice and Chromium included)
	$(BIN)/pytest -q

lock: venv  ## pin the virtualenv's dependency versions in requirements.lock
	{ echo "# pinned by make lock: the versions the tests passed with (make setup installs these)"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.lock

lint: venv  ## ruff and mypy
	$(BIN)/ruff check packbuilder tests bench tools
	$(BIN)/mypy

bench: setup  ## benchmark vs the plain recipe at 1,000-4,000 pages (BENCH_QUICK=1, BENCH_PAGES, BENCH_RUNS); writes bench/results.md
	$(BIN)/python -m bench.run

fuzz: venv  ## fuzz inputs (FUZZ_SECONDS, default 300), kill builds at random (KILL_SECONDS, 45)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-300} $(BIN)/pytest -q tests/fuzz -p no:cacheprovider

wheel-check: venv  ## build a wheel, install it in a throwaway virtualenv, build the example with it
	$(BIN)/python tools/wheel_check.py $(MEETING)

clean:  ## remove output/ and caches
	rm -rf output .pytest_cache .hypothesis $(CSS)
