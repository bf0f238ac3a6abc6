"""The one Alembic migration builds exactly the models' schema, and takes it down again."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from jobmatch.extensions import db
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
