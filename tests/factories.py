"""Builders for test data: each makes a valid object with defaults a test may override."""

import itertools
from datetime import date

from jobmatch.accounts.auth import issue_token
from jobmatch.accounts.models import User
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
