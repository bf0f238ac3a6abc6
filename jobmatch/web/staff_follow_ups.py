"""The follow-up task list: each hire's 1-, 3- and 6-month call come due, recorded in place."""

from flask import flash, redirect, render_template, request, url_for

from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.employment import service as employment
from jobmatch.employment.enums import EndReason, FollowUpOutcome
from jobmatch.employment.schemas import FollowUpIn
from jobmatch.errors import DomainError
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, form_values, load
from jobmatch.web.session import page_for


@blp.get("/staff/follow-ups")
@page_for(*STAFF_ROLES)
def staff_follow_ups(user):
    """Every due follow-up, oldest first, each with its form."""
    return render_template(
        "staff_follow_ups.html",
        tasks=employment.due_follow_ups(user),
        outcomes=list(FollowUpOutcome.labels().items()),
        reasons=list(EndReason.labels().items()),
    )


@blp.post("/staff/follow-ups/<int:spell_id>")
@page_for(*STAFF_ROLES)
def staff_follow_up_record(user, spell_id: int):
    """Record one call; the task leaves the list once recorded."""
    data, errors = load(FollowUpIn(), form_values(FollowUpIn(), request.form))
    if data is not None:
        try:
            employment.record_follow_up(user, spell_id, data)
        except DomainError as error:
            errors = domain_errors(error)
    if errors:
        flash("回访未保存：" + "；".join(m for ms in errors.values() for m in ms), "error")
    else:
        flash("回访已记录。", "success")
    return redirect(url_for("web.staff_follow_ups"))
