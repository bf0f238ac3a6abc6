"""Accounts: signing in, tokens, the login rate limit and the account commands."""

from datetime import date

import pytest

from jobmatch.accounts.auth import issue_token
from jobmatch.accounts.models import User
from jobmatch.config import settings_from_environment
from jobmatch.extensions import db, limiter
from tests.factories import (
    auth_headers,
    make_firm,
    make_post,
    make_quick_user,
    make_resident,
)

PASSWORD = "correct horse"


def login(client, username, password=PASSWORD):
    return client.post("/api/auth/token", json={"username": username, "password": password})


@pytest.mark.parametrize("role", ["admin", "staff", "firm", "resident"])
def test_a_token_for_good_credentials_names_the_role_and_works(client, role):
    user = make_quick_user(role)
    response = login(client, user.username)
    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer"
    assert response.json["role"] == role
    me = client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {response.json['access_token']}"}
    )
    assert me.status_code == 200
    assert (me.json["id"], me.json["role"]) == (user.id, role)


def test_a_refused_login_does_not_say_whether_the_account_exists(client):
    user = make_quick_user("staff")
    inactive = make_quick_user("staff", is_active=False)
    wrong_password = login(client, user.username, "not the password")
    unknown_user = login(client, "nobody-here", PASSWORD)
    disabled = login(client, inactive.username, PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == disabled.status_code == 401
    assert wrong_password.json == unknown_user.json == disabled.json
    assert wrong_password.json["message"] == "用户名或密码错误。"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "a"},
        {"username": "a", "password": "b", "role": "admin"},
        {"username": "a\x00", "password": "b"},
        {"username": "a", "password": "\ud800"},
        {"username": "a", "password": "x" * 257},
        ["a", "b"],
    ],
)
def test_a_malformed_login_is_a_422(client, body):
    response = client.post("/api/auth/token", json=body)
    assert response.status_code == 422
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_a_token_sent_to_login_is_ignored(client):
    """Signing in again with an expired token still in the client's headers must work."""
    user = make_quick_user("staff")
    response = client.post(
        "/api/auth/token",
        json={"username": user.username, "password": PASSWORD},
        headers={"Authorization": "Bearer expired-or-garbage"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header", ["Bearer not-a-token", "Basic dXNlcjpwdw==", "Bearer ", "Token abc"]
)
def test_a_bad_token_is_a_401(client, header):
    response = client.get("/api/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["code"] == 401


def test_an_expired_token_is_a_401(app, client):
    user = make_quick_user("staff")
    headers = auth_headers(user)
    app.config["TOKEN_MAX_AGE_SECONDS"] = -1
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert "过期" in response.json["message"]


def test_changing_the_password_ends_older_tokens(client):
    user = make_quick_user("staff")
    headers = auth_headers(user)
    user.set_password("a brand new password")
    db.session.commit()
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert login(client, user.username, "a brand new password").status_code == 200


def test_a_deactivated_user_s_token_stops_working(client):
    user = make_quick_user("staff")
    headers = auth_headers(user)
    user.is_active = False
    db.session.commit()
    assert client.get("/api/auth/me", headers=headers).status_code == 401


@pytest.fixture
def limited_app(isolated_app):
    """An app of its own, with login rate limits on and small."""
    limited = isolated_app(
        RATELIMIT_ENABLED=True,
        JOBMATCH_LOGIN_LIMIT_PER_USERNAME="5 per minute",
        JOBMATCH_LOGIN_LIMIT_PER_ADDRESS="8 per minute",
    )
    yield limited
    # The limiter is one object for every app of the process: leave it empty and off.
    limiter.reset()
    limiter.enabled = False


def test_repeated_wrong_passwords_for_one_account_are_slowed_down(limited_app):
    user = make_quick_user("staff")
    client = limited_app.test_client()
    for _ in range(5):
        assert login(client, user.username, "wrong").status_code == 401
    refused = login(client, user.username, PASSWORD)  # even the right password, for a while
    assert refused.status_code == 429
    assert set(refused.json) == {"code", "status", "message", "errors"}
    assert refused.json["message"] == "登录失败次数过多，请稍后再试。"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # Another account from the same address is not locked by this one's failures.
    other = make_quick_user("staff")
    assert login(client, other.username).status_code == 200


def test_the_username_limit_ignores_case_and_spaces(limited_app):
    user = make_quick_user("staff", username="Clerk.Wang")
    client = limited_app.test_client()
    for spelling in ["Clerk.Wang", "clerk.wang", " CLERK.WANG ", "clerk.WANG", "Clerk.wang"]:
        assert login(client, spelling, "wrong").status_code == 401
    assert login(client, user.username).status_code == 429


def test_successful_logins_are_not_limited(limited_app):
    user = make_quick_user("staff")
    client = limited_app.test_client()
    for _ in range(7):
        assert login(client, user.username).status_code == 200


def test_one_address_trying_many_accounts_is_slowed_down(limited_app):
    client = limited_app.test_client()
    for n in range(8):
        assert login(client, f"guess{n}", "wrong").status_code == 401
    assert login(client, "guess-next", "wrong").status_code == 429


def cli(runner, *args):
    return runner.invoke(args=list(args))


def test_create_user_makes_an_account_that_can_sign_in(runner, client):
    result = cli(
        runner, "create-user", "--role", "staff", "--username", "clerk", "--password", "s3cret-pass"
    )
    assert result.exit_code == 0, result.output
    assert login(client, "clerk", "s3cret-pass").json["role"] == "staff"


def test_create_user_links_firm_and_resident_accounts(runner):
    firm = make_firm()
    resident = make_resident()
    firm_result = cli(
        runner,
        "create-user",
        "--role",
        "firm",
        "--username",
        "hr-1",
        "--password",
        "s3cret-pass",
        "--firm-id",
        str(firm.id),
    )
    resident_result = cli(
        runner,
        "create-user",
        "--role",
        "resident",
        "--username",
        "zhang",
        "--password",
        "s3cret-pass",
        "--resident-id",
        str(resident.id),
    )
    assert firm_result.exit_code == 0 and resident_result.exit_code == 0
    users = {user.username: user for user in db.session.scalars(db.select(User))}
    assert users["hr-1"].firm_id == firm.id
    assert users["zhang"].resident_id == resident.id


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--role", "firm"], "firm_id"),
        (["--role", "firm", "--firm-id", "4242"], "企业 4242 不存在"),
        (["--role", "resident"], "resident_id"),
        (["--role", "resident", "--resident-id", "4242"], "居民 4242 不存在"),
        (["--role", "staff", "--firm-id", "1"], "只有企业账号"),
        (["--role", "staff", "--password", "short"], "密码至少8个字符"),
        (["--role", "staff", "--username", "no spaces please"], "用户名"),
        (["--role", "staff", "--username", "taken"], "已被使用"),
    ],
)
def test_create_user_refuses_clearly_without_a_traceback(runner, args, expected):
    make_quick_user("staff", username="taken")
    full = ["create-user", "--username", "new-user", "--password", "s3cret-pass", *args]
    # A later --username or --password overrides the default given first.
    result = runner.invoke(args=full)
    assert result.exit_code != 0
    assert expected in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_create_user_refuses_an_unknown_role(runner):
    result = cli(
        runner, "create-user", "--role", "root", "--username", "x1x", "--password", "s3cret-pass"
    )
    assert result.exit_code == 2
    assert "root" in result.output


def test_demo_accounts_on_an_empty_database_say_so_and_succeed(runner):
    result = cli(runner, "demo-accounts")
    assert result.exit_code == 0, result.output
    assert "还没有企业" in result.output and "还没有居民" in result.output
    assert set(db.session.scalars(db.select(User.username))) == {"demo-admin", "demo-staff"}


def test_demo_accounts_are_made_once_with_the_documented_password(runner, client, monkeypatch):
    monkeypatch.delenv("JOBMATCH_DEMO_PASSWORD", raising=False)
    make_firm()
    make_resident()
    first = cli(runner, "demo-accounts")
    second = cli(runner, "demo-accounts")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    for username in ["demo-admin", "demo-staff", "demo-firm", "demo-resident"]:
        assert username in first.output
        assert login(client, username, "jobmatch-demo").status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 4
    assert "已存在" in second.output


def test_demo_accounts_take_their_password_from_the_environment(runner, client, monkeypatch):
    monkeypatch.setenv("JOBMATCH_DEMO_PASSWORD", "from-the-env-1")
    assert cli(runner, "demo-accounts").exit_code == 0
    assert login(client, "demo-staff", "from-the-env-1").status_code == 200
    assert login(client, "demo-staff", "jobmatch-demo").status_code == 401


def test_issued_tokens_name_the_user(app):
    user = make_quick_user("staff")
    assert issue_token(user) != issue_token(make_quick_user("staff"))


def test_the_demo_resident_is_one_some_open_post_fits(runner):
    post = make_post(max_age=40)
    too_old = make_resident(birth=date(1950, 3, 1))
    fits = make_resident(birth=date(1992, 3, 1))
    result = cli(runner, "demo-accounts")
    assert result.exit_code == 0, result.output
    demo = db.session.scalar(db.select(User).where(User.username == "demo-resident"))
    assert demo.resident_id == fits.id != too_old.id
    assert post.firm_id == db.session.scalar(
        db.select(User.firm_id).where(User.username == "demo-firm")
    )


def test_the_rate_limit_store_comes_from_the_environment():
    settings = settings_from_environment({"JOBMATCH_RATELIMIT_STORAGE": "redis://cache:6379/1"})
    assert settings == {"RATELIMIT_STORAGE_URI": "redis://cache:6379/1"}
