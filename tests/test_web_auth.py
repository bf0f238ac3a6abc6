"""Signing in and out of the pages, CSRF on every form, and the HTML error pages."""

import pytest

from jobmatch.extensions import db
from tests.factories import make_quick_user, make_user
from tests.web_helpers import PASSWORD, csrf_token, sign_in


def test_the_login_form_has_its_fields_and_a_token(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="username"' in page
    assert 'name="password"' in page
    assert 'name="csrf_token"' in page
    assert 'lang="zh-CN"' in page


@pytest.mark.parametrize(
    ("role", "home"),
    [("resident", "/me"), ("firm", "/firm"), ("staff", "/staff"), ("admin", "/staff")],
)
def test_signing_in_leads_to_the_page_of_the_role(client, role, home):
    user = make_user(role, password=PASSWORD)
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == home
    # Signed in, the login page sends the user home instead of showing the form again.
    assert client.get("/login").headers["Location"] == home


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(client):
    user = make_user("resident", password=PASSWORD)
    wrong = sign_in(client, user, password="not the password")
    unknown = client.post(
        "/login",
        data={"username": "nobody-here", "password": "x" * 10, "csrf_token": csrf_token(client)},
    )
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302  # still signed out


def test_empty_fields_are_told_beside_each_field(client):
    response = client.post(
        "/login", data={"username": "", "password": "", "csrf_token": csrf_token(client)}
    )
    page = response.get_data(as_text=True)
    assert "请填写用户名" in page
    assert "请填写密码" in page


def test_a_form_without_its_token_is_refused_with_a_chinese_page(client):
    user = make_user("staff", password=PASSWORD)
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "页面可能已过期" in response.get_data(as_text=True)
    assert client.get("/staff").status_code == 302  # not signed in


def test_the_api_needs_no_form_token(client):
    # The API authenticates with bearer tokens; a form token there would only get in the way.
    response = client.post("/api/health")
    assert response.status_code == 405
    assert response.mimetype == "application/json"


def test_signing_out_is_a_post_that_ends_the_session(client):
    user = make_user("resident", password=PASSWORD)
    sign_in(client, user)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/me").status_code == 302


def test_a_changed_password_ends_open_sessions(client):
    user = make_user("resident", password=PASSWORD)
    sign_in(client, user)
    user.set_password("a brand new password")
    db.session.commit()
    response = client.get("/me")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_deactivated_account_is_signed_out(client):
    user = make_user("firm", password=PASSWORD)
    sign_in(client, user)
    user.is_active = False
    db.session.commit()
    assert client.get("/firm").status_code == 302


@pytest.mark.parametrize(
    ("target", "lands_on"),
    [
        ("/me", "/me"),
        ("https://evil.example/", "/me"),
        ("//evil.example/", "/me"),
        ("/\\evil.example/", "/me"),
    ],
)
def test_next_only_leads_within_the_site(client, target, lands_on):
    user = make_user("resident", password=PASSWORD)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == lands_on


@pytest.mark.parametrize(
    ("role", "path"),
    [("resident", "/firm"), ("resident", "/staff"), ("firm", "/me"), ("firm", "/staff")],
)
def test_a_page_of_another_role_is_refused(client, role, path):
    user = make_user(role, password=PASSWORD)
    sign_in(client, user)
    response = client.get(path)
    assert response.status_code == 403
    assert "不能打开这个页面" in response.get_data(as_text=True)


def test_a_signed_out_visitor_is_sent_to_login_and_back(client):
    response = client.get("/staff")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/staff"


def test_a_missing_page_is_a_chinese_html_page_and_the_api_stays_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "找不到这个页面" in page.get_data(as_text=True)
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404
    assert set(api.json) == {"code", "status", "message", "errors"}


def test_a_500_on_a_page_shows_no_exception_text(isolated_app):
    app = isolated_app(PROPAGATE_EXCEPTIONS=False)  # a route of its own: a new app

    @app.route("/explode-page")
    def explode_page():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode-page")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "secret internals" not in body
    assert "服务器出错了" in body


@pytest.mark.parametrize(
    ("role", "path", "data"),
    [
        ("resident", "/logout", {}),
        ("resident", "/me/apply", {"post_id": "1"}),
        ("resident", "/me/applications/1/move", {"status": "withdrawn", "reason": "other"}),
        ("firm", "/firm/posts/new", {"title": "普工"}),
        ("firm", "/firm/posts/1/close", {}),
        ("firm", "/firm/applications/1/move", {"status": "interview"}),
        ("staff", "/staff/residents/new", {"name": "张三"}),
        ("staff", "/staff/import", {}),
        ("staff", "/staff/cohorts/1/roster", {}),
        ("staff", "/staff/refer", {"resident_id": "1", "post_id": "1"}),
        ("staff", "/staff/allocate/1/refer", {"post_id": "1"}),
        ("staff", "/staff/allocate", {}),
        ("staff", "/staff/residents/1/login", {}),
        ("staff", "/staff/users/1/reset", {}),
        ("staff", "/staff/logins", {"resident_id": "1"}),
        ("admin", "/staff/accounts/firm-user", {"firm_id": "1", "username": "hr.zhao"}),
        ("admin", "/staff/users/1/active", {"is_active": "0"}),
        ("resident", "/account/password", {"old_password": "x", "new_password": "y" * 8}),
        ("firm", "/firm/applications/1/outcome", {"outcome": "attended"}),
        ("resident", "/activate", {"id_last6": "123456", "code": "ABCD2345"}),
    ],
)
def test_every_form_needs_its_token(client, role, path, data):
    user = make_quick_user(role)
    sign_in(client, user)
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "页面可能已过期" in response.get_data(as_text=True)
