"""A roster uploaded straight into a cohort (POST /api/cohorts/{id}/roster): the import registers
or finds each person, the enrolment service enrols them, and every row says what happened."""

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from jobmatch.training.cohort_roster import MAX_ROWS
from jobmatch.training.models import Enrollment
from jobmatch.validators import mask_id_number
from tests.factories import (
    auth_headers,
    make_cohort,
    make_community,
    make_enrollment,
    make_quick_user,
    make_resident,
    make_training_session,
)
from tests.roster_writers import csv_bytes, xlsx_bytes
from tests.test_import import ERROR_KEYS, id_number, upload

HEADER = ["序号", "姓名", "身份证号码", "联系电话", "文化程度", "社区"]
NEW = id_number(date(1982, 3, 4), 101)
KNOWN = id_number(date(1979, 7, 8), 103)
BAD_CHECK = NEW[:17] + ("0" if NEW[17] != "0" else "1")


def roster_xlsx(rows: list[list]) -> bytes:
    """A class list as a clerk types it: a title, the header, the people."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["天镇县中国结编织培训班报名表"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person(n: int, name: str, number: str, phone: str = "") -> list:
    return [n, name, number, phone or f"138{n:08d}", "初中", "城关社区"]


@pytest.fixture
def staff(app):
    make_community(name="城关社区")
    return auth_headers(make_quick_user("staff"))


def send(client, headers, cohort_id, content, filename="报名表.xlsx", query=""):
    path = f"/api/cohorts/{cohort_id}/roster"
    return upload(client, headers, filename, content, query=query, path=path)


def count(model, *conditions) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def by_row(answer) -> dict[int, dict]:
    return {item["row"]: item for item in answer["rows"]}


def test_new_known_and_rejected_rows_are_registered_enrolled_and_reported(client, staff):
    cohort = make_cohort(capacity=30)
    known = make_resident(name="李秀英", id_number=KNOWN)
    content = roster_xlsx(
        [
            person(1, "王新", NEW),
            person(2, "李秀英", KNOWN),
            person(3, "坏号", BAD_CHECK),
        ]
    )
    response = send(client, staff, cohort.id, content)
    assert response.status_code == 200, response.json
    answer = response.json
    assert answer["totals"] == {
        "rows": 3, "created": 1, "existing": 1, "rejected": 1,
        "enrolled": 2, "refused": 0, "already": 0,
    }  # fmt: skip
    rows = by_row(answer)
    new = rows[3]
    created = db.session.get(Resident, new["resident_id"])
    assert created.name == "王新" and created.id_number == NEW
    assert (new["registration"], new["enrollment"]) == ("created", "enrolled")
    assert new["id_number"] == mask_id_number(NEW) and "*" in new["id_number"]
    assert (rows[4]["resident_id"], rows[4]["registration"]) == (known.id, "existing")
    assert rows[4]["enrollment"] == "enrolled"
    rejected = rows[5]
    assert (rejected["registration"], rejected["enrollment"]) == ("rejected", None)
    assert rejected["resident_id"] is None and "id_number" in rejected["errors"]
    assert answer["upload_id"]  # the rejected rows can be downloaded, as from the import
    enrolled = db.session.scalars(
        select(Enrollment.resident_id).where(Enrollment.cohort_id == cohort.id)
    ).all()
    assert sorted(enrolled) == sorted([created.id, known.id])
    assert answer["seats_left"] == 28
    assert {new["enrollment_id"], rows[4]["enrollment_id"]} == set(
        db.session.scalars(select(Enrollment.id).where(Enrollment.cohort_id == cohort.id))
    )


def test_each_refusal_is_on_its_row_in_the_services_words(client, staff):
    cohort = make_cohort(capacity=2)
    clashing = make_cohort(name="箱包组装班")
    make_training_session(cohort, starts_at="08:30", ends_at="12:30")
    make_training_session(clashing, held_on=cohort.starts_on, starts_at="09:00", ends_at="11:00")
    busy = make_resident(name="忙人", id_number=KNOWN)
    make_enrollment(clashing, busy)
    numbers = [id_number(date(1980, 1, n), 110 + n) for n in (1, 2, 3)]
    content = roster_xlsx(
        [
            person(1, "忙人", KNOWN),
            person(2, "甲", numbers[0]),
            person(3, "乙", numbers[1]),
            person(4, "丙", numbers[2]),
        ]
    )
    answer = send(client, staff, cohort.id, content).json
    rows = by_row(answer)
    assert rows[3]["enrollment"] == "refused" and "箱包组装班" in rows[3]["reason"]
    assert "冲突" in rows[3]["reason"]
    assert [rows[n]["enrollment"] for n in (4, 5)] == ["enrolled", "enrolled"]
    assert rows[6]["enrollment"] == "refused" and rows[6]["reason"] == "本期已满员（2人）。"
    assert rows[6]["registration"] == "created"  # registered all the same: the bureau has them
    assert answer["totals"]["refused"] == 2 and answer["seats_left"] == 0
    assert count(Enrollment, Enrollment.cohort_id == cohort.id) == 2


def test_the_same_file_twice_registers_and_enrols_nobody_twice(client, staff):
    cohort = make_cohort()
    dropped = make_resident(name="退学的", id_number=KNOWN)
    make_enrollment(cohort, dropped, status="dropped")
    content = roster_xlsx([person(1, "王新", NEW), person(2, "退学的", KNOWN)])
    first = send(client, staff, cohort.id, content).json
    assert [row["enrollment"] for row in first["rows"]] == ["enrolled", "already"]
    assert "已退出" in first["rows"][1]["reason"]  # the clerk can take them back on the roster
    residents, enrolments = count(Resident), count(Enrollment)

    again = send(client, staff, cohort.id, content)
    assert again.status_code == 200
    assert again.json["totals"] == {
        "rows": 2, "created": 0, "existing": 2, "rejected": 0,
        "enrolled": 0, "refused": 0, "already": 2,
    }  # fmt: skip
    assert [row["enrollment_id"] for row in again.json["rows"]] == [
        row["enrollment_id"] for row in first["rows"]
    ]
    assert (count(Resident), count(Enrollment)) == (residents, enrolments)


def test_a_dry_run_answers_the_same_and_saves_nothing(client, staff):
    cohort = make_cohort(capacity=2)
    make_enrollment(cohort)
    known = make_resident(id_number=KNOWN)
    content = roster_xlsx([person(1, "王新", NEW), person(2, "李", KNOWN), person(3, "坏", "1")])
    residents, enrolments = count(Resident), count(Enrollment)
    preview = send(client, staff, cohort.id, content, query="?dry_run=1")
    assert preview.status_code == 200 and preview.json["dry_run"] is True
    rows = by_row(preview.json)
    assert (rows[3]["registration"], rows[3]["resident_id"]) == ("created", None)
    assert rows[3]["enrollment"] == "enrolled"  # the one seat left goes to the first
    assert rows[4]["resident_id"] == known.id and rows[4]["enrollment"] == "refused"
    assert "满员" in rows[4]["reason"]
    assert (count(Resident), count(Enrollment)) == (residents, enrolments)

    done = send(client, staff, cohort.id, content).json
    assert [(r["registration"], r["enrollment"]) for r in done["rows"]] == [
        (r["registration"], r["enrollment"]) for r in preview.json["rows"]
    ]


@pytest.mark.parametrize(
    ("filename", "write"),
    [
        ("全县名册.csv", csv_bytes),
        # A workbook is refused by the scan before the reader opens it: the same answer.
        ("全县名册.xlsx", lambda table: xlsx_bytes(table, merged_title=False)),
    ],
)
def test_a_file_far_bigger_than_a_class_is_refused_before_anything_is_saved(
    client, staff, filename, write
):
    cohort = make_cohort()
    table = [["姓名", "身份证号码", "联系电话"]]
    table += [
        [f"人{n}", id_number(date(1970 + n % 30, 1 + n % 12, 1 + n % 28), n), f"138{n:08d}"]
        for n in range(MAX_ROWS + 1)
    ]
    residents = count(Resident)
    response = send(client, staff, cohort.id, write(table), filename=filename)
    assert response.status_code == 413
    assert set(response.json) == ERROR_KEYS
    message = response.json["message"]
    assert f"超过{MAX_ROWS}行" in message and "导入名册" in message
    assert count(Resident) == residents and count(Enrollment) == 0
    fits = send(client, staff, cohort.id, write(table[:-1]), filename=filename)
    assert fits.status_code == 200 and fits.json["totals"]["rows"] == MAX_ROWS


@pytest.mark.parametrize(
    ("filename", "content", "code", "fragment"),
    [
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), 415, "无法读取"),
        ("named.xlsx", "姓名,身份证号码,联系电话\n".encode(), 415, ".xlsx"),
        ("header.csv", "姓名,身份证号码,联系电话\r\n".encode(), 422, "只有表头"),
        ("empty.csv", b"", 422, "空"),
    ],
)
def test_a_file_that_cannot_be_read_saves_nothing(client, staff, filename, content, code, fragment):
    cohort = make_cohort()
    residents = count(Resident)
    response = send(client, staff, cohort.id, content, filename=filename)
    assert response.status_code == code
    assert set(response.json) == ERROR_KEYS and fragment in response.json["message"]
    assert count(Resident) == residents and count(Enrollment) == 0


def test_a_file_of_only_bad_rows_saves_nothing(client, staff):
    cohort = make_cohort()
    residents = count(Resident)
    content = roster_xlsx([person(1, "坏一", BAD_CHECK), person(2, "坏二", "12345")])
    answer = send(client, staff, cohort.id, content).json
    assert answer["totals"]["rejected"] == 2 and answer["totals"]["enrolled"] == 0
    assert count(Resident) == residents and count(Enrollment) == 0


def test_a_cohort_that_does_not_exist_registers_nobody(client, staff):
    residents = count(Resident)
    response = send(client, staff, 2_000_000_000, roster_xlsx([person(1, "王新", NEW)]))
    assert response.status_code == 404
    assert count(Resident) == residents


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 401), ("firm", 403), ("resident", 403), ("staff", 200), ("admin", 200)],
)
def test_only_the_bureau_may_upload_into_a_cohort(client, staff, role, expected):
    cohort = make_cohort()
    headers = auth_headers(make_quick_user(role)) if role else {}
    residents = count(Resident)
    response = send(client, headers, cohort.id, roster_xlsx([person(1, "王新", NEW)]))
    assert response.status_code == expected
    if expected != 200:
        assert set(response.json) == ERROR_KEYS
        assert count(Resident) == residents and count(Enrollment) == 0


def test_the_import_tells_its_caller_each_saved_rows_resident(client, staff):
    known = make_resident(id_number=KNOWN)
    content = roster_xlsx([person(1, "王新", NEW), person(2, "李", KNOWN), person(3, "坏", "1")])
    preview = upload(client, staff, "名册.xlsx", content, query="?dry_run=1").json
    assert [row["resident_id"] for row in preview["rows"]] == [None, known.id, None]
    answer = upload(client, staff, "名册.xlsx", content).json
    assert {"created", "updated", "rejected"} <= set(answer)
    new_id, known_id, rejected_id = (row["resident_id"] for row in answer["rows"])
    assert db.session.get(Resident, new_id).id_number == NEW
    assert (known_id, rejected_id) == (known.id, None)
    assert [row["id_number"] for row in answer["rows"]] == [
        mask_id_number(NEW),
        mask_id_number(KNOWN),
        None,
    ]
