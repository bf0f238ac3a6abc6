"""roster uploads kept for preview, background import and rejected rows

Revision ID: b7c1e2d4a9f0
Revises: cd9341994c45
Create Date: 2026-11-29 22:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7c1e2d4a9f0"
down_revision = "cd9341994c45"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "roster_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_roster_uploads_created_by_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_uploads")),
    )
    op.create_index(
        op.f("ix_roster_uploads_created_at"), "roster_uploads", ["created_at"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_roster_uploads_created_at"), table_name="roster_uploads")
    op.drop_table("roster_uploads")
