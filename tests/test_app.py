"""The app factory, configuration and the one JSON error shape."""

import pytest

from jobmatch import create_app
from jobmatch.config import settings_from_environment


def test_settings_come_from_the_environment():
    settings = settings_from_environment(
        {"DATABASE_URL": "postgresql+psycopg://db/x", "SECRET_KEY": "s", "JOBMATCH_MODEL_DIR": "m"}
    )
    assert settings == {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/x",
        "SECRET_KEY": "s",
        "JOBMATCH_MODEL_DIR": "m",
    }


def test_given_config_wins_over_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBMATCH_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "given"})
    assert app.config["SECRET_KEY"] == "given"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_development_secrets_are_made_once_under_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBMATCH_INSTANCE_PATH", str(tmp_path))
    for var in ("DATABASE_URL", "SECRET_KEY", "JOBMATCH_FIELD_KEY"):
        monkeypatch.delenv(var, raising=False)
    first = create_app()
    second = create_app()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "field.key").stat().st_mode & 0o077 == 0
    assert first.config["SQLALCHEMY_DATABASE_URI"].endswith("jobmatch.db")


def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("get", "/api/no-such-thing", 404),
        ("delete", "/api/health", 405),
        ("get", "/api/firms/0", 404),
    ],
)
def test_errors_have_one_json_shape(client, method, path, code):
    response = getattr(client, method)(path)
    assert response.status_code == code
    assert set(response.json) == {"code", "status", "message", "errors"}
    assert response.json["code"] == code


def test_a_500_shows_no_exception_text(isolated_app):
    app = isolated_app(PROPAGATE_EXCEPTIONS=False)  # a route of its own: a new app

    @app.route("/api/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/explode")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json["info"]["title"] == "jobmatch"
    assert "/api/health" in response.json["paths"]


def test_pages_outside_the_api_answer_errors_in_chinese_html(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "找不到" in response.get_data(as_text=True) or "不存在" in response.get_data(
        as_text=True
    )


def test_an_id_past_the_database_range_is_a_404_not_a_500(client):
    response = client.get(f"/api/posts/{2**40}")
    assert response.status_code == 404
    assert response.json["code"] == 404
