"""A roster file kept between its preview and its commit, for a background import, and for the
download of its rejected rows. It holds ID numbers: the content is stored encrypted."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.database import UtcDateTime, utcnow
from jobmatch.extensions import db


class RosterUpload(db.Model):
    __tablename__ = "roster_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # Fernet token of the file's bytes
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
