"""A firm's word on the hand-ins of its orders: confirm one as recorded, or dispute its count.

Only the order's own firm reviews its entries, once each. A dispute leaves the ledger as it is:
the bureau reads it beside the entry and, if the firm is right, records a correction.
"""

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.models import User
from jobmatch.errors import Conflict, Forbidden, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.orders.enums import ReviewVerdict
from jobmatch.orders.models import Delivery, DeliveryReview, Order
from jobmatch.orders.schemas import MAX_ID
from jobmatch.orders.service import get_order

INVALID = "输入有误，请按提示修改。"


def own_entry(actor: User, delivery_id: int) -> Delivery:
    if actor.role != "firm":
        raise Forbidden("只有下单企业可以确认交货。")
    entry = db.session.get(Delivery, delivery_id) if 1 <= delivery_id <= MAX_ID else None
    order = db.session.get(Order, entry.order_id) if entry is not None else None
    # Another firm's entry answers exactly like a missing one.
    if entry is None or order.firm_id != actor.firm_id:
        raise NotFound("交货记录不存在。")
    return entry


def net_counts(entry: Delivery) -> tuple[int, int]:
    """An original entry's pieces and accepted pieces with its corrections applied."""
    quantity, accepted = db.session.execute(
        select(func.sum(Delivery.quantity), func.sum(Delivery.accepted)).where(
            or_(Delivery.id == entry.id, Delivery.corrects_id == entry.id)
        )
    ).one()
    return int(quantity), int(accepted)


def review_delivery(actor: User, delivery_id: int, data: dict) -> DeliveryReview:
    """Confirm a hand-in, or dispute it with the count the firm accepts and why."""
    entry = own_entry(actor, delivery_id)
    if entry.corrects_id is not None:
        raise Invalid(INVALID, {"delivery_id": ["请确认原始交货记录，更正记录随原记录一起看。"]})
    if db.session.scalar(select(DeliveryReview.id).where(DeliveryReview.delivery_id == entry.id)):
        raise Conflict("这笔交货已经确认或提出过异议。")
    quantity, accepted = net_counts(entry)
    reason = (data.get("reason") or "").strip() or None
    if data["verdict"] == ReviewVerdict.DISPUTED:
        errors = {}
        if data.get("accepted") is None:
            errors["accepted"] = ["请填写企业认可的合格件数。"]
        elif not 0 <= data["accepted"] <= quantity:
            errors["accepted"] = [f"应在0到{quantity}之间。"]
        elif data["accepted"] == accepted:
            errors["accepted"] = ["与登记的合格件数相同；如无异议请直接确认。"]
        if reason is None:
            errors["reason"] = ["请写明异议原因。"]
        if errors:
            raise Invalid(INVALID, errors)
        review = DeliveryReview(
            delivery_id=entry.id, user_id=actor.id, verdict=ReviewVerdict.DISPUTED,
            accepted=data["accepted"], reason=reason,
        )  # fmt: skip
    else:
        review = DeliveryReview(
            delivery_id=entry.id, user_id=actor.id, verdict=ReviewVerdict.CONFIRMED,
            accepted=accepted, reason=reason,
        )  # fmt: skip
    db.session.add(review)
    try:
        db.session.commit()
    except IntegrityError:  # reviewed from another tab at the same moment
        db.session.rollback()
        raise Conflict("这笔交货已经确认或提出过异议。") from None
    return review


def reviews_for(actor: User, order_id: int) -> dict[int, DeliveryReview]:
    """The order's reviews by entry: for staff, and for the order's own firm."""
    order = get_order(actor, order_id)
    if not (is_staff(actor) or order.firm_id == actor.firm_id):
        raise NotFound("订单不存在。")
    found = db.session.scalars(
        select(DeliveryReview)
        .join(Delivery, Delivery.id == DeliveryReview.delivery_id)
        .where(Delivery.order_id == order.id)
    )
    return {review.delivery_id: review for review in found}
