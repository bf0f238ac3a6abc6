"""Piecework orders, materials issued and the append-only delivery ledger.

Every ledger write moves the order's running sums with one conditional UPDATE in the same
transaction as the ledger insert, so concurrent deliveries can never overshoot an order.
"""

from datetime import date

from sqlalchemy import case, func, or_, select, update

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.database import MAX_ID, paginate
from jobmatch.errors import Conflict, Forbidden, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.orders.models import Delivery, MaterialIssue, Order
from jobmatch.residents.models import Resident
from jobmatch.training.models import Cohort


def require_staff(actor: User) -> None:
    if not is_staff(actor):
        raise Forbidden("只有人社局工作人员可以进行此操作。")


def require_order_reader(actor: User) -> None:
    """Staff read every order; a firm user reads its own firm's; nobody else reads any."""
    if not (is_staff(actor) or actor.role == Role.FIRM):
        raise Forbidden("当前账号无权查看订单。")


def get_order(actor: User, order_id: int) -> Order:
    require_order_reader(actor)
    order = db.session.get(Order, order_id) if order_id <= MAX_ID else None
    # Another firm's order answers exactly like a missing one: nothing about it leaks.
    if order is None or not (is_staff(actor) or order.firm_id == actor.firm_id):
        raise NotFound("订单不存在。")
    return order


def list_orders(actor: User, filters: dict, page: int, page_size: int) -> tuple[list[Order], int]:
    require_order_reader(actor)
    conditions = []
    if not is_staff(actor):
        if filters.get("firm_id", actor.firm_id) != actor.firm_id:
            raise Forbidden("只能查看本企业的订单。")
        conditions.append(Order.firm_id == actor.firm_id)
    elif "firm_id" in filters:
        conditions.append(Order.firm_id == filters["firm_id"])
    if "cohort_id" in filters:
        conditions.append(Order.cohort_id == filters["cohort_id"])
    if "product" in filters:
        conditions.append(Order.product == filters["product"].strip())
    return paginate(select(Order).where(*conditions).order_by(Order.id), page, page_size)


def _text(data: dict, field: str, label: str, required: bool = False) -> None:
    """Trim a free-text field in place; blank means absent, and absent may be refused."""
    if field in data and data[field] is not None:
        data[field] = data[field].strip() or None
    if required and not data.get(field):
        raise Invalid("输入有误，请按提示修改。", {field: [f"请填写{label}。"]})


def _check_references(data: dict) -> None:
    errors = {}
    if data.get("firm_id") is not None and db.session.get(Firm, data["firm_id"]) is None:
        errors["firm_id"] = ["企业不存在。"]
    if data.get("cohort_id") is not None and db.session.get(Cohort, data["cohort_id"]) is None:
        errors["cohort_id"] = ["培训班不存在。"]
    if errors:
        raise Invalid("输入有误，请按提示修改。", errors)


def create_order(actor: User, data: dict) -> Order:
    require_staff(actor)
    _text(data, "product", "产品", required=True)
    _text(data, "workshop", "车间")
    _check_references(data)
    order = Order(**data, delivered=0, accepted=0)
    db.session.add(order)
    db.session.commit()
    return order


def update_order(actor: User, order_id: int, data: dict, today: date) -> Order:
    require_staff(actor)
    order = get_order(actor, order_id)
    if "product" in data:
        _text(data, "product", "产品", required=True)
    _text(data, "workshop", "车间")
    _check_references(data)
    if "unit_rate" in data and data["unit_rate"] != order.unit_rate and order.accepted > 0:
        raise Conflict("已有合格交货，不能再改计件单价；如需调整请登记更正。")
    quantity = data.pop("quantity", None)
    for field, value in data.items():
        setattr(order, field, value)
    db.session.flush()
    if quantity is not None and quantity != order.quantity:
        # Conditional, like a delivery: a quantity below what is already delivered is refused
        # even if a delivery lands between this request's read and its write.
        resized = db.session.execute(
            update(Order)
            .where(Order.id == order.id, Order.delivered <= quantity)
            .values(
                quantity=quantity,
                completed_on=case(
                    (Order.delivered >= quantity, func.coalesce(Order.completed_on, today)),
                    else_=None,
                ),
            )
            .execution_options(synchronize_session=False)
        )
        if resized.rowcount != 1:
            db.session.rollback()
            raise Conflict("订单数量不能少于已交货数量。", {"quantity": ["不能少于已交货数量。"]})
    db.session.commit()
    return order


def list_deliveries(
    actor: User, order_id: int, filters: dict, page: int, page_size: int
) -> tuple[list[Delivery], int]:
    order = get_order(actor, order_id)
    conditions = [Delivery.order_id == order.id]
    if "resident_id" in filters:
        conditions.append(Delivery.resident_id == filters["resident_id"])
    return paginate(select(Delivery).where(*conditions).order_by(Delivery.id), page, page_size)


def _move_order_sums(order_id: int, pieces: int, accepted: int, day: date) -> bool:
    """Add to the order's sums if they stay within bounds; one statement, so it cannot race."""
    delivered = Order.delivered + pieces
    result = db.session.execute(
        update(Order)
        .where(
            Order.id == order_id,
            delivered >= 0,
            delivered <= Order.quantity,
            Order.accepted + accepted >= 0,
            Order.accepted + accepted <= delivered,
        )
        .values(
            delivered=delivered,
            accepted=Order.accepted + accepted,
            completed_on=case(
                (delivered >= Order.quantity, func.coalesce(Order.completed_on, day)), else_=None
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _refuse_overshoot(order_id: int, pieces: int) -> None:
    db.session.rollback()
    left = db.session.execute(
        select(Order.quantity - Order.delivered).where(Order.id == order_id)
    ).scalar_one()
    message = f"订单只剩{left}件未交，本次{pieces}件超出。"
    raise Conflict(message, {"quantity": [message]})


def _check_entry_counts(data: dict) -> None:
    quantity, accepted = data["quantity"], data["accepted"]
    errors = {}
    if quantity < 1:
        errors["quantity"] = ["交货数量应为正整数。"]
    if accepted < 0:
        errors["accepted"] = ["合格数量不能为负数。"]
    elif accepted > quantity:
        errors["accepted"] = ["合格数量不能多于交货数量。"]
    elif accepted < quantity and not data.get("reject_reason"):
        errors["reject_reason"] = ["有不合格品时请填写不合格原因。"]
    if errors:
        raise Invalid("输入有误，请按提示修改。", errors)


def _check_day(day: date, today: date, field: str) -> None:
    if day > today:
        raise Invalid("输入有误，请按提示修改。", {field: ["日期不能晚于今天。"]})


def record_delivery(actor: User, order_id: int, data: dict, today: date) -> Delivery:
    """Append one entry to an order's ledger: a hand-in, or a correction of an earlier one."""
    require_staff(actor)
    order = get_order(actor, order_id)
    _text(data, "reject_reason", "不合格原因")
    _text(data, "note", "备注")
    data.setdefault("delivered_on", today)
    _check_day(data["delivered_on"], today, "delivered_on")
    if data.get("corrects_id") is not None:
        return _record_correction(order, data, today)
    if data.get("resident_id") is None:
        raise Invalid("输入有误，请按提示修改。", {"resident_id": ["请填写交货居民。"]})
    _check_entry_counts(data)
    if db.session.get(Resident, data["resident_id"]) is None:
        raise Invalid("输入有误，请按提示修改。", {"resident_id": ["居民不存在。"]})
    if not _move_order_sums(order.id, data["quantity"], data["accepted"], data["delivered_on"]):
        _refuse_overshoot(order.id, data["quantity"])
    entry = Delivery(order_id=order.id, **data)
    db.session.add(entry)
    db.session.commit()
    return entry


def _record_correction(order: Order, data: dict, today: date) -> Delivery:
    original = db.session.get(Delivery, data["corrects_id"])
    if original is None or original.order_id != order.id or original.corrects_id is not None:
        raise Invalid(
            "输入有误，请按提示修改。", {"corrects_id": ["只能更正本订单的一笔原始交货记录。"]}
        )
    errors = {}
    if data.get("resident_id") not in (None, original.resident_id):
        errors["resident_id"] = ["更正记录的居民须与原记录相同。"]
    if data["quantity"] == 0 and data["accepted"] == 0:
        errors["quantity"] = ["更正的交货或合格数量至少一项不为0。"]
    if not data.get("note"):
        errors["note"] = ["请写明更正原因。"]
    if data["delivered_on"] < original.delivered_on:
        errors["delivered_on"] = ["更正日期不能早于原记录日期。"]
    if errors:
        raise Invalid("输入有误，请按提示修改。", errors)
    data["resident_id"] = original.resident_id
    # The conditional UPDATE also locks the order's row, so the entry's net read below sees
    # every correction committed before this one and none can slip in until we commit.
    moved = _move_order_sums(order.id, data["quantity"], data["accepted"], data["delivered_on"])
    net_quantity, net_accepted = db.session.execute(
        select(func.sum(Delivery.quantity), func.sum(Delivery.accepted)).where(
            or_(Delivery.id == original.id, Delivery.corrects_id == original.id)
        )
    ).one()
    net_quantity += data["quantity"]
    net_accepted += data["accepted"]
    if net_quantity < 0:
        errors["quantity"] = [f"更正后该笔交货数量为{net_quantity}，不能为负。"]
    elif net_accepted < 0:
        errors["accepted"] = [f"更正后该笔合格数量为{net_accepted}，不能为负。"]
    elif net_accepted > net_quantity:
        errors["accepted"] = ["更正后合格数量不能多于交货数量。"]
    if errors:
        db.session.rollback()
        raise Invalid("输入有误，请按提示修改。", errors)
    if not moved:
        _refuse_overshoot(order.id, data["quantity"])
    entry = Delivery(order_id=order.id, **data)
    db.session.add(entry)
    db.session.commit()
    return entry


def list_materials(
    actor: User, order_id: int, page: int, page_size: int
) -> tuple[list[MaterialIssue], int]:
    order = get_order(actor, order_id)
    condition = MaterialIssue.order_id == order.id
    statement = select(MaterialIssue).where(condition).order_by(MaterialIssue.id)
    return paginate(statement, page, page_size)


def issue_materials(actor: User, order_id: int, data: dict, today: date) -> MaterialIssue:
    require_staff(actor)
    order = get_order(actor, order_id)
    _text(data, "material", "材料名称", required=True)
    _text(data, "unit", "单位", required=True)
    _text(data, "note", "备注")
    data.setdefault("issued_on", today)
    _check_day(data["issued_on"], today, "issued_on")
    if db.session.get(Resident, data["resident_id"]) is None:
        raise Invalid("输入有误，请按提示修改。", {"resident_id": ["居民不存在。"]})
    issue = MaterialIssue(order_id=order.id, **data)
    db.session.add(issue)
    db.session.commit()
    return issue
