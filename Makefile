# The two commands: `make run` serves the seeded service, `make test` runs the whole suite.
# Both set up everything they need on a machine with only Python 3.11 and make.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2
FLASK := $(BIN)/flask --app jobmatch

.PHONY: run test install lint format bench train clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) demo-accounts
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --timeout 120 \
		--access-logfile - wsgi:app

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

train: install
	$(FLASK) train

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache htmlcov .coverage
