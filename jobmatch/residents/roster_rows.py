"""Reading a roster's rows: its header found, each row's cells checked and normalised.

Headers may be the Chinese ones a bureau roster uses or the API's field names; other columns
(序号, 性别, 备注, ...) are ignored. Errors are reported under the API's field names.
"""

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from jobmatch.catalogue.models import Skill
from jobmatch.communities.models import Community
from jobmatch.education import parse_education
from jobmatch.errors import Invalid
from jobmatch.extensions import db
from jobmatch.residents import vocabulary
from jobmatch.residents.roster_files import Row
from jobmatch.validators import IdNumber, parse_mobile, parse_working_age_id

# Field -> the headers a roster may use for it (compared after normalise_header).
HEADERS = {
    "name": ["姓名", "名字", "name"],
    "id_number": ["身份证号码", "身份证号", "身份证", "公民身份号码", "证件号码", "id_number"],
    "phone": ["联系电话", "手机号码", "手机号", "手机", "电话", "电话号码", "联系方式", "phone"],
    "education": ["文化程度", "学历", "education"],
    "community_id": ["社区", "所在社区", "所属社区", "社区名称", "community", "community_id"],
    "skills": ["技能", "技能特长", "掌握技能", "专业技能", "skills"],
    "desired_wage": ["期望月薪", "期望工资", "期望薪资", "desired_wage"],
    "shift_preference": ["班次意向", "班次", "班次要求", "shift_preference"],
    "groups": ["人员类别", "人员类型", "帮扶类别", "groups"],
    "employment_status": ["就业状态", "就业情况", "employment_status"],
    "max_commute_km": ["通勤距离", "最远通勤距离", "max_commute_km"],
    "household_no": ["户号", "家庭户号", "户编号", "household_no"],
}
REQUIRED = ("name", "id_number", "phone")
HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in bureau rosters
_HEADER_FIELD = {
    re.sub(r"\s+", "", unicodedata.normalize("NFKC", alias)).lower(): name
    for name, aliases in HEADERS.items()
    for alias in aliases
}


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\(.*?\)|\[.*?\]|\s|\*", "", text)  # "期望月薪（元）", "姓名*"
    return text.lower()


@dataclass
class RosterRow:
    row: int
    identity: IdNumber
    id_hash: str
    values: dict[str, Any] = field(default_factory=dict)
    skills: list[str] | None = None
    groups: list[str] | None = None


class Catalogues:
    """Communities and skills by every name a roster may give them, loaded once."""

    def __init__(self) -> None:
        self.community_ids: set[int] = set()
        self.communities: dict[str, int] = {}
        for community_id, name in db.session.execute(select(Community.id, Community.name)):
            self.community_ids.add(community_id)
            self.communities[vocabulary.compact(name)] = community_id
        for key, community_id in list(self.communities.items()):
            if key.endswith("社区") and len(key) > 2:
                self.communities.setdefault(key.removesuffix("社区"), community_id)
        self.skills: dict[str, str] = {}
        for code, name in db.session.execute(select(Skill.code, Skill.name)):
            self.skills[code.lower()] = code
            self.skills.setdefault(vocabulary.compact(name), code)

    def community(self, text: str) -> int:
        key = vocabulary.compact(text)
        if key.isdigit() and int(key) in self.community_ids:
            return int(key)
        for candidate in (key, key.removesuffix("社区")):
            if candidate in self.communities:
                return self.communities[candidate]
        raise ValueError(f"找不到社区“{text.strip()}”，请填写系统中已有的社区名称。")

    def skill_codes(self, text: str) -> list[str]:
        codes, unknown = [], []
        for item in vocabulary.split_list(text):
            code = self.skills.get(item.lower())
            if code is None:
                unknown.append(item)
            elif code not in codes:
                codes.append(code)
        if unknown:
            raise ValueError(f"未知的技能：{'、'.join(unknown)}。")
        return codes


def find_header(rows: Iterator[Row]) -> dict[str, int]:
    """Field -> column index, from the first row naming all required columns."""
    best: dict[str, int] | None = None
    searched = 0
    for _number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            name = _HEADER_FIELD.get(normalise_header(cell))
            if name is not None:
                columns.setdefault(name, index)
        if all(name in columns for name in REQUIRED):
            return columns
        if best is None or len(columns) > len(best):
            best = columns
        searched += 1
        if searched >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        raise Invalid("文件中没有内容。", {"file": ["文件是空的。"]})
    missing = "、".join(HEADERS[name][0] for name in REQUIRED if name not in best)
    raise Invalid(f"缺少必需的列：{missing}。", {"file": [f"缺少必需的列：{missing}。"]})


def clean_row(
    number: int,
    cells: dict[str, str],
    catalogues: Catalogues,
    today: date,
    lookup_hash: Callable[[str], str],
) -> tuple[RosterRow | None, dict[str, list[str]]]:
    """The row's values, normalised, and its errors by field (the API's field names)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    clean = None

    def check(name: str, parse) -> Any:
        text = cells.get(name, "")
        if not text:
            return None
        try:
            return parse(text)
        except ValueError as error:
            errors[name] = [str(error)]
            return None

    name = vocabulary.normalise_name(cells["name"])
    if not name:
        errors["name"] = ["姓名不能为空。"]
    elif len(name) > 64 or any(unicodedata.category(char) == "Cc" for char in name):
        errors["name"] = ["姓名过长或含有不允许的字符。"]
    values["name"] = name
    identity = check("id_number", lambda text: parse_working_age_id(_spreadsheet_text(text), today))
    if not cells["id_number"]:
        errors["id_number"] = ["身份证号码不能为空。"]
    values["phone"] = check("phone", parse_mobile)
    if not cells["phone"]:
        errors["phone"] = ["联系电话不能为空。"]
    parsers = {
        "education": parse_education,
        "community_id": catalogues.community,
        "desired_wage": vocabulary.parse_wage,
        "shift_preference": vocabulary.parse_shift,
        "employment_status": vocabulary.parse_employment_status,
        "max_commute_km": vocabulary.parse_commute_km,
        "household_no": vocabulary.parse_household_no,
    }
    for field_name, parse in parsers.items():
        value = check(field_name, parse)
        if value is not None:
            values[field_name] = value
    skills = check("skills", catalogues.skill_codes)
    groups = check("groups", vocabulary.parse_groups)
    if identity is not None:
        clean = RosterRow(number, identity, lookup_hash(identity.number), values, skills, groups)
    return clean, errors


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
