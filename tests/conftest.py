"""Fixtures: every test that touches the database runs once on SQLite and, when
JOBMATCH_TEST_POSTGRES names a server, once more on PostgreSQL. Each test session creates its
own databases and drops them at the end; every test starts from empty tables."""

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from jobmatch import create_app
from jobmatch.config import PROJECT_ROOT
from jobmatch.extensions import db

TEST_FIELD_KEY = "yR8Jb6Vq0mV6p7oQ2k3a4W5x6C7d8E9f0G1h2J3k4L8="
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("JOBMATCH_TEST_POSTGRES") else [])


def _create_postgres_database(server_url: str, name: str) -> str:
    import psycopg

    url = make_url(server_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False
    )


def _drop_postgres_database(server_url: str, name: str) -> None:
    import psycopg

    url = make_url(server_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory):
    """Make a new empty database of a backend; every one made is dropped at the session's end."""
    made: list[tuple[str, str]] = []
    run_id = uuid.uuid4().hex[:10]

    def make(backend: str, label: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("db") / f"{label}.sqlite"
            return f"sqlite:///{path}"
        name = f"jobmatch_test_{run_id}_{label}"
        made.append((os.environ["JOBMATCH_TEST_POSTGRES"], name))
        return _create_postgres_database(made[-1][0], name)

    yield make
    for server_url, name in made:
        _drop_postgres_database(server_url, name)


def make_test_app(database_url: str, tmp_path: Path, **overrides):
    # Each app gets its own copy of the shipped models, so that a retrain in a test never
    # writes into the project's models/ folder.
    model_dir = tmp_path / "models"
    if "JOBMATCH_MODEL_DIR" not in overrides and not model_dir.exists():
        shutil.copytree(PROJECT_ROOT / "models", model_dir)
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "JOBMATCH_FIELD_KEY": TEST_FIELD_KEY,
        "JOBMATCH_MODEL_DIR": str(model_dir),
        "RATELIMIT_ENABLED": False,
        # Tests rank right after their writes; tests of the background refresh ask for it.
        "MATCHING_REFRESH": "inline",
    }
    config.update(overrides)
    os.environ.setdefault("JOBMATCH_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app(config)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend, database_factory) -> str:
    return database_factory(backend, "main")


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = make_test_app(database_url, tmp_path_factory.mktemp("schema"))
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url, _schema, tmp_path):
    """An app on an empty database of the session's backend."""
    app = make_test_app(database_url, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def seeded_app(backend, database_factory, tmp_path_factory):
    """An app on a database loaded with seed_data/ once per session: read it, never write."""
    database_url = database_factory(backend, "seeded")
    app = make_test_app(database_url, tmp_path_factory.mktemp("seeded"))
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def seeded(seeded_app):
    """The seeded app in a context of its own: a session fixture's context can be shadowed."""
    with seeded_app.app_context():
        yield seeded_app
        db.session.remove()


@pytest.fixture
def seeded_client(seeded_app):
    """A client of the seeded app, inside its app context for the test's own queries."""
    with seeded_app.app_context():
        yield seeded_app.test_client()
        db.session.remove()
