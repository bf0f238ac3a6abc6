"""On /me: posts just out of reach, the class that would open them, and asking for a place."""

from flask import flash, redirect, request, url_for

from jobmatch.accounts.enums import Role
from jobmatch.errors import DomainError, NotFound
from jobmatch.pathways import service as pathways
from jobmatch.web.blueprint import blp
from jobmatch.web.session import page_for


def near_misses_for(user) -> list[dict]:
    """The resident's near misses that have a class to take; none while it is not yet ranked."""
    try:
        return [item for item in pathways.near_misses(user, user.resident_id) if item["cohort"]]
    except NotFound:
        return []


@blp.post("/me/place-request")
@page_for(Role.RESIDENT)
def me_place_request(user):
    """Ask the clerk for a place in the class that leads to a post."""
    cohort_id, post_id = request.form.get("cohort_id", ""), request.form.get("post_id", "")
    if not cohort_id.isdigit():
        flash("请从列表中选择培训班。", "error")
        return redirect(url_for("web.me") + "#near-misses")
    try:
        pathways.request_place(
            user, user.resident_id, int(cohort_id), int(post_id) if post_id.isdigit() else None
        )
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("已把您的报名申请转给经办人，会尽快联系您。", "success")
    return redirect(url_for("web.me") + "#near-misses")
