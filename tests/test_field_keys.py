"""Production settings and the field key: no start without the keys in production, no start
with a key other than the one the data was written with, and a resumable key rotation."""

import uuid

import pytest
from cryptography.fernet import Fernet

from jobmatch.accounts.models import User
from jobmatch.config import check_production_settings, is_production
from jobmatch.crypto import FieldCipher
from jobmatch.extensions import db
from jobmatch.field_keys import CURRENT, ROTATION, FieldKeyCheck, rotate
from jobmatch.residents.models import Resident
from jobmatch.residents.search import search_residents
from tests.conftest import TEST_FIELD_KEY, make_test_app
from tests.factories import make_resident

OTHER_KEY = Fernet.generate_key().decode()


def test_production_is_named_or_implied_by_a_postgresql_database_url():
    pg = {"DATABASE_URL": "postgresql+psycopg://db/jobmatch"}
    assert is_production({"JOBMATCH_ENV": "production"}, {})
    assert is_production({}, pg)
    assert not is_production({"JOBMATCH_ENV": "development"}, pg)
    assert not is_production({}, {"DATABASE_URL": "sqlite:///jobmatch.db"})
    assert not is_production({}, {})


KEYS = {"SECRET_KEY": "s", "JOBMATCH_FIELD_KEY": TEST_FIELD_KEY, "REDIS_URL": "redis://r"}


@pytest.mark.parametrize(
    "missing",
    [
        ("SECRET_KEY",),
        ("JOBMATCH_FIELD_KEY",),
        ("REDIS_URL",),
        ("SECRET_KEY", "JOBMATCH_FIELD_KEY"),
    ],
)
def test_production_refuses_to_start_without_its_keys(tmp_path, missing):
    settings = {**KEYS, **dict.fromkeys(missing), "JOBMATCH_ENV": "production"}
    with pytest.raises(SystemExit) as refused:
        make_test_app(f"sqlite:///{tmp_path}/p.db", tmp_path, **settings)
    message = str(refused.value.code)
    assert "\n" not in message and f"production needs {', '.join(missing)} set" in message


def test_production_starts_with_its_settings(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/p.db", tmp_path, **KEYS, JOBMATCH_ENV="production")
    assert app.test_client().get("/api/health").status_code == 200
    # A shared limiter store named directly does instead of REDIS_URL.
    store = {"REDIS_URL": None, "RATELIMIT_STORAGE_URI": "redis://r"}
    check_production_settings({**KEYS, **store}, {"DATABASE_URL": "postgresql://db/x"})


def test_a_postgresql_database_url_implies_production():
    with pytest.raises(SystemExit, match="JOBMATCH_FIELD_KEY"):
        check_production_settings({"SECRET_KEY": "s"}, {"DATABASE_URL": "postgresql://db/x"})
    check_production_settings({"JOBMATCH_ENV": "development"}, {"DATABASE_URL": "postgresql://x"})


@pytest.fixture
def fresh_database(backend, database_factory, tmp_path):
    """A database of its own with the schema and no rows, for apps under different keys."""
    url = database_factory(backend, f"keys_{uuid.uuid4().hex[:8]}")
    app = make_test_app(url, tmp_path)
    with app.app_context():
        db.create_all()
        db.session.remove()
    yield url
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def start(fresh_database, tmp_path):
    """Start an app on the fresh database under a key; every one started is closed after."""
    started = []

    def start_app(key, **overrides):
        app = make_test_app(fresh_database, tmp_path, JOBMATCH_FIELD_KEY=key, **overrides)
        started.append(app)
        return app

    yield start_app
    for app in started:
        with app.app_context():
            db.engine.dispose()


def _check_rows(app) -> dict:
    with app.app_context():
        rows = {row.name: row.last_resident_id for row in db.session.query(FieldKeyCheck)}
        db.session.remove()
        return rows


def test_the_first_start_stores_a_check_value_and_another_key_is_refused(start):
    first = start(TEST_FIELD_KEY)
    assert _check_rows(first) == {CURRENT: 0}
    start(TEST_FIELD_KEY)  # the same key starts again
    with pytest.raises(SystemExit) as refused:
        start(OTHER_KEY)
    assert "JOBMATCH_FIELD_KEY is not the key" in str(refused.value.code)


def test_data_from_before_check_values_is_checked_against_a_stored_number(start):
    app = start(TEST_FIELD_KEY)
    with app.app_context():
        make_resident()
        db.session.query(FieldKeyCheck).delete()  # as a database of the first release
        db.session.commit()
        db.session.remove()
    with pytest.raises(SystemExit):
        start(OTHER_KEY)
    assert _check_rows(start(TEST_FIELD_KEY)) == {CURRENT: 0}


def test_a_key_rotation_is_resumable_and_ends_under_the_new_key(start):
    old_app = start(TEST_FIELD_KEY)
    with old_app.app_context():
        people = {make_resident().id: None for _ in range(5)}
        for resident in db.session.query(Resident):
            people[resident.id] = (resident.id_number, resident.phone)
        db.session.remove()

    # Both keys set: the app starts (so that the command can run) but serves nothing meanwhile.
    rotating = start(OTHER_KEY, JOBMATCH_FIELD_KEY_OLD=TEST_FIELD_KEY)
    answer = rotating.test_client().get("/api/posts")
    assert answer.status_code == 503 and answer.json["code"] == 503

    # The first run stops after its first batch of two (as if the machine went down).
    class Stopped(Exception):
        pass

    def stop_after_first_batch(line):
        if line.startswith("re-encrypted"):
            raise Stopped

    old, new = FieldCipher(TEST_FIELD_KEY), FieldCipher(OTHER_KEY)
    with rotating.app_context():
        with pytest.raises(Stopped):
            rotate(old, new, batch_size=2, echo=stop_after_first_batch)
        db.session.remove()
    first_two = sorted(people)[1]
    assert _check_rows(rotating) == {CURRENT: 0, ROTATION: first_two}

    result = rotating.test_cli_runner().invoke(args=["rotate-field-key", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert f"continuing after resident {first_two}" in result.output
    assert "done: 3 residents" in result.output
    assert _check_rows(rotating) == {CURRENT: 0}

    # The new key alone now reads every number, and finds each resident by its hashes.
    new_app = start(OTHER_KEY)
    with new_app.app_context():
        for resident in db.session.query(Resident):
            assert (resident.id_number, resident.phone) == people[resident.id]
            assert resident.id_number_hash == new.lookup_hash(resident.id_number)
            assert resident.phone_hash == new.phone_hash(resident.phone)
            typed = f"{resident.phone[:3]} {resident.phone[3:7]} {resident.phone[7:]}"
            found, total = search_residents(User(role="staff"), typed, None, 1, 10)
            assert ([person["id"] for person in found], total) == ([resident.id], 1)
        db.session.remove()
    with pytest.raises(SystemExit):
        start(TEST_FIELD_KEY)
    # The old key left set by mistake: nothing more to do, and the app serves.
    both = start(OTHER_KEY, JOBMATCH_FIELD_KEY_OLD=TEST_FIELD_KEY)
    assert both.test_client().get("/api/posts").status_code == 200
    again = both.test_cli_runner().invoke(args=["rotate-field-key"])
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_a_database_from_before_check_values_can_be_rotated(start):
    app = start(TEST_FIELD_KEY)
    with app.app_context():
        make_resident()
        db.session.query(FieldKeyCheck).delete()
        db.session.commit()
        db.session.remove()
    rotating = start(OTHER_KEY, JOBMATCH_FIELD_KEY_OLD=TEST_FIELD_KEY)
    assert rotating.test_client().get("/api/posts").status_code == 503
    result = rotating.test_cli_runner().invoke(args=["rotate-field-key"])
    assert result.exit_code == 0 and "done: 1 residents" in result.output, result.output
    assert _check_rows(start(OTHER_KEY)) == {CURRENT: 0}
