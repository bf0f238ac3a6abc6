"""Training subsidy: the rules, one of a kind per person a year, claims, and the xlsx roster."""

from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from jobmatch.audit.models import AuditEntry
from jobmatch.extensions import db
from jobmatch.training.models import Attendance, SubsidyClaim
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enrollment,
    make_firm,
    make_program,
    make_quick_user,
    make_resident,
    make_training_session,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


def _completed(cohort, resident=None, hours=100, **fields):
    fields.setdefault("completed_on", cohort.ends_on)
    return make_enrollment(
        cohort, resident, status="completed", passed=True, hours_attended=hours, **fields
    )


def _roster(client, headers, cohort):
    response = client.get(f"/api/cohorts/{cohort.id}/subsidy", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_daily_rate_changes_after_the_tenth_day_and_days_are_capped(client, staff):
    # No sign-ins recorded: days are hours / 8, rounded down.
    cohort = make_cohort(hours=100)
    cases = {"十二天": (100, 12, 1160.0), "十天": (80, 10, 1000.0), "不足": (79.5, 9, 0.0)}
    for name, (hours, _, _) in cases.items():
        _completed(cohort, make_resident(name=name), hours=hours)
    long = make_cohort(hours=320, starts_on=date(2024, 3, 1), ends_on=date(2024, 4, 30))
    _completed(long, make_resident(name="四十天"), hours=320)
    make_enrollment(cohort, make_resident(name="在读"), hours_attended=100)  # not completed

    roster = _roster(client, staff, cohort)
    rows = {row["name"]: row for row in roster["rows"]}
    assert set(rows) == set(cases)
    for name, (_, days, amount) in cases.items():
        assert (rows[name]["days"], rows[name]["amount"]) == (days, amount), name
    assert "出勤率" in rows["不足"]["note"]
    assert rows["十二天"]["standard"] == "前10天100元/天，之后80元/天，最多30天"
    assert roster["total"] == 2160.0
    capped = _roster(client, staff, long)["rows"][0]
    assert (capped["days"], capped["amount"]) == (40, 2600.0)  # 10 x 100 + 20 x 80


def test_days_attended_are_the_dates_signed_in(client, staff):
    cohort = make_cohort(hours=20)
    resident = make_resident()
    enrollment = _completed(cohort, resident, hours=20)
    for day, start, end in [(6, "08:00", "12:00"), (6, "14:00", "18:00"), (7, "08:00", "12:00")]:
        session = make_training_session(
            cohort, held_on=date(2024, 5, day), starts_at=start, ends_at=end
        )
        db.session.add(
            Attendance(
                enrollment_id=enrollment.id,
                session_id=session.id,
                signed_in_at=datetime.combine(session.held_on, time.fromisoformat(start)),
                hours=4,
            )
        )
    db.session.commit()
    row = _roster(client, staff, cohort)["rows"][0]
    assert (row["days"], row["amount"]) == (2, 200.0)


def test_the_rules_come_from_app_config(app, client, staff):
    app.config["TRAINING_SUBSIDY_RULES"] = {
        **app.config["TRAINING_SUBSIDY_RULES"],
        "classroom": {
            "kind": "vocational_training",
            "daily_rate": "120",
            "later_daily_rate": "90.5",
            "tier_days": 5,
            "max_days": 8,
            "min_attendance": 0.95,
            "hours_per_day": 6,
        },
    }
    cohort = make_cohort(hours=60)
    _completed(cohort, make_resident(name="满勤"), hours=60)  # 10 days, 8 paid
    _completed(cohort, make_resident(name="九成"), hours=54)  # under 95%
    rows = {row["name"]: row for row in _roster(client, staff, cohort)["rows"]}
    assert rows["满勤"]["amount"] == 5 * 120 + 3 * 90.5
    assert rows["九成"]["amount"] == 0 and "95%" in rows["九成"]["note"]


def test_one_subsidy_of_a_kind_per_person_per_year(client, staff):
    knot, livestream = make_program(code="chinese_knot"), make_program(code="livestream")
    spring = make_cohort(knot, hours=80, name="中国结春季班", ends_on=date(2024, 5, 31))
    autumn = make_cohort(
        livestream, hours=80, starts_on=date(2024, 9, 2), ends_on=date(2024, 9, 27)
    )
    next_year = make_cohort(knot, hours=80, starts_on=date(2025, 3, 3), ends_on=date(2025, 3, 28))
    on_the_job = make_cohort(
        knot,
        hours=80,
        mode="on_the_job",
        firm_id=make_firm().id,
        starts_on=date(2024, 10, 8),
        ends_on=date(2024, 11, 7),
    )
    twice = make_resident(name="两次")
    for cohort in (spring, autumn, next_year, on_the_job):
        _completed(cohort, twice, hours=80)
    _completed(autumn, make_resident(name="一次"), hours=80)

    assert _roster(client, staff, spring)["rows"][0]["amount"] == 1000.0
    autumn_rows = {row["name"]: row for row in _roster(client, staff, autumn)["rows"]}
    assert autumn_rows["两次"]["amount"] == 0
    assert autumn_rows["两次"]["note"] == "2024年已在「中国结春季班」享受职业技能培训补贴"
    assert autumn_rows["一次"]["amount"] == 1000.0
    assert _roster(client, staff, next_year)["rows"][0]["amount"] == 1000.0
    assert _roster(client, staff, on_the_job)["rows"][0]["amount"] == 600.0  # 10 days x 60


def test_a_filed_claim_wins_the_year_and_is_filed_once(client, staff):
    early = make_cohort(hours=80, name="早班", ends_on=date(2024, 5, 31))
    late = make_cohort(hours=80, name="晚班", starts_on=date(2024, 9, 2), ends_on=date(2024, 9, 27))
    resident = make_resident(name="赵六")
    _completed(late, resident, hours=80)
    _completed(late, make_resident(name="孙七"), hours=96)

    filed = client.post(
        f"/api/cohorts/{late.id}/subsidy/claims", json={"claimed_on": "2024-10-08"}, headers=staff
    )
    assert filed.status_code == 201, filed.json
    assert all(row["claimed"] for row in filed.json["rows"])
    assert filed.json["total"] == 1000.0 + 1160.0
    assert filed.json["rows"][0]["note"] == "已于2024-10-08申报"
    again = client.post(f"/api/cohorts/{late.id}/subsidy/claims", headers=staff)
    assert again.status_code == 201 and again.json["total"] == filed.json["total"]
    assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 2

    # An earlier class of the same year entered afterwards: the claim filed still wins.
    _completed(early, resident, hours=80)
    early_row = _roster(client, staff, early)["rows"][0]
    assert early_row["amount"] == 0 and "晚班" in early_row["note"]
    client.post(f"/api/cohorts/{early.id}/subsidy/claims", headers=staff)
    assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 2


def test_the_first_class_of_the_year_is_the_one_claimable(client, staff):
    early = make_cohort(hours=80, name="早班", ends_on=date(2024, 5, 31))
    late = make_cohort(hours=80, name="晚班", starts_on=date(2024, 9, 2), ends_on=date(2024, 9, 27))
    resident = make_resident(name="赵六")
    first = _completed(early, resident, hours=80)
    _completed(late, resident, hours=80)
    late_filed = client.post(f"/api/cohorts/{late.id}/subsidy/claims", headers=staff).json
    assert late_filed["total"] == 0 and not late_filed["rows"][0]["claimed"]
    assert "早班" in late_filed["rows"][0]["note"]
    assert (
        client.post(f"/api/cohorts/{early.id}/subsidy/claims", headers=staff).json["total"]
        == 1000.0
    )
    assert db.session.scalars(select(SubsidyClaim.enrollment_id)).all() == [first.id]


def _read_roster(response):
    assert response.status_code == 200
    assert response.mimetype == XLSX
    sheet = load_workbook(BytesIO(response.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return values[0][0], values[1], values[2:-1], values[-1]


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_xlsx_roster_reads_back_with_the_right_totals(client, role):
    headers = auth_headers(make_quick_user(role))
    cohort = make_cohort(hours=100, name="中国结编织第1期")
    numbers = {}
    for name, hours in (("甲", 100), ("乙", 80), ("丙", 60)):
        resident = make_resident(name=name)
        numbers[name] = resident.id_number
        _completed(cohort, resident, hours=hours)
    json_total = _roster(client, headers, cohort)["total"]

    response = client.get(f"/api/cohorts/{cohort.id}/subsidy?format=xlsx", headers=headers)
    title, header, rows, total = _read_roster(response)
    assert "中国结编织第1期" in title
    assert header == [
        "序号",
        "姓名",
        "身份证号码",
        "培训项目",
        "期次",
        "出勤天数",
        "补贴标准",
        "补贴金额",
        "备注",
    ]
    assert [row[0] for row in rows] == [1, 2, 3]
    assert [(row[1], row[5], row[7]) for row in rows] == [
        ("甲", 12, 1160),
        ("乙", 10, 1000),
        ("丙", 7, 0),
    ]
    assert total[0] == "合计" and total[5] == 29
    assert total[7] == sum(row[7] for row in rows) == json_total == 2160
    for row in rows:
        full = numbers[row[1]]
        if role == "admin":
            assert row[2] == full
        else:
            assert row[2] == f"{full[:6]}********{full[-4:]}"
    audited = db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "resident.export_roster")
    )
    assert audited == (6 if role == "admin" else 0)  # the JSON read and the xlsx, 3 each


def test_an_empty_roster_still_opens(client, staff):
    cohort = make_cohort()
    make_enrollment(cohort)
    _, header, rows, total = _read_roster(
        client.get(f"/api/cohorts/{cohort.id}/subsidy?format=xlsx", headers=staff)
    )
    assert header[0] == "序号" and rows == [] and total[0] == "合计" and total[7] == 0


def test_an_unknown_format_is_422(client, staff):
    cohort = make_cohort()
    response = client.get(f"/api/cohorts/{cohort.id}/subsidy?format=pdf", headers=staff)
    assert response.status_code == 422 and "format" in response.json["errors"]


def test_amounts_are_exact_in_yuan(app):
    from jobmatch.training.subsidy import SubsidyRule

    with app.test_request_context():
        rule = SubsidyRule.for_mode("classroom")
    assert rule.amount(0) == Decimal("0.00")
    assert rule.amount(10) == Decimal("1000.00")
    assert rule.amount(11) == Decimal("1080.00")
    assert rule.amount(30) == rule.amount(31) == Decimal("2600.00")
