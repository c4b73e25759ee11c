"""The schema is made by migrations alone, and they match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from competence.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_and_up_again(app):
    downgrade(revision="base")
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names())
    assert tables <= {"alembic_version"}
    upgrade()
    with db.engine.connect() as connection:
        assert "users" in db.inspect(connection).get_table_names()
