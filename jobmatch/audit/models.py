from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.database import UtcDateTime, utcnow
from jobmatch.extensions import db

# What was done with whose data. Masked reads are not audited: they show nothing to protect.
AUDIT_ACTIONS = (
    "resident.read_full",  # a staff single-resident read showing the full ID number
    "resident.export",  # a resident's own data export (by the resident or by staff)
    "resident.export_roster",  # an admin's unmasked roster export: one entry per resident
    "account.create",  # an admin made a firm user (awaiting activation)
    "account.issue",  # staff issued a resident's first activation code
    "account.reset",  # a new code: the old password, tokens and sessions end
    "account.activate",  # the holder of a code chose a password
    "account.password",  # a user changed their own password
    "account.disable",  # an admin disabled an account
    "account.enable",  # an admin enabled it again
)


class AuditEntry(db.Model):
    """One access to one resident's personal data, or one action on an account.

    Who acted is copied (username, role) besides the user id, so that the entry still says who
    it was after an account is renamed or removed. Entries are only ever added.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_resident_created", "resident_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    # The account an account action was done to (the actor is user_id).
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32), index=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(256))
    request_id: Mapped[str] = mapped_column(String(64), index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
