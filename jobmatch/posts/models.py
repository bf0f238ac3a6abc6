from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.catalogue.models import Skill
from jobmatch.database import Timestamps, one_of
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.posts.enums import Category, PostStatus, Shift

CATEGORIES = Category.values()
SHIFTS = Shift.values()
POST_STATUSES = PostStatus.values()

post_skills = Table(
    "post_skills",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_code", ForeignKey("skills.code"), primary_key=True, index=True),
)

post_certificates = Table(
    "post_certificates",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("program_code", ForeignKey("programs.code"), primary_key=True),
)


class Post(Timestamps, db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("openings >= 1", name="openings_positive"),
        CheckConstraint("filled >= 0 AND filled <= openings", name="filled_within_openings"),
        CheckConstraint("wage_min >= 0 AND wage_min <= wage_max", name="wage_range"),
        CheckConstraint("min_age >= 16", name="min_working_age"),
        CheckConstraint("max_age IS NULL OR max_age >= min_age", name="age_range"),
        CheckConstraint(one_of("category", CATEGORIES), name="category"),
        CheckConstraint(one_of("shift", SHIFTS), name="shift"),
        CheckConstraint(one_of("status", POST_STATUSES), name="status"),
        Index("ix_posts_status_category", "status", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    title: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(16))
    occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupations.code"), index=True)
    openings: Mapped[int]
    filled: Mapped[int] = mapped_column(default=0)
    wage_min: Mapped[int]
    wage_max: Mapped[int]
    shift: Mapped[str] = mapped_column(String(16), default=Shift.DAY)
    min_education: Mapped[str | None] = mapped_column(String(32))
    min_age: Mapped[int] = mapped_column(default=16)
    max_age: Mapped[int | None]
    meals_provided: Mapped[bool] = mapped_column(Boolean, default=False)
    housing_provided: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PostStatus.OPEN)
    expires_on: Mapped[date | None]

    firm: Mapped[Firm] = relationship()
    required_skills: Mapped[list[Skill]] = relationship(secondary=post_skills, order_by=Skill.code)
    required_certificates: Mapped[list["Program"]] = relationship(  # noqa: F821
        secondary=post_certificates, order_by="Program.code"
    )

    @property
    def openings_left(self) -> int:
        return self.openings - self.filled
