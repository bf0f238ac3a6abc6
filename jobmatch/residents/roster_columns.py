"""A roster's header: which column feeds which field, and which columns are left aside.

Headers may be the Chinese ones a bureau roster uses or the API's field names. A yes/no column
for a priority group is named after the group, with or without 是否 (是否脱贫户, 残疾人). Every
column is either used, with the field it feeds, or reported as ignored, by its header.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from jobmatch.errors import Invalid
from jobmatch.residents import vocabulary
from jobmatch.residents.roster_files import Row

# Field -> the headers a roster may use for it (compared after normalise_header).
HEADERS = {
    "name": ["姓名", "名字", "name"],
    "id_number": ["身份证号码", "身份证号", "身份证", "公民身份号码", "证件号码", "id_number"],
    "phone": ["联系电话", "手机号码", "手机号", "手机", "电话", "电话号码", "联系方式", "phone"],
    "education": ["文化程度", "学历", "education"],
    "community_id": ["社区", "所在社区", "所属社区", "社区名称", "community", "community_id"],
    "grid_id": ["网格", "所在网格", "所属网格", "网格名称", "grid", "grid_id"],
    "skills": ["技能", "技能特长", "掌握技能", "专业技能", "skills"],
    "desired_wage": ["期望月薪", "期望工资", "期望薪资", "desired_wage"],
    "shift_preference": ["班次意向", "班次", "班次要求", "shift_preference"],
    "groups": ["人员类别", "人员类型", "帮扶类别", "groups"],
    "employment_status": ["就业状态", "就业情况", "employment_status"],
    "max_commute_km": ["通勤距离", "最远通勤距离", "max_commute_km"],
    "household_no": ["户号", "家庭户号", "户编号", "household_no"],
    # Yes/no facts the matcher reads.
    "has_transport": ["有无交通工具", "是否有交通工具", "交通工具", "has_transport"],
    "night_shift_ok": ["能否上夜班", "是否接受夜班", "可上夜班", "接受夜班", "night_shift_ok"],
    "caregiver": ["是否需照顾家人", "需照顾家人", "照顾家人", "caregiver"],
    # Checked against the ID number, which is where the stored values come from.
    "gender": ["性别", "gender"],
    "birth_date": ["出生日期", "出生年月日", "出生年月", "birth_date"],
}
REQUIRED = ("name", "id_number")
HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in bureau rosters
GROUP_FIELD = "groups."  # "groups.poverty_alleviated": the yes/no column of one group


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\(.*?\)|\[.*?\]|\s|\*", "", text)  # "期望月薪（元）", "姓名*"
    return text.lower()


_HEADER_FIELD = {
    normalise_header(alias): name for name, aliases in HEADERS.items() for alias in aliases
}


def header_field(text: str) -> str | None:
    """The field a header names: a roster field, ``groups.<code>`` for a yes/no column, or None."""
    key = normalise_header(text)
    if not key:
        return None
    if key in _HEADER_FIELD:
        return _HEADER_FIELD[key]
    group = vocabulary.group_of(key.removeprefix("是否"))
    return GROUP_FIELD + group if group else None


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA, as the spreadsheet labels its columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Columns:
    row: int  # the header's own row number
    headers: list[str]
    fields: dict[str, int] = field(default_factory=dict)  # field -> column index
    used: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)
    known: set[int] = field(default_factory=set)  # columns with a header, used or not

    def cells(self, cells: list[str]) -> dict[str, str]:
        return {
            name: cells[index].strip() if index < len(cells) else ""
            for name, index in self.fields.items()
        }

    def note_unlabelled(self, cells: list[str]) -> None:
        """Data in a column with no header is left aside too, and reported once."""
        for index, cell in enumerate(cells):
            if index not in self.known and cell.strip():
                self.known.add(index)
                self.ignored.append({"column": column_letter(index), "header": ""})


def _columns(number: int, cells: list[str]) -> Columns:
    found = Columns(row=number, headers=list(cells))
    for index, cell in enumerate(cells):
        if cell.strip():
            found.known.add(index)
        name = header_field(cell)
        letter = column_letter(index)
        if name is not None and name not in found.fields:
            found.fields[name] = index
            found.used.append({"column": letter, "header": cell.strip(), "field": name})
        elif cell.strip():
            # A second 姓名 column is left aside too, and said so.
            found.ignored.append({"column": letter, "header": cell.strip()})
    return found


def find_header(rows: Iterator[Row]) -> Columns:
    """The first row naming all required columns, among the first few filled ones."""
    best: Columns | None = None
    searched = 0
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        columns = _columns(number, cells)
        if all(name in columns.fields for name in REQUIRED):
            return columns
        if best is None or len(columns.fields) > len(best.fields):
            best = columns
        searched += 1
        if searched >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        raise Invalid("文件中没有内容。", {"file": ["文件是空的。"]})
    missing = "、".join(HEADERS[name][0] for name in REQUIRED if name not in best.fields)
    raise Invalid(f"缺少必需的列：{missing}。", {"file": [f"缺少必需的列：{missing}。"]})
