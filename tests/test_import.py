"""Roster import: a messy real-world roster in .xlsx and .csv (UTF-8, BOM, GBK), re-imports,
and files that cannot be imported."""

import csv
import io
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.residents.models import Resident, ResidentSkill
from jobmatch.validators import id_check_char
from tests.factories import (
    auth_headers,
    make_community,
    make_quick_user,
    make_resident,
    make_skill,
)

ERROR_KEYS = {"code", "status", "message", "errors"}
HEADER = ["序号", "姓名", "性别", "身份证号码", "联系电话", "文化程度", "社区", "技能", "期望月薪"]
HEADER += ["班次意向", "人员类别", "备注"]


def id_number(birth: date, serial: int) -> str:
    first17 = f"140222{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_char(first17)


def id_number_ending_in_x(birth: date) -> str:
    return next(n for n in (id_number(birth, s) for s in range(1, 999)) if n.endswith("X"))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


WANG1 = id_number(date(1980, 1, 1), 11)
WANG2 = id_number(date(1975, 5, 20), 22)
WANG3 = id_number_ending_in_x(date(1969, 9, 9))
WANG4 = id_number(date(1990, 12, 31), 44)
WANG5 = id_number(date(1988, 8, 8), 55)
WANG6 = id_number(date(1979, 3, 3), 66)
UNDER_16 = id_number(clock.today() - timedelta(days=15 * 365), 77)
BAD_CHECK = WANG1[:17] + ("0" if WANG1[17] != "0" else "1")

# (序号, 姓名, 性别, 身份证号码, 联系电话, 文化程度, 社区, 技能, 期望月薪, 班次意向, 人员类别, 备注)
# fmt: off
MESSY_ROWS = [
    [1, "王一", "男", WANG1, "13800000001", "初中", "城关社区", "缝纫", 3000, "白班",
     "搬迁户、脱贫户", ""],
    [2, "王 二", "女", full_width(WANG2), full_width("13800000002"), "初中毕业", "城关",
     "缝纫，中国结编织", "3000元", "夜班", "脱贫人口,监测对象", "全角数字"],
    [3, "王三", "男", WANG3.lower(), "13800000003", "初级中学", "南关社区", "sewing;chinese_knot",
     "", "不限", "低保户", "小写x"],
    [4, "王四", "", f"{WANG4[:6]} {WANG4[6:14]} {WANG4[14:]}", " 138 0000 0004 ", " 初 中 ", "",
     "", "", "均可", "残疾人；零就业家庭", ""],
    [5, "王五", "", float(WANG5), "138-0000-0005", "初中", "城关社区", "", "", "", "退役军人",
     "Excel 把号码存成了数字"],
    [None] * 12,
    [6, "坏一", "", BAD_CHECK, "13800000006", "初中", "城关社区", "", "", "", "", "校验位错"],
    [7, "坏二", "", WANG3, "13800000007", "初中", "城关社区", "", "", "", "", "与第5行重复"],
    [8, "坏三", "", UNDER_16, "13800000008", "小学", "城关社区", "", "", "", "", "未满16岁"],
    [9, "坏四", "", id_number(date(1970, 1, 1), 91), "13800000009", "初中", "北京社区", "", "",
     "", "", "社区不存在"],
    [10, "坏五", "", id_number(date(1970, 1, 1), 93), "1234", "博士后在站", "城关社区", "", "",
     "", "", "电话和学历"],
    [11, "坏六", "", id_number(date(1970, 1, 1), 95), "13800000011", "初中", "城关社区", "焊接",
     "", "", "", "未知技能"],
    [12, "坏七", "", id_number(date(1970, 1, 1), 97), "13800000012", "初中", "城关社区", "",
     "", "", "富人", "未知类别"],
    [13, "王六", "男", WANG6, "13800000013", "初中肄业", "南关", "中国结编织", "2800-3500",
     "倒班", "退役军人", ""],
    ["合计：13人"] + [None] * 11,
# fmt: on
]
# Spreadsheet rows: a title on row 1, the header on row 2, the data from row 3.
EXPECTED_REJECTED = {
    7: {"id_number"},  # stored as a number: its last digits are lost
    9: {"id_number"},  # wrong check character
    10: {"id_number"},  # the person of row 5 again
    11: {"id_number"},  # under 16
    12: {"community_id"},
    13: {"phone", "education"},  # a wrong phone and an unreadable education (a hard filter)
}
# Warned, and saved: an unknown skill or priority group leaves that field empty.
# Row 16 says 男, but its ID number is a woman's: the ID wins, and the row says so.
EXPECTED_WARNED = {14: {"skills"}, 15: {"groups"}, 16: {"gender"}}
CREATED = 7


def roster_table(rows=MESSY_ROWS, header=HEADER, title="天镇县就业困难人员花名册"):
    table = [[title]] if title else []
    return table + [header] + [list(row) for row in rows]


def xlsx_bytes(table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in table:
        sheet.append(row)
    sheet["E3"] = 13800000001  # a phone kept as a number
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(table, encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([["" if v is None else v for v in row] for row in table])
    return text.getvalue().encode(encoding)


FORMATS = {
    "xlsx": lambda table: ("名册.xlsx", xlsx_bytes(table)),
    "csv-utf8-bom": lambda table: ("名册.csv", csv_bytes(table, "utf-8-sig")),
    "csv-utf8": lambda table: ("名册.csv", csv_bytes(table, "utf-8")),
    "csv-gbk": lambda table: ("名册.csv", csv_bytes(table, "gbk")),
}


@pytest.fixture
def catalogue(app):
    return {
        "chengguan": make_community(name="城关社区"),
        "nanguan": make_community(name="南关社区"),
        "sewing": make_skill("sewing", "缝纫"),
        "knot": make_skill("chinese_knot", "中国结编织"),
    }


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


BOUNDARY = "roster-boundary-7d1f"


def upload(client, headers, filename, content, query="", path="/api/residents/import"):
    # The body is built in memory: the test client would spool a big file to a temporary file
    # that nothing closes when the app refuses the request unread.
    body = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()
    return client.post(
        f"{path}{query}",
        data=body,
        headers=headers,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def as_foretold(answer: dict) -> dict:
    """A committed import's answer as its dry run put it: only a commit knows new residents'
    ids, which the commit answers (and the dry run leaves null)."""
    rows = answer["rows"]
    assert all(row["resident_id"] for row in rows if row["outcome"] != "rejected")
    new = [{**row, "resident_id": None} if row["outcome"] == "created" else row for row in rows]
    return {**answer, "rows": new}


def rejected_fields(answer) -> dict[int, set[str]]:
    return {item["row"]: set(item["errors"]) for item in answer["rejected"]}


def resident_by_number(number: str) -> Resident:
    from jobmatch.crypto import cipher

    digest = cipher().lookup_hash(number)
    return db.session.scalars(select(Resident).where(Resident.id_number_hash == digest)).one()


@pytest.mark.parametrize("file_format", list(FORMATS))
def test_a_messy_roster_imports_its_good_rows_and_reports_the_bad(
    client, staff, catalogue, file_format
):
    filename, content = FORMATS[file_format](roster_table())
    response = upload(client, staff, filename, content)
    assert response.status_code == 200, response.json
    answer = response.json
    assert (answer["created"], answer["updated"]) == (CREATED, 0)
    assert rejected_fields(answer) == EXPECTED_REJECTED
    assert {item["row"]: set(item["warnings"]) for item in answer["warnings"]} == EXPECTED_WARNED
    messages = {item["row"]: item["errors"] for item in answer["rejected"]}
    assert "科学计数法" in messages[7]["id_number"][0]
    assert "第5行" in messages[10]["id_number"][0]
    assert "未满16周岁" in messages[11]["id_number"][0]
    assert db.session.scalar(select(func.count(Resident.id))) == CREATED

    educations = set(db.session.scalars(select(Resident.education)))
    assert educations == {"junior_high"}  # 初中 written five ways, and the unknown 焊接 row
    wang2 = resident_by_number(WANG2)
    assert (wang2.name, wang2.phone, wang2.gender) == ("王二", "13800000002", "female")
    assert wang2.community_id == catalogue["chengguan"].id
    assert wang2.skills == ["chinese_knot", "sewing"]
    assert wang2.groups == ["monitored", "poverty_alleviated"]
    assert (wang2.desired_wage, wang2.shift_preference) == (3000, "night")
    wang3 = resident_by_number(WANG3)
    assert wang3.id_number == WANG3
    assert wang3.community_id == catalogue["nanguan"].id
    assert wang3.skills == ["chinese_knot", "sewing"]
    assert (wang3.shift_preference, wang3.groups) == ("any", ["low_income"])
    wang4 = resident_by_number(WANG4)
    assert (wang4.phone, wang4.community_id, wang4.desired_wage) == ("13800000004", None, None)
    assert wang4.groups == ["disabled", "zero_employment_family"]
    wang6 = resident_by_number(WANG6)
    assert (wang6.community_id, wang6.desired_wage) == (catalogue["nanguan"].id, 2800)
    assert (wang6.shift_preference, wang6.groups) == ("any", ["veteran"])
    assert resident_by_number(WANG1).phone == "13800000001"


def test_the_same_file_twice_updates_and_creates_no_duplicates(client, staff, catalogue):
    filename, content = FORMATS["xlsx"](roster_table())
    first = upload(client, staff, filename, content).json
    second = upload(client, staff, filename, content).json
    assert (first["created"], first["updated"]) == (CREATED, 0)
    assert (second["created"], second["updated"]) == (0, CREATED)
    assert second["rejected"] == first["rejected"]
    assert db.session.scalar(select(func.count(Resident.id))) == CREATED
    assert db.session.scalar(select(func.count()).select_from(ResidentSkill)) == 6


def test_a_reimport_updates_what_it_holds_and_leaves_blanks_alone(client, staff, catalogue):
    existing = make_resident(
        id_number=WANG4, name="旧名", desired_wage=5000, employment_status="employed"
    )
    existing.skill_links = [ResidentSkill(skill_code="sewing", source="training")]
    db.session.commit()
    rows = [
        [1, "王四", "", WANG4, "13900000004", "高中", "城关社区", "中国结编织", "", "", "", ""],
        [2, "新人", "", WANG1, "13900000001", "", "", "", "", "", "", ""],
    ]
    answer = upload(client, staff, *FORMATS["csv-utf8"](roster_table(rows, title=None))).json
    assert (answer["created"], answer["updated"], answer["rejected"]) == (1, 1, [])
    db.session.expire_all()
    updated = resident_by_number(WANG4)
    assert (updated.name, updated.phone) == ("王四", "13900000004")
    assert updated.education == "senior_high"
    assert (updated.desired_wage, updated.employment_status) == (5000, "employed")
    assert updated.skills == ["chinese_knot", "sewing"]  # the trained skill stays
    assert resident_by_number(WANG1).education == "other"


def test_a_rejected_row_changes_nothing(client, staff, catalogue):
    existing = make_resident(id_number=WANG1, name="原名")
    rows = [[1, "新名", "", WANG1, "13800000001", "初中", "北京社区", "", "", "", "", ""]]
    answer = upload(client, staff, *FORMATS["csv-utf8"](roster_table(rows, title=None))).json
    assert (answer["created"], answer["updated"]) == (0, 0)
    rejected = [(item["row"], set(item["errors"])) for item in answer["rejected"]]
    assert rejected == [(2, {"community_id"})]
    db.session.expire_all()
    assert db.session.get(Resident, existing.id).name == "原名"


def test_field_names_work_as_headers(client, staff, catalogue):
    header = ["name", "id_number", "phone", "education", "community_id", "skills", "groups"]
    header += ["shift_preference", "desired_wage", "employment_status", "max_commute_km"]
    rows = [
        # fmt: off
        ["Ali Hasan", WANG1, "13800000001", "senior_high", catalogue["nanguan"].id, "sewing",
         "veteran", "night", 4200, "in_training", "15"],
        # fmt: on
    ]
    answer = upload(client, staff, *FORMATS["csv-utf8"](roster_table(rows, header, None))).json
    assert (answer["created"], answer["updated"], answer["rejected"]) == (1, 0, [])
    assert answer["ignored"] == []
    resident = resident_by_number(WANG1)
    assert (resident.name, resident.education, resident.community_id) == (
        "Ali Hasan",
        "senior_high",
        catalogue["nanguan"].id,
    )
    assert (resident.employment_status, resident.max_commute_km) == ("in_training", 15.0)


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return buffer.getvalue()


def _header_only_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号码", "联系电话"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("filename", "content", "code", "fragment"),
    [
        ("empty.csv", b"", 422, "空"),
        ("blank.csv", b"\r\n \r\n", 422, "空"),
        ("header.csv", "姓名,身份证号码,联系电话\r\n,,\r\n".encode(), 422, "只有表头"),
        ("header.xlsx", _header_only_xlsx(), 422, "只有表头"),
        ("missing.csv", "姓名,联系电话\n张三,13800000000\n".encode(), 422, "身份证号码"),
        ("text.csv", b"hello world\n", 422, "缺少必需的列"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), 415, "无法读取"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), 415, ".xls"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x01" * 300, 415, "无法读取"),
        ("archive.xlsx", _zip_of_text(), 415, "无法读取"),
        ("named.xlsx", "姓名,身份证号码,联系电话\n".encode(), 415, ".xlsx"),
        ("latin.csv", b"name,\xff\xfe\xff\n", 415, "无法读取"),
        ("big.csv", b"a" * (TEN_MB + 1), 413, "10 MB"),
        ("bigger.csv", b"a" * (TEN_MB + TEN_MB // 5), 413, ""),
    ],
)
def test_files_that_cannot_be_imported_get_a_clear_answer(
    client, staff, filename, content, code, fragment
):
    response = upload(client, staff, filename, content)
    assert response.status_code == code
    assert set(response.json) == ERROR_KEYS
    assert fragment in response.json["message"]
    assert db.session.scalar(select(func.count(Resident.id))) == 0


@pytest.mark.parametrize("data", [{}, {"file": "姓名,身份证号码,联系电话"}])
def test_a_request_without_a_file_is_422(client, staff, data):
    response = client.post(
        "/api/residents/import", data=data, headers=staff, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "file" in response.json["errors"]


@pytest.mark.parametrize(("role", "expected"), [(None, 401), ("firm", 403), ("resident", 403)])
def test_only_staff_import(client, role, expected):
    headers = auth_headers(make_quick_user(role)) if role else {}
    before = db.session.scalar(select(func.count(Resident.id)))
    filename, content = FORMATS["csv-utf8"](roster_table(MESSY_ROWS[:1], title=None))
    response = upload(client, headers, filename, content)
    assert response.status_code == expected
    assert set(response.json) == ERROR_KEYS
    assert db.session.scalar(select(func.count(Resident.id))) == before


def test_the_household_number_column_is_imported(client, catalogue, staff):
    table = [
        ["姓名", "身份证号码", "联系电话", "户号"],
        ["户一", id_number(date(1981, 2, 2), 13), "13800000011", 1402220010012.0],
        ["户二", id_number(date(1983, 3, 3), 15), "13800000012", "'1402220010012"],
        ["户三", id_number(date(1984, 4, 4), 17), "13800000013", "户号?"],
    ]
    answer = upload(client, staff, "名册.xlsx", xlsx_bytes(table)).json
    # An unreadable 户号 is an optional cell: the person is saved, the cell left empty, warned.
    assert (answer["created"], answer["rejected"]) == (3, [])
    assert {item["row"]: set(item["warnings"]) for item in answer["warnings"]} == {
        4: {"household_no"}
    }
    numbers = db.session.scalars(select(Resident.household_no).order_by(Resident.id)).all()
    assert numbers == ["1402220010012", "1402220010012", None]
