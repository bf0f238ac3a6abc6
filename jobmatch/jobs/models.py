from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.database import Timestamps, UtcDateTime
from jobmatch.extensions import db

JOB_STATES = ("queued", "running", "done", "failed")


class BackgroundJob(Timestamps, db.Model):
    """One piece of long work and how it went. The record, not Redis, is what staff read: it
    outlives the queue (a Redis restart, a result expired there) and holds no traceback."""

    __tablename__ = "background_jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),
        # A job of a kind already waiting or running is found by its key instead of queued again.
        Index("ix_background_jobs_kind_key_state", "kind", "dedupe_key", "state"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    function: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    progress_done: Mapped[int | None] = mapped_column(Integer)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[Any | None] = mapped_column(JSON)
    # Shown to staff as it is: a domain error's own message or a fixed sentence, never str(e).
    error: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def progress_figures(self) -> dict[str, Any]:
        return {"fraction": self.progress, "done": self.progress_done, "total": self.progress_total}
