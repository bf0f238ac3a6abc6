"""The backup the operations guide prescribes, restored: pg_dump of a seeded PostgreSQL
database, pg_restore into an empty one, and the app on the copy sees the same rows, reads the
same encrypted numbers with the same key, and refuses another key."""

import os
import shutil
import subprocess

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, make_url, select, text

from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from tests.conftest import make_test_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("JOBMATCH_TEST_POSTGRES") or not shutil.which("pg_dump"),
        reason="needs JOBMATCH_TEST_POSTGRES and the PostgreSQL client tools",
    ),
]


def _libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _snapshot(app) -> dict:
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        people = {
            resident.id: (resident.id_number, resident.phone, resident.version)
            for resident in db.session.scalars(select(Resident).order_by(Resident.id).limit(50))
        }
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.remove()
        return {"counts": counts, "people": people, "revision": revision}


def test_a_dump_of_a_seeded_database_restores_whole(database_factory, tmp_path):
    source_url = database_factory("postgresql", "backup_source")
    source = make_test_app(source_url, tmp_path)
    with source.app_context():
        for command in (["db", "upgrade"], ["seed"]):  # as production builds it, by migrations
            result = source.test_cli_runner().invoke(args=command)
            assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    source = make_test_app(source_url, tmp_path)  # the first start stores the key's check value
    before = _snapshot(source)
    assert before["counts"]["residents"] > 100 and before["counts"]["field_key_checks"] == 1

    dump = tmp_path / "jobmatch.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _libpq(source_url)],
        check=True,
    )
    restored_url = database_factory("postgresql", "backup_restored")
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(restored_url)}", dump],
        check=True,
    )

    restored = make_test_app(restored_url, tmp_path)
    assert _snapshot(restored) == before
    with restored.app_context():
        db.engine.dispose()
    # The check value came along: the copy refuses a key its numbers were not written with.
    with pytest.raises(SystemExit):
        make_test_app(restored_url, tmp_path, JOBMATCH_FIELD_KEY=Fernet.generate_key().decode())
    with source.app_context():
        db.engine.dispose()
