"""The roster as an .xlsx workbook with the Chinese headers the import reads back.

Staff get ID and phone numbers masked; an admin gets them in full, and each resident in such an
export gets an audit entry.
"""

from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer_group

from jobmatch import clock
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.audit import service as audit
from jobmatch.catalogue.models import Skill
from jobmatch.communities.models import Community
from jobmatch.education import Education
from jobmatch.extensions import db
from jobmatch.residents.enums import EmploymentStatus, Gender, PriorityGroup, ShiftPreference
from jobmatch.residents.models import Resident
from jobmatch.residents.service import filter_conditions
from jobmatch.spreadsheets import workbook_bytes, write_row
from jobmatch.validators import mask_id_number, mask_mobile

HEADERS = (
    "序号",
    "姓名",
    "身份证号码",
    "性别",
    "出生日期",
    "联系电话",
    "文化程度",
    "社区",
    "技能",
    "期望月薪",
    "班次意向",
    "通勤距离",
    "人员类别",
    "就业状态",
)
BATCH = 1000


def export_roster(actor: User, filters: dict[str, Any]) -> tuple[bytes, str]:
    """The workbook's bytes and a file name; an admin's unmasked export is audited first."""
    full = actor.role == Role.ADMIN
    # Judged before the workbook exists: a write-only sheet left unsaved complains when freed.
    conditions = filter_conditions(filters)
    communities = dict(db.session.execute(select(Community.id, Community.name)).all())
    skill_names = dict(db.session.execute(select(Skill.code, Skill.name)).all())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民名册")
    write_row(sheet, HEADERS)
    query = (
        select(Resident)
        .where(*conditions)
        .options(
            undefer_group("pii"),
            selectinload(Resident.skill_links),
            selectinload(Resident.group_links),
        )
        .order_by(Resident.id)
        .execution_options(yield_per=BATCH)
    )
    exported: list[int] = []
    for number, resident in enumerate(db.session.scalars(query), start=1):
        exported.append(resident.id)
        values = [
            number,
            resident.name,
            resident.id_number if full else mask_id_number(resident.id_number),
            Gender(resident.gender).label,
            resident.birth_date,
            resident.phone if full else mask_mobile(resident.phone),
            Education(resident.education).label,
            communities.get(resident.community_id, ""),
            "、".join(skill_names.get(code, code) for code in resident.skills),
            resident.desired_wage,
            ShiftPreference(resident.shift_preference).label,
            resident.max_commute_km,
            "、".join(PriorityGroup(group).label for group in resident.groups),
            EmploymentStatus(resident.employment_status).label,
        ]
        write_row(sheet, values)
    if full:
        audit.record(actor, "resident.export_roster", exported)
        db.session.commit()
    # Saved here, not by the caller: a write-only sheet left unsaved complains when freed.
    return workbook_bytes(workbook), f"居民名册-{clock.today():%Y%m%d}.xlsx"
