"""The migrations build exactly the models' schema and take it down again; the phone_hash
migration fills the column for the residents already stored."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from jobmatch.accounts.models import User
from jobmatch.crypto import FieldCipher, cipher
from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from jobmatch.residents.search import search_residents
from tests.conftest import make_test_app


def test_upgrade_matches_models_and_downgrade_empties(backend, database_factory, tmp_path):
    app = make_test_app(database_factory(backend, "migrations"), tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], differences
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())

        downgrade(revision="base")
        db.engine.dispose()
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


BEFORE_PHONE_HASH = "914ca84c6eb2"
OLD_RESIDENTS = sa.table(
    "residents",
    *(sa.column(name) for name in ("id", "name", "id_number_hash", "gender", "birth_date")),
    *(sa.column(name) for name in ("education", "shift_preference", "employment_status")),
    *(sa.column(name) for name in ("created_at", "updated_at")),
    sa.column("id_number", sa.LargeBinary),
    sa.column("phone", sa.LargeBinary),
)


def _store_residents(phones: dict[int, str], box: FieldCipher) -> None:
    """Residents as a database from before phone_hash holds them: numbers encrypted by ``box``."""
    now = datetime.now(UTC)
    rows = [
        {"id": rid, "name": f"居民{rid}", "id_number": box.encrypt(f"id-{rid}"),
         "id_number_hash": box.lookup_hash(f"id-{rid}"), "phone": box.encrypt(phone),
         "gender": "female", "birth_date": date(1980, 1, 1), "education": "other",
         "shift_preference": "any", "employment_status": "unemployed",
         "created_at": now, "updated_at": now}
        for rid, phone in phones.items()
    ]  # fmt: skip
    db.session.execute(sa.insert(OLD_RESIDENTS), rows)
    db.session.commit()


def test_the_phone_hash_migration_fills_it_for_every_stored_resident(
    backend, database_factory, tmp_path
):
    app = make_test_app(database_factory(backend, "phone_hash"), tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE_PHONE_HASH)
        box = cipher()
        # More than one batch of a thousand; a family's shared phone; one typed by hand once.
        phones = {rid: f"139{rid:08d}" for rid in range(1, 1203)}
        phones[1201] = phones[1202] = "13800138000"
        phones[7] = "+86 137-0013-7000"
        _store_residents(phones, box)
        upgrade()
        stored = dict(db.session.execute(sa.select(Resident.id, Resident.phone_hash)).all())
        assert stored == {rid: box.phone_hash(phone) for rid, phone in phones.items()}
        assert stored[7] == box.phone_hash("13700137000")
        found, total = search_residents(User(role="staff"), "138 0013 8000", None, 1, 20)
        assert ([person["id"] for person in found], total) == ([1201, 1202], 2)
        db.session.remove()
        downgrade(revision=BEFORE_PHONE_HASH)
        columns = {column["name"] for column in inspect(db.engine).get_columns("residents")}
        assert "phone_hash" not in columns and "phone" in columns
        db.engine.dispose()


def test_during_a_key_rotation_the_migration_reads_the_rows_still_under_the_old_key(
    backend, database_factory, tmp_path
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    url = database_factory(backend, "phone_hash_rotating")
    app = make_test_app(url, tmp_path, JOBMATCH_FIELD_KEY=new, JOBMATCH_FIELD_KEY_OLD=old)
    with app.app_context():
        upgrade(revision=BEFORE_PHONE_HASH)
        _store_residents({1: "13800138000"}, FieldCipher(new))
        _store_residents({2: "13900139000"}, FieldCipher(old))
        db.session.remove()
        upgrade()
        stored = dict(db.session.execute(sa.select(Resident.id, Resident.phone_hash)).all())
        # Row 2 is hashed as its ID number still is; the rotation re-hashes both with the new key.
        assert stored == {
            1: FieldCipher(new).phone_hash("13800138000"),
            2: FieldCipher(old).phone_hash("13900139000"),
        }
        db.session.remove()
        downgrade(revision=BEFORE_PHONE_HASH)
        db.engine.dispose()
    # Without the old key, a phone no key reads stops the upgrade with one line saying so;
    # run again with the key, it completes.
    unkeyed = make_test_app(url, tmp_path, JOBMATCH_FIELD_KEY=new)
    with unkeyed.app_context(), pytest.raises(SystemExit, match="JOBMATCH_FIELD_KEY_OLD"):
        upgrade()
    with unkeyed.app_context():
        db.engine.dispose()
    with app.app_context():
        upgrade()
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Resident.phone_hash.is_(None))) == 0
        )
        db.session.remove()
        db.engine.dispose()
