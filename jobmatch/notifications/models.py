from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.accounts.enums import Role
from jobmatch.database import Timestamps, UtcDateTime, one_of
from jobmatch.extensions import db

# A notice goes to one user, or to every user of a role (the bureau's shared staff inbox).
RECIPIENT_ROLES = (Role.STAFF.value,)
NOTIFICATION_KINDS = (
    "application_new",  # to a firm's users: someone applied or was referred to their post
    "application_status",  # to a resident: their application moved
    "application_withdrawn",  # to a firm's users: a resident withdrew
    "hired_twice",  # to staff: a resident is hired at two or more posts
    "post_unfilled",  # to staff: an open post has openings left and nobody in the pipeline
    "followup_due",  # to staff: a hire's 1-, 3- or 6-month follow-up has come due
    "place_request",  # to staff: a resident asks for a place in a coming cohort
)


class Notification(Timestamps, db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (recipient_role IS NULL)", name="one_recipient"),
        CheckConstraint(
            f"recipient_role IS NULL OR {one_of('recipient_role', RECIPIENT_ROLES)}",
            name="recipient_role",
        ),
        CheckConstraint(one_of("kind", NOTIFICATION_KINDS), name="kind"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_role_read", "recipient_role", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_role: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    # Where the reader goes next: an API path such as /api/applications/7.
    link: Mapped[str | None] = mapped_column(String(256))
    # A role notice is read once for the whole role: one staff member handling it is enough.
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
