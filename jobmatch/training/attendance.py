"""Attendance marks (present, late, absent) and their correction, with the history kept.

A mark is read from the sign-in: none is absent, one after the session's start is late. A
correction changes the sign-in (adds, moves or removes it), moves the enrollment's hours by the
difference in the same transaction, and records what it was before, who changed it and why.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update

from jobmatch.accounts.models import User
from jobmatch.database import utcnow
from jobmatch.errors import Conflict, Invalid
from jobmatch.extensions import db
from jobmatch.training.enrollments import get_session
from jobmatch.training.enums import AttendanceMark, EnrollmentStatus
from jobmatch.training.models import Attendance, AttendanceChange, Enrollment, TrainingSession

INVALID = "输入有误，请按提示修改。"


def mark_of(attendance: Attendance | None, session: TrainingSession) -> AttendanceMark:
    if attendance is None:
        return AttendanceMark.ABSENT
    late = attendance.signed_in_at.time() > session.starts_at
    return AttendanceMark.LATE if late else AttendanceMark.PRESENT


def history(actor: User, session_id: int) -> list[tuple[AttendanceChange, int]]:
    """The session's corrections, oldest first, each with the trainee's resident id."""
    get_session(actor, session_id)
    rows = db.session.execute(
        select(AttendanceChange, Enrollment.resident_id)
        .join(Enrollment, Enrollment.id == AttendanceChange.enrollment_id)
        .where(AttendanceChange.session_id == session_id)
        .order_by(AttendanceChange.id)
    )
    return [(change, resident_id) for change, resident_id in rows]


def _target(session: TrainingSession, data: dict) -> tuple[datetime | None, Decimal | None]:
    """The sign-in time and hours the new mark stands for."""
    if data["mark"] == AttendanceMark.ABSENT:
        return None, None
    start = datetime.combine(session.held_on, session.starts_at)
    end = datetime.combine(session.held_on, session.ends_at)
    signed_in_at = start
    if data["mark"] == AttendanceMark.LATE:
        signed_in_at = data.get("signed_in_at")
        if signed_in_at is None:
            raise Invalid(INVALID, {"signed_in_at": ["迟到请填写到达时间。"]})
        if not start < signed_in_at < end:
            raise Invalid(
                INVALID,
                {"signed_in_at": [f"应在{session.starts_at:%H:%M}到{session.ends_at:%H:%M}之间。"]},
            )
    hours = data.get("hours") or session.hours
    if hours > session.hours:
        raise Invalid(INVALID, {"hours": [f"不能超过{session.hours}小时。"]})
    return signed_in_at, hours


def correct_attendance(actor: User, session_id: int, data: dict) -> AttendanceChange:
    """Change a trainee's mark at a session; the reason is required and the change is kept."""
    session = get_session(actor, session_id)
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise Invalid(INVALID, {"reason": ["请写明更正原因。"]})
    enrollment = db.session.scalars(
        select(Enrollment).where(
            Enrollment.cohort_id == session.cohort_id,
            Enrollment.resident_id == data["resident_id"],
        )
    ).first()
    if enrollment is None:
        raise Invalid(INVALID, {"resident_id": ["未报名本期培训。"]})
    signed_in_at, hours = _target(session, data)
    # Lock the enrollment (and so its hours) before reading the sign-in it may change.
    locked = db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.status == EnrollmentStatus.ENROLLED)
        .values(updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if locked.rowcount == 0:
        raise Conflict("该学员已退学或已结业，出勤不能再更改。")
    record = db.session.scalars(
        select(Attendance).where(
            Attendance.enrollment_id == enrollment.id, Attendance.session_id == session.id
        )
    ).first()
    was = mark_of(record, session)
    before = (record.signed_in_at, record.hours) if record else (None, None)
    if (was, before) == (data["mark"], (signed_in_at, hours)):
        db.session.rollback()
        raise Conflict("出勤没有变化。")
    delta = (hours or Decimal(0)) - (before[1] or Decimal(0))
    if record is not None and signed_in_at is None:
        db.session.delete(record)
    elif record is not None:
        record.signed_in_at, record.hours = signed_in_at, hours
    else:
        db.session.add(
            Attendance(
                enrollment_id=enrollment.id, session_id=session.id,
                signed_in_at=signed_in_at, hours=hours,
            )
        )  # fmt: skip
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id)
        .values(hours_attended=Enrollment.hours_attended + delta),
        execution_options={"synchronize_session": False},
    )
    change = AttendanceChange(
        session_id=session.id, enrollment_id=enrollment.id, user_id=actor.id, was=was,
        became=data["mark"], hours_before=before[1], hours_after=hours,
        signed_in_before=before[0], signed_in_after=signed_in_at, reason=reason,
    )  # fmt: skip
    db.session.add(change)
    db.session.commit()
    return change
