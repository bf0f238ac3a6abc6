"""Fixtures: every test that touches the database runs once on SQLite and, when
JOBMATCH_TEST_POSTGRES names a server, once more on PostgreSQL. Each test session creates its
own databases and drops them at the end; every test starts from empty tables.

One app per backend serves the whole session; each test runs inside a transaction rolled back at
its end (see docs/architecture.md, "The test suite"). Tests that need real commits (threads or
servers on connections of their own) are marked ``committing`` or take ``committing_app``;
tests that need other settings build one with ``isolated_app(**config)``."""

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from jobmatch import create_app
from jobmatch.config import PROJECT_ROOT
from jobmatch.extensions import db
from jobmatch.matching import service as matching_service

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


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(scope="session")
def shared_app(database_url, tmp_path_factory):
    """The one app of the session's backend, on a database with every table made once."""
    app = make_test_app(database_url, tmp_path_factory.mktemp("shared"))
    # Sessions bound to a connection that is inside a transaction work in savepoints: a
    # service's commit releases one, its rollback goes back to one, the test's end undoes all.
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    with app.app_context():
        db.create_all()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def _restore(app, config: dict, extensions: dict) -> None:
    """Undo what a test changed in the app: its settings, the clients and engines it keeps in
    ``app.extensions`` (a Redis client, a counter store, a matching engine on another model
    directory), and the matching data it cached."""
    app.config.clear()
    app.config.update(config)
    app.extensions.clear()
    app.extensions.update(extensions)
    matching_service.engine().forget_data()


@contextmanager
def _in_rolled_back_transaction(app):
    """Every session of ``app`` (and the matching snapshot) works on one connection, inside an
    outer transaction rolled back at the end: nothing a test writes is ever committed."""
    config, extensions = dict(app.config), dict(app.extensions)
    with app.app_context():
        engine = db.engine
        connection = engine.connect()
        outer = connection.begin()
        driver = connection.connection.driver_connection
        if engine.dialect.name == "sqlite":
            # pysqlite begins transactions itself, late, which breaks SAVEPOINT. SQLAlchemy's
            # documented remedy, on this connection only (the racing tests need pysqlite's
            # late BEGIN): turn the driver's handling off and emit BEGIN ourselves.
            driver.isolation_level = None
            connection.exec_driver_sql("BEGIN")
        # Flask-SQLAlchemy hands each session the app's default bind: make it the connection.
        db.engines[None] = connection
        try:
            yield app
        finally:
            db.session.remove()
            db.engines[None] = engine
            if outer.is_active:
                outer.rollback()
            if engine.dialect.name == "sqlite":
                driver.isolation_level = ""  # pysqlite's own default again, for the pool
            connection.close()
            _restore(app, config, extensions)


@contextmanager
def _committing(app):
    """``app`` as it runs in production: every commit is real (other connections, threads
    and servers see it); every table is emptied afterwards."""
    config, extensions = dict(app.config), dict(app.extensions)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            _empty_all_tables()
            db.session.remove()
            _restore(app, config, extensions)


@pytest.fixture
def app(request, shared_app):
    """The session's app on an empty database; whatever the test writes is rolled back.

    A test marked ``committing`` (threads or servers racing on their own connections) gets
    real commits instead, and empty tables afterwards."""
    if request.node.get_closest_marker("committing"):
        with _committing(shared_app):
            yield shared_app
    else:
        with _in_rolled_back_transaction(shared_app):
            yield shared_app


@pytest.fixture
def committing_app(shared_app):
    """The session's app with real commits, for work on other connections; tables emptied."""
    with _committing(shared_app):
        yield shared_app


@pytest.fixture
def isolated_app(database_url, tmp_path):
    """``isolated_app(**config)``: a new app on the session's database with other settings
    (rate limits on, another model directory), with real commits, in its own app context.
    Tables are emptied and its engine closed at the end."""
    made = []

    def make(**overrides):
        new = make_test_app(database_url, tmp_path / f"isolated{len(made)}", **overrides)
        context = new.app_context()
        context.push()
        made.append((new, context))
        return new

    yield make
    for _made_app, context in reversed(made):
        try:
            db.session.remove()
            _empty_all_tables()
            db.session.remove()
            db.engine.dispose()
        finally:
            context.pop()


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
