from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.database import UtcDateTime, utcnow
from jobmatch.extensions import db


class MatchingChange(db.Model):
    """One committed change to data the matcher caches: which side, and which row if known.

    Written in the same transaction as the change (see tracking.py), so a rollback takes it back;
    every worker reads the rows past the last id it saw and refreshes just what they name.
    """

    __tablename__ = "matching_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # resident, post, all
    entity_id: Mapped[int | None]  # the resident's id for scope resident; else empty
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AllocationPlan(db.Model):
    """A batch allocation as it was proposed, kept so that the desk can refer from it post by
    post (or all at once) without running it again and getting a different plan."""

    __tablename__ = "allocation_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[dict] = mapped_column(JSON)
