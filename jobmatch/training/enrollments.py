"""Enrollment services: the roster, attendance, the final assessment and the certificate."""

from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from jobmatch import clock
from jobmatch.accounts.models import User
from jobmatch.database import lock_row, paginate, utcnow
from jobmatch.errors import Conflict, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.residents.models import ResidentSkill
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import (
    Assessment,
    Attendance,
    Cohort,
    Enrollment,
    Program,
    TrainingSession,
)
from jobmatch.training.service import (
    get_cohort,
    lock_cohort,
    lock_residents,
    require_staff,
)


def list_enrollments(
    actor: User, cohort_id: int, page: int, page_size: int
) -> tuple[list[Enrollment], int]:
    get_cohort(actor, cohort_id)
    statement = select(Enrollment).where(Enrollment.cohort_id == cohort_id).order_by(Enrollment.id)
    return paginate(statement, page, page_size)


def get_enrollment(actor: User, enrollment_id: int) -> Enrollment:
    require_staff(actor)
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("没有这条报名记录。")
    return enrollment


def _clashing_cohort(cohort_id: int, resident_id: int) -> tuple[str, date] | None:
    """Another cohort of the resident's with a session at the same time as one of this one's."""
    mine, theirs = aliased(TrainingSession), aliased(TrainingSession)
    row = db.session.execute(
        select(Cohort.name, theirs.held_on)
        .select_from(mine)
        .join(
            theirs,
            (theirs.held_on == mine.held_on)
            & (theirs.starts_at < mine.ends_at)
            & (theirs.ends_at > mine.starts_at)
            & (theirs.cohort_id != cohort_id),
        )
        .join(Enrollment, Enrollment.cohort_id == theirs.cohort_id)
        .join(Cohort, Cohort.id == theirs.cohort_id)
        .where(
            mine.cohort_id == cohort_id,
            Enrollment.resident_id == resident_id,
            Enrollment.status != EnrollmentStatus.DROPPED,
        )
        .order_by(theirs.held_on)
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


class AlreadyEnrolled(Conflict):
    """The resident is on the cohort's list already, in whatever status: nothing to do."""

    def __init__(self, existing: Enrollment):
        status = EnrollmentStatus(existing.status).label
        if existing.status == EnrollmentStatus.DROPPED:
            status += f"，可改回{EnrollmentStatus.ENROLLED.label}"
        super().__init__(f"该居民已在本期名单中（报名记录 {existing.id}，{status}）。")
        self.enrollment_id = existing.id
        self.status = existing.status


def _take_seat(cohort: Cohort, resident_id: int | None, planned: int = 0) -> None:
    """Check, under the cohort's and the resident's locks, that a seat may be taken.

    ``planned``: seats a preview has already given to earlier people; ``resident_id`` None is
    someone a preview would register, who has no other class to clash with.
    """
    if cohort.enrolled + planned >= cohort.capacity:
        raise Conflict(f"本期已满员（{cohort.capacity}人）。")
    clash = None if resident_id is None else _clashing_cohort(cohort.id, resident_id)
    if clash is not None:
        raise Conflict(f"该居民已报名的「{clash[0]}」在{clash[1]}与本期上课时间冲突。")


def _refuse_if_listed(cohort_id: int, resident_id: int) -> None:
    existing = db.session.scalars(
        select(Enrollment).where(
            Enrollment.cohort_id == cohort_id, Enrollment.resident_id == resident_id
        )
    ).first()
    if existing is not None:
        raise AlreadyEnrolled(existing)


def check_enrollment(actor: User, cohort: Cohort, resident_id: int | None, planned: int) -> None:
    """What ``enroll`` would refuse, read without locks or writes: a preview's answer.

    Raises the same errors as ``enroll``; ``planned`` seats are counted as already taken.
    """
    require_staff(actor)
    if resident_id is not None:
        _refuse_if_listed(cohort.id, resident_id)
    _take_seat(cohort, resident_id, planned)


def enroll(actor: User, cohort_id: int, resident_id: int) -> Enrollment:
    """Enrol a resident: a seat left, a free timetable, not on the list yet (AlreadyEnrolled)."""
    require_staff(actor)
    cohort = lock_cohort(cohort_id)
    if not lock_residents([resident_id]):
        raise Invalid("居民不存在。", {"resident_id": ["没有这个居民。"]})
    _refuse_if_listed(cohort_id, resident_id)
    _take_seat(cohort, resident_id)
    enrollment = Enrollment(
        cohort_id=cohort_id, resident_id=resident_id, status=EnrollmentStatus.ENROLLED
    )
    db.session.add(enrollment)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("该居民已在本期名单中。") from None
    return enrollment


def _lock_enrollment(actor: User, enrollment_id: int) -> Enrollment:
    require_staff(actor)
    if not lock_row(Enrollment, enrollment_id):
        raise NotFound("没有这条报名记录。")
    return db.session.get(Enrollment, enrollment_id, populate_existing=True)


def change_status(actor: User, enrollment_id: int, status: str) -> Enrollment:
    """Drop a trainee, or take a dropped one back (a seat and a free timetable needed)."""
    enrollment = get_enrollment(actor, enrollment_id)
    cohort = lock_cohort(enrollment.cohort_id)
    db.session.refresh(enrollment)
    if enrollment.status == EnrollmentStatus.COMPLETED:
        raise Conflict("已结业的记录不能更改状态。")
    if enrollment.status == status:
        return enrollment
    if status == EnrollmentStatus.ENROLLED:
        lock_residents([enrollment.resident_id])
        _take_seat(cohort, enrollment.resident_id)
    enrollment.status = status
    db.session.commit()
    return enrollment


# Attendance


def list_attendance(actor: User, session_id: int) -> list[tuple[Attendance, int]]:
    get_session(actor, session_id)
    rows = db.session.execute(
        select(Attendance, Enrollment.resident_id)
        .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
        .where(Attendance.session_id == session_id)
        .order_by(Attendance.signed_in_at, Attendance.id)
    )
    return [(attendance, resident_id) for attendance, resident_id in rows]


def get_session(actor: User, session_id: int) -> TrainingSession:
    require_staff(actor)
    session = db.session.get(TrainingSession, session_id)
    if session is None:
        raise NotFound("没有这次课程。")
    return session


def record_attendance(actor: User, session_id: int, data: dict) -> tuple[Attendance, int]:
    """Sign a trainee in at a session; the hours add to the enrollment's hours attended."""
    session = get_session(actor, session_id)
    resident_id = data["resident_id"]
    enrollment = db.session.scalars(
        select(Enrollment).where(
            Enrollment.cohort_id == session.cohort_id, Enrollment.resident_id == resident_id
        )
    ).first()
    if enrollment is None:
        raise Invalid("该居民未报名本期培训。", {"resident_id": ["未报名本期培训，不能签到。"]})
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise Conflict("该学员已退学或已结业，不能再签到。")
    start = datetime.combine(session.held_on, session.starts_at)
    end = datetime.combine(session.held_on, session.ends_at)
    signed_in_at = data.get("signed_in_at") or start
    if signed_in_at.date() != session.held_on or signed_in_at >= end:
        raise Invalid(
            "签到时间不在本次课程内。",
            {"signed_in_at": [f"应在{session.held_on} {session.ends_at:%H:%M}之前。"]},
        )
    hours = data.get("hours", session.hours)
    if hours > session.hours:
        raise Invalid("签到学时超过本次课程学时。", {"hours": [f"不能超过{session.hours}小时。"]})
    # Conditional on the status, so that a trainee dropped meanwhile gains no hours.
    added = db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.status == EnrollmentStatus.ENROLLED)
        .values(hours_attended=Enrollment.hours_attended + hours, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if added.rowcount == 0:
        raise Conflict("该学员已退学或已结业，不能再签到。")
    attendance = Attendance(
        enrollment_id=enrollment.id, session_id=session_id, signed_in_at=signed_in_at, hours=hours
    )
    db.session.add(attendance)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("该学员本次课程已签到。") from None
    return attendance, resident_id


# Assessment and certificate


def list_assessments(actor: User, enrollment_id: int) -> list[Assessment]:
    get_enrollment(actor, enrollment_id)
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.enrollment_id == enrollment_id)
            .order_by(Assessment.attempt)
        )
    )


def _insert_ignoring_duplicates(table):
    dialect = db.session.get_bind().dialect.name
    return (
        (postgresql if dialect == "postgresql" else sqlite).insert(table).on_conflict_do_nothing()
    )


def grant_program_skills(resident_id: int, program: Program) -> None:
    """Give the resident the program's skills at once; skills already held stay as they are."""
    rows = [
        {"resident_id": resident_id, "skill_code": skill.code, "source": "training"}
        for skill in program.skills
    ]
    if rows:
        db.session.execute(_insert_ignoring_duplicates(ResidentSkill.__table__), rows)


def hours_needed(cohort: Cohort) -> Decimal:
    """The hours a trainee must have attended to sit the assessment."""
    return Decimal(str(current_app.config["TRAINING_MIN_ATTENDANCE"])) * cohort.hours


def assess(actor: User, enrollment_id: int, data: dict) -> Assessment:
    """Record a sitting; a pass (at most one resit) completes and confers the program's skills."""
    enrollment = _lock_enrollment(actor, enrollment_id)
    if enrollment.status == EnrollmentStatus.DROPPED:
        raise Conflict("已退学的学员不能参加考核。")
    if enrollment.status == EnrollmentStatus.COMPLETED:
        raise Conflict("该学员已通过考核并结业。")
    attempts = db.session.scalar(
        select(func.count(Assessment.id)).where(Assessment.enrollment_id == enrollment_id)
    )
    if attempts >= 2:
        raise Conflict("该学员已用完一次补考机会。")
    cohort = enrollment.cohort
    needed = hours_needed(cohort)
    if enrollment.hours_attended < needed:
        raise Conflict(
            f"出勤学时不足：已出勤{enrollment.hours_attended}学时，"
            f"结业至少需要{needed.normalize():f}学时。"
        )
    pass_mark = current_app.config["TRAINING_PASS_MARK"]
    passed = data["theory_score"] >= pass_mark and data["practical_score"] >= pass_mark
    assessed_on = data.get("assessed_on") or clock.today()
    assessment = Assessment(
        enrollment_id=enrollment_id,
        attempt=attempts + 1,
        theory_score=data["theory_score"],
        practical_score=data["practical_score"],
        passed=passed,
        assessed_on=assessed_on,
    )
    db.session.add(assessment)
    enrollment.passed = passed
    if passed:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_on = assessed_on
        grant_program_skills(enrollment.resident_id, cohort.program)
    db.session.commit()
    return assessment


def issue_certificate(actor: User, enrollment_id: int, data: dict) -> Enrollment:
    enrollment = _lock_enrollment(actor, enrollment_id)
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise Conflict("学员尚未通过考核结业，不能发证。")
    if enrollment.certificate_no is not None:
        raise Conflict(f"该学员已发证（编号 {enrollment.certificate_no}）。")
    issued_on = data.get("issued_on") or clock.today()
    if enrollment.completed_on is not None and issued_on < enrollment.completed_on:
        raise Invalid(
            "发证日期有误。", {"issued_on": [f"不能早于结业日期{enrollment.completed_on}。"]}
        )
    taken = db.session.scalar(
        select(Enrollment.id).where(Enrollment.certificate_no == data["certificate_no"])
    )
    if taken is not None:
        raise Conflict("证书编号已被使用。", {"certificate_no": ["已被使用。"]})
    enrollment.certificate_no = data["certificate_no"]
    enrollment.certificate_issued_on = issued_on
    try:
        db.session.commit()
    except IntegrityError:  # the same serial issued at the same moment to someone else
        db.session.rollback()
        raise Conflict("证书编号已被使用。", {"certificate_no": ["已被使用。"]}) from None
    return enrollment
