"""Piecework orders: who may read and write them, what an order looks like, its progress."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.orders.models import Order
from tests.factories import (
    auth_headers,
    make_delivery,
    make_firm,
    make_order,
    make_quick_user,
    make_resident,
)

ROLES = ("anonymous", "resident", "firm_own", "firm_other", "staff", "admin")


@pytest.fixture
def world(app):
    """Firm A's order with one delivery, firm B, and a signed-in user for every role."""
    firm_a, firm_b = make_firm(), make_firm()
    resident = make_resident(name="李梅")
    order = make_order(firm_a, quantity=100, unit_rate=Decimal("1.20"))
    make_delivery(order, resident, quantity=10, accepted=8)
    users = {
        "resident": make_quick_user("resident", resident_id=resident.id),
        "firm_own": make_quick_user("firm", firm_id=firm_a.id),
        "firm_other": make_quick_user("firm", firm_id=firm_b.id),
        "staff": make_quick_user("staff"),
        "admin": make_quick_user("admin"),
    }
    headers = {role: auth_headers(user) for role, user in users.items()}
    headers["anonymous"] = {}
    return {"order": order, "firm_a": firm_a, "resident": resident, "headers": headers}


READ_CODES = dict(
    zip(ROLES, (401, 403, 200, 404, 200, 200), strict=True)
)  # another firm's order is a 404: it must not even learn the order exists


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", ["", "/deliveries", "/materials", "/earnings"])
def test_reading_one_order_per_role(client, world, role, suffix):
    response = client.get(
        f"/api/orders/{world['order'].id}{suffix}", headers=world["headers"][role]
    )
    assert response.status_code == READ_CODES[role]
    if response.status_code != 200:
        assert set(response.json) == {"code", "status", "message", "errors"}
        assert "chinese_knot" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_listing_orders_per_role(client, world, role):
    make_order(make_firm(), product="bag")  # a third firm's order nobody but staff sees
    response = client.get("/api/orders", headers=world["headers"][role])
    expected = {
        "anonymous": 401,
        "resident": 403,
        "firm_own": 200,
        "firm_other": 200,
        "staff": 200,
        "admin": 200,
    }
    assert response.status_code == expected[role]
    if response.status_code == 200:
        seen = {order["id"] for order in response.json}
        total = json.loads(response.headers["X-Pagination"])["total"]
        want = {"firm_own": 1, "firm_other": 0}.get(role, 2)
        assert len(seen) == total == want
        assert (world["order"].id in seen) == (role != "firm_other")


def test_a_firm_may_not_filter_for_another_firm(client, world):
    response = client.get(
        f"/api/orders?firm_id={world['firm_a'].id}", headers=world["headers"]["firm_other"]
    )
    assert response.status_code == 403


WRITE_CODES = dict(zip(ROLES, (401, 403, 403, 403, None, None), strict=True))


@pytest.mark.parametrize("role", ROLES)
def test_creating_orders_per_role(client, world, role):
    body = {"firm_id": world["firm_a"].id, "product": "bag", "quantity": 50, "unit_rate": 2}
    response = client.post("/api/orders", json=body, headers=world["headers"][role])
    assert response.status_code == (WRITE_CODES[role] or 201)
    assert db.session.query(Order).count() == (2 if response.status_code == 201 else 1)


@pytest.mark.parametrize("role", ROLES)
def test_writing_deliveries_and_orders_per_role(client, world, role):
    order_id, headers = world["order"].id, world["headers"][role]
    delivery = {"resident_id": world["resident"].id, "quantity": 5, "accepted": 5}
    answers = [
        client.post(f"/api/orders/{order_id}/deliveries", json=delivery, headers=headers),
        client.patch(f"/api/orders/{order_id}", json={"workshop": "万家乐车间"}, headers=headers),
        client.post(
            f"/api/orders/{order_id}/materials",
            json={
                "resident_id": world["resident"].id,
                "material": "编织绳",
                "amount": 30,
                "unit": "米",
                "pieces": 5,
            },
            headers=headers,
        ),
    ]
    expected = WRITE_CODES[role]
    assert [a.status_code for a in answers] == [expected or 201, expected or 200, expected or 201]
    db.session.expire_all()
    assert world["order"].delivered == (15 if expected is None else 10)


@pytest.mark.parametrize("role", ROLES)
def test_summary_is_for_staff(client, world, role):
    response = client.get("/api/orders/summary", headers=world["headers"][role])
    assert response.status_code == {"anonymous": 401}.get(
        role, 200 if role in ("staff", "admin") else 403
    )


def test_order_fields_and_rate_with_two_decimals(client, world):
    response = client.post(
        "/api/orders",
        json={
            "firm_id": world["firm_a"].id,
            "product": " bag ",
            "quantity": 50000,
            "unit_rate": "0.35",
            "due_on": "2030-06-30",
            "workshop": "万家乐扶贫车间",
        },
        headers=world["headers"]["staff"],
    )
    assert response.status_code == 201, response.json
    order = response.json
    assert order["product"] == "bag"
    assert order["unit_rate"] == 0.35 and isinstance(order["unit_rate"], float)
    assert (order["delivered"], order["accepted"], order["cohort_id"]) == (0, 0, None)
    assert order["progress"]["pieces_left"] == 50000
    assert order["progress"]["status"] == "open"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"quantity": 10**12}, "quantity"),
        ({"unit_rate": -1}, "unit_rate"),
        ({"unit_rate": "0.355"}, "unit_rate"),
        ({"unit_rate": "NaN"}, "unit_rate"),
        ({"product": "   "}, "product"),
        ({"firm_id": 999999}, "firm_id"),
        ({"firm_id": 2**40}, "firm_id"),
        ({"cohort_id": 999999}, "cohort_id"),
        ({"due_on": "2030-02-30"}, "due_on"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_orders_are_refused_with_field_errors(client, world, change, field):
    body = {"firm_id": world["firm_a"].id, "product": "bag", "quantity": 50, "unit_rate": 2}
    body.update(change)
    response = client.post("/api/orders", json=body, headers=world["headers"]["staff"])
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.session.query(Order).count() == 1


def test_unknown_and_huge_order_ids_are_404(client, world):
    for order_id in (999999, 2**40):
        response = client.get(f"/api/orders/{order_id}", headers=world["headers"]["staff"])
        assert response.status_code == 404


@pytest.mark.parametrize("query", ["page_size=0", "page_size=101", "firm_id=abc", "page=0"])
def test_bad_list_parameters_are_422(client, world, query):
    response = client.get(f"/api/orders?{query}", headers=world["headers"]["staff"])
    assert response.status_code == 422


def test_progress_shares_days_and_lateness(client, world):
    today = clock.today()
    order = make_order(quantity=200, due_on=today + timedelta(days=3))
    make_delivery(order, quantity=50, accepted=40)
    body = client.get(f"/api/orders/{order.id}", headers=world["headers"]["staff"]).json
    assert body["progress"] == {
        "status": "open",
        "delivered_share": 0.25,
        "accepted_share": 0.2,
        "acceptance_rate": 0.8,
        "pieces_left": 150,
        "days_to_due": 3,
        "late": False,
    }
    overdue = make_order(quantity=10, due_on=today - timedelta(days=2))
    body = client.get(f"/api/orders/{overdue.id}", headers=world["headers"]["staff"]).json
    assert body["progress"]["late"] is True and body["progress"]["days_to_due"] == -2
    assert body["progress"]["acceptance_rate"] is None


def test_finishing_after_the_due_date_is_late_and_on_time_is_not(app):
    day = date(2025, 3, 10)
    order = make_order(quantity=10, due_on=day, delivered=10, accepted=10, completed_on=day)
    assert order.progress_on(day + timedelta(days=30))["late"] is False
    order.completed_on = day + timedelta(days=1)
    assert order.progress_on(day + timedelta(days=30))["late"] is True
    assert order.progress_on(day)["status"] == "completed"


def test_patch_quantity_never_below_delivered(client, world):
    order_id, staff = world["order"].id, world["headers"]["staff"]
    response = client.patch(f"/api/orders/{order_id}", json={"quantity": 9}, headers=staff)
    assert response.status_code == 409
    response = client.patch(f"/api/orders/{order_id}", json={"quantity": 10}, headers=staff)
    assert response.status_code == 200
    assert response.json["progress"]["status"] == "completed"
    assert response.json["completed_on"] == clock.today().isoformat()


def test_patch_rate_is_refused_once_pieces_are_accepted(client, world):
    order_id, staff = world["order"].id, world["headers"]["staff"]
    response = client.patch(f"/api/orders/{order_id}", json={"unit_rate": 9}, headers=staff)
    assert response.status_code == 409
    fresh = make_order(world["firm_a"])
    response = client.patch(f"/api/orders/{fresh.id}", json={"unit_rate": "0.8"}, headers=staff)
    assert response.status_code == 200 and response.json["unit_rate"] == 0.8


def test_orders_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in (
        "/api/orders",
        "/api/orders/{order_id}",
        "/api/orders/{order_id}/deliveries",
        "/api/orders/{order_id}/earnings",
        "/api/orders/summary",
        "/api/paysheet",
    ):
        assert path in paths
    post = paths["/api/orders/{order_id}/deliveries"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(post["responses"])
    assert post["security"] == [{"bearerAuth": []}]


@pytest.mark.parametrize(
    ("role", "code"), [("anonymous", 401), ("resident", 403), ("firm_own", 403)]
)
def test_who_may_not_write_hears_so_before_any_input_error(client, world, role, code):
    bad = {"quantity": -1, "unknown": 1}
    for path in ("/api/orders", f"/api/orders/{world['order'].id}/deliveries"):
        response = client.post(path, json=bad, headers=world["headers"][role])
        assert response.status_code == code


def test_control_characters_are_refused_not_stored(client, world):
    body = {"firm_id": world["firm_a"].id, "product": "ba\x00g", "quantity": 5, "unit_rate": 1}
    response = client.post("/api/orders", json=body, headers=world["headers"]["staff"])
    assert response.status_code == 422 and "product" in response.json["errors"]
