"""Retention at 30, 90 and 180 days, by each breakdown, with the counts behind every rate."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from jobmatch.extensions import db
from tests.employment_helpers import make_spell
from tests.factories import (
    auth_headers,
    make_cohort,
    make_community,
    make_enrollment,
    make_post,
    make_program,
    make_quick_user,
    make_resident,
)

AS_OF = date(2026, 7, 1)


def rows_by(client, user, dimension: str) -> dict:
    response = client.get(
        f"/api/reports/retention?on={AS_OF}&dimension={dimension}", headers=auth_headers(user)
    )
    assert response.status_code == 200, response.json
    return {row["key"]: row for row in response.json}


def test_retention_counts_and_rates_by_firm_group_community_and_program(client):
    staff = make_quick_user("staff")
    community = make_community()
    program = make_program(code="sewing_basic")
    cohort = make_cohort(program, starts_on=date(2025, 10, 1), ends_on=date(2025, 10, 31))
    trained = make_resident(groups=["poverty_alleviated"], community_id=community.id)
    make_enrollment(cohort, trained, status="completed", completed_on=date(2025, 10, 31))
    post = make_post()
    # Started 1 Jan: measured at 30, 90 and 180 days (180 days later is 30 June).
    make_spell(trained, post, started_on=date(2026, 1, 1))
    # Ended on day 45: kept at 30, lost by 90 and 180.
    make_spell(
        make_resident(community_id=community.id),
        post,
        started_on=date(2026, 1, 1),
        ended_on=date(2026, 2, 15),
        end_reason="quit",
    )
    # Started 1 May: measured only at 30 days; ended on day 30 itself, which counts as kept.
    make_spell(
        make_resident(),
        make_post(),
        started_on=date(2026, 5, 1),
        ended_on=date(2026, 5, 31),
        end_reason="dismissed",
    )
    db.session.commit()

    overall = rows_by(client, staff, "all")[None]
    assert (overall["spells"], overall["open"]) == (3, 1)
    assert (overall["measured_30"], overall["retained_30"], overall["rate_30"]) == (3, 3, 1.0)
    assert (overall["measured_90"], overall["retained_90"], overall["rate_90"]) == (2, 1, 0.5)
    assert (overall["measured_180"], overall["retained_180"]) == (2, 1)

    firm = rows_by(client, staff, "firm")[str(post.firm_id)]
    assert (firm["spells"], firm["measured_90"], firm["retained_90"]) == (2, 2, 1)
    groups = rows_by(client, staff, "group")
    assert groups["poverty_alleviated"]["retained_180"] == 1
    assert groups[None]["spells"] == 2 and groups[None]["name"] == "非重点人群"
    place = rows_by(client, staff, "community")[str(community.id)]
    assert (place["measured_90"], place["retained_90"], place["rate_90"]) == (2, 1, 0.5)
    programs = rows_by(client, staff, "program")
    assert programs["sewing_basic"]["spells"] == 1 and programs[None]["spells"] == 2


def test_a_spell_too_young_is_not_measured_and_an_empty_rate_is_null(client):
    staff = make_quick_user("staff")
    make_spell(started_on=date(2026, 6, 20))
    overall = rows_by(client, staff, "all")[None]
    assert (overall["measured_30"], overall["rate_30"]) == (0, None)


def test_the_workbook_holds_the_same_figures(client):
    staff = make_quick_user("staff")
    make_spell(started_on=date(2026, 1, 1))
    response = client.get(
        f"/api/reports/retention?on={AS_OF}&format=xlsx", headers=auth_headers(staff)
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    header, first = [cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]]
    assert sheet.title == "就业留存" and header[:4] == ["分组方式", "编号/代码", "名称", "就业人次"]
    assert first[0] == "全部" and first[3] == 1 and first[header.index("180天留存率")] == 1


def test_only_staff_read_the_retention_report(client):
    for role in ("firm", "resident"):
        user = make_quick_user(role)
        assert client.get("/api/reports/retention", headers=auth_headers(user)).status_code == 403
    assert client.get("/api/reports/retention").status_code == 401
    staff = make_quick_user("staff")
    bad = client.get("/api/reports/retention?dimension=planet", headers=auth_headers(staff))
    assert bad.status_code == 422
