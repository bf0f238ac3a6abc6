"""A user's credential version: remembered sign-ins end when it moves

Revision ID: 7c4e2a9d1b30
Revises: 6902aa19a922
Create Date: 2026-11-29 22:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7c4e2a9d1b30"
down_revision = "6902aa19a922"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("credential_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("credential_version")
