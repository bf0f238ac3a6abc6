"""Training services: programs, cohorts and their sessions, and the locks every roster change takes.

Roster changes (enrolling, re-admitting, adding a session) first lock the cohort's row with an
UPDATE, then read and check, then write. An UPDATE rather than SELECT ... FOR UPDATE because
SQLite has no row locks: its first write takes the database's write lock instead, which
serialises the checks just the same. On PostgreSQL (READ COMMITTED) every statement after the
lock reads what the transactions that held it before have committed.
"""

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from jobmatch import clock
from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.catalogue.models import Occupation, Skill
from jobmatch.communities.models import Community
from jobmatch.database import lock_row, paginate
from jobmatch.errors import Conflict, Forbidden, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.residents.models import Resident
from jobmatch.training.enums import CohortState, EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment, Program, TrainingSession


def require_staff(actor: User | None) -> None:
    if not is_staff(actor):
        raise Forbidden("只有人社局工作人员可以管理培训。")


def list_enrollments_for_resident(actor: User | None, resident_id: int) -> list[Enrollment]:
    """A resident's training, newest first, with each cohort's program: staff, or the resident."""
    own = actor is not None and actor.role == Role.RESIDENT and actor.resident_id == resident_id
    if not (is_staff(actor) or own):
        raise Forbidden("只能查看本人的培训记录。")
    return list(
        db.session.scalars(
            select(Enrollment)
            .where(Enrollment.resident_id == resident_id)
            .options(joinedload(Enrollment.cohort).joinedload(Cohort.program))
            .order_by(Enrollment.id.desc())
        )
    )


def lock_cohort(cohort_id: int) -> Cohort:
    """Take the cohort's lock for the rest of the transaction; answer it as it is now."""
    if not lock_row(Cohort, cohort_id):
        raise NotFound("没有这个培训班。")
    return db.session.get(Cohort, cohort_id, populate_existing=True)


def lock_residents(resident_ids: list[int]) -> set[int]:
    """Lock residents' rows (PostgreSQL; SQLite already holds its write lock) in id order."""
    if not resident_ids:
        return set()
    found = db.session.scalars(
        select(Resident.id)
        .where(Resident.id.in_(resident_ids))
        .order_by(Resident.id)
        .with_for_update()
    )
    return set(found)


# Programs


def list_programs(actor: User, page: int, page_size: int) -> tuple[list[Program], int]:
    require_staff(actor)
    return paginate(select(Program).order_by(Program.code), page, page_size)


def get_program(actor: User, code: str) -> Program:
    require_staff(actor)
    program = db.session.get(Program, code)
    if program is None:
        raise NotFound("没有这个培训项目。")
    return program


def _skills(codes: list[str]) -> list[Skill]:
    codes = list(dict.fromkeys(codes))
    skills = db.session.scalars(select(Skill).where(Skill.code.in_(codes))).all()
    missing = sorted(set(codes) - {skill.code for skill in skills})
    if missing:
        raise Invalid("技能代码不存在。", {"skills": [f"没有这些技能：{'、'.join(missing)}。"]})
    return sorted(skills, key=lambda skill: skill.code)


def _check_occupation(code: str | None) -> None:
    if code is not None and db.session.get(Occupation, code) is None:
        raise Invalid("职业代码不存在。", {"occupation_code": ["职业分类大典中没有这个代码。"]})


def create_program(actor: User, data: dict) -> Program:
    require_staff(actor)
    if db.session.get(Program, data["code"]) is not None:
        raise Conflict("培训项目代码已存在。", {"code": ["已被使用。"]})
    _check_occupation(data.get("occupation_code"))
    program = Program(**{key: value for key, value in data.items() if key != "skills"})
    program.skills = _skills(data.get("skills", []))
    db.session.add(program)
    db.session.commit()
    return program


def update_program(actor: User, code: str, data: dict) -> Program:
    program = get_program(actor, code)
    if "occupation_code" in data:
        _check_occupation(data["occupation_code"])
    if "skills" in data:
        program.skills = _skills(data.pop("skills"))
    for key, value in data.items():
        setattr(program, key, value)
    db.session.commit()
    return program


# Cohorts


def list_cohorts(
    actor: User, filters: dict, page: int, page_size: int, today: date | None = None
) -> tuple[list[Cohort], int]:
    """Cohorts newest first; ``state`` (as ``Cohort.state_on`` says) is judged on ``today``."""
    require_staff(actor)
    statement = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    for key in ("program_code", "mode", "firm_id"):
        if key in filters:
            statement = statement.where(getattr(Cohort, key) == filters[key])
    day = today or clock.today()
    if filters.get("state") == CohortState.PLANNED:
        statement = statement.where(Cohort.starts_on > day)
    elif filters.get("state") == CohortState.RUNNING:
        statement = statement.where(Cohort.starts_on <= day, Cohort.ends_on >= day)
    elif filters.get("state") == CohortState.FINISHED:
        statement = statement.where(Cohort.ends_on < day)
    return paginate(statement, page, page_size)


def get_cohort(actor: User, cohort_id: int) -> Cohort:
    require_staff(actor)
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("没有这个培训班。")
    return cohort


def _check_places(firm_id: int | None, community_id: int | None) -> None:
    if firm_id is not None and db.session.get(Firm, firm_id) is None:
        raise Invalid("企业不存在。", {"firm_id": ["没有这个企业。"]})
    if community_id is not None and db.session.get(Community, community_id) is None:
        raise Invalid("社区不存在。", {"community_id": ["没有这个社区。"]})


def create_cohort(actor: User, data: dict) -> Cohort:
    require_staff(actor)
    program = db.session.get(Program, data["program_code"])
    if program is None:
        raise Invalid("培训项目不存在。", {"program_code": ["没有这个培训项目。"]})
    _check_places(data.get("firm_id"), data.get("community_id"))
    data.setdefault("hours", program.hours)
    data.setdefault("name", f"{program.name}{data['starts_on']:%Y年%m月}班")
    cohort = Cohort(**data)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def update_cohort(actor: User, cohort_id: int, data: dict) -> Cohort:
    require_staff(actor)
    cohort = lock_cohort(cohort_id)
    _check_places(None, data.get("community_id"))
    starts_on = data.get("starts_on", cohort.starts_on)
    ends_on = data.get("ends_on", cohort.ends_on)
    if ends_on < starts_on:
        raise Invalid("日期有误。", {"ends_on": ["结束日期不能早于开始日期。"]})
    outside = db.session.scalar(
        select(func.count(TrainingSession.id)).where(
            TrainingSession.cohort_id == cohort_id,
            (TrainingSession.held_on < starts_on) | (TrainingSession.held_on > ends_on),
        )
    )
    if outside:
        raise Conflict(f"有{outside}次课程不在新的起止日期内，请先调整课程安排。")
    if data.get("capacity", cohort.capacity) < cohort.enrolled:
        raise Conflict(f"已有{cohort.enrolled}人报名，名额不能少于报名人数。")
    for key, value in data.items():
        setattr(cohort, key, value)
    db.session.commit()
    return cohort


# Sessions


def list_sessions(actor: User, cohort_id: int) -> list[TrainingSession]:
    get_cohort(actor, cohort_id)
    return list(
        db.session.scalars(
            select(TrainingSession)
            .where(TrainingSession.cohort_id == cohort_id)
            .order_by(TrainingSession.held_on, TrainingSession.starts_at)
        )
    )


def _span_hours(data: dict) -> Decimal:
    start = datetime.combine(data["held_on"], data["starts_at"])
    end = datetime.combine(data["held_on"], data["ends_at"])
    hours = Decimal((end - start).total_seconds()) / 3600
    return hours.quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def clashing_residents(cohort_id: int, held_on, starts_at, ends_at) -> list[tuple[str, str]]:
    """(resident name, other cohort name) for this cohort's trainees busy elsewhere then."""
    mine, theirs = aliased(Enrollment), aliased(Enrollment)
    rows = db.session.execute(
        select(Resident.name, Cohort.name)
        .select_from(mine)
        .join(theirs, (theirs.resident_id == mine.resident_id) & (theirs.cohort_id != cohort_id))
        .join(TrainingSession, TrainingSession.cohort_id == theirs.cohort_id)
        .join(Cohort, Cohort.id == theirs.cohort_id)
        .join(Resident, Resident.id == mine.resident_id)
        .where(
            mine.cohort_id == cohort_id,
            mine.status != EnrollmentStatus.DROPPED,
            theirs.status != EnrollmentStatus.DROPPED,
            TrainingSession.held_on == held_on,
            TrainingSession.starts_at < ends_at,
            TrainingSession.ends_at > starts_at,
        )
        .distinct()
        .limit(5)
    )
    return [tuple(row) for row in rows]


def add_session(actor: User, cohort_id: int, data: dict) -> TrainingSession:
    require_staff(actor)
    cohort = lock_cohort(cohort_id)
    if not cohort.starts_on <= data["held_on"] <= cohort.ends_on:
        raise Invalid(
            "上课日期不在本期培训起止日期内。",
            {"held_on": [f"应在{cohort.starts_on}至{cohort.ends_on}之间。"]},
        )
    span = _span_hours(data)
    hours = data.get("hours", span)
    if hours > span:
        raise Invalid("学时超过上课时长。", {"hours": [f"不能超过{span}小时。"]})
    overlapping = db.session.scalars(
        select(TrainingSession).where(
            TrainingSession.cohort_id == cohort_id,
            TrainingSession.held_on == data["held_on"],
            TrainingSession.starts_at < data["ends_at"],
            TrainingSession.ends_at > data["starts_at"],
        )
    ).first()
    if overlapping is not None:
        raise Conflict(
            f"与本期{overlapping.held_on} {overlapping.starts_at:%H:%M}-"
            f"{overlapping.ends_at:%H:%M}的课程时间重叠。"
        )
    trainees = db.session.scalars(
        select(Enrollment.resident_id).where(
            Enrollment.cohort_id == cohort_id, Enrollment.status != EnrollmentStatus.DROPPED
        )
    ).all()
    lock_residents(list(trainees))
    clashes = clashing_residents(cohort_id, data["held_on"], data["starts_at"], data["ends_at"])
    if clashes:
        names = "、".join(f"{name}（{other}）" for name, other in clashes)
        raise Conflict(f"以下学员同一时间在其他培训班上课：{names}。")
    session = TrainingSession(cohort_id=cohort_id, hours=hours, **_without(data, "hours"))
    db.session.add(session)
    db.session.commit()
    return session


def _without(data: dict, *keys: str) -> dict:
    return {key: value for key, value in data.items() if key not in keys}
