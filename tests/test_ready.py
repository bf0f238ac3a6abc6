"""Readiness, and a database that does not answer: 503 with Retry-After, never a 500."""

import os
import uuid

import pytest
from sqlalchemy import make_url, text

from jobmatch.extensions import db
from tests.conftest import make_test_app
from tests.jobs_fixtures import redis_url  # noqa: F401

ERROR_KEYS = {"code", "status", "message", "errors"}
CLOSED_PORT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/jobmatch"


def test_ready_when_the_database_answers(client):
    response = client.get("/api/ready")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok"}}


def test_ready_checks_redis_when_it_is_configured(app, client, redis_url):  # noqa: F811
    app.config["REDIS_URL"] = redis_url
    assert client.get("/api/ready").json["checks"] == {"database": "ok", "redis": "ok"}


def test_not_ready_when_redis_does_not_answer(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = client.get("/api/ready")
    assert response.status_code == 503
    assert set(response.json) == ERROR_KEYS and set(response.json["errors"]) == {"redis"}
    assert int(response.headers["Retry-After"]) > 0


@pytest.fixture(params=["closed-port", "unopenable-file"])
def dead_database_app(request, tmp_path):
    """An app whose database cannot be reached: a server port nobody listens on, or a SQLite
    file in a folder that does not exist."""
    url = CLOSED_PORT_DATABASE
    if request.param == "unopenable-file":
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'jobmatch.db'}"
    app = make_test_app(url, tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_with_the_database_down_not_ready(dead_database_app):
    client = dead_database_app.test_client()
    response = client.get("/api/ready")
    assert response.status_code == 503
    assert set(response.json["errors"]) == {"database"}
    assert client.get("/api/health").status_code == 200  # alive, only not ready


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/posts", None),
        ("get", "/api/firms/1", None),
        ("post", "/api/auth/token", {"username": "staff1", "password": "correct horse"}),
        ("get", "/api/jobs", None),
    ],
)
def test_with_the_database_down_the_api_answers_503(dead_database_app, method, path, body):
    from jobmatch.accounts.auth import _serializer

    with dead_database_app.app_context():  # a well-signed token: its user is looked up
        headers = {"Authorization": f"Bearer {_serializer().dumps({'uid': 1, 'fp': 'x'})}"}
    client = dead_database_app.test_client()
    response = getattr(client, method)(path, json=body, headers=headers)
    assert response.status_code == 503, response.data
    assert set(response.json) == ERROR_KEYS and response.json["code"] == 503
    assert int(response.headers["Retry-After"]) > 0


def test_with_the_database_down_a_page_answers_503(dead_database_app):
    response = dead_database_app.test_client().get("/")
    assert response.status_code == 503
    assert response.mimetype == "text/html" and "Retry-After" in response.headers


def _server_url() -> str:
    url = os.environ.get("JOBMATCH_TEST_POSTGRES")
    if not url:
        pytest.skip("no PostgreSQL for tests: set JOBMATCH_TEST_POSTGRES")
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _terminate(backend_pids) -> None:
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True) as connection:
        for pid in backend_pids:
            connection.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.fixture
def postgres_app(database_factory, tmp_path):
    _server_url()
    app = make_test_app(database_factory("postgresql", f"killed_{uuid.uuid4().hex[:6]}"), tmp_path)

    def killed_mid_request():
        """Reads, loses its connection to pg_terminate_backend, then reads again."""
        _terminate([db.session.execute(text("SELECT pg_backend_pid()")).scalar()])
        db.session.execute(text("SELECT 1"))
        return {"unreachable": True}

    app.add_url_rule("/api/test-killed-mid-request", view_func=killed_mid_request)
    with app.app_context():
        db.create_all()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_connection_killed_mid_request_is_a_503_and_the_next_request_is_served(
    postgres_app, caplog
):
    client = postgres_app.test_client()
    response = client.get("/api/test-killed-mid-request")
    assert response.status_code == 503 and response.json["code"] == 503
    assert "Retry-After" in response.headers
    assert "rollback failed" not in caplog.text  # no second error over the first
    assert client.get("/api/posts").status_code == 200
    assert client.get("/api/ready").status_code == 200


def test_pooled_connections_killed_between_requests_are_replaced(postgres_app):
    client = postgres_app.test_client()
    assert client.get("/api/posts").status_code == 200
    with postgres_app.app_context():
        name = db.engine.url.database
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True) as connection:
        pids = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        ]
    assert pids  # the pool holds the connection the first request used
    _terminate(pids)
    assert client.get("/api/posts").status_code == 200
