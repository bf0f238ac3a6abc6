"""A firm confirms or disputes the hand-ins of its own orders, and never sees another's."""

import pytest
from sqlalchemy import select

from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.orders.models import DeliveryReview
from tests.factories import make_delivery, make_order, make_resident
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def firm_user(client):
    return signed_in(client, "firm")


def _own_order(firm_user, **fields):
    return make_order(db.session.get(Firm, firm_user.firm_id), **fields)


def test_the_firm_confirms_a_hand_in_from_its_page(client, firm_user):
    order = _own_order(firm_user, quantity=500)
    entry = make_delivery(order, make_resident(name="王秀兰"), quantity=40, accepted=38)
    page = client.get("/firm").get_data(as_text=True)
    review = f"/firm/deliveries/{entry.id}/review"
    assert f'href="{review}"' in page and "还剩" in page
    done = post_form(client, review, {"verdict": "confirmed"})
    assert done.status_code == 302
    saved = db.session.scalars(select(DeliveryReview)).one()
    assert (saved.verdict, saved.accepted, saved.user_id) == ("confirmed", 38, firm_user.id)
    assert "企业已确认" in client.get("/firm").get_data(as_text=True)
    again = post_form(client, review, {"verdict": "disputed", "accepted": "30", "reason": "x"},
                      token_from="/firm")  # fmt: skip
    assert "企业已确认" in again.get_data(as_text=True)
    assert db.session.scalars(select(DeliveryReview)).all() == [saved]


def test_a_dispute_needs_a_count_and_a_reason_and_shows_on_the_staff_ledger(app, client, firm_user):
    order = _own_order(firm_user, quantity=500)
    entry = make_delivery(order, quantity=40, accepted=38)
    review = f"/firm/deliveries/{entry.id}/review"
    refused = post_form(client, review, {"verdict": "disputed", "accepted": "41"})
    page = refused.get_data(as_text=True)
    assert 'id="accepted-error"' in page and "应在0到40之间" in page
    assert "请写明异议原因" in page and 'value="41"' in page
    post_form(client, review, {"verdict": "disputed", "accepted": "35", "reason": "3件尺寸不符"})
    saved = db.session.scalars(select(DeliveryReview)).one()
    assert (saved.verdict, saved.accepted, saved.reason) == ("disputed", 35, "3件尺寸不符")
    post_form(client, "/logout", {}, token_from="/firm")
    signed_in(client, "staff")
    ledger = client.get(f"/staff/orders/{order.id}").get_data(as_text=True)
    assert "企业有异议" in ledger and "认可合格 35 件：3件尺寸不符" in ledger


def test_another_firms_hand_in_is_answered_like_a_missing_one(client, firm_user):
    theirs = make_delivery(make_order(quantity=100), quantity=10)
    assert client.get(f"/firm/deliveries/{theirs.id}/review").status_code == 404
    response = post_form(client, f"/firm/deliveries/{theirs.id}/review",
                         {"verdict": "confirmed"}, token_from="/firm")  # fmt: skip
    assert response.status_code == 404
    assert db.session.scalars(select(DeliveryReview)).all() == []
    assert f'data-order-id="{theirs.order_id}"' not in client.get("/firm").get_data(as_text=True)
