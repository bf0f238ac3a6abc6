from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobmatch.catalogue.models import Skill
from jobmatch.database import Timestamps
from jobmatch.extensions import db
from jobmatch.posts.models import _in

COHORT_MODES = ("classroom", "on_the_job")
ENROLLMENT_STATUSES = ("enrolled", "completed", "dropped")
CERTIFICATE_TYPES = ("training", "special_ability")  # 培训合格证书 / 专项职业能力证书

program_skills = Table(
    "program_skills",
    db.metadata,
    Column("program_code", ForeignKey("programs.code", ondelete="CASCADE"), primary_key=True),
    Column("skill_code", ForeignKey("skills.code"), primary_key=True),
)


class Program(db.Model):
    __tablename__ = "programs"
    __table_args__ = (
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint(_in("certificate_type", CERTIFICATE_TYPES), name="certificate_type"),
    )

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupations.code"))
    hours: Mapped[int]
    certificate_type: Mapped[str] = mapped_column(String(32), default="training")

    skills: Mapped[list[Skill]] = relationship(secondary=program_skills, order_by=Skill.code)


class Cohort(Timestamps, db.Model):
    """One class (期次) of a program: classroom at the training base, or on the job at a firm."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint(_in("mode", COHORT_MODES), name="mode"),
        CheckConstraint("mode <> 'on_the_job' OR firm_id IS NOT NULL", name="on_the_job_firm"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_code: Mapped[str] = mapped_column(ForeignKey("programs.code"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    mode: Mapped[str] = mapped_column(String(16), default="classroom")
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    location: Mapped[str | None] = mapped_column(String(128))
    instructor: Mapped[str | None] = mapped_column(String(64))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    capacity: Mapped[int]
    hours: Mapped[int]

    program: Mapped[Program] = relationship()


class Enrollment(Timestamps, db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "resident_id"),
        CheckConstraint(_in("status", ENROLLMENT_STATUSES), name="status"),
        CheckConstraint("hours_attended >= 0", name="hours_attended"),
        CheckConstraint("status = 'completed' OR certificate_no IS NULL", name="certificate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="enrolled")
    hours_attended: Mapped[float] = mapped_column(Numeric(6, 1), default=0)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    certificate_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    certificate_issued_on: Mapped[date | None]
    completed_on: Mapped[date | None]

    cohort: Mapped[Cohort] = relationship()
