"""Registering, reading and changing residents, with the access and masking rules.

Who sees what: staff (admin, staff) see every resident, phone numbers in full and ID numbers
masked, except on the single-resident read, which shows the full ID number and is audited. A
resident sees its own record, both numbers masked. Firms see no resident through this API.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload, undefer_group

from jobmatch import clock
from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.audit import service as audit
from jobmatch.catalogue.models import Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.crypto import cipher
from jobmatch.database import MAX_ID, paginate
from jobmatch.errors import Conflict, Forbidden, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.residents.enums import EmploymentStatus, ShiftPreference
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.residents.vocabulary import normalise_name
from jobmatch.validators import IdNumber, age_on, mask_id_number, mask_mobile

# What a resident may change about itself; identity and priority groups are the bureau's to set.
SELF_EDITABLE = frozenset(
    {
        "phone",
        "education",
        "community_id",
        "grid_id",
        "skills",
        "desired_wage",
        "shift_preference",
        "max_commute_km",
        "employment_status",
        "has_transport",
        "night_shift_ok",
        "caregiver",
    }
)
INVALID = "输入有误，请按提示修改。"


def may_see_resident(viewer: User, resident_id: int) -> bool:
    return is_staff(viewer) or (viewer.role == Role.RESIDENT and viewer.resident_id == resident_id)


def authorise(viewer: User, resident_id: int) -> None:
    """Staff, or the resident itself; everyone else is refused without learning anything."""
    if not may_see_resident(viewer, resident_id):
        if viewer.role == Role.RESIDENT:
            raise Forbidden("只能查看或修改本人的信息。")
        raise Forbidden("当前账号无权查看居民信息。")


def load_resident(resident_id: int, *, with_numbers: bool = True) -> Resident:
    if not 1 <= resident_id <= MAX_ID:  # beyond any key; PostgreSQL would refuse the query
        raise NotFound("找不到该居民。")
    options = [selectinload(Resident.skill_links), selectinload(Resident.group_links)]
    if with_numbers:
        options.append(undefer_group("pii"))
    resident = db.session.get(Resident, resident_id, options=options)
    if resident is None:
        raise NotFound("找不到该居民。")
    return resident


def present(resident: Resident, viewer: User, *, full_id_number: bool = False) -> dict[str, Any]:
    """The resident as this viewer may see it (the shape of ResidentOut)."""
    staff = is_staff(viewer)
    view = {
        "id": resident.id,
        "version": resident.version,
        "name": resident.name,
        "id_number": resident.id_number if full_id_number else mask_id_number(resident.id_number),
        "phone": resident.phone if staff else mask_mobile(resident.phone),
        "gender": resident.gender,
        "birth_date": resident.birth_date,
        "age": age_on(resident.birth_date, clock.today()),
        "education": resident.education,
        "community_id": resident.community_id,
        "grid_id": resident.grid_id,
        "skills": resident.skills,
        "desired_wage": resident.desired_wage,
        "shift_preference": resident.shift_preference,
        "max_commute_km": resident.max_commute_km,
        "employment_status": resident.employment_status,
        "household_no": resident.household_no,
        "has_transport": resident.has_transport,
        "night_shift_ok": resident.night_shift_ok,
        "caregiver": resident.caregiver,
        "created_at": resident.created_at,
        "updated_at": resident.updated_at,
    }
    if staff or viewer.resident_id == resident.id:
        view["groups"] = resident.groups
    return view


def create_resident(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    identity: IdNumber = data["id_number"]
    id_hash = cipher().lookup_hash(identity.number)
    _refuse_duplicate(id_hash)
    _check_references(data, community_id=data.get("community_id"))
    resident = Resident(
        name=normalise_name(data["name"]),
        id_number=identity.number,
        id_number_hash=id_hash,
        gender=identity.gender,
        birth_date=identity.birth_date,
        phone=data["phone"],
        phone_hash=cipher().phone_hash(data["phone"]),
        education=data.get("education", "other"),
        community_id=data.get("community_id"),
        grid_id=data.get("grid_id"),
        desired_wage=data.get("desired_wage"),
        shift_preference=data.get("shift_preference", ShiftPreference.ANY),
        max_commute_km=data.get("max_commute_km"),
        employment_status=data.get("employment_status", EmploymentStatus.UNEMPLOYED),
        household_no=data.get("household_no"),
        has_transport=data.get("has_transport"),
        night_shift_ok=data.get("night_shift_ok"),
        caregiver=data.get("caregiver"),
    )
    resident.skill_links = [ResidentSkill(skill_code=code) for code in _unique(data.get("skills"))]
    resident.group_links = [ResidentGroup(group=group) for group in _unique(data.get("groups"))]
    db.session.add(resident)
    _commit()
    return present(resident, actor)


def read_resident(viewer: User, resident_id: int) -> dict[str, Any]:
    """One resident; staff get the full ID number, and that read is written to the audit log."""
    authorise(viewer, resident_id)
    resident = load_resident(resident_id)
    full = is_staff(viewer)
    view = present(resident, viewer, full_id_number=full)
    if full:
        audit.record(viewer, "resident.read_full", [resident.id])
        # Should the entry fail to be written, the error handler answers and no number leaves.
        db.session.commit()
    return view


def update_resident(actor: User, resident_id: int, data: dict[str, Any]) -> dict[str, Any]:
    authorise(actor, resident_id)
    if not is_staff(actor):
        staff_only = sorted(set(data) - SELF_EDITABLE)
        if staff_only:
            raise Forbidden(
                "姓名、身份证号码和人员类别只能由经办人修改。",
                {field: ["只能由经办人修改。"] for field in staff_only},
            )
    resident = load_resident(resident_id)
    if "id_number" in data:
        identity: IdNumber = data.pop("id_number")
        id_hash = cipher().lookup_hash(identity.number)
        if id_hash != resident.id_number_hash:
            _refuse_duplicate(id_hash)
            resident.id_number, resident.id_number_hash = identity.number, id_hash
            resident.gender, resident.birth_date = identity.gender, identity.birth_date
    community_id = data.get("community_id", resident.community_id)
    if "community_id" in data and community_id != resident.community_id and "grid_id" not in data:
        data["grid_id"] = None  # a grid belongs to its community: moving leaves the old grid
    _check_references(data, community_id=community_id)
    if "skills" in data:
        set_skills(resident, data.pop("skills"))
    if "groups" in data:
        kept = {link.group: link for link in resident.group_links}
        wanted = _unique(data.pop("groups"))
        resident.group_links = [kept.get(group) or ResidentGroup(group=group) for group in wanted]
    if "name" in data:
        data["name"] = normalise_name(data["name"])
    if "phone" in data:
        data["phone_hash"] = cipher().phone_hash(data["phone"])
    for field, value in data.items():
        setattr(resident, field, value)
    _commit()
    return present(resident, actor)


def set_skills(resident: Resident, codes: list[str]) -> None:
    """Declared skills become ``codes``; skills conferred by passed training always stay."""
    existing = {link.skill_code: link for link in resident.skill_links}
    links = [existing.get(code) or ResidentSkill(skill_code=code) for code in _unique(codes)]
    wanted = {link.skill_code for link in links}
    links += [
        link
        for link in resident.skill_links
        if link.source == "training" and link.skill_code not in wanted
    ]
    resident.skill_links = links


def list_residents(
    viewer: User, filters: dict[str, Any], page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of residents and how many match; only the page's numbers are decrypted."""
    conditions = filter_conditions(filters)
    residents, total = paginate(
        select(Resident)
        .where(*conditions)
        .options(
            undefer_group("pii"),
            selectinload(Resident.skill_links),
            selectinload(Resident.group_links),
        )
        .order_by(Resident.id),
        page,
        page_size,
    )
    return [present(resident, viewer) for resident in residents], total


def filter_conditions(filters: dict[str, Any]) -> list:
    conditions = []
    if "community_id" in filters:
        conditions.append(Resident.community_id == filters["community_id"])
    if "education" in filters:
        conditions.append(Resident.education == filters["education"])
    if "employment_status" in filters:
        conditions.append(Resident.employment_status == filters["employment_status"])
    if "q" in filters:
        # Names are stored normalised (one middle dot, no stray spaces): so is what is sought.
        query = normalise_name(filters["q"])
        conditions.append(Resident.name.startswith(query, autoescape=True))
    if "group" in filters:
        members = select(ResidentGroup.resident_id).where(ResidentGroup.group == filters["group"])
        conditions.append(Resident.id.in_(members))
    if "skill" in filters:
        code = filters["skill"]
        if db.session.get(Skill, code) is None:
            raise Invalid(INVALID, {"skill": [f"未知的技能代码：{code}"]})
        holders = select(ResidentSkill.resident_id).where(ResidentSkill.skill_code == code)
        conditions.append(Resident.id.in_(holders))
    return conditions


def _refuse_duplicate(id_hash: str) -> None:
    existing = db.session.scalar(select(Resident.id).where(Resident.id_number_hash == id_hash))
    if existing is not None:
        raise Conflict(
            f"该身份证号码已登记（居民编号 {existing}）。",
            {"id_number": ["该身份证号码已登记。"]},
        )


def _check_references(data: dict[str, Any], *, community_id: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if data.get("community_id") is not None and db.session.get(Community, community_id) is None:
        errors["community_id"] = [f"社区 {community_id} 不存在。"]
    grid_id = data.get("grid_id")
    if grid_id is not None:
        grid = db.session.get(Grid, grid_id)
        if grid is None or grid.community_id != community_id:
            errors["grid_id"] = ["网格不存在，或不属于所填社区。"]
    codes = _unique(data.get("skills"))
    if codes:
        known = set(db.session.scalars(select(Skill.code).where(Skill.code.in_(codes))))
        unknown = [code for code in codes if code not in known]
        if unknown:
            errors["skills"] = [f"未知的技能代码：{'、'.join(unknown)}"]
    if errors:
        raise Invalid(INVALID, errors)


def _unique(values: list[str] | None) -> list[str]:
    return list(dict.fromkeys(values or ()))


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # Another request registered the same ID number between our check and this write.
        db.session.rollback()
        raise Conflict("该身份证号码已登记。", {"id_number": ["该身份证号码已登记。"]}) from None
