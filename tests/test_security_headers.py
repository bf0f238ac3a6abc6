"""Security headers on every kind of answer, and pages that need no inline script for them."""

import re
from pathlib import Path

import pytest

from jobmatch.config import PROJECT_ROOT
from tests.web_helpers import signed_in

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
TEMPLATES = Path(PROJECT_ROOT) / "jobmatch" / "templates"


def _check(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"  # no inline script, nothing from elsewhere
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "Strict-Transport-Security" not in response.headers  # plain http: not sent


@pytest.mark.parametrize(
    "role, path, status",
    [
        (None, "/", 200),
        (None, "/login", 200),
        ("resident", "/me", 200),
        ("firm", "/firm", 200),
        ("staff", "/staff", 200),
        (None, "/api/docs", 200),
        (None, "/api/openapi.json", 200),
        (None, "/no-such-page", 404),
        (None, "/api/posts", 200),
        (None, "/api/no-such-thing", 404),
        (None, "/static/js/staff-charts.js", 200),
    ],
)
def test_every_kind_of_answer_carries_the_headers(client, role, path, status):
    if role == "resident":
        from tests.factories import make_resident

        signed_in(client, role, resident_id=make_resident().id)
    elif role:
        signed_in(client, role)
    with client.get(path) as response:  # closed: a static file is streamed from disk
        assert response.status_code == status
        _check(response)


def test_an_api_error_carries_them_too(client):
    response = client.post("/api/firms", json={})
    assert response.status_code == 401 and response.json["code"] == 401
    _check(response)


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://jobmatch.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for template in sorted(TEMPLATES.glob("*.html")):
        html = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append(f"{template.name}: {tag}")
        found += [f"{template.name}: {h}" for h in re.findall(r"\son[a-z]+\s*=", html)]
        found += [f"{template.name}: javascript: URL" for _ in re.findall("javascript:", html)]
    assert found == []


def test_the_api_docs_page_runs_no_inline_script(client):
    html = client.get("/api/docs").get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/js/swagger-init.js" in html
