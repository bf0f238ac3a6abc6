"""Login throttling on both sign-in paths: failures only, per username and per address, one
count for every worker when Redis holds it, and no way to lock a named user out."""

import logging

import pytest

from jobmatch.extensions import db
from tests.conftest import make_test_app
from tests.factories import make_quick_user
from tests.jobs_fixtures import delete_keys, redis_url, run_prefix  # noqa: F401
from tests.web_helpers import PASSWORD, csrf_token

ATTACKER, OWNER = "203.0.113.7", "198.51.100.20"
# The throttled apps are apps of their own, on connections of their own: the users a test
# makes through ``app`` must really be committed for them to see.
pytestmark = pytest.mark.committing


def limited(database_url, tmp_path, **config):
    return make_test_app(
        database_url,
        tmp_path,
        RATELIMIT_ENABLED=True,
        JOBMATCH_LOGIN_LIMIT_PER_USERNAME="5 per minute",
        JOBMATCH_LOGIN_LIMIT_PER_ADDRESS="20 per minute",
        **config,
    )


@pytest.fixture
def throttled(app, database_url, tmp_path):
    """An app on the same database as ``app`` with small limits counted in this process."""
    throttled = limited(database_url, tmp_path)
    yield throttled
    with throttled.app_context():
        db.engine.dispose()


def api_login(client, username, password=PASSWORD, address=ATTACKER):
    return client.post(
        "/api/auth/token",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def web_login(client, username, password=PASSWORD, address=ATTACKER):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


def test_an_attacked_user_still_signs_in_from_an_address_that_was_not_failing(throttled):
    user = make_quick_user("staff")
    client = throttled.test_client()
    for _ in range(5):
        assert api_login(client, user.username, "wrong").status_code == 401
    assert api_login(client, user.username).status_code == 429  # the attacker's address
    assert api_login(client, user.username, address=OWNER).status_code == 200
    web = throttled.test_client()
    assert web_login(web, user.username, address=OWNER).status_code == 302


def test_a_locked_username_gives_each_new_address_one_try_only(throttled):
    user = make_quick_user("staff")
    client = throttled.test_client()
    for _ in range(5):
        assert api_login(client, user.username, "wrong").status_code == 401
    for n in range(3):
        elsewhere = f"192.0.2.{n + 1}"
        assert api_login(client, user.username, "wrong", address=elsewhere).status_code == 401
        assert api_login(client, user.username, address=elsewhere).status_code == 429


def test_the_web_form_counts_failures_per_username_with_the_api(throttled):
    user = make_quick_user("staff")
    web, api = throttled.test_client(), throttled.test_client()
    for _ in range(3):
        assert web_login(web, user.username, "wrong").status_code == 200  # the form again
    for _ in range(2):
        assert api_login(api, f"  {user.username.upper()} ", "wrong").status_code == 401
    refused = web_login(web, user.username)
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_successful_web_logins_are_not_counted(throttled):
    user = make_quick_user("staff")
    for _ in range(12):
        client = throttled.test_client()
        assert web_login(client, user.username).status_code == 302


def test_one_address_failing_on_many_names_is_refused(throttled):
    client = throttled.test_client()
    for n in range(20):
        assert web_login(client, f"guess{n}", "wrong").status_code == 200
    assert api_login(client, "guess-next", "wrong").status_code == 429
    assert api_login(client, "guess-next", "wrong", address=OWNER).status_code == 401


def test_a_redis_url_becomes_the_limits_store(app, tmp_path, database_url):
    other = limited(database_url, tmp_path, REDIS_URL="redis://cache.internal:6379/2")
    assert other.config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/2"
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "memory-per-process"])
def test_two_workers_count_failures_together_through_redis(
    app,
    database_url,
    tmp_path,
    redis_url,  # noqa: F811
    run_prefix,  # noqa: F811
    shared,
):
    """Two app instances stand for two gunicorn workers: with Redis, 3 failures on one and 2 on
    the other lock the name; each counting alone (memory://), neither has reached 5."""
    store = {"REDIS_URL": redis_url} if shared else {}
    workers = [
        limited(database_url, tmp_path / name, RATELIMIT_KEY_PREFIX=run_prefix, **store)
        for name in ("first", "second")
    ]
    try:
        user = make_quick_user("staff")
        first, second = (worker.test_client() for worker in workers)
        for _ in range(3):
            assert api_login(first, user.username, "wrong").status_code == 401
        for _ in range(2):
            assert web_login(second, user.username, "wrong").status_code == 200
        expected = 429 if shared else 200
        assert api_login(second, user.username).status_code == expected
        assert api_login(first, user.username).status_code == expected
    finally:
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()
        delete_keys(redis_url, run_prefix)


def test_with_the_limits_store_down_sign_in_still_checks_the_password(
    app, database_url, tmp_path, caplog
):
    down = limited(database_url, tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    try:
        user = make_quick_user("staff")
        client = down.test_client()
        with caplog.at_level(logging.ERROR, logger="jobmatch.accounts.throttle"):
            assert api_login(client, user.username, "wrong").status_code == 401
            assert api_login(client, user.username).status_code == 200
        assert "counter store unavailable" in caplog.text
    finally:
        with down.app_context():
            db.engine.dispose()
