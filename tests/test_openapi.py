"""The OpenAPI document: a browsable page, every operation documented, and schemathesis run
against the live spec on a seeded database, finding no 5xx and no response off its schema."""

import tempfile

import pytest
import schemathesis
from schemathesis import checks

from jobmatch import create_app
from jobmatch.accounts.auth import issue_token
from jobmatch.extensions import db
from tests.conftest import TEST_FIELD_KEY, make_test_app
from tests.factories import make_quick_user

SWAGGER_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")
METHODS = ("get", "post", "put", "patch", "delete")


def test_the_browsable_page_uses_the_vendored_swagger_ui(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/openapi.json" in html
    assert "https://" not in html and "http://" not in html  # nothing from a CDN
    for asset in SWAGGER_ASSETS:
        assert f"/static/swagger-ui/{asset}" in html
        with client.get(f"/static/swagger-ui/{asset}") as response:
            assert response.status_code == 200
            assert len(response.get_data()) > 10_000


def _operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                parameters = item.get("parameters", []) + item[method].get("parameters", [])
                yield f"{method.upper()} {path}", item[method], parameters


def _resolved(spec, response):
    """A response, or the component response it refers to."""
    ref = response.get("$ref", "")
    return spec["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else response


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json


def test_every_operation_documents_its_answers_and_errors(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    problems = []
    for label, operation, parameters in _operations(spec):
        responses = operation["responses"]
        codes = {code for code in responses if code != "default"}
        if not operation.get("summary"):
            problems.append(f"{label}: no summary (a one-line docstring)")
        if not any(code.startswith("2") for code in codes):
            problems.append(f"{label}: no success response")
        if {"bearerAuth": []} in operation.get("security", []) and "401" not in codes:
            problems.append(f"{label}: takes a token but documents no 401")
        if any(p["in"] == "path" for p in parameters) and "404" not in codes:
            problems.append(f"{label}: has a path parameter but documents no 404")
        if ("requestBody" in operation or any(p["in"] == "query" for p in parameters)) and (
            "422" not in codes
        ):
            problems.append(f"{label}: takes input but documents no 422")
        for code in codes - {"200", "201", "202", "204"}:
            content = (
                _resolved(spec, responses[code]).get("content", {}).get("application/json", {})
            )
            if content.get("schema", {}).get("$ref") != "#/components/schemas/Error":
                problems.append(f"{label}: its {code} is not described by the Error schema")
    assert problems == [], "\n".join(problems)


# Operations whose every call does heavy work on the whole seeded database (a retrain, a full
# roster export): one generated call each keeps the run short; the rest get MAX_EXAMPLES.
MAX_EXAMPLES = 15
HEAVY_OPERATIONS = ("/api/model/train", "/api/residents/export")


@pytest.fixture(scope="module")
def fuzzed_app(backend, database_factory, tmp_path_factory):
    """An app of its own on a seeded database: schemathesis writes, so not the shared one; a
    retrain writes its artifact under a temporary model directory, not the project's."""
    app = make_test_app(
        database_factory(backend, "openapi"),
        tmp_path_factory.mktemp("openapi"),
        JOBMATCH_MODEL_DIR=str(tmp_path_factory.mktemp("models")),
    )
    # The context is popped again before any request: each request must get its own, as it
    # would under gunicorn, so that nothing cached in one carries over to the next.
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        token = issue_token(make_quick_user("staff"))
        db.session.remove()
    yield app, token
    with app.app_context():
        db.engine.dispose()


_SPEC_MODEL_DIR = tempfile.TemporaryDirectory(prefix="jobmatch-spec-")


def _spec_source():
    """The spec as the app serves it, loaded when this module is collected: schemathesis turns
    each operation into a test of its own. Only the document is read from this app; the
    requests go to ``fuzzed_app``."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "spec only",
            "JOBMATCH_FIELD_KEY": TEST_FIELD_KEY,
            "JOBMATCH_MODEL_DIR": _SPEC_MODEL_DIR.name,
            "RATELIMIT_ENABLED": False,
        }
    )
    generation = {"deterministic": True, "no-shrink": True, "database": "none"}
    config = schemathesis.Config.from_dict(
        {
            "suppress-health-check": ["all"],
            "generation": {**generation, "max-examples": MAX_EXAMPLES},
            "operations": [
                {
                    "include-path": path,
                    "generation": {**generation, "max-examples": 1},
                    "phases": {"coverage": {"enabled": False}},
                }
                for path in HEAVY_OPERATIONS
            ],
        }
    )
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)


schema = _spec_source()


@schema.parametrize()
def test_the_api_keeps_to_its_spec(case, fuzzed_app):
    """Every operation of the spec, signed in as staff: never a 5xx, and every answer (its
    status code, content type and body) as the spec describes it. Headers are not checked:
    flask-smorest documents X-Pagination, a JSON text, with OpenAPI's "simple" header style,
    which a checker reads as comma-separated pairs (the lists' tests check it instead)."""
    app, token = fuzzed_app
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {token}"},
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
        ],
    )
