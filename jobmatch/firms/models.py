from sqlalchemy import String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from jobmatch.database import Timestamps
from jobmatch.extensions import db


class Firm(Timestamps, db.Model):
    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # A 帮扶车间 (assistance workshop): judged on the income it brings people out of poverty.
    is_workshop: Mapped[bool] = mapped_column(default=False, server_default=false())
