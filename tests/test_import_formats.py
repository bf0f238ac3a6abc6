"""A roster as clerks keep it, in every format they send: the same rows give the same answer.

The roster has a merged title, a 填报单位 line, 序号 and 备注 columns, an ID number typed as a
number, a birth date as a date cell and as an Excel serial, full-width spaces, a name with a
middle dot, an ID ending in X, grid and yes/no priority-group columns, footers and a blank row.
"""

import io
from datetime import date

import pytest
import xlwt
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from jobmatch.crypto import cipher
from jobmatch.extensions import db
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from tests.factories import auth_headers, make_community, make_quick_user, make_skill
from tests.roster_writers import csv_bytes, every_format
from tests.test_import import as_foretold, id_number, id_number_ending_in_x, upload

HEADER = ["序号", "姓名", "性别", "身份证号码", "出生日期", "联系电话", "文化程度", "社区"]
HEADER += ["网格", "技能", "期望月薪", "班次意向", "人员类别", "是否脱贫户", "是否搬迁户"]
HEADER += ["是否残疾", "备注"]
WIDTH = len(HEADER)

LI = id_number(date(1980, 1, 1), 11)
ZHAO = id_number(date(1975, 5, 20), 22)  # serial 22: a woman
AYI = id_number_ending_in_x(date(1990, 3, 15))
MA = id_number(date(1988, 8, 8), 55)
SUN = id_number(date(1979, 3, 3), 66)
ZHOU = id_number(date(1992, 2, 2), 77)
WU = id_number(date(1985, 6, 6), 13)


def clerk_rows() -> list[list]:
    # fmt: off
    return [
        [1, "李　明", "男", LI, 29221, "13800000001", "初中", "城关社区", "第一网格", "缝纫、电焊",
         3000, "白班", "", "是", "否", "", ""],
        [2, "赵 丽", "女", ZHAO, date(1975, 5, 20), "13800000002", "高中", "城关", "一网格", "无",
         "面议", "看情况", "搬迁户", "Y", "", "N", "技能写了无"],
        [3, "阿依古丽．买买提", "", AYI, "1990年3月15日", "13800000003", "中专", "谷前堡社区",
         2, "焊结", 3500, "不限", "", "√", "√", "", "名字带点"],
        [4, "马强", "女", MA, "", "13800000004", "大专", "", "", "", "", "", "低保户", "", "", "是",
         "性别填错"],
        [5, "孙伟", "", float(SUN), "", "13800000005", "初中", "城关社区", "", "", "", "", "", "",
         "", "", "号码存成了数字"],
        [None] * WIDTH,
        [6, "周杰", "", ZHOU, "", "13800000006", "初中", "古前堡社区", "", "", "", "", "", "", "",
         "", "社区写错"],
        [7, "", "", WU, "", "13800000007", "初中", "", "", "", "", "", "", "", "", "", "没写名字"],
        [8, "李明", "", LI, "", "13800000008", "初中", "", "", "", "", "", "", "", "", "", "重复"],
        ["制表人：王五", *[None] * (WIDTH - 1)],
        ["合计：8人", *[None] * (WIDTH - 1)],
    ]
    # fmt: on


def clerk_table() -> list[list]:
    title = ["天镇县2026年就业困难人员花名册", *[None] * (WIDTH - 1)]
    unit = ["填报单位：城关社区居委会", *[None] * 6, "填报日期：2026年11月", *[None] * (WIDTH - 8)]
    return [title, unit, HEADER, *clerk_rows()]


FILES = every_format(clerk_table(), WIDTH)
# Spreadsheet rows: title 1, 填报单位 2, header 3, data from 4; row 9 is blank.
REJECTED = {8: {"id_number"}, 10: {"community_id"}, 11: {"name"}, 12: {"id_number"}}
# Row 5: 技能 无, 期望月薪 面议, an unknown shift, and 是否脱贫户 Y beside a 人员类别 without it;
# row 6: 焊结 is no skill; row 7: 女 against a man's ID number, 是否残疾 beside 低保户 alone.
WARNED = {
    5: {"skills", "desired_wage", "shift_preference", "groups.poverty_alleviated"},
    6: {"skills"},
    7: {"gender", "groups.disabled"},
}


@pytest.fixture
def places(app):
    chengguan = make_community(name="城关社区")
    guqianbao = make_community(name="谷前堡社区")
    make_skill("sewing", "缝纫")
    make_skill("welding", "焊接")
    return {"chengguan": chengguan, "guqianbao": guqianbao}


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


def resident(number: str) -> Resident:
    digest = cipher().lookup_hash(number)
    return db.session.scalars(select(Resident).where(Resident.id_number_hash == digest)).one()


@pytest.mark.parametrize("kind", list(FILES))
def test_every_format_gives_the_same_answer(client, staff, places, kind):
    response = upload(client, staff, *FILES[kind])
    assert response.status_code == 200, response.json
    answer = response.json
    assert (answer["created"], answer["updated"], answer["unchanged"]) == (4, 0, 0)
    assert {item["row"]: set(item["errors"]) for item in answer["rejected"]} == REJECTED
    assert {item["row"]: set(item["warnings"]) for item in answer["warnings"]} == WARNED
    assert [item["row"] for item in answer["rows"]] == [4, 5, 6, 7, 8, 10, 11, 12]
    assert answer["rows"][2]["name"] == "阿依古丽·买买提"
    assert [item["header"] for item in answer["ignored"]] == ["序号", "备注"]
    used = {item["header"]: item["field"] for item in answer["columns"]}
    assert used["网格"] == "grid_id" and used["是否脱贫户"] == "groups.poverty_alleviated"
    assert used["性别"] == "gender" and used["出生日期"] == "birth_date"
    messages = {item["row"]: item for item in answer["warnings"] + answer["rejected"]}
    assert "是否指：谷前堡社区？" in messages[10]["errors"]["community_id"][0]
    assert "是否指：焊接？" in messages[6]["warnings"]["skills"][0]
    assert "科学计数法" in messages[8]["errors"]["id_number"][0]
    assert "第4行" in messages[12]["errors"]["id_number"][0]

    li, zhao, ayi, ma = resident(LI), resident(ZHAO), resident(AYI), resident(MA)
    chengguan, guqianbao = places["chengguan"], places["guqianbao"]
    assert (li.name, li.skills, li.desired_wage) == ("李明", ["sewing", "welding"], 3000)
    assert (li.community_id, li.grid_id) == (chengguan.id, chengguan.grids[0].id)
    assert li.groups == ["poverty_alleviated"]
    assert (zhao.name, zhao.grid_id, zhao.skills, zhao.desired_wage) == (
        "赵丽",
        chengguan.grids[0].id,
        [],
        None,
    )
    assert zhao.groups == ["poverty_alleviated", "relocated"]
    assert (ayi.name, ayi.id_number, ayi.grid_id) == ("阿依古丽·买买提", AYI, guqianbao.grids[1].id)
    assert ayi.groups == ["poverty_alleviated", "relocated"]
    assert (ma.gender, ma.groups) == ("male", ["disabled", "low_income"])
    assert db.session.scalar(select(func.count(Resident.id))) == 4


def snapshot() -> list[tuple]:
    db.session.expire_all()
    residents = db.session.execute(
        select(Resident.id, Resident.name, Resident.community_id, Resident.grid_id)
        .add_columns(Resident.education, Resident.desired_wage, Resident.updated_at)
        .order_by(Resident.id)
    ).all()
    groups = db.session.execute(select(ResidentGroup.resident_id, ResidentGroup.group)).all()
    skills = db.session.execute(select(ResidentSkill.resident_id, ResidentSkill.skill_code)).all()
    phones = [r.phone for r in db.session.scalars(select(Resident).order_by(Resident.id))]
    return [tuple(row) for row in residents] + sorted(groups) + sorted(skills) + phones


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_reimport_changes_nothing(client, staff, places, kind):
    upload(client, staff, *FILES[kind])
    before = snapshot()
    answer = upload(client, staff, *FILES[kind]).json
    assert (answer["created"], answer["updated"], answer["unchanged"]) == (0, 4, 4)
    assert {item["outcome"] for item in answer["rows"]} == {"unchanged", "rejected"}
    assert snapshot() == before


def test_a_file_lacking_columns_blanks_nothing(client, staff, places):
    upload(client, staff, *FILES["xlsx"])
    before = snapshot()
    table = [["姓名", "身份证号码"], ["李明", LI], ["马强", MA]]
    answer = upload(client, staff, "短表.csv", csv_bytes(table)).json
    assert (answer["updated"], answer["unchanged"]) == (2, 2)
    assert snapshot() == before


@pytest.mark.parametrize("damaged", ["李?", "李\ufffd", "李？"])
def test_a_damaged_name_never_overwrites(client, staff, places, damaged):
    upload(client, staff, *FILES["xlsx"])
    table = [["姓名", "身份证号码", "联系电话"], [damaged, LI, "13900000001"]]
    answer = upload(client, staff, "gbk.csv", csv_bytes(table, "gb18030")).json
    assert answer["rows"][0]["changes"] == ["phone"]
    assert "不会被改动" in answer["warnings"][0]["warnings"]["name"][0]
    db.session.expire_all()
    assert (resident(LI).name, resident(LI).phone) == ("李明", "13900000001")


def test_a_dry_run_saves_nothing_and_foretells_the_commit(client, staff, places):
    preview = upload(client, staff, *FILES["xls"], query="?dry_run=1").json
    assert preview["dry_run"] is True
    assert db.session.scalar(select(func.count(Resident.id))) == 0
    committed = upload(client, staff, *FILES["xls"]).json
    assert committed["dry_run"] is False
    assert preview.pop("upload_id") != committed.pop("upload_id")  # each upload kept apart
    assert {**preview, "dry_run": False} == as_foretold(committed)


def test_a_yes_no_column_removes_only_its_own_group(client, staff, places):
    upload(client, staff, *FILES["xlsx"])  # 赵丽: 搬迁户 and 脱贫户
    table = [["姓名", "身份证号码", "是否搬迁户"], ["赵丽", ZHAO, "否"]]
    answer = upload(client, staff, "搬迁.csv", csv_bytes(table)).json
    assert answer["rows"][0]["changes"] == ["groups"]
    db.session.expire_all()
    assert resident(ZHAO).groups == ["poverty_alleviated"]


@pytest.mark.parametrize("dot", ["•", "・", "．", "･", "·"])
def test_a_middle_dot_is_one_dot_in_registration_import_and_search(client, staff, places, dot):
    registered = client.post(
        "/api/residents",
        json={"name": f"买买提{dot}艾力", "id_number": SUN, "phone": "13800000009"},
        headers=staff,
    )
    assert registered.status_code == 201, registered.json
    assert registered.json["name"] == "买买提·艾力"
    table = [["姓名", "身份证号码"], [f"买买提{dot}艾力", SUN]]
    answer = upload(client, staff, "点.csv", csv_bytes(table, "utf-8")).json
    assert answer["unchanged"] == 1
    for query in ("买买提·艾力", f"买买提{dot}艾力", "买买提•艾"):
        found = client.get("/api/residents", query_string={"q": query}, headers=staff).json
        assert [item["name"] for item in found] == ["买买提·艾力"]


def test_rejected_rows_download_in_the_clerks_layout(client, staff, places):
    answer = upload(client, staff, *FILES["ods"]).json
    response = client.get(f"/api/residents/import/{answer['upload_id']}/rejected", headers=staff)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [
        [cell if cell is not None else "" for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert rows[0][0] == "天镇县2026年就业困难人员花名册"
    assert rows[2] == [*HEADER, "错误原因"]
    assert [row[1] for row in rows[3:]] == ["孙伟", "周杰", "", "李明"]
    assert "科学计数法" in rows[3][-1] and "谷前堡社区" in rows[4][-1]
    assert rows[6][-2] == "重复"  # 备注 stays in its column
    other = auth_headers(make_quick_user("staff"))
    missing = client.get(f"/api/residents/import/{answer['upload_id']}/rejected", headers=other)
    assert missing.status_code == 404


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_community_merged_down_a_block_of_people_is_everyones(client, staff, places, kind):
    table = [["姓名", "身份证号码", "联系电话", "社区"]]
    table += [["李明", LI, "13800000001", "谷前堡社区"], ["赵丽", ZHAO, "13800000002", ""]]
    table += [["马强", MA, "13800000003", ""], ["孙伟", SUN, "13800000005", "城关社区"]]
    if kind == "xlsx":
        workbook = Workbook()
        for row in table:
            workbook.active.append(row)
        workbook.active.merge_cells("D2:D4")
        buffer = io.BytesIO()
        workbook.save(buffer)
    else:
        workbook = xlwt.Workbook(encoding="utf-8")
        sheet = workbook.add_sheet("名册")
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                if c != 3 or r in (0, 4):
                    sheet.write(r, c, value)
        sheet.write_merge(1, 3, 3, 3, "谷前堡社区")
        buffer = io.BytesIO()
        workbook.save(buffer)
    answer = upload(client, staff, f"合并.{kind}", buffer.getvalue()).json
    assert (answer["created"], answer["rejected"]) == (4, [])
    communities = [resident(n).community_id for n in (LI, ZHAO, MA, SUN)]
    guqianbao, chengguan = places["guqianbao"].id, places["chengguan"].id
    assert communities == [guqianbao, guqianbao, guqianbao, chengguan]


def test_yes_no_facts_for_the_matcher_are_read_and_kept(client, staff, places):
    table = [["姓名", "身份证号码", "联系电话", "能否上夜班", "有无交通工具", "是否需照顾家人"]]
    table += [
        ["李明", LI, "13800000001", "√", "否", ""],
        ["马强", MA, "13800000004", "N", "", "是"],
    ]
    answer = upload(client, staff, "夜班.csv", csv_bytes(table)).json
    assert (answer["created"], answer["warnings"]) == (2, [])
    li, ma = resident(LI), resident(MA)
    assert (li.night_shift_ok, li.has_transport, li.caregiver) == (True, False, None)
    assert (ma.night_shift_ok, ma.has_transport, ma.caregiver) == (False, None, True)
    table = [["姓名", "身份证号码", "能否上夜班"], ["李明", LI, ""], ["马强", MA, "也许"]]
    answer = upload(client, staff, "夜班.csv", csv_bytes(table)).json
    assert answer["unchanged"] == 2 and set(answer["warnings"][0]["warnings"]) == {"night_shift_ok"}


def test_a_formula_in_a_rejected_row_comes_back_as_text(client, staff, places):
    table = [["姓名", "身份证号码", "联系电话", "备注"], ["", LI, "13800000001", '=HYPERLINK("x")']]
    answer = upload(client, staff, "公式.csv", csv_bytes(table)).json
    response = client.get(f"/api/residents/import/{answer['upload_id']}/rejected", headers=staff)
    sheet = load_workbook(io.BytesIO(response.data)).active
    note = sheet.cell(row=2, column=4)
    assert (note.value, note.data_type) == ('=HYPERLINK("x")', "s")
    assert sheet.cell(row=2, column=5).value == "姓名不能为空。"
