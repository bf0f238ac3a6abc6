"""The staff's order pages: log an order, record hand-ins and corrections, the pay sheet."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.orders.models import Delivery, MaterialIssue, Order
from tests.factories import make_cohort, make_enrollment, make_firm, make_order, make_resident
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def staff_user(client):
    return signed_in(client, "staff")


def _entries(order) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.order_id == order.id)))


def test_the_orders_page_lists_orders_with_progress_and_is_in_the_staff_menu(client, staff_user):
    firm = make_firm(name="天镇县巧手中国结厂")
    make_order(firm, quantity=1000, delivered=250, accepted=240, due_on=date(2020, 1, 1))
    page = client.get("/staff/orders").get_data(as_text=True)
    assert "天镇县巧手中国结厂" in page and "中国结 1000 件" in page
    assert "还剩 <strong data-pieces-left>750</strong> 件" in page
    assert "已逾期" in page
    assert 'href="/staff/orders"' in client.get("/staff").get_data(as_text=True)


def test_an_order_is_logged_and_a_refused_form_keeps_its_input(client, staff_user):
    firm = make_firm()
    cohort = make_cohort()
    refused = post_form(
        client,
        "/staff/orders/new",
        {"firm_id": firm.id, "product": "chinese_knot", "quantity": "0", "unit_rate": "1.234"},
    )
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert 'id="quantity-error"' in page and 'id="unit_rate-error"' in page
    assert 'value="1.234"' in page  # the clerk's typing is kept
    assert db.session.scalar(select(Order.id)) is None

    created = post_form(
        client,
        "/staff/orders/new",
        {
            "firm_id": firm.id,
            "product": "chinese_knot",
            "quantity": "100000",
            "unit_rate": "1.20",
            "due_on": "2026-12-31",
            "cohort_id": cohort.id,
            "workshop": "万家乐移民新区社区扶贫车间",
        },
    )
    assert created.status_code == 302
    order = db.session.scalars(select(Order)).one()
    assert (order.quantity, str(order.unit_rate), order.cohort_id) == (100000, "1.20", cohort.id)
    assert created.headers["Location"].endswith(f"/staff/orders/{order.id}")


def test_hand_ins_are_recorded_and_one_beyond_the_order_is_refused(client, staff_user):
    order = make_order(quantity=100)
    cohort = make_cohort()
    order.cohort_id = cohort.id
    db.session.commit()
    worker, other = make_resident(name="王秀兰"), make_resident(name="赵桂花")
    make_enrollment(cohort, worker)
    make_enrollment(cohort, other)
    path = f"/staff/orders/{order.id}"
    page = client.get(path).get_data(as_text=True)
    assert "王秀兰" in page and "赵桂花" in page  # the linked cohort's trainees to choose from

    full = post_form(
        client,
        f"{path}/deliveries",
        {"resident_id": worker.id, "quantity": 60, "accepted": 60},
        token_from=path,
    )
    assert full.status_code == 302
    partly = post_form(
        client,
        f"{path}/deliveries",
        {"resident_id": other.id, "quantity": 30, "accepted": 27, "reject_reason": "线头外露"},
        token_from=path,
    )
    assert partly.status_code == 302
    no_reason = post_form(
        client,
        f"{path}/deliveries",
        {"resident_id": other.id, "quantity": 5, "accepted": 4},
        token_from=path,
    )
    assert no_reason.status_code == 200
    assert "有不合格品时请填写不合格原因" in no_reason.get_data(as_text=True)

    too_many = post_form(
        client,
        f"{path}/deliveries",
        {"resident_id": worker.id, "quantity": 11, "accepted": 11},
        token_from=path,
    )
    assert too_many.status_code == 200
    refused = too_many.get_data(as_text=True)
    assert "订单只剩10件未交，本次11件超出" in refused
    assert 'id="quantity-error"' in refused and 'value="11"' in refused
    db.session.expire_all()
    assert [(e.quantity, e.accepted) for e in _entries(order)] == [(60, 60), (30, 27)]
    assert (order.delivered, order.accepted) == (90, 87)


def test_a_correction_is_a_new_entry_and_the_original_stays(client, staff_user):
    order = make_order(quantity=100)
    worker = make_resident(name="王秀兰")
    path = f"/staff/orders/{order.id}"
    post_form(
        client,
        f"{path}/deliveries",
        {"resident_id": worker.id, "quantity": 40, "accepted": 40},
        token_from=path,
    )
    original = _entries(order)[0]
    correct = f"{path}/deliveries/{original.id}/correct"
    assert "更正第" in client.get(correct).get_data(as_text=True)
    missing_reason = post_form(client, correct, {"quantity": "-5", "accepted": "-5"})
    assert missing_reason.status_code == 200
    assert "请写明更正原因" in missing_reason.get_data(as_text=True)
    done = post_form(client, correct, {"quantity": "-5", "accepted": "-5", "note": "多点了5个"})
    assert done.status_code == 302
    db.session.expire_all()
    entries = _entries(order)
    assert [(e.quantity, e.accepted, e.corrects_id) for e in entries] == [
        (40, 40, None),
        (-5, -5, original.id),
    ]
    assert order.delivered == 35
    ledger = client.get(path).get_data(as_text=True)
    assert f"更正第 {original.id} 号" in ledger


def test_materials_are_issued_to_a_worker(client, staff_user):
    order = make_order()
    worker = make_resident()
    path = f"/staff/orders/{order.id}"
    refused = post_form(
        client,
        f"{path}/materials",
        {"resident_id": worker.id, "material": "5号线"},
        token_from=path,
    )
    assert refused.status_code == 200 and 'id="amount-error"' in refused.get_data(as_text=True)
    done = post_form(
        client,
        f"{path}/materials",
        {"resident_id": worker.id, "material": "5号线", "amount": "120.5", "unit": "米",
         "pieces": 50},
        token_from=path,
    )  # fmt: skip
    assert done.status_code == 302
    issue = db.session.scalars(select(MaterialIssue)).one()
    assert (issue.material, str(issue.amount), issue.pieces) == ("5号线", "120.50", 50)


def test_the_pay_sheet_downloads_with_its_totals(client, staff_user):
    firm = make_firm()
    order = make_order(firm, quantity=500)
    path = f"/staff/orders/{order.id}"
    for name, pieces, accepted in (("王秀兰", 100, 100), ("赵桂花", 50, 45)):
        resident = make_resident(name=name)
        post_form(
            client,
            f"{path}/deliveries",
            {"resident_id": resident.id, "quantity": pieces, "accepted": accepted,
             "reject_reason": "做工不合格"},
            token_from=path,
        )  # fmt: skip
    today = clock.today().isoformat()
    sheet = client.get(f"/staff/orders/paysheet?from={today}&to={today}&firm_id={firm.id}")
    assert sheet.status_code == 200
    assert sheet.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[-1][0] == "合计"
    assert (rows[-1][5], rows[-1][6], rows[-1][8]) == (150, 145, 72.5)

    backwards = client.get(f"/staff/orders/paysheet?from={today}&to=2000-01-01")
    assert backwards.status_code == 200
    assert "开始日期不能晚于结束日期" in backwards.get_data(as_text=True)


def test_a_firm_user_cannot_open_the_staff_order_desk(client):
    firm = make_firm()
    signed_in(client, "firm", firm_id=firm.id)
    order = make_order(firm)
    assert client.get("/staff/orders").status_code == 403
    assert client.get(f"/staff/orders/{order.id}").status_code == 403
