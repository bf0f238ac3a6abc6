"""Logins handed over on paper: issuing and resetting activation codes, activating, disabling,
changing one's own password, and the server-side end of page sessions."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from jobmatch.accounts.activation import CODE_ALPHABET
from jobmatch.accounts.models import ActivationCode, User
from jobmatch.audit.models import AuditEntry
from jobmatch.extensions import db, limiter
from tests.factories import auth_headers, make_firm, make_quick_user, make_resident
from tests.web_helpers import csrf_token, sign_in

CODE = re.compile(f"^[{CODE_ALPHABET}]{{8}}$")
NEW_PASSWORD = "my own password"


def issue(client, resident, actor=None):
    actor = actor or make_quick_user("staff")
    return client.post(f"/api/residents/{resident.id}/login", headers=auth_headers(actor))


def activate(client, last6, code, password=NEW_PASSWORD):
    return client.post(
        "/api/auth/activate", json={"id_last6": last6, "code": code, "password": password}
    )


def issued_resident(client):
    resident = make_resident()
    response = issue(client, resident)
    assert response.status_code == 201, response.json
    return resident, response.json


def actions(subject_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_user_id == subject_id)
            .order_by(AuditEntry.id)
        )
    )


def test_staff_issue_a_code_shown_once_and_stored_only_hashed(client):
    resident, body = issued_resident(client)
    assert CODE.match(body["code"])
    assert set(body) == {"user_id", "username", "role", "code", "expires_at"}
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(hours=71) < expires - datetime.now(UTC) <= timedelta(hours=72)
    stored = db.session.scalar(
        select(ActivationCode).where(ActivationCode.user_id == body["user_id"])
    )
    assert body["code"] not in stored.code_hash and len(stored.code_hash) == 64
    user = db.session.get(User, body["user_id"])
    assert user.resident_id == resident.id and user.role == "resident"
    # No password opens the account before activation.
    assert client.post(
        "/api/auth/token", json={"username": user.username, "password": ""}
    ).status_code in (401, 422)
    assert actions(user.id) == ["account.issue"]
    assert issue(client, resident).status_code == 409


def test_a_code_activates_once_and_signs_in(client):
    resident, body = issued_resident(client)
    response = activate(client, resident.id_number[-6:], body["code"].lower())
    assert response.status_code == 200, response.json
    assert response.json["username"] == body["username"]
    me = client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {response.json['access_token']}"}
    )
    assert me.json["resident_id"] == resident.id
    token = client.post(
        "/api/auth/token", json={"username": body["username"], "password": NEW_PASSWORD}
    )
    assert token.status_code == 200
    again = activate(client, resident.id_number[-6:], body["code"], "yet another password")
    assert again.status_code == 401
    assert actions(body["user_id"]) == ["account.issue", "account.activate"]


def test_a_wrong_id_and_a_wrong_code_get_the_same_answer(client):
    resident, body = issued_resident(client)
    wrong_id = activate(
        client, "999999" if resident.id_number[-6:] != "999999" else "888888", body["code"]
    )
    wrong_code = activate(client, resident.id_number[-6:], "ABCD2345")
    assert wrong_id.status_code == wrong_code.status_code == 401
    assert wrong_id.json == wrong_code.json
    # Neither used the code up.
    assert activate(client, resident.id_number[-6:], body["code"]).status_code == 200


def test_an_expired_code_is_refused(client):
    resident, body = issued_resident(client)
    row = db.session.scalar(select(ActivationCode).where(ActivationCode.user_id == body["user_id"]))
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert activate(client, resident.id_number[-6:], body["code"]).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"id_last6": "12345", "code": "ABCD2345", "password": NEW_PASSWORD},
        {"id_last6": "123456", "code": "", "password": NEW_PASSWORD},
        {"id_last6": "123456", "code": "ABCD2345", "password": "short"},
        {"code": "ABCD2345", "password": NEW_PASSWORD},
    ],
)
def test_a_malformed_activation_is_a_422(client, body):
    response = client.post("/api/auth/activate", json=body)
    assert response.status_code == 422
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_a_reset_ends_the_password_tokens_and_page_sessions(client, app):
    resident, body = issued_resident(client)
    token = activate(client, resident.id_number[-6:], body["code"]).json["access_token"]
    user = db.session.get(User, body["user_id"])
    browser = app.test_client()
    assert sign_in(browser, user, NEW_PASSWORD).status_code == 302
    assert browser.get("/me").status_code == 200

    clerk = make_quick_user("staff")
    reset = client.post(f"/api/users/{user.id}/reset", headers=auth_headers(clerk))
    assert reset.status_code == 201 and reset.json["code"] != body["code"]
    assert (
        client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    assert browser.get("/me").status_code == 302
    refused = client.post(
        "/api/auth/token", json={"username": user.username, "password": NEW_PASSWORD}
    )
    assert refused.status_code == 401
    # The older code was retired by the new one.
    assert activate(client, resident.id_number[-6:], body["code"]).status_code == 401
    assert activate(client, resident.id_number[-6:], reset.json["code"]).status_code == 200
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "account.reset", AuditEntry.subject_user_id == user.id
        )
    )
    assert entry.user_id == clerk.id and entry.username == clerk.username and entry.created_at


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app):
    user = make_quick_user("staff")
    browser = app.test_client()
    sign_in(browser, user)
    copied = browser.get_cookie("session").value
    assert browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/staff").status_code == 302


def test_who_may_reset_which_account(client):
    staff, admin = make_quick_user("staff"), make_quick_user("admin")
    other_staff = make_quick_user("staff")
    firm_user = make_quick_user("firm")
    assert (
        client.post(f"/api/users/{firm_user.id}/reset", headers=auth_headers(staff)).status_code
        == 201
    )
    assert (
        client.post(f"/api/users/{other_staff.id}/reset", headers=auth_headers(staff)).status_code
        == 403
    )
    assert (
        client.post(f"/api/users/{other_staff.id}/reset", headers=auth_headers(admin)).status_code
        == 409
    )
    assert client.post("/api/users/999999/reset", headers=auth_headers(staff)).status_code == 404


def test_an_admin_creates_a_firm_user_who_activates_with_the_credit_code(client):
    firm = make_firm()
    admin = make_quick_user("admin")
    created = client.post(
        "/api/users", json={"firm_id": firm.id, "username": "hr.zhang"}, headers=auth_headers(admin)
    )
    assert created.status_code == 201, created.json
    assert created.json["role"] == "firm"
    assert activate(client, firm.credit_code[-6:].lower(), created.json["code"]).status_code == 200
    assert actions(created.json["user_id"]) == [
        "account.create",
        "account.issue",
        "account.activate",
    ]
    taken = client.post(
        "/api/users", json={"firm_id": firm.id, "username": "HR.Zhang"}, headers=auth_headers(admin)
    )
    assert taken.status_code == 409
    unknown = client.post(
        "/api/users", json={"firm_id": 999999, "username": "hr.li"}, headers=auth_headers(admin)
    )
    assert unknown.status_code == 422


def test_a_disabled_account_is_refused_at_once_and_stays_refused_when_enabled(client, app):
    admin = make_quick_user("admin")
    user = make_quick_user("firm")
    headers = auth_headers(user)
    browser = app.test_client()
    sign_in(browser, user)
    off = client.patch(
        f"/api/users/{user.id}", json={"is_active": False}, headers=auth_headers(admin)
    )
    assert off.status_code == 200 and off.json["is_active"] is False
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert browser.get("/firm").status_code == 302
    assert (
        client.post(f"/api/users/{user.id}/reset", headers=auth_headers(admin)).status_code == 409
    )
    on = client.patch(
        f"/api/users/{user.id}", json={"is_active": True}, headers=auth_headers(admin)
    )
    assert on.json["is_active"] is True
    assert (
        client.get("/api/auth/me", headers=headers).status_code == 401
    )  # the old token stays dead
    assert actions(user.id) == ["account.disable", "account.enable"]
    me = client.patch(
        f"/api/users/{admin.id}", json={"is_active": False}, headers=auth_headers(admin)
    )
    assert me.status_code == 409


def test_a_user_changes_their_own_password(client):
    user = make_quick_user("firm")
    headers = auth_headers(user)
    wrong = client.post(
        "/api/auth/password",
        json={"old_password": "not it", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert wrong.status_code == 422 and "old_password" in wrong.json["errors"]
    changed = client.post(
        "/api/auth/password",
        json={"old_password": "correct horse", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 200
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    fresh = {"Authorization": f"Bearer {changed.json['access_token']}"}
    assert client.get("/api/auth/me", headers=fresh).status_code == 200
    assert actions(user.id) == ["account.password"]


def test_staff_list_accounts(client):
    firm = make_firm()
    make_quick_user("firm", firm_id=firm.id)
    listed = client.get(
        f"/api/users?firm_id={firm.id}", headers=auth_headers(make_quick_user("staff"))
    )
    assert listed.status_code == 200 and len(listed.json) == 1
    assert (
        client.get(
            "/api/users?role=nobody", headers=auth_headers(make_quick_user("staff"))
        ).status_code
        == 422
    )


@pytest.fixture
def limited_app(isolated_app):
    """An app of its own, with small activation limits on."""
    limited = isolated_app(
        RATELIMIT_ENABLED=True,
        JOBMATCH_ACTIVATION_LIMIT_PER_ID="5 per hour",
        JOBMATCH_ACTIVATION_LIMIT_PER_ADDRESS="8 per hour",
    )
    yield limited
    # The limiter is one object for every app of the process: leave it empty and off.
    limiter.reset()
    limiter.enabled = False


def test_guessing_codes_for_one_id_number_is_refused(limited_app):
    client = limited_app.test_client()
    resident, body = issued_resident(client)
    last6 = resident.id_number[-6:]
    for guess in ("AAAA2222", "AAAA3333", "AAAA4444", "AAAA5555", "AAAA6666"):
        assert activate(client, last6, guess).status_code == 401
    refused = activate(client, last6, body["code"])  # even the right code, for a while
    assert refused.status_code == 429
    assert set(refused.json) == {"code", "status", "message", "errors"}
    assert int(refused.headers["Retry-After"]) > 0


def test_one_address_guessing_many_id_numbers_is_refused(limited_app):
    client = limited_app.test_client()
    for n in range(8):
        assert activate(client, f"{n:06d}", "AAAA2222").status_code == 401
    assert activate(client, "123999", "AAAA2222").status_code == 429


def test_the_activation_page_counts_against_the_same_limit(limited_app):
    client = limited_app.test_client()
    resident, body = issued_resident(client)
    last6 = resident.id_number[-6:]
    for _ in range(3):
        assert activate(client, last6, "AAAA2222").status_code == 401
    for _ in range(2):
        page = client.post(
            "/activate",
            data={
                "id_last6": last6,
                "code": "AAAA2222",
                "password": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "csrf_token": csrf_token(client, "/activate"),
            },
        )
        assert page.status_code == 200
    assert activate(client, last6, body["code"]).status_code == 429


def test_the_account_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    documented = {
        ("post", "/api/residents/{resident_id}/login"),
        ("post", "/api/users/{user_id}/reset"),
        ("patch", "/api/users/{user_id}"),
        ("get", "/api/users"),
        ("post", "/api/users"),
        ("post", "/api/auth/activate"),
        ("post", "/api/auth/password"),
        ("post", "/api/applications/{application_id}/interview-outcome"),
    }
    for method, path in documented:
        operation = paths[path][method]
        assert operation["summary"] and operation["responses"]
    assert "429" in paths["/api/auth/activate"]["post"]["responses"]
