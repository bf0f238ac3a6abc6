from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.applications.enums import ApplicationStatus, InterviewOutcome, Reason
from jobmatch.database import Timestamps, UtcDateTime, one_of
from jobmatch.extensions import db
from jobmatch.posts.models import Post

APPLICATION_STATUSES = ApplicationStatus.values()
REASONS = Reason.values()
INTERVIEW_OUTCOMES = InterviewOutcome.values()


class Application(Timestamps, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("resident_id", "post_id"),
        CheckConstraint(one_of("status", APPLICATION_STATUSES), name="status"),
        CheckConstraint(f"reason IS NULL OR {one_of('reason', REASONS)}", name="reason"),
        CheckConstraint(
            f"interview_outcome IS NULL OR {one_of('interview_outcome', INTERVIEW_OUTCOMES)}",
            name="interview_outcome",
        ),
        Index("ix_applications_post_status", "post_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    # What the ranker said when staff referred the resident: the outcome is judged against it.
    referred_rank: Mapped[int | None]
    referred_score: Mapped[float | None]
    # When the current hire happened; cleared when an admin undoes the hire.
    hired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The interview the firm arranged: when, where, and whom to ask for; then how it went.
    interview_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    interview_place: Mapped[str | None] = mapped_column(String(200))
    interview_contact: Mapped[str | None] = mapped_column(String(100))
    interview_outcome: Mapped[str | None] = mapped_column(String(16))

    post: Mapped[Post] = relationship()
    history: Mapped[list["ApplicationEvent"]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )


class ApplicationEvent(Timestamps, db.Model):
    """One move of an application: who made it, when, from which status to which, and why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The actor's role when the move was made (a user's role may change later).
    actor_role: Mapped[str | None] = mapped_column(String(16))
    # An admin's correction of a finished application, outside the ordinary workflow.
    correction: Mapped[bool] = mapped_column(Boolean, default=False)

    application: Mapped[Application] = relationship(back_populates="history")
