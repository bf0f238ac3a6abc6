"""A resident's own page: matches with their reasons, applications, training, notices."""

from flask import flash, redirect, render_template, request, url_for

from jobmatch.accounts.enums import Role
from jobmatch.applications import service as applications
from jobmatch.applications.schemas import ApplicationCreate
from jobmatch.errors import DomainError
from jobmatch.notifications import service as notifications
from jobmatch.residents import service as residents
from jobmatch.training import service as training
from jobmatch.web import people
from jobmatch.web.blueprint import blp
from jobmatch.web.firm import move_application_from_form, next_moves
from jobmatch.web.forms import load
from jobmatch.web.resident_pathways import near_misses_for
from jobmatch.web.session import page_for

ALL = 1000
NOTICES_SHOWN = 20


@blp.get("/me")
@page_for(Role.RESIDENT)
def me(user):
    """The resident's matches, applications, training and notices."""
    mine, _ = applications.list_applications(user, {}, page=1, page_size=ALL)
    mine.sort(key=lambda application: -application.id)
    notices, unread = _notices(user)
    return render_template(
        "me.html",
        resident=residents.read_resident(user, user.resident_id),
        matches=people.matches_for(user, user.resident_id),
        near_misses=near_misses_for(user),
        applications=mine,
        applied={application.post_id: application for application in mine},
        enrollments=training.list_enrollments_for_resident(user, user.resident_id),
        notices=notices,
        unread=unread,
        next_moves=next_moves,
        skill_names=people.skill_names(),
        applied_now=request.args.get("applied", type=int),
    )


def _notices(user) -> tuple[list, int]:
    shown, _ = notifications.list_notifications(user, unread=None, page=1, page_size=NOTICES_SHOWN)
    _, unread = notifications.list_notifications(user, unread=True, page=1, page_size=1)
    return shown, unread


@blp.post("/me/apply")
@page_for(Role.RESIDENT)
def me_apply(user):
    """Apply to a post, through the applications service."""
    post_id = request.form.get("post_id", "")
    data, errors = load(
        ApplicationCreate(),
        {"resident_id": user.resident_id, "post_id": int(post_id) if post_id.isdigit() else -1},
    )
    if data is None:
        flash("请从列表中选择岗位再报名。", "error")
        return redirect(url_for("web.me"))
    try:
        applications.create_application(user, data["resident_id"], data["post_id"])
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("web.me") + f"#match-{data['post_id']}")
    # The confirmation is shown where the resident pressed the button, not at the page's top.
    if request.form.get("from") == "post":
        return redirect(url_for("web.post_page", post_id=data["post_id"], applied=1) + "#apply")
    return redirect(url_for("web.me", applied=data["post_id"]) + f"#match-{data['post_id']}")


@blp.post("/me/applications/<int:application_id>/move")
@page_for(Role.RESIDENT)
def me_application_move(user, application_id: int):
    """Withdraw one's own application (the only move a resident makes)."""
    return move_application_from_form(user, application_id, url_for("web.me"))


@blp.post("/me/notifications/<int:notification_id>/read")
@page_for(Role.RESIDENT)
def me_notification_read(user, notification_id: int):
    """Mark a notice read."""
    try:
        notifications.mark_read(user, notification_id)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("web.me") + "#notices")
