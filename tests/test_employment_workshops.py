"""帮扶车间 compliance: 脱贫 workers a workshop engaged this year, and each one's income there
against the threshold, with what is missing."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from jobmatch import clock
from jobmatch.employment import workshops
from jobmatch.employment.models import FollowUp
from jobmatch.extensions import db
from tests.employment_helpers import make_spell
from tests.factories import (
    auth_headers,
    make_delivery,
    make_firm,
    make_order,
    make_post,
    make_quick_user,
    make_resident,
)


def test_each_poverty_alleviated_worker_against_the_threshold(app):
    staff = make_quick_user("staff")
    workshop = make_firm(name="扶贫车间甲", is_workshop=True)
    make_firm(name="普通企业")
    post = make_post(workshop)
    steady = make_resident(name="稳", groups=["poverty_alleviated"])
    short = make_resident(name="短", groups=["poverty_alleviated"])
    other = make_resident(name="非", groups=["disabled"])
    # 3000 a month from 1 Jan to 30 Jun: 18,000 by 1 July; a follow-up confirmed the wage.
    spell = make_spell(steady, post, started_on=date(2026, 1, 1), wage=3000)
    db.session.add(
        FollowUp(
            spell_id=spell.id,
            months=1,
            due_on=date(2026, 2, 1),
            outcome="employed",
            wage=3000,
            recorded_on=date(2026, 2, 1),
        )
    )
    # Two weeks in 2025 do not count; 10 days of June 2026 at 3,000 do (1,000).
    make_spell(short, post, started_on=date(2025, 12, 15), ended_on=date(2025, 12, 31),
               end_reason="quit")  # fmt: skip
    make_spell(short, post, started_on=date(2026, 6, 21))
    make_spell(other, post, started_on=date(2026, 1, 1))
    order = make_order(workshop, unit_rate=Decimal("2.00"))
    make_delivery(order, short, quantity=500, delivered_on=date(2026, 3, 1))
    db.session.commit()

    (row,) = workshops.workshop_report(staff, 2026, date(2026, 6, 30), 5000)
    assert (row["kind"], row["name"], row["workers"], row["meeting_threshold"]) == (
        "firm",
        "扶贫车间甲",
        2,
        1,
    )
    by_name = {worker["name"]: worker for worker in row["worker_list"]}
    assert by_name["稳"]["income"] == Decimal("18000.00") and by_name["稳"]["missing"] == []
    assert (by_name["短"]["wages"], by_name["短"]["piecework"]) == (Decimal("1000.00"), 1000)
    assert by_name["短"]["shortfall"] == Decimal("3000.00")
    assert by_name["短"]["missing"] == [
        "距5000元还差3000.00元",
        "工资按岗位起薪估算，尚无回访核实的工资",
    ]


def test_a_named_workshop_of_orders_and_an_empty_one(client):
    staff = make_quick_user("staff")
    knotter = make_resident(groups=["poverty_alleviated"])
    order = make_order(workshop="万家乐扶贫车间", unit_rate=Decimal("1.20"))
    make_delivery(order, knotter, quantity=100, delivered_on=clock.today())
    make_firm(name="空车间", is_workshop=True)
    response = client.get("/api/reports/workshops?threshold=100", headers=auth_headers(staff))
    assert response.status_code == 200, response.json
    rows = {row["name"]: row for row in response.json}
    assert rows["空车间"]["workers"] == 0 and rows["空车间"]["missing"] == [
        "今年尚未吸纳脱贫劳动力"
    ]
    named = rows["万家乐扶贫车间"]
    assert (named["kind"], named["order_ids"], named["workers"]) == ("named", [order.id], 1)
    assert named["worker_list"][0]["income"] == 120.0
    assert named["meeting_threshold"] == 1

    book = client.get("/api/reports/workshops?format=xlsx", headers=auth_headers(staff))
    sheet = load_workbook(BytesIO(book.data)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert ["空车间", None, None, None, None, None, None, "今年尚未吸纳脱贫劳动力"] in cells
    assert any(row[0] == "万家乐扶贫车间" and row[5] == 120.0 and row[6] == "否" for row in cells)


def test_only_staff_and_good_parameters(client):
    staff, firm = make_quick_user("staff"), make_quick_user("firm")
    assert client.get("/api/reports/workshops", headers=auth_headers(firm)).status_code == 403
    bad = client.get("/api/reports/workshops?year=1900", headers=auth_headers(staff))
    assert bad.status_code == 422
