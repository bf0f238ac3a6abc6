"""What residents earned: accepted pieces times the order's unit rate, corrections included.

Sums are taken in SQL; money is multiplied in Python with Decimal, because SQLite would do
``accepted * unit_rate`` in floating point and lose cents.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from sqlalchemy import and_, case, func, or_, select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.database import MAX_ID, paginate
from jobmatch.errors import Forbidden, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.orders.models import CENT, Delivery, MaterialIssue, Order
from jobmatch.orders.service import get_order, require_staff
from jobmatch.residents.models import Resident


def check_period(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise Invalid("输入有误，请按提示修改。", {"from": ["开始日期不能晚于结束日期。"]})


def period_conditions(start: date | None, end: date | None) -> list:
    conditions = []
    if start:
        conditions.append(Delivery.delivered_on >= start)
    if end:
        conditions.append(Delivery.delivered_on <= end)
    return conditions


def order_earnings(actor: User, order_id: int, page: int, page_size: int) -> tuple[list[dict], int]:
    """Per resident who delivered to the order: pieces and pay, with materials issued."""
    order = get_order(actor, order_id)
    in_order = Delivery.order_id == order.id
    rows, total = paginate(
        select(
            Delivery.resident_id,
            Resident.name,
            func.sum(Delivery.quantity),
            func.sum(Delivery.accepted),
        )
        .join(Resident, Resident.id == Delivery.resident_id)
        .where(in_order)
        .group_by(Delivery.resident_id, Resident.name)
        .order_by(Delivery.resident_id),
        page,
        page_size,
    )
    issued = dict(
        db.session.execute(
            select(MaterialIssue.resident_id, func.sum(MaterialIssue.pieces))
            .where(
                MaterialIssue.order_id == order.id,
                MaterialIssue.resident_id.in_([row[0] for row in rows]),
            )
            .group_by(MaterialIssue.resident_id)
        ).all()
    )
    earnings = [
        {
            "resident_id": resident_id,
            "name": name,
            "issued_pieces": int(issued.get(resident_id) or 0),
            "delivered": int(delivered),
            "accepted": int(accepted),
            "amount": accepted * order.unit_rate,
        }
        for resident_id, name, delivered, accepted in rows
    ]
    return earnings, total


def ledger_lines(conditions: list) -> list[tuple[int, Order, int, int]]:
    """(resident_id, order, delivered, accepted) per resident and order, net of corrections."""
    rows = db.session.execute(
        select(
            Delivery.resident_id,
            Delivery.order_id,
            func.sum(Delivery.quantity),
            func.sum(Delivery.accepted),
        )
        .join(Order, Order.id == Delivery.order_id)
        .where(*conditions)
        .group_by(Delivery.resident_id, Delivery.order_id)
        .order_by(Delivery.resident_id, Delivery.order_id)
    ).all()
    orders = {
        order.id: order
        for order in db.session.scalars(select(Order).where(Order.id.in_({row[1] for row in rows})))
    }
    return [
        (resident_id, orders[order_id], int(delivered), int(accepted))
        for resident_id, order_id, delivered, accepted in rows
    ]


def resident_earnings(actor: User, resident_id: int, start: date | None, end: date | None) -> dict:
    """One resident's pay per order over a period (all time when open-ended)."""
    if not (is_staff(actor) or (actor.role == Role.RESIDENT and actor.resident_id == resident_id)):
        raise Forbidden("只能查看自己的计件收入。")
    if resident_id > MAX_ID or db.session.get(Resident, resident_id) is None:
        raise NotFound("居民不存在。")
    check_period(start, end)
    lines = [
        {
            "order_id": order.id,
            "product": order.product,
            "unit_rate": order.unit_rate,
            "delivered": delivered,
            "accepted": accepted,
            "amount": accepted * order.unit_rate,
        }
        for _, order, delivered, accepted in ledger_lines(
            [Delivery.resident_id == resident_id, *period_conditions(start, end)]
        )
    ]
    return {
        "resident_id": resident_id,
        "start": start,
        "end": end,
        "lines": lines,
        "total": sum((line["amount"] for line in lines), Decimal("0")),
    }


def earnings_spread(amounts: list[Decimal]) -> dict:
    """Median and quartiles of per-resident pay (numpy's linear interpolation)."""
    figures: dict = {"residents": len(amounts), "total": sum(amounts, Decimal("0"))}
    if not amounts:
        return figures | dict.fromkeys(("mean", "min", "q1", "median", "q3", "max", "iqr"))
    values = np.array([float(amount) for amount in amounts])
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    spread = {
        key: Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)
        for key, value in (
            ("mean", values.mean()),
            ("min", values.min()),
            ("q1", q1),
            ("median", median),
            ("q3", q3),
            ("max", values.max()),
        )
    }
    # From the rounded quartiles, so that the figures shown add up to each other.
    return figures | spread | {"iqr": spread["q3"] - spread["q1"]}


def order_summary(actor: User, start: date | None, end: date | None, today: date) -> dict:
    """Order progress by product and the spread of what residents earned."""
    require_staff(actor)
    check_period(start, end)
    completed = Order.delivered >= Order.quantity
    late = and_(
        Order.due_on.is_not(None),
        or_(
            and_(~completed, Order.due_on < today),
            and_(completed, Order.completed_on.is_not(None), Order.completed_on > Order.due_on),
        ),
    )
    counts = db.session.execute(
        select(
            func.count(Order.id),
            func.sum(case((completed, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
        )
    ).one()
    products = [
        {"product": p, "orders": n, "quantity": q, "delivered": d, "accepted": a}
        for p, n, q, d, a in db.session.execute(
            select(
                Order.product,
                func.count(Order.id),
                func.sum(Order.quantity),
                func.sum(Order.delivered),
                func.sum(Order.accepted),
            )
            .group_by(Order.product)
            .order_by(Order.product)
        )
    ]
    per_resident: dict[int, Decimal] = {}
    for resident_id, order, _, accepted in ledger_lines(period_conditions(start, end)):
        per_resident[resident_id] = per_resident.get(resident_id, Decimal("0")) + (
            accepted * order.unit_rate
        )
    return {
        "orders": counts[0],
        "completed": int(counts[1] or 0),
        "open": counts[0] - int(counts[1] or 0),
        "late": int(counts[2] or 0),
        "quantity": sum(p["quantity"] for p in products),
        "delivered": sum(p["delivered"] for p in products),
        "accepted": sum(p["accepted"] for p in products),
        "products": products,
        "earnings": earnings_spread(list(per_resident.values())),
    }
