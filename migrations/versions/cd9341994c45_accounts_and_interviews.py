"""Accounts people can get (activation codes, server-side web sessions, a session version for
tokens, account actions in the audit log); interviews on applications, with the reasons a hire
elsewhere and a long silence close an application for; allocation plans kept for referring.

Revision ID: cd9341994c45
Revises: 3f90f83adc05
Create Date: 2026-11-29 21:23:40.953530

"""

import sqlalchemy as sa
from alembic import op

OLD_REASONS = "'in_training', 'no_show', 'skills', 'wage', 'distance', 'shift', 'other'"
NEW_REASONS = (
    "'in_training', 'no_show', 'skills', 'wage', 'distance', 'shift', "
    "'hired_elsewhere', 'stale', 'other'"
)


# revision identifiers, used by Alembic.
revision = "cd9341994c45"
down_revision = "3f90f83adc05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "allocation_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_allocation_plans_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_plans")),
    )
    op.create_table(
        "activation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by_user_id"],
            ["users.id"],
            name=op.f("fk_activation_codes_issued_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_activation_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activation_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_activation_codes_code_hash")),
    )
    with op.batch_alter_table("activation_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activation_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interview_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("interview_place", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("interview_contact", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("interview_outcome", sa.String(length=16), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_applications_reason"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_applications_reason"), f"reason IS NULL OR reason IN ({NEW_REASONS})"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_applications_interview_outcome"),
            "interview_outcome IS NULL OR interview_outcome IN ('attended', 'no_show')",
        )

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_entries_subject_user_id_users"),
            "users",
            ["subject_user_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_entries_subject_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("subject_user_id")

    op.execute(
        "UPDATE applications SET reason = 'other' WHERE reason IN ('hired_elsewhere', 'stale')"
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_applications_interview_outcome"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_applications_reason"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_applications_reason"), f"reason IS NULL OR reason IN ({OLD_REASONS})"
        )
        batch_op.drop_column("interview_outcome")
        batch_op.drop_column("interview_contact")
        batch_op.drop_column("interview_place")
        batch_op.drop_column("interview_at")

    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_user_id"))

    op.drop_table("web_sessions")
    with op.batch_alter_table("activation_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activation_codes_user_id"))

    op.drop_table("activation_codes")
    op.drop_table("allocation_plans")
