"""The delivery ledger: its rules, corrections, append-only rows and racing deliveries."""

import json
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.orders.models import Delivery, LedgerIsAppendOnly, MaterialIssue, Order
from tests.factories import auth_headers, make_delivery, make_order, make_quick_user, make_resident


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


@pytest.fixture
def order(app):
    return make_order(quantity=100, unit_rate=Decimal("0.50"))


@pytest.fixture
def resident(app):
    return make_resident(name="王芳")


def ledger_state(order_id: int) -> tuple:
    db.session.expire_all()
    found = db.session.get(Order, order_id)
    entries = db.session.scalar(select(func.count(Delivery.id)))
    return found.delivered, found.accepted, found.completed_on, entries


def deliver(client, headers, order_id, **body):
    return client.post(f"/api/orders/{order_id}/deliveries", json=body, headers=headers)


def test_a_delivery_is_recorded_and_moves_the_order(client, staff, order, resident):
    response = deliver(
        client,
        staff,
        order.id,
        resident_id=resident.id,
        quantity=30,
        accepted=27,
        reject_reason="结形不正",
        delivered_on=(clock.today() - timedelta(days=1)).isoformat(),
    )
    assert response.status_code == 201, response.json
    entry = response.json
    assert (entry["quantity"], entry["accepted"], entry["rejected"]) == (30, 27, 3)
    assert entry["reject_reason"] == "结形不正" and entry["corrects_id"] is None
    assert ledger_state(order.id) == (30, 27, None, 1)
    listed = client.get(f"/api/orders/{order.id}/deliveries", headers=staff)
    assert [e["id"] for e in listed.json] == [entry["id"]]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1


def test_delivering_the_last_piece_completes_the_order(client, staff, order, resident):
    make_delivery(order, resident, quantity=90)
    response = deliver(client, staff, order.id, resident_id=resident.id, quantity=10, accepted=10)
    assert response.status_code == 201
    assert ledger_state(order.id)[:3] == (100, 100, clock.today())


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"quantity": -5, "accepted": 0}, 422, "quantity"),
        ({"quantity": 0, "accepted": 0}, 422, "quantity"),
        ({"quantity": 5, "accepted": 6}, 422, "accepted"),
        ({"quantity": 5, "accepted": -1}, 422, "accepted"),
        ({"quantity": 5, "accepted": 3}, 422, "reject_reason"),
        ({"quantity": 5, "accepted": 3, "reject_reason": "  "}, 422, "reject_reason"),
        ({"quantity": 11, "accepted": 11}, 409, "quantity"),
        ({"quantity": "5", "accepted": 5}, 422, "quantity"),
        ({"quantity": 5.5, "accepted": 5}, 422, "quantity"),
        ({"quantity": 10**10, "accepted": 5}, 422, "quantity"),
        ({"quantity": 5, "accepted": 5, "resident_id": 999999}, 422, "resident_id"),
        ({"quantity": 5, "accepted": 5, "resident_id": 2**40}, 422, "resident_id"),
        ({"quantity": 5, "accepted": 5, "resident_id": None}, 422, "resident_id"),
        ({"quantity": 5, "accepted": 5, "delivered_on": "2999-01-01"}, 422, "delivered_on"),
        ({"quantity": 5, "accepted": 5, "delivered_on": "yesterday"}, 422, "delivered_on"),
        ({"quantity": 5, "accepted": 5, "corrects_id": 999999}, 422, "corrects_id"),
        ({"quantity": 5, "accepted": 5, "bonus": 1}, 422, "bonus"),
    ],
)
def test_bad_deliveries_are_refused_and_change_nothing(
    client, staff, order, resident, body, code, field
):
    make_delivery(order, resident, quantity=90)
    before = ledger_state(order.id)
    response = deliver(client, staff, order.id, **({"resident_id": resident.id} | body))
    assert response.status_code == code, response.json
    assert field in response.json["errors"]
    assert response.json["message"]
    assert ledger_state(order.id) == before


def test_an_order_that_does_not_exist_is_404(client, staff, resident):
    for order_id in (999999, 2**40):
        response = deliver(client, staff, order_id, resident_id=resident.id, quantity=1, accepted=1)
        assert response.status_code == 404
    assert db.session.scalar(select(func.count(Delivery.id))) == 0


def test_the_overshoot_message_says_how_many_are_left(client, staff, order, resident):
    make_delivery(order, resident, quantity=97)
    response = deliver(client, staff, order.id, resident_id=resident.id, quantity=4, accepted=4)
    assert response.status_code == 409
    assert "3" in response.json["message"]


def correct(client, headers, order_id, original_id, **body):
    return deliver(client, headers, order_id, corrects_id=original_id, **body)


def test_a_correction_is_a_new_entry_and_the_original_stays(client, staff, order, resident):
    original = make_delivery(order, resident, quantity=20, accepted=20)
    response = correct(
        client, staff, order.id, original.id, quantity=0, accepted=-3, note="复检发现3个散结"
    )
    assert response.status_code == 201, response.json
    assert response.json["corrects_id"] == original.id
    assert response.json["resident_id"] == resident.id
    assert ledger_state(order.id) == (20, 17, None, 2)
    db.session.expire_all()
    kept = db.session.get(Delivery, original.id)
    assert (kept.quantity, kept.accepted, kept.corrects_id) == (20, 20, None)
    # A miscount: two fewer pieces were handed in than written down.
    response = correct(
        client, staff, order.id, original.id, quantity=-2, accepted=-2, note="点错数"
    )
    assert response.status_code == 201
    assert ledger_state(order.id) == (18, 15, None, 3)


def test_a_correction_can_complete_and_un_complete_an_order(client, staff, order, resident):
    original = make_delivery(order, resident, quantity=95)
    response = correct(client, staff, order.id, original.id, quantity=5, accepted=5, note="漏记5个")
    assert response.status_code == 201
    assert ledger_state(order.id)[:3] == (100, 100, clock.today())
    response = correct(client, staff, order.id, original.id, quantity=-1, accepted=-1, note="多记")
    assert response.status_code == 201
    assert ledger_state(order.id)[:3] == (99, 99, None)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"quantity": -11, "accepted": -10}, 422, "quantity"),
        ({"quantity": 0, "accepted": -11}, 422, "accepted"),
        ({"quantity": 0, "accepted": 1}, 422, "accepted"),
        ({"quantity": -5, "accepted": 0}, 422, "accepted"),
        ({"quantity": 0, "accepted": 0}, 422, "quantity"),
        ({"quantity": 0, "accepted": -1, "note": None}, 422, "note"),
        ({"quantity": 81, "accepted": 81}, 409, "quantity"),
        ({"quantity": 0, "accepted": -1, "delivered_on": "2000-01-01"}, 422, "delivered_on"),
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(
    client, staff, order, resident, body, code, field
):
    original = make_delivery(order, resident, quantity=10, accepted=10)
    make_delivery(order, quantity=10, accepted=10)
    before = ledger_state(order.id)
    response = correct(client, staff, order.id, original.id, **({"note": "更正"} | body))
    assert response.status_code == code, response.json
    assert field in response.json["errors"]
    assert ledger_state(order.id) == before


def test_corrections_only_correct_originals_of_the_same_order(client, staff, order, resident):
    original = make_delivery(order, resident, quantity=10)
    first = correct(client, staff, order.id, original.id, quantity=0, accepted=-1, note="返工")
    other_order_entry = make_delivery(make_order(), resident, quantity=5)
    before = ledger_state(order.id)
    for target in (first.json["id"], other_order_entry.id):
        response = correct(client, staff, order.id, target, quantity=0, accepted=-1, note="再改")
        assert response.status_code == 422
        assert "corrects_id" in response.json["errors"]
    response = correct(
        client,
        staff,
        order.id,
        original.id,
        resident_id=make_resident().id,
        quantity=0,
        accepted=-1,
        note="换人",
    )
    assert response.status_code == 422 and "resident_id" in response.json["errors"]
    assert ledger_state(order.id) == before


def test_ledger_rows_are_never_changed_or_removed(app, order, resident):
    entry = make_delivery(order, resident, quantity=5)
    entry.accepted = 1
    with pytest.raises(LedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(Delivery, entry.id))
    with pytest.raises(LedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Delivery, entry.id).accepted == 5


@pytest.mark.parametrize(
    ("fields", "allowed"),
    [
        ({"quantity": -3, "accepted": 0}, False),
        ({"quantity": 3, "accepted": 4}, False),
        ({"quantity": 3, "accepted": 2}, False),  # a rejected piece needs a reason
        ({"quantity": -3, "accepted": -3, "corrects_id": "original", "note": "错"}, True),
        ({"quantity": -3, "accepted": -3, "corrects_id": "original"}, False),
        ({"quantity": 0, "accepted": 0, "corrects_id": "original", "note": "错"}, False),
    ],
)
def test_the_database_itself_keeps_originals_positive(app, order, resident, fields, allowed):
    original = make_delivery(order, resident, quantity=5)
    fields = dict(fields)  # the parameters are shared by every backend's run
    if fields.get("corrects_id") == "original":
        fields["corrects_id"] = original.id
    db.session.add(
        Delivery(order_id=order.id, resident_id=resident.id, delivered_on=clock.today(), **fields)
    )
    if allowed:
        db.session.commit()
    else:
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def _race(app, order_id, headers, body, threads=20):
    """``threads`` requests at once, each on its own client, app context and session."""
    barrier = threading.Barrier(threads)
    codes: list[int] = []

    def one():
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            codes.append(deliver(client, headers, order_id, **body).status_code)
            db.session.remove()

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return codes


@pytest.mark.committing
@pytest.mark.parametrize(("left", "pieces", "winners"), [(10, 3, 3), (7, 7, 1)])
def test_racing_deliveries_never_overshoot(app, staff, resident, left, pieces, winners):
    order = make_order(quantity=1000)
    make_delivery(order, resident, quantity=1000 - left)
    body = {"resident_id": resident.id, "quantity": pieces, "accepted": pieces}
    codes = _race(app, order.id, staff, body)
    assert sorted(codes) == [201] * winners + [409] * (20 - winners)
    delivered, accepted, _, entries = ledger_state(order.id)
    assert delivered == accepted == 1000 - left + winners * pieces <= 1000
    ledger_sum = db.session.scalar(
        select(func.sum(Delivery.quantity)).where(Delivery.order_id == order.id)
    )
    assert ledger_sum == delivered and entries == 1 + winners


@pytest.mark.committing
def test_racing_corrections_never_take_an_entry_below_zero(app, staff, order, resident):
    original = make_delivery(order, resident, quantity=10)
    make_delivery(order, quantity=50)
    body = {"corrects_id": original.id, "quantity": 0, "accepted": -1, "note": "复检"}
    codes = _race(app, order.id, staff, body)
    assert sorted(codes) == [201] * 10 + [422] * 10
    assert ledger_state(order.id) == (60, 50, None, 12)
    net = db.session.scalar(
        select(func.sum(Delivery.accepted)).where(
            (Delivery.id == original.id) | (Delivery.corrects_id == original.id)
        )
    )
    assert net == 0


def test_materials_are_issued_and_listed(client, staff, order, resident):
    body = {
        "resident_id": resident.id,
        "material": "红色编织绳",
        "amount": "120.5",
        "unit": "米",
        "pieces": 40,
        "issued_on": "2025-05-01",
    }
    response = client.post(f"/api/orders/{order.id}/materials", json=body, headers=staff)
    assert response.status_code == 201, response.json
    assert response.json["amount"] == 120.5 and response.json["pieces"] == 40
    listed = client.get(f"/api/orders/{order.id}/materials", headers=staff)
    assert [m["material"] for m in listed.json] == ["红色编织绳"]
    make_delivery(order, resident, quantity=25)
    earning = client.get(f"/api/orders/{order.id}/earnings", headers=staff).json
    assert earning[0]["issued_pieces"] == 40 and earning[0]["delivered"] == 25


@pytest.mark.parametrize(
    "change",
    [
        {"pieces": 0},
        {"amount": 0},
        {"amount": "1.234"},
        {"resident_id": 999999},
        {"material": " "},
        {"unit": ""},
        {"issued_on": "2999-01-01"},
    ],
)
def test_bad_material_issues_are_refused(client, staff, order, resident, change):
    body = {"resident_id": resident.id, "material": "绳", "amount": 5, "unit": "米", "pieces": 2}
    response = client.post(f"/api/orders/{order.id}/materials", json=body | change, headers=staff)
    assert response.status_code == 422
    assert set(change) & set(response.json["errors"])
    assert db.session.scalar(select(func.count(MaterialIssue.id))) == 0
