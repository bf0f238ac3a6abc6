"""The staff desk for piecework orders: log an order, issue materials, record hand-ins at the
collection point, correct an entry, follow progress against the due date, download the pay sheet.

Every write goes through the orders service, exactly as the API's does; these views only turn
a form into the service's input and its refusals back into errors beside the fields.
"""

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from jobmatch import clock
from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.errors import DomainError
from jobmatch.firms import service as firms
from jobmatch.orders import earnings, paysheet, reviews
from jobmatch.orders import service as orders
from jobmatch.orders.enums import Product
from jobmatch.orders.schemas import (
    DeliveryCreate,
    MaterialIssueCreate,
    OrderCreate,
    PaysheetQuery,
)
from jobmatch.residents import service as residents
from jobmatch.spreadsheets import xlsx_response
from jobmatch.training import enrollments
from jobmatch.training import service as training
from jobmatch.web.blueprint import blp, local_time
from jobmatch.web.forms import domain_errors, form_values, load
from jobmatch.web.paging import Paged
from jobmatch.web.session import page_for

ALL = 100_000
ORDERS_PER_PAGE = 20
ENTRIES_PER_PAGE = 50


def _today() -> date:
    return clock.today()


@blp.get("/staff/orders")
@page_for(*STAFF_ROLES)
def staff_orders(user):
    """Every order with its progress against the due date, and the pay sheet to download."""
    return _orders_page(user, request.args, {})


def _orders_page(user, sheet_form, sheet_errors: dict):
    page = request.args.get("page", 1, type=int)
    found, total = orders.list_orders(user, {}, max(page, 1), ORDERS_PER_PAGE)
    today = _today()
    return render_template(
        "staff_orders.html",
        shown=Paged(found, total, page, ORDERS_PER_PAGE),
        progress={order.id: order.progress_on(today) for order in found},
        firm_options=_firm_options(),
        sheet_form=sheet_form,
        sheet_errors=sheet_errors,
        today=today,
    )


def _firm_options() -> list[tuple[int, str]]:
    found, _ = firms.list_firms(1, ALL)
    return [(firm.id, firm.name) for firm in found]


def _cohort_options(user) -> list[tuple[int, str]]:
    found, _ = training.list_cohorts(user, {}, 1, ALL)
    return [(cohort.id, cohort.name) for cohort in found]


@blp.route("/staff/orders/new", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_order_new(user):
    """Log a firm's order: product, quantity, piece rate, due date, the cohort that makes it."""
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        data, errors = load(OrderCreate(), form_values(OrderCreate(), form))
        if data is not None:
            try:
                order = orders.create_order(user, data)
            except DomainError as error:
                errors = domain_errors(error)
            else:
                flash(f"已登记订单 {order.id}：{_product(order)} {order.quantity} 件。", "success")
                return redirect(url_for("web.staff_order", order_id=order.id))
    return render_template(
        "staff_order_form.html",
        form=form,
        errors=errors,
        firm_options=_firm_options(),
        cohort_options=_cohort_options(user),
        product_options=list(Product.labels().items()),
    )


def _product(order) -> str:
    return Product.label_of(order.product)


@blp.get("/staff/orders/<int:order_id>")
@page_for(*STAFF_ROLES)
def staff_order(user, order_id: int):
    """One order: progress, the hand-in form, each worker's pieces and pay, the ledger."""
    return _order_page(user, order_id)


def _order_page(user, order_id: int, *, hand_in=None, material=None, errors=None):
    order = orders.get_order(user, order_id)
    today = _today()
    entries_total = orders.list_deliveries(user, order.id, {}, 1, 1)[1]
    last_page = max(1, -(-entries_total // ENTRIES_PER_PAGE))
    page = min(max(request.args.get("page", last_page, type=int), 1), last_page)
    entries, _ = orders.list_deliveries(user, order.id, {}, page, ENTRIES_PER_PAGE)
    workers, _ = earnings.order_earnings(user, order.id, 1, ALL)
    materials, _ = orders.list_materials(user, order.id, 1, ALL)
    names = _worker_names(user, order, workers, materials)
    options = sorted(((rid, f"{name}（{rid}）") for rid, name in names.items()), key=lambda o: o[1])
    return render_template(
        "staff_order.html",
        order=order,
        product=_product(order),
        progress=order.progress_on(today),
        ledger=Paged(entries, entries_total, page, ENTRIES_PER_PAGE),
        workers=workers,
        materials=materials,
        # The ledger's days are the service's today; the order's creation, read in Beijing
        # time, may be a day ahead of it just before midnight UTC.
        sheet_from=min(local_time(order.created_at, "%Y-%m-%d"), today.isoformat()),
        worker_options=options,
        names=names,
        reviewed=reviews.reviews_for(user, order.id),
        hand_in=hand_in if hand_in is not None else {},
        material=material if material is not None else {},
        errors=errors or {},
        today=today,
    )


def _worker_names(user, order, workers: list[dict], materials: list) -> dict[int, str]:
    """Who may hand pieces in: the linked cohort's trainees and anyone already on the order."""
    names = {row["resident_id"]: row["name"] for row in workers}
    if order.cohort_id is not None:
        roster, _ = enrollments.list_enrollments(user, order.cohort_id, 1, ALL)
        for enrollment in roster:
            names.setdefault(enrollment.resident_id, enrollment.resident.name)
    for issue in materials:
        if issue.resident_id not in names:
            names[issue.resident_id] = _resident_name(issue.resident_id)
    return names


def _resident_name(resident_id: int) -> str:
    return residents.load_resident(resident_id, with_numbers=False).name


@blp.post("/staff/orders/<int:order_id>/deliveries")
@page_for(*STAFF_ROLES)
def staff_order_delivery(user, order_id: int):
    """Record one worker's hand-in; more pieces than the order has left are refused."""
    values = form_values(DeliveryCreate(), request.form)
    values.pop("corrects_id", None)
    data, errors = load(DeliveryCreate(), values)
    if data is not None:
        try:
            entry = orders.record_delivery(user, order_id, data, _today())
        except DomainError as error:
            errors = domain_errors(error)
        else:
            rejected = entry.quantity - entry.accepted
            flash(
                f"已记录交货 {entry.quantity} 件，合格 {entry.accepted} 件"
                + (f"，不合格 {rejected} 件" if rejected else "")
                + "。",
                "success",
            )
            return redirect(url_for("web.staff_order", order_id=order_id) + "#hand-in")
    return _order_page(user, order_id, hand_in=request.form, errors=errors)


@blp.route(
    "/staff/orders/<int:order_id>/deliveries/<int:entry_id>/correct", methods=["GET", "POST"]
)
@page_for(*STAFF_ROLES)
def staff_delivery_correct(user, order_id: int, entry_id: int):
    """Correct an entry by a new, signed entry with its reason; the original stays as it was."""
    order = orders.get_order(user, order_id)
    entries, _ = orders.list_deliveries(user, order.id, {}, 1, ALL)
    original = next((e for e in entries if e.id == entry_id and e.corrects_id is None), None)
    if original is None:
        flash("只能更正本订单的一笔原始交货记录。", "error")
        return redirect(url_for("web.staff_order", order_id=order.id))
    corrections = [entry for entry in entries if entry.corrects_id == original.id]
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        values = form_values(DeliveryCreate(), form)
        values["corrects_id"] = original.id
        data, errors = load(DeliveryCreate(), values)
        if data is not None:
            try:
                orders.record_delivery(user, order.id, data, _today())
            except DomainError as error:
                errors = domain_errors(error)
            else:
                flash(f"已登记对第 {original.id} 号记录的更正，原记录保留。", "success")
                return redirect(url_for("web.staff_order", order_id=order.id) + "#ledger")
    return render_template(
        "staff_delivery_correct.html",
        order=order,
        product=_product(order),
        original=original,
        corrections=corrections,
        worker=_resident_name(original.resident_id),
        form=form,
        errors=errors,
        today=_today(),
    )


@blp.post("/staff/orders/<int:order_id>/materials")
@page_for(*STAFF_ROLES)
def staff_order_materials(user, order_id: int):
    """Record materials handed to a worker for a number of pieces."""
    data, errors = load(MaterialIssueCreate(), form_values(MaterialIssueCreate(), request.form))
    if data is not None:
        try:
            issue = orders.issue_materials(user, order_id, data, _today())
        except DomainError as error:
            errors = domain_errors(error)
        else:
            flash(f"已记录发料：{issue.material} {issue.amount}{issue.unit}。", "success")
            return redirect(url_for("web.staff_order", order_id=order_id) + "#materials")
    return _order_page(user, order_id, material=request.form, errors=errors)


@blp.get("/staff/orders/paysheet")
@page_for(*STAFF_ROLES)
def staff_paysheet(user):
    """The period's pay sheet as the bureau files it (xlsx), for every firm or one."""
    values = {key: request.args[key] for key in ("from", "to", "firm_id") if request.args.get(key)}
    values["format"] = "xlsx"
    query, errors = load(PaysheetQuery(), values)
    if query is None:
        return _orders_page(user, request.args, errors)
    try:
        sheet = paysheet.build_paysheet(user, query["start"], query["end"], query.get("firm_id"))
    except DomainError as error:
        return _orders_page(user, request.args, domain_errors(error))
    return xlsx_response(paysheet.paysheet_xlsx(sheet), paysheet.paysheet_filename(sheet))
