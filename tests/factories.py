"""Builders for test data: each makes a valid object with defaults a test may override."""

import itertools
from datetime import date

from jobmatch import clock
from jobmatch.accounts.auth import issue_token
from jobmatch.accounts.models import User
from jobmatch.catalogue.models import Occupation, Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.crypto import cipher
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.posts.models import Post
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.validators import credit_code_check_char, id_check_char, parse_id_number

_sequence = itertools.count(1)


def make_id_number(birth: date = date(1985, 6, 15), female: bool = False, area="140222") -> str:
    serial = next(_sequence) % 500 * 2 + (0 if female else 1)
    first17 = f"{area}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


def make_credit_code() -> str:
    first17 = f"91140222MA{next(_sequence):07d}"
    return first17 + credit_code_check_char(first17)


def make_phone() -> str:
    return f"139{next(_sequence):08d}"


def make_community(**fields) -> Community:
    n = next(_sequence)
    community = Community(name=fields.pop("name", f"社区{n}"), lat=40.42, lon=114.09, **fields)
    community.grids = [Grid(name=f"第{i}网格", lat=40.42, lon=114.09) for i in (1, 2)]
    db.session.add(community)
    db.session.commit()
    return community


def make_firm(**fields) -> Firm:
    values = {
        "name": f"测试企业{next(_sequence)}",
        "credit_code": make_credit_code(),
        "industry": "箱包",
        "lat": 40.43,
        "lon": 114.10,
    }
    values.update(fields)
    firm = Firm(**values)
    db.session.add(firm)
    db.session.commit()
    return firm


def make_post(firm: Firm | None = None, **fields) -> Post:
    firm = firm or make_firm()
    values = {
        "firm_id": firm.id,
        "title": "普工",
        "category": "general",
        "openings": 5,
        "wage_min": 3000,
        "wage_max": 4000,
    }
    values.update(fields)
    post = Post(**values)
    db.session.add(post)
    db.session.commit()
    return post


def make_resident(skills=(), groups=(), birth=date(1985, 6, 15), female=False, **fields):
    id_number = fields.pop("id_number", None) or make_id_number(birth, female)
    parsed = parse_id_number(id_number)
    values = {
        "name": "张三",
        "id_number": parsed.number,
        "id_number_hash": cipher().lookup_hash(parsed.number),
        "phone": make_phone(),
        "gender": parsed.gender,
        "birth_date": parsed.birth_date,
        "education": "junior_high",
    }
    values.update(fields)
    values.setdefault("phone_hash", cipher().phone_hash(values["phone"]))
    resident = Resident(**values)
    resident.skill_links = [ResidentSkill(skill_code=code) for code in skills]
    resident.group_links = [ResidentGroup(group=group) for group in groups]
    db.session.add(resident)
    db.session.commit()
    return resident


def make_user(role: str = "staff", password: str = "correct horse", **fields) -> User:
    if role == "firm" and "firm_id" not in fields:
        fields["firm_id"] = make_firm().id
    if role == "resident" and "resident_id" not in fields:
        fields["resident_id"] = make_resident().id
    user = User(username=fields.pop("username", f"{role}{next(_sequence)}"), role=role, **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def auth_headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user)}"}


def make_skill(code: str | None = None, name: str | None = None, **fields) -> Skill:
    """A catalogue skill; its occupation is added when the catalogue lacks it."""
    n = next(_sequence)
    occupation_code = fields.pop("occupation_code", "6-05-01-03")
    if db.session.get(Occupation, occupation_code) is None:
        db.session.add(Occupation(code=occupation_code, level=4, name=f"职业{occupation_code}"))
    skill = Skill(
        code=code or f"skill_{n}",
        name=name or f"技能{n}",
        occupation_code=occupation_code,
        **fields,
    )
    db.session.add(skill)
    db.session.commit()
    return skill


def _quick_password_hash(password: str = "correct horse") -> str:
    from werkzeug.security import generate_password_hash

    if password not in _quick_hashes:
        _quick_hashes[password] = generate_password_hash(password)
    return _quick_hashes[password]


_quick_hashes: dict[str, str] = {}


def make_quick_user(role: str = "staff", **fields) -> User:
    """Like make_user (password "correct horse"), but hashed once for all such users."""
    if role == "firm" and "firm_id" not in fields:
        fields["firm_id"] = make_firm().id
    if role == "resident" and "resident_id" not in fields:
        fields["resident_id"] = make_resident().id
    username = fields.pop("username", f"{role}{next(_sequence)}")
    user = User(username=username, role=role, password_hash=_quick_password_hash(), **fields)
    db.session.add(user)
    db.session.commit()
    return user


def make_application(resident=None, post=None, status: str = "applied", **fields):
    """An application already at ``status``, with the history that led there; a hire fills
    one of the post's openings, as the workflow would."""
    from datetime import UTC, datetime

    from jobmatch.applications.models import Application, ApplicationEvent

    resident = resident or make_resident()
    post = post or make_post()
    path = {
        "recommended": ["recommended"],
        "applied": ["applied"],
        "interview": ["applied", "interview"],
        "hired": ["applied", "interview", "hired"],
        "rejected": ["applied", "rejected"],
        "withdrawn": ["applied", "withdrawn"],
    }[status]
    if status in ("rejected", "withdrawn"):
        fields.setdefault("reason", "other")
    if status == "hired":
        fields.setdefault("hired_at", datetime.now(UTC))
        post.filled += 1
    application = Application(resident_id=resident.id, post_id=post.id, status=status, **fields)
    previous = None
    for step in path:
        reason = fields.get("reason") if step in ("rejected", "withdrawn") else None
        application.history.append(
            ApplicationEvent(from_status=previous, to_status=step, reason=reason)
        )
        previous = step
    db.session.add(application)
    db.session.commit()
    return application


def make_order(firm=None, **fields):
    """A piecework order with nothing delivered yet (unless ``delivered``/``accepted`` given)."""
    from decimal import Decimal

    from jobmatch.orders.models import Order

    firm = firm or make_firm()
    values = {
        "firm_id": firm.id,
        "product": "chinese_knot",
        "quantity": 1000,
        "unit_rate": Decimal("0.50"),
        "delivered": 0,
        "accepted": 0,
    }
    values.update(fields)
    order = Order(**values)
    db.session.add(order)
    db.session.commit()
    return order


def make_delivery(order, resident=None, quantity: int = 10, accepted: int | None = None, **fields):
    """An original ledger entry; the order's running sums move with it, as the service would."""
    from jobmatch.orders.models import Delivery

    resident = resident or make_resident()
    accepted = quantity if accepted is None else accepted
    if accepted < quantity:
        fields.setdefault("reject_reason", "做工不合格")
    fields.setdefault("delivered_on", clock.today())
    entry = Delivery(
        order_id=order.id, resident_id=resident.id, quantity=quantity, accepted=accepted, **fields
    )
    order.delivered += quantity
    order.accepted += accepted
    db.session.add(entry)
    db.session.commit()
    return entry


def make_program(code: str | None = None, skills=(), **fields):
    """A training program conferring ``skills`` (Skill objects, or codes in the catalogue)."""
    from jobmatch.catalogue.models import Skill
    from jobmatch.training.models import Program

    values = {"code": code or f"program_{next(_sequence)}", "name": "中国结编织", "hours": 40}
    values.update(fields)
    program = Program(**values)
    program.skills = [s if isinstance(s, Skill) else db.session.get(Skill, s) for s in skills]
    db.session.add(program)
    db.session.commit()
    return program


def make_cohort(program=None, **fields):
    """A classroom cohort of ``program`` (a new one by default) in May 2024, 30 seats, 40 hours."""
    from jobmatch.training.models import Cohort

    program = program or make_program()
    values = {
        "program_code": program.code,
        "name": f"{program.name}第{next(_sequence)}期",
        "mode": "classroom",
        "starts_on": date(2024, 5, 6),
        "ends_on": date(2024, 5, 31),
        "capacity": 30,
        "hours": program.hours,
    }
    values.update(fields)
    cohort = Cohort(**values)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def make_training_session(cohort, held_on=None, starts_at="08:30", ends_at="12:30", **fields):
    """A session of ``cohort``; hours default to the time span."""
    from datetime import datetime, time
    from decimal import Decimal

    from jobmatch.training.models import TrainingSession

    start, end = time.fromisoformat(starts_at), time.fromisoformat(ends_at)
    span = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    fields.setdefault("hours", Decimal(span.seconds) / 3600)
    session = TrainingSession(
        cohort_id=cohort.id,
        held_on=held_on or cohort.starts_on,
        starts_at=start,
        ends_at=end,
        **fields,
    )
    db.session.add(session)
    db.session.commit()
    return session


def make_enrollment(cohort, resident=None, **fields):
    """A roster entry as recorded (no capacity or timetable checks): ``enrolled`` by default."""
    from jobmatch.training.models import Enrollment

    resident = resident or make_resident()
    enrollment = Enrollment(cohort_id=cohort.id, resident_id=resident.id, **fields)
    db.session.add(enrollment)
    db.session.commit()
    return enrollment
