"""Training: programs, cohorts and their sessions, enrollments, attendance, assessments, claims."""

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Table,
    Time,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from jobmatch.catalogue.models import Skill
from jobmatch.database import Timestamps, one_of
from jobmatch.extensions import db
from jobmatch.training.enums import (
    AttendanceMark,
    CertificateType,
    CohortMode,
    CohortState,
    EnrollmentStatus,
)

COHORT_MODES = CohortMode.values()
COHORT_STATES = CohortState.values()
ENROLLMENT_STATUSES = EnrollmentStatus.values()
CERTIFICATE_TYPES = CertificateType.values()
ATTENDANCE_MARKS = AttendanceMark.values()

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
        CheckConstraint(one_of("certificate_type", CERTIFICATE_TYPES), name="certificate_type"),
    )

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupations.code"))
    hours: Mapped[int]
    certificate_type: Mapped[str] = mapped_column(String(32), default=CertificateType.TRAINING)

    skills: Mapped[list[Skill]] = relationship(secondary=program_skills, order_by=Skill.code)


class Cohort(Timestamps, db.Model):
    """One class (期次) of a program: classroom at the training base, or on the job at a firm."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint(one_of("mode", COHORT_MODES), name="mode"),
        CheckConstraint(
            f"mode <> '{CohortMode.ON_THE_JOB.value}' OR firm_id IS NOT NULL",
            name="on_the_job_firm",
        ),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_code: Mapped[str] = mapped_column(ForeignKey("programs.code"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    mode: Mapped[str] = mapped_column(String(16), default=CohortMode.CLASSROOM)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    location: Mapped[str | None] = mapped_column(String(128))
    instructor: Mapped[str | None] = mapped_column(String(64))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    capacity: Mapped[int]
    hours: Mapped[int]

    program: Mapped[Program] = relationship()

    def state_on(self, day: date) -> str:
        """planned before its first day, finished after its last, running in between."""
        if day < self.starts_on:
            return "planned"
        return "finished" if day > self.ends_on else "running"

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.enrolled, 0)


class Enrollment(Timestamps, db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "resident_id"),
        CheckConstraint(one_of("status", ENROLLMENT_STATUSES), name="status"),
        CheckConstraint("hours_attended >= 0", name="hours_attended"),
        CheckConstraint(
            f"status = '{EnrollmentStatus.COMPLETED.value}' OR certificate_no IS NULL",
            name="certificate",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=EnrollmentStatus.ENROLLED)
    hours_attended: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=0)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    certificate_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    certificate_issued_on: Mapped[date | None]
    completed_on: Mapped[date | None]

    cohort: Mapped[Cohort] = relationship()
    resident: Mapped["Resident"] = relationship()  # noqa: F821


# Seats taken: every enrollment not dropped. Read again after the cohort's lock to check capacity.
Cohort.enrolled = column_property(
    select(func.count(Enrollment.id))
    .where(Enrollment.cohort_id == Cohort.id, Enrollment.status != EnrollmentStatus.DROPPED)
    .correlate_except(Enrollment)
    .scalar_subquery()
)


class TrainingSession(db.Model):
    """One scheduled class meeting of a cohort; a cohort's sessions never overlap each other."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times"),
        CheckConstraint("hours > 0", name="hours_positive"),
        Index("ix_training_sessions_cohort_day", "cohort_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(index=True)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    topic: Mapped[str | None] = mapped_column(String(128))


class Attendance(db.Model):
    """A trainee's sign-in at one session; ``signed_in_at`` is Beijing wall-clock time."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "session_id"),
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    signed_in_at: Mapped[datetime] = mapped_column(DateTime)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))

    session: Mapped[TrainingSession] = relationship()


class AttendanceChange(Timestamps, db.Model):
    """A correction of a trainee's attendance at one session, kept with who made it and why.

    The attendance row itself is changed (or removed, or added) and the enrollment's hours
    move with it; this history keeps what it was before.
    """

    __tablename__ = "attendance_changes"
    __table_args__ = (
        CheckConstraint(one_of("was", ATTENDANCE_MARKS), name="was"),
        CheckConstraint(one_of("became", ATTENDANCE_MARKS), name="became"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    was: Mapped[str] = mapped_column(String(16))
    became: Mapped[str] = mapped_column(String(16))
    hours_before: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    hours_after: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    signed_in_before: Mapped[datetime | None] = mapped_column(DateTime)
    signed_in_after: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(200))


class Assessment(db.Model):
    """One sitting of the final assessment; attempt 2 is the one resit allowed."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "attempt"),
        CheckConstraint("attempt IN (1, 2)", name="attempt"),
        CheckConstraint("theory_score BETWEEN 0 AND 100", name="theory_score"),
        CheckConstraint("practical_score BETWEEN 0 AND 100", name="practical_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(SmallInteger)
    theory_score: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    practical_score: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    passed: Mapped[bool] = mapped_column(Boolean)
    assessed_on: Mapped[date]

    enrollment: Mapped[Enrollment] = relationship()


class SubsidyClaim(Timestamps, db.Model):
    """A training subsidy filed with the bureau: one of a kind per person per year."""

    __tablename__ = "subsidy_claims"
    __table_args__ = (
        UniqueConstraint("resident_id", "kind", "year"),
        CheckConstraint("amount >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    kind: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    days: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    claimed_on: Mapped[date]
