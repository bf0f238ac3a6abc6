"""A firm's word on the hand-ins of its own orders: confirm one, or dispute its count."""

from flask import flash, redirect, render_template, request, url_for

from jobmatch.errors import DomainError
from jobmatch.orders import reviews
from jobmatch.orders import service as orders
from jobmatch.orders.schemas import DeliveryReviewCreate
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, form_values, load
from jobmatch.web.session import page_for


@blp.route("/firm/deliveries/<int:delivery_id>/review", methods=["GET", "POST"])
@page_for("firm")
def firm_delivery_review(user, delivery_id: int):
    """Confirm a hand-in as recorded, or say how many pieces the firm accepts, and why."""
    entry = reviews.own_entry(user, delivery_id)
    order = orders.get_order(user, entry.order_id)
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        data, errors = load(DeliveryReviewCreate(), form_values(DeliveryReviewCreate(), form))
        if data is not None:
            try:
                review = reviews.review_delivery(user, entry.id, data)
            except DomainError as error:
                errors = domain_errors(error)
            else:
                done = "已确认" if review.verdict == "confirmed" else "已提交异议，人社局会核实"
                flash(f"第 {entry.id} 号交货{done}。", "success")
                return redirect(url_for("web.firm") + f"#order-{order.id}")
    quantity, accepted = reviews.net_counts(entry)
    return render_template(
        "firm_delivery_review.html",
        entry=entry,
        order=order,
        quantity=quantity,
        accepted=accepted,
        review=reviews.reviews_for(user, order.id).get(entry.id),
        form=form,
        errors=errors,
    )
