# Two entry points (see README): `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test lint bench lock messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Retning needs Python 3.12 or newer; set PYTHON=python3.12")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: $(BIN)/python requirements/base.lock pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-base requirements/test.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.lock
	@touch $@

install: $(VENV)/.installed-base
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/retning migrate --noinput
	$(BIN)/retning seed
	$(BIN)/retning serve

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check retning tests benchmarks
	$(BIN)/ruff format --check retning tests benchmarks

bench: install-test
	$(BIN)/python -m benchmarks.public_pages

# Regenerate the lock files after changing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --python-version 3.12 --generate-hashes --no-header -o requirements/base.lock
	uv pip compile pyproject.toml --extra test --python-version 3.12 --generate-hashes --no-header -o requirements/test.lock

# Update the one English catalogue (retning/locale/en/LC_MESSAGES/django.po) from the source and
# compile it. Translate the new or changed entries in django.po, then run it again to compile.
# Run from retning/ so that every app's strings land in that catalogue. Needs GNU gettext.
messages: install
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext: apt-get install gettext"; exit 1; }
	cd retning && ../$(BIN)/retning makemessages --locale en --no-obsolete --ignore '*/tests/*'
	cd retning && ../$(BIN)/retning compilemessages --locale en
