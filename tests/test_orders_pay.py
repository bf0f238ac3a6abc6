"""Earnings (accepted pieces x rate, corrections included), the pay sheet and order figures."""

import json
import re
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from jobmatch import clock
from jobmatch.accounts.models import User
from jobmatch.extensions import db
from jobmatch.orders.paysheet import HEADERS
from jobmatch.spreadsheets import XLSX_MIMETYPE
from tests.factories import auth_headers, make_firm, make_order, make_quick_user, make_resident

ROLES = ("anonymous", "resident", "firm_own", "firm_other", "staff", "admin")


@pytest.fixture
def ledger(app, client):
    """Two firms' orders and five residents' deliveries, written through the API.

    Per resident, all time: r1 63.50 (40.00 + 23.50), r2 18.00, r3 7.05, r4 100.00, r5 2.35.
    """
    staff = auth_headers(make_quick_user("staff"))
    firm_knot, firm_bag = make_firm(), make_firm()
    knot = make_order(firm_knot, quantity=1000, unit_rate=Decimal("0.50"))
    bag = make_order(firm_bag, product="bag", quantity=500, unit_rate=Decimal("2.35"))
    r = [make_resident(name=name) for name in ("赵一", "钱二", "孙三", "李四", "周五")]

    def post(order, **body):
        response = client.post(f"/api/orders/{order.id}/deliveries", json=body, headers=staff)
        assert response.status_code == 201, response.json
        return response.json["id"]

    first = post(
        knot,
        resident_id=r[0].id,
        quantity=100,
        accepted=90,
        reject_reason="松散",
        delivered_on="2025-03-05",
    )
    post(knot, corrects_id=first, quantity=0, accepted=-10, note="复检", delivered_on="2025-03-20")
    second = post(knot, resident_id=r[1].id, quantity=40, accepted=40, delivered_on="2025-03-10")
    # Found at the April check: lands on April's sheet as a deduction.
    post(knot, corrects_id=second, quantity=0, accepted=-4, note="返检", delivered_on="2025-04-01")
    post(bag, resident_id=r[0].id, quantity=10, accepted=10, delivered_on="2025-04-02")
    post(bag, resident_id=r[2].id, quantity=3, accepted=3, delivered_on="2025-04-03")
    post(knot, resident_id=r[3].id, quantity=200, accepted=200, delivered_on="2025-04-05")
    post(bag, resident_id=r[4].id, quantity=1, accepted=1, delivered_on="2025-02-27")
    users = {
        "resident": make_quick_user("resident", resident_id=r[0].id),
        "firm_own": make_quick_user("firm", firm_id=firm_knot.id),
        "firm_other": make_quick_user("firm", firm_id=make_firm().id),
        "admin": make_quick_user("admin"),
    }
    headers = {role: auth_headers(user) for role, user in users.items()}
    headers |= {"staff": staff, "anonymous": {}}
    return {"knot": knot, "bag": bag, "residents": r, "headers": headers, "firm_bag": firm_bag}


def test_order_earnings_per_resident(client, ledger):
    response = client.get(
        f"/api/orders/{ledger['knot'].id}/earnings", headers=ledger["headers"]["staff"]
    )
    assert response.status_code == 200
    r = ledger["residents"]
    assert [
        (e["resident_id"], e["delivered"], e["accepted"], e["amount"]) for e in response.json
    ] == [
        (r[0].id, 100, 80, 40.0),
        (r[1].id, 40, 36, 18.0),
        (r[3].id, 200, 200, 100.0),
    ]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    paged = client.get(
        f"/api/orders/{ledger['knot'].id}/earnings?page=2&page_size=2",
        headers=ledger["headers"]["staff"],
    )
    assert [e["resident_id"] for e in paged.json] == [r[3].id]


def test_a_resident_reads_its_own_earnings(client, ledger):
    r1 = ledger["residents"][0]
    headers = ledger["headers"]["resident"]
    body = client.get(f"/api/residents/{r1.id}/earnings", headers=headers).json
    assert [(line["product"], line["amount"]) for line in body["lines"]] == [
        ("chinese_knot", 40.0),
        ("bag", 23.5),
    ]
    assert body["total"] == 63.5
    april = client.get(f"/api/residents/{r1.id}/earnings?from=2025-04-01", headers=headers).json
    assert april["total"] == 23.5 and april["from"] == "2025-04-01"


@pytest.mark.parametrize("role", ROLES)
def test_resident_earnings_per_role(client, ledger, role):
    r1 = ledger["residents"][0]
    response = client.get(f"/api/residents/{r1.id}/earnings", headers=ledger["headers"][role])
    expected = {"anonymous": 401, "resident": 200, "staff": 200, "admin": 200}.get(role, 403)
    assert response.status_code == expected
    other = ledger["residents"][1]
    if role == "resident":
        response = client.get(
            f"/api/residents/{other.id}/earnings", headers=ledger["headers"][role]
        )
        assert response.status_code == 403


def test_earnings_of_a_missing_resident_are_404(client, ledger):
    for resident_id in (999999, 2**40):
        response = client.get(
            f"/api/residents/{resident_id}/earnings", headers=ledger["headers"]["staff"]
        )
        assert response.status_code == 404


def paysheet(client, headers, query):
    return client.get(f"/api/paysheet?{query}", headers=headers)


def test_paysheet_for_a_month_in_json(client, ledger):
    response = paysheet(client, ledger["headers"]["staff"], "from=2025-03-01&to=2025-03-31")
    assert response.status_code == 200
    sheet = response.json
    assert [(line["name"], line["accepted"], line["amount"]) for line in sheet["lines"]] == [
        ("赵一", 80, 40.0),
        ("钱二", 40, 20.0),
    ]
    assert sheet["totals"] == {"delivered": 140, "accepted": 120, "amount": 60.0}
    assert re.fullmatch(r"140222\*{8}\d{3}[\dX]", sheet["lines"][0]["id_number"])


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIMETYPE
    assert "attachment" in response.headers["Content-Disposition"]
    worksheet = load_workbook(BytesIO(response.data)).active
    return list(worksheet.iter_rows(values_only=True))


def test_paysheet_xlsx_has_chinese_headers_deductions_and_a_total(client, ledger):
    response = paysheet(
        client, ledger["headers"]["staff"], "from=2025-04-01&to=2025-04-30&format=xlsx"
    )
    rows = read_xlsx(response)
    assert rows[0] == HEADERS
    assert rows[0][:3] == ("序号", "姓名", "身份证号码") and rows[0][-1] == "应发金额"
    body, total = rows[1:-1], rows[-1]
    assert [row[0] for row in body] == [1, 2, 3, 4]
    assert [(row[1], row[4], row[5], row[6], row[7], row[8]) for row in body] == [
        ("赵一", "bag", 10, 10, 2.35, 23.5),
        ("钱二", "chinese_knot", 0, -4, 0.5, -2.0),
        ("孙三", "bag", 3, 3, 2.35, 7.05),
        ("李四", "chinese_knot", 200, 200, 0.5, 100.0),
    ]
    assert all(re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", row[2]) for row in body)
    assert total[0] == "合计"
    assert total[5:7] == (213, 209)
    assert total[8] == pytest.approx(128.55) == pytest.approx(sum(row[8] for row in body))


def test_paysheet_for_one_firm(client, ledger):
    query = f"from=2025-04-01&to=2025-04-30&firm_id={ledger['firm_bag'].id}&format=xlsx"
    rows = read_xlsx(paysheet(client, ledger["headers"]["staff"], query))
    assert [row[1] for row in rows[1:-1]] == ["赵一", "孙三"]
    assert rows[-1][8] == pytest.approx(30.55)


def test_paysheet_keeps_formula_like_names_as_text(client, ledger):
    order = make_order(unit_rate=Decimal("1.00"))
    resident = make_resident(name="=1+1")
    client.post(
        f"/api/orders/{order.id}/deliveries",
        json={
            "resident_id": resident.id,
            "quantity": 2,
            "accepted": 2,
            "delivered_on": "2025-01-05",
        },
        headers=ledger["headers"]["staff"],
    )
    response = paysheet(
        client, ledger["headers"]["staff"], "from=2025-01-01&to=2025-01-31&format=xlsx"
    )
    worksheet = load_workbook(BytesIO(response.data)).active
    assert worksheet["B2"].value == "=1+1" and worksheet["B2"].data_type == "s"


@pytest.mark.parametrize("role", ROLES)
def test_paysheet_per_role(client, ledger, role):
    response = paysheet(client, ledger["headers"][role], "from=2025-01-01&to=2025-12-31")
    expected = {"anonymous": 401, "resident": 403}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        amounts = {"firm_own": 158.0, "firm_other": 0.0}.get(role, 190.9)
        assert response.json["totals"]["amount"] == pytest.approx(amounts)
    knot_firm = ledger["knot"].firm_id
    scoped = paysheet(
        client, ledger["headers"][role], f"from=2025-01-01&to=2025-12-31&firm_id={knot_firm}"
    )
    assert scoped.status_code == {"firm_other": 403}.get(role, expected)


@pytest.mark.parametrize(
    "query",
    [
        "to=2025-03-31",
        "from=2025-03-01",
        "from=2025-04-01&to=2025-03-01",
        "from=2025-02-30&to=2025-03-31",
        "from=2025-03-01&to=2025-03-31&format=pdf",
        "from=2025-03-01&to=2025-03-31&firm_id=abc",
        "from=2025-03-01&to=2025-03-31&firm_id=999999",
    ],
)
def test_bad_paysheet_queries_are_422(client, ledger, query):
    response = paysheet(client, ledger["headers"]["staff"], query)
    assert response.status_code == 422
    assert response.json["errors"]


def test_summary_progress_and_earnings_spread(client, ledger):
    response = client.get("/api/orders/summary", headers=ledger["headers"]["staff"])
    assert response.status_code == 200
    summary = response.json
    assert (summary["orders"], summary["open"], summary["completed"], summary["late"]) == (
        2,
        2,
        0,
        0,
    )
    assert summary["products"] == [
        {"product": "bag", "orders": 1, "quantity": 500, "delivered": 14, "accepted": 14},
        {
            "product": "chinese_knot",
            "orders": 1,
            "quantity": 1000,
            "delivered": 340,
            "accepted": 316,
        },
    ]
    assert (summary["quantity"], summary["delivered"], summary["accepted"]) == (1500, 354, 330)
    # Residents' pay, sorted: 2.35, 7.05, 18.00, 63.50, 100.00.
    assert summary["earnings"] == {
        "residents": 5,
        "total": 190.9,
        "mean": 38.18,
        "min": 2.35,
        "q1": 7.05,
        "median": 18.0,
        "q3": 63.5,
        "max": 100.0,
        "iqr": 56.45,
    }
    march = client.get(
        "/api/orders/summary?from=2025-03-01&to=2025-03-31", headers=ledger["headers"]["staff"]
    ).json["earnings"]
    assert (march["residents"], march["median"], march["total"]) == (2, 30.0, 60.0)


def test_summary_counts_late_and_completed_orders(client, app):
    from datetime import timedelta

    today = clock.today()
    make_order(quantity=5, delivered=5, accepted=5, due_on=today, completed_on=today)
    make_order(quantity=5, due_on=today - timedelta(days=1))
    make_order(quantity=5, delivered=5, accepted=5, due_on=today - timedelta(days=9),
               completed_on=today - timedelta(days=3))  # fmt: skip
    staff = auth_headers(make_quick_user("staff"))
    summary = client.get("/api/orders/summary", headers=staff).json
    assert (summary["orders"], summary["completed"], summary["late"]) == (3, 2, 2)
    assert summary["earnings"]["residents"] == 0 and summary["earnings"]["median"] is None


@pytest.fixture
def seeded_staff(seeded_client):
    """A client and a staff account on the seeded database; the account is removed again."""
    user = make_quick_user("staff")
    yield seeded_client, auth_headers(user)
    db.session.delete(db.session.get(User, user.id))
    db.session.commit()


def _all_pages(client, path: str, headers: dict) -> list[dict]:
    items, page = [], 1
    while True:
        response = client.get(f"{path}?page={page}&page_size=100", headers=headers)
        assert response.status_code == 200
        items += response.json
        if not response.json or len(items) >= json.loads(response.headers["X-Pagination"])["total"]:
            return items
        page += 1


def test_seed_orders_are_reachable_and_add_up(seeded_staff):
    client, staff = seeded_staff
    orders = {order["product"]: order for order in _all_pages(client, "/api/orders", staff)}
    knot, bag = orders["chinese_knot"], orders["bag"]
    assert knot["quantity"] == knot["delivered"] == knot["accepted"] == 100_000
    assert knot["progress"]["status"] == "completed" and knot["progress"]["late"] is False
    assert bag["quantity"] == 50_000 and 0 < bag["delivered"] < 50_000
    assert bag["progress"]["pieces_left"] == 50_000 - bag["delivered"]
    for order in (knot, bag):
        earnings = _all_pages(client, f"/api/orders/{order['id']}/earnings", staff)
        assert sum(e["delivered"] for e in earnings) == order["delivered"]
        assert sum(e["accepted"] for e in earnings) == order["accepted"]
        expected_pay = Decimal(str(order["unit_rate"])) * order["accepted"]
        assert sum(Decimal(str(e["amount"])) for e in earnings) == expected_pay
        ledger = _all_pages(client, f"/api/orders/{order['id']}/deliveries", staff)
        assert sum(entry["quantity"] for entry in ledger) == order["delivered"]
    knot_makers = _all_pages(client, f"/api/orders/{knot['id']}/earnings", staff)
    assert len(knot_makers) == 103  # the class's 103 knot makers, every one paid
    summary = client.get("/api/orders/summary", headers=staff).json
    assert {p["product"]: p["accepted"] for p in summary["products"]}["chinese_knot"] == 100_000
    assert summary["earnings"]["residents"] >= 103
    assert summary["earnings"]["q1"] <= summary["earnings"]["median"] <= summary["earnings"]["q3"]
