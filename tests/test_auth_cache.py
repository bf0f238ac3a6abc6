"""A worker remembers a verified token's user for a while, yet a credential change, made in
any worker, refuses the old token at once: each app here stands for one worker."""

import uuid

import pytest
from sqlalchemy import event

from jobmatch.accounts.models import User
from jobmatch.accounts.sessions import end_every_session
from jobmatch.extensions import db
from tests.conftest import make_test_app
from tests.factories import auth_headers, make_quick_user
from tests.jobs_fixtures import delete_keys, redis_url_or_skip

# A second app stands for another worker: it reads on its own connection, so writes commit.
pytestmark = pytest.mark.committing


@pytest.fixture(params=["database", "redis"])
def version_store(request) -> dict:
    """Where workers read credential versions: the database, or Redis under a test prefix."""
    if request.param == "database":
        yield {}
        return
    url = redis_url_or_skip()
    prefix = f"test-auth-{uuid.uuid4().hex}"
    yield {"REDIS_URL": url, "AUTH_CACHE_KEY_PREFIX": prefix}
    delete_keys(url, prefix)


@pytest.fixture
def other_worker(app, database_url, tmp_path, version_store):
    """A second app on the same database, remembering sign-ins for a minute; ``app`` (where the
    tests write) shares its version store, as every worker of one deployment does."""
    app.config.update(version_store)
    other = make_test_app(database_url, tmp_path, AUTH_CACHE_SECONDS=60, **version_store)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def statements(worker, path, headers) -> tuple[int, list[str]]:
    """The status of GET ``path`` in ``worker`` and the SQL it ran."""
    seen: list[str] = []
    with worker.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        status = worker.test_client().get(path, headers=headers).status_code
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return status, seen


def remembered(worker, user: User) -> dict:
    headers = auth_headers(user)
    status, _ = statements(worker, "/api/auth/me", headers)
    assert status == 200
    status, sql = statements(worker, "/api/auth/me", headers)
    assert status == 200
    # Remembered: the user row itself is not read again, at most its credential version.
    assert not any("password_hash" in statement for statement in sql), sql
    return headers


def test_a_remembered_user_costs_no_user_read(other_worker, version_store):
    user = make_quick_user("staff")
    db.session.commit()
    headers = remembered(other_worker, user)
    if version_store:
        # With Redis the version comes from there: no SQL at all.
        assert statements(other_worker, "/api/auth/me", headers) == (200, [])


@pytest.mark.parametrize(
    "change",
    [
        lambda user: user.set_password("a brand new password"),
        lambda user: setattr(user, "is_active", False),
        lambda user: setattr(user, "role", "admin"),
        end_every_session,
    ],
    ids=["password changed", "disabled", "role changed", "every session ended (a reset)"],
)
def test_a_credential_change_elsewhere_refuses_the_old_token_at_once(other_worker, change):
    user = make_quick_user("staff")
    db.session.commit()
    headers = remembered(other_worker, user)
    change(user)
    db.session.commit()
    if user.is_active and user.role == "admin":
        # A new role keeps the token good, but the worker must answer with the new role.
        with other_worker.test_client() as client:
            assert client.get("/api/auth/me", headers=headers).json["role"] == "admin"
    else:
        assert statements(other_worker, "/api/auth/me", headers)[0] == 401


def test_a_change_that_rolls_back_keeps_the_sign_in(other_worker):
    user = make_quick_user("staff")
    db.session.commit()
    headers = remembered(other_worker, user)
    user.is_active = False
    db.session.flush()
    db.session.rollback()
    assert statements(other_worker, "/api/auth/me", headers)[0] == 200


def test_zero_seconds_remembers_nothing(app, database_url, tmp_path):
    worker = make_test_app(database_url, tmp_path, AUTH_CACHE_SECONDS=0)
    user = make_quick_user("staff")
    db.session.commit()
    headers = auth_headers(user)
    for _ in range(2):
        status, sql = statements(worker, "/api/auth/me", headers)
        assert status == 200 and any("password_hash" in statement for statement in sql)
    with worker.app_context():
        db.engine.dispose()
