"""Optional resident facts the matcher reads: transport, night shifts, caring duties

Revision ID: 5b1f0c9a7e21
Revises: 3202ec0b42ee
Create Date: 2026-11-29 21:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5b1f0c9a7e21"
down_revision = "3202ec0b42ee"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("residents") as batch_op:
        batch_op.add_column(sa.Column("has_transport", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("night_shift_ok", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("caregiver", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("residents") as batch_op:
        batch_op.drop_column("caregiver")
        batch_op.drop_column("night_shift_ok")
        batch_op.drop_column("has_transport")
