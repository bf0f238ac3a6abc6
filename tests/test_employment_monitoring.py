"""防返贫监测: who in the priority groups worked in a month, who lost work, and households'
work income against the monitoring line."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch.communities.models import Grid
from jobmatch.employment.income import spell_wages
from jobmatch.employment.models import EmploymentSpell
from jobmatch.extensions import db
from tests.employment_helpers import make_spell
from tests.factories import (
    auth_headers,
    make_cohort,
    make_community,
    make_delivery,
    make_enrollment,
    make_order,
    make_quick_user,
    make_resident,
)


@pytest.fixture
def village(app):
    """Two households of one grid: 户 H1 (a hire across January's end, and knots in February)
    and 户 H2 (no work at all); and a self-employed and a trained resident without one."""
    community = make_community(name="万家乐")
    grid = Grid(community_id=community.id, name="一网格", lat=40.4, lon=114.1)
    db.session.add(grid)
    db.session.commit()
    place = {"community_id": community.id, "grid_id": grid.id}
    hired = make_resident(name="甲", groups=["poverty_alleviated"], household_no="H1", **place)
    knotter = make_resident(name="乙", groups=["monitored"], household_no="H1", **place)
    idle = make_resident(name="丙", groups=["relocated"], household_no="H2", **place)
    make_resident(name="丁", household_no="H2", **place)  # in no group, but of the household
    seller = make_resident(
        name="戊", groups=["low_income"], employment_status="self_employed", **place
    )
    trainee = make_resident(name="己", groups=["disabled"], **place)
    make_spell(
        hired,
        started_on=date(2026, 1, 20),
        ended_on=date(2026, 2, 10),
        end_reason="quit",
        wage=3100,
    )
    order = make_order(unit_rate=Decimal("1.20"))
    make_delivery(order, knotter, quantity=100, delivered_on=date(2026, 2, 14))
    cohort = make_cohort(starts_on=date(2026, 2, 2), ends_on=date(2026, 2, 27))
    make_enrollment(cohort, trainee, status="completed", completed_on=date(2026, 2, 27))
    return {"hired": hired, "knotter": knotter, "idle": idle, "seller": seller, "grid": grid}


def report(client, month: str, **params) -> dict:
    staff = make_quick_user("staff")
    query = "&".join(f"{key}={value}" for key, value in {"month": month, **params}.items())
    response = client.get(f"/api/reports/monitoring?{query}", headers=auth_headers(staff))
    assert response.status_code == 200, response.json
    return response.json


def test_wages_are_pro_rata_across_a_month_end(village):
    spell = db.session.scalar(select(EmploymentSpell))
    # 12 of January's 31 days, then 10 of February's 28.
    assert round(spell_wages(spell, date(2026, 1, 1), date(2026, 1, 31)), 2) == Decimal("1200.00")
    assert round(spell_wages(spell, date(2026, 2, 1), date(2026, 2, 28)), 2) == Decimal("1107.14")


def test_the_month_by_grid_counts_work_training_and_the_change(client, village):
    (area,) = report(client, "2026-02")["areas"]
    assert area["grid_id"] == village["grid"].id
    assert (area["watched"], area["in_work"]) == (5, 3)
    assert (area["hired"], area["piecework"], area["self_employed"]) == (1, 1, 1)
    assert (area["trained"], area["unemployed"]) == (1, 1)
    assert (area["in_work_last_month"], area["change"], area["lost_work"]) == (2, 1, 0)


def test_who_lost_work_since_last_month(client, village):
    march = report(client, "2026-03")
    assert [(r["resident_id"], r["worked_last_month"]) for r in march["lost_work"]] == [
        (village["hired"].id, ["hired"]),
        (village["knotter"].id, ["piecework"]),
    ]
    (area,) = march["areas"]
    assert (area["in_work"], area["change"], area["lost_work"]) == (1, -2, 2)


def test_a_household_whose_income_falls_below_the_line_is_flagged(client, village):
    households = {h["household_no"]: h for h in report(client, "2026-02")["households"]}
    h1, h2 = households["H1"], households["H2"]
    assert (h1["members"], h1["wages"], h1["piecework"]) == (2, 1107.14, 120.0)
    assert (h1["income"], h1["income_per_member"], h1["below_line"]) == (1227.14, 613.57, False)
    assert (h2["members"], h2["income"], h2["below_line"]) == (2, 0, True)
    # March: the hire has ended and no knots came in; H1 falls below the line too.
    march = {h["household_no"]: h for h in report(client, "2026-03")["households"]}
    assert (march["H1"]["income"], march["H1"]["below_line"]) == (0, True)
    # A higher line flags February's H1 as well.
    higher = {h["household_no"]: h for h in report(client, "2026-02", line=700)["households"]}
    assert higher["H1"]["below_line"] is True


def test_the_workbook_is_the_same_report(client, village):
    staff = make_quick_user("staff")
    response = client.get(
        "/api/reports/monitoring?month=2026-02&format=xlsx", headers=auth_headers(staff)
    )
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames[0] == "监测汇总2026-02"
    summary = [cell.value for cell in book.worksheets[0][2]]
    assert summary[:4] == ["万家乐", "一网格", 5, 3]
    households = [[cell.value for cell in row] for row in book.worksheets[2].iter_rows(min_row=2)]
    assert [row[0] for row in households] == ["H1", "H2"] and households[1][-1] == "是"


@pytest.mark.parametrize(
    "query", ["month=2026-13", "month=feb", "month=0000-01", "line=-1", "format=pdf"]
)
def test_bad_parameters_are_422_and_only_staff_may_read(client, query):
    staff, firm = make_quick_user("staff"), make_quick_user("firm")
    url = f"/api/reports/monitoring?{query}"
    assert client.get(url, headers=auth_headers(staff)).status_code == 422
    assert client.get("/api/reports/monitoring", headers=auth_headers(firm)).status_code == 403
