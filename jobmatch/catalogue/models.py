from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.extensions import db


class Occupation(db.Model):
    """An entry of the 2022 national occupational classification (职业分类大典)."""

    __tablename__ = "occupations"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level"),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)  # e.g. 6-05-01-03
    level: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(128))


class Skill(db.Model):
    __tablename__ = "skills"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.code"), index=True)

    occupation: Mapped[Occupation] = relationship()
