"""A spell of employment opened by a hire, and the follow-ups recorded on it."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.database import Timestamps, UtcDateTime, one_of, utcnow
from jobmatch.employment.enums import FOLLOW_UP_MONTHS, EndReason, FollowUpOutcome
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.posts.models import Post
from jobmatch.residents.models import Resident

MONTHS_SQL = ", ".join(str(month) for month in FOLLOW_UP_MONTHS)


class EmploymentSpell(Timestamps, db.Model):
    """One resident's work at one post, from the hire until it ends (open while ``ended_on``
    is empty). ``wage`` is the monthly wage last known: the post's floor at the hire, then
    what the latest follow-up recorded."""

    __tablename__ = "employment_spells"
    __table_args__ = (
        CheckConstraint(one_of("end_reason", EndReason.values()), name="end_reason"),
        CheckConstraint("(ended_on IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        CheckConstraint("wage >= 0", name="wage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    # The hire that opened it; undoing that hire removes the spell.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    started_on: Mapped[date] = mapped_column(index=True)
    wage: Mapped[int]
    ended_on: Mapped[date | None] = mapped_column(index=True)
    end_reason: Mapped[str | None] = mapped_column(String(16))

    resident: Mapped[Resident] = relationship()
    post: Mapped[Post] = relationship()
    firm: Mapped[Firm] = relationship()
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="spell", cascade="all, delete-orphan", order_by="FollowUp.months"
    )

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class FollowUp(db.Model):
    """What a call at 1, 3 or 6 months found: still employed (at what wage), or ended."""

    __tablename__ = "employment_follow_ups"
    __table_args__ = (
        UniqueConstraint("spell_id", "months", name="spell_months"),
        CheckConstraint(f"months IN ({MONTHS_SQL})", name="months"),
        CheckConstraint(one_of("outcome", FollowUpOutcome.values()), name="outcome"),
        CheckConstraint(one_of("end_reason", EndReason.values()), name="end_reason"),
        CheckConstraint(
            "(outcome = 'ended') = (ended_on IS NOT NULL AND end_reason IS NOT NULL)",
            name="ended_fields",
        ),
        CheckConstraint("wage IS NULL OR wage >= 0", name="wage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    spell_id: Mapped[int] = mapped_column(
        ForeignKey("employment_spells.id", ondelete="CASCADE"), index=True
    )
    months: Mapped[int]
    due_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(16))
    wage: Mapped[int | None]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_on: Mapped[date]
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    spell: Mapped[EmploymentSpell] = relationship(back_populates="follow_ups")
