from datetime import datetime

from sqlalchemy import String
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
