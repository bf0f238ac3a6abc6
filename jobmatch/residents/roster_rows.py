"""One roster row checked: its values normalised, what makes it wrong, and what it warns of.

Only what makes a record wrong rejects the row: the ID number (missing, invalid, under 16),
the name, a community the bureau does not have. Any other cell that cannot be read leaves its
field as it is (empty for a new resident) and adds a warning naming the cell and what to write;
the person is saved. Errors and warnings are reported under the API's field names.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jobmatch.education import parse_education
from jobmatch.residents import vocabulary
from jobmatch.residents.enums import Gender, PriorityGroup
from jobmatch.residents.roster_catalogues import Catalogues
from jobmatch.residents.roster_columns import GROUP_FIELD
from jobmatch.validators import IdNumber, parse_mobile, parse_working_age_id

FOOTER_WORDS = ("制表人", "制表", "填表人", "审核人", "负责人", "合计", "总计", "填报单位")
FOOTER_WORDS += ("填报日期", "填表日期", "制表日期", "备注：", "说明：", "注：")


@dataclass(slots=True)  # thousands of them per import
class RosterRow:
    row: int
    name: str
    identity: IdNumber | None = None
    id_hash: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    skills: list[str] | None = None
    groups_on: set[str] = field(default_factory=set)
    groups_off: set[str] = field(default_factory=set)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    # Rejects a new resident; an existing one keeps its phone (warned only of a filled cell).
    phone_problem: str | None = None
    phone_given: bool = False
    name_damaged: bool = False
    grid_text: str = ""  # a grid to find in the stored community, when the row names none

    def warn(self, name: str, message: str) -> None:
        self.warnings.setdefault(name, []).append(message)

    def reject(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def is_footer(cells: dict[str, str], raw: list[str]) -> bool:
    """制表人：…, 合计：13人, 填报单位：… below the data: no ID number, and a footer's word."""
    if cells.get("id_number"):
        return False
    first = next((cell.strip() for cell in raw if cell.strip()), "")
    return first.startswith(FOOTER_WORDS)


def clean_row(
    number: int,
    cells: dict[str, str],
    catalogues: Catalogues,
    today: date,
    lookup_hash: Callable[[str], str],
) -> RosterRow:
    row = RosterRow(number, vocabulary.normalise_name(cells.get("name", "")))
    _identity(row, cells, today, lookup_hash)
    if row.name_damaged:
        row.warn("name", "姓名中有“?”或乱码，可能是文件编码丢失了汉字：已登记的姓名不会被改动。")

    def optional(name: str, parse: Callable[[str], Any]) -> Any:
        text = cells.get(name, "")
        if not text:
            return None
        try:
            return parse(text)
        except ValueError as error:
            row.warn(name, f"{error}该项未记录。".replace("。该项", "，该项"))
            return None

    phone = cells.get("phone", "")
    row.phone_given = bool(phone)
    if not phone:
        row.phone_problem = "联系电话不能为空。" if "phone" in cells else "名册没有联系电话一列。"
    else:
        try:
            row.values["phone"] = parse_mobile(phone)
        except ValueError as error:
            row.phone_problem = str(error)
    community = cells.get("community_id", "")
    if community:
        try:
            row.values["community_id"] = catalogues.community(community)
        except ValueError as error:
            row.reject("community_id", str(error))
    grid = cells.get("grid_id", "")
    if grid and "community_id" in row.values:
        found = optional("grid_id", lambda text: catalogues.grid(text, row.values["community_id"]))
        if found is not None:
            row.values["grid_id"] = found
    elif grid and not community:
        row.grid_text = grid
    # Education is a hard eligibility filter: a value that can't be read would open or close
    # posts wrongly, so it rejects the row instead of being left out with a warning.
    education = cells.get("education", "")
    if education:
        try:
            row.values["education"] = parse_education(education)
        except ValueError as error:
            row.reject("education", str(error))
    parsers = {
        "desired_wage": vocabulary.parse_wage,
        "shift_preference": vocabulary.parse_shift,
        "employment_status": vocabulary.parse_employment_status,
        "max_commute_km": vocabulary.parse_commute_km,
        "has_transport": vocabulary.parse_yes_no,
        "night_shift_ok": vocabulary.parse_yes_no,
        "caregiver": vocabulary.parse_yes_no,
        "household_no": vocabulary.parse_household_no,
    }
    for name, parse in parsers.items():
        value = optional(name, parse)
        if value is not None:
            row.values[name] = value
    skills = cells.get("skills", "")
    if skills and vocabulary.means_none(skills):
        row.warn("skills", f"技能填写为“{skills}”，没有可记录的技能，该项未记录。")
    else:
        row.skills = optional("skills", catalogues.skill_codes)
    _groups(row, cells, optional)
    return row


def _identity(row: RosterRow, cells, today: date, lookup_hash) -> None:
    name = row.name
    if not name:
        row.reject("name", "姓名不能为空。")
    elif len(name) > 64 or any(unicodedata.category(char) == "Cc" for char in name):
        row.reject("name", "姓名过长或含有不允许的字符。")
    elif vocabulary.damaged_name(name):
        row.name_damaged = True
    row.values["name"] = name
    text = cells.get("id_number", "")
    if not text:
        row.reject("id_number", "身份证号码不能为空。")
        return
    try:
        row.identity = parse_working_age_id(_spreadsheet_text(text), today)
    except ValueError as error:
        row.reject("id_number", str(error))
        return
    row.id_hash = lookup_hash(row.identity.number)
    gender = cells.get("gender", "")
    if gender and Gender.lookup(gender) != row.identity.gender:
        by_id = Gender.label_of(row.identity.gender)
        row.warn("gender", f"性别“{gender}”与身份证号码不符，以身份证号码为准（{by_id}）。")
    birth = cells.get("birth_date", "")
    if birth and not _same_birth(birth, row.identity.birth_date):
        shown = f"{row.identity.birth_date:%Y-%m-%d}"
        row.warn("birth_date", f"出生日期“{birth}”与身份证号码不符，以身份证号码为准（{shown}）。")


def _groups(row: RosterRow, cells: dict[str, str], optional) -> None:
    """人员类别 lists every group the person is in; a yes/no column speaks for its own group
    and, where both are filled and disagree, has the last word (with a warning)."""
    listed = optional("groups", vocabulary.parse_groups)
    if listed is not None:
        row.groups_on = set(listed)
        row.groups_off = set(PriorityGroup.values()) - row.groups_on
    for name, text in cells.items():
        if not name.startswith(GROUP_FIELD) or not text:
            continue
        group = name.removeprefix(GROUP_FIELD)
        answer = optional(name, vocabulary.parse_yes_no)
        if answer is None:
            continue
        if listed is not None and answer != (group in row.groups_on):
            label = PriorityGroup.label_of(group)
            row.warn(
                name, f"“{label}”一列与人员类别不一致，以该列为准（{'是' if answer else '否'}）。"
            )
        (row.groups_off if answer else row.groups_on).discard(group)
        (row.groups_on if answer else row.groups_off).add(group)


_BIRTH = re.compile(r"^(\d{4})\D{0,2}(\d{1,2})(?:\D{0,2}(\d{1,2}))?\D{0,2}$")
EXCEL_EPOCH = date(1899, 12, 30)


def _same_birth(text: str, born: date) -> bool:
    """1980-01-01, 1980/1/1, 1980年1月1日, 19800101, 1980.01 (a month), an Excel serial."""
    compact = vocabulary.compact(text)
    if compact.isdigit() and len(compact) == 8:
        compact = f"{compact[:4]}-{compact[4:6]}-{compact[6:]}"
    elif compact.isdigit() and 3 <= len(compact) <= 5:  # a date cell read as its serial
        return EXCEL_EPOCH + timedelta(days=int(compact)) == born
    match = _BIRTH.match(compact)
    if not match:
        return False
    year, month, day = (int(part) if part else None for part in match.groups())
    return (year, month) == (born.year, born.month) and day in (None, born.day)


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)


def _spreadsheet_text(text: str) -> str:
    """Undo the tricks that keep Excel from turning an ID number into a float: '… and ="…"."""
    text = text.strip()
    if _SCIENTIFIC.match(text):
        raise ValueError(
            "身份证号码被存成了数字（科学计数法），后几位已丢失：请把该列设为文本后重新填写。"
        )
    if text.startswith('="') and text.endswith('"'):
        return text[2:-1]
    return text.removeprefix("'")
