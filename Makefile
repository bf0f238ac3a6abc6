# The two commands: `make run` serves the seeded service, `make test` runs the whole suite.
# Both set up everything they need on a machine with only Python 3.11 and make.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2
# Background jobs run on RQ at this Redis when it answers; otherwise inline, in the request.
REDIS_URL ?= redis://127.0.0.1:6379/0
FLASK := $(BIN)/flask --app jobmatch
# gunicorn.conf.py: the master builds the app and the matching snapshot once, before forking
# the workers, which share it (see docs/operations.md, "Running gunicorn").
GUNICORN := $(BIN)/gunicorn --config gunicorn.conf.py --preload --bind 127.0.0.1:$(PORT) \
	--workers $(WORKERS) --timeout 120 --access-logfile - wsgi:app

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
	@if REDIS_URL='$(REDIS_URL)' $(BIN)/python -c 'import os, redis; \
		redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=1).ping()' \
		2>/dev/null; then \
		echo "jobs: Redis answers at $(REDIS_URL): an RQ worker runs beside gunicorn"; \
		export REDIS_URL='$(REDIS_URL)'; \
		$(FLASK) worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT; \
		$(GUNICORN); \
	else \
		echo "jobs: no Redis answers at $(REDIS_URL): jobs run inline, in the request"; \
		REDIS_URL= $(GUNICORN); \
	fi

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

# load_setup.py and load_run.py are load.py's halves, not benchmarks of their own.
bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	for script in bench/*.py; do case $$script in bench/load_*) ;; \
		*) $(BIN)/python $$script || exit 1 ;; esac; done

train: install
	$(FLASK) train

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache htmlcov .coverage
