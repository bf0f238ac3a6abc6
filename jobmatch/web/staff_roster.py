"""A cohort's roster at the desk: find residents and enrol one or many, schedule sessions, and
mark attendance on one phone-sized screen per session.

Enrolment, scheduling and sign-in go through the training services; a refusal for one person
(no seat left, a clashing class) is shown beside that person, in the service's own words.
"""

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for

from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.communities import service as communities
from jobmatch.errors import DomainError
from jobmatch.residents.search import search_residents
from jobmatch.training import attendance as marks
from jobmatch.training import enrollments
from jobmatch.training import service as training
from jobmatch.training.schemas import (
    AttendanceCorrection,
    AttendanceCreate,
    TrainingSessionCreate,
)
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, form_values, load
from jobmatch.web.paging import Paged
from jobmatch.web.session import page_for
from jobmatch.web.staff_training import ALL, cohort_page

FOUND_PER_PAGE = 20


@blp.route("/staff/cohorts/<int:cohort_id>/enrol", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_cohort_enrol(user, cohort_id: int):
    """Find residents by part of the name, ID number or community; enrol the ticked ones."""
    cohort = training.get_cohort(user, cohort_id)
    results = []
    # The search box posts, so that an ID number typed in it never lands in an address (nor in
    # a server's access log); paging a name search is a plain link.
    if request.method == "POST" and "search" not in request.form:
        chosen = [int(v) for v in request.form.getlist("resident_id") if v.isdigit()]
        if not chosen:
            flash("请先勾选要报名的居民。", "error")
        for resident_id in dict.fromkeys(chosen):
            try:
                enrollment = enrollments.enroll(user, cohort.id, resident_id)
            except DomainError as error:
                results.append({"resident_id": resident_id, "ok": False, "message": error.message})
            else:
                results.append(
                    {"resident_id": resident_id, "ok": True, "name": enrollment.resident.name}
                )
        cohort = training.get_cohort(user, cohort_id)
    text = request.values.get("q", "").strip()
    community = request.values.get("community_id", "")
    community_id = int(community) if community.isdigit() else None
    page = max(request.values.get("page", 1, type=int), 1)
    shown = None
    if text or community_id:
        found, total = search_residents(user, text, community_id, page, FOUND_PER_PAGE)
        shown = Paged(found, total, page, FOUND_PER_PAGE)
    roster, _ = enrollments.list_enrollments(user, cohort.id, 1, ALL)
    names = {row.resident_id: row.resident.name for row in roster}
    names.update({found["id"]: found["name"] for found in (shown.items if shown else [])})
    for result in results:
        result.setdefault("name", names.get(result["resident_id"], f"居民 {result['resident_id']}"))
    found_communities, _ = communities.list_communities()
    return render_template(
        "staff_cohort_enrol.html",
        cohort=cohort,
        shown=shown,
        query={"q": text, "community_id": community},
        enrolled={row.resident_id: row for row in roster},
        results=results,
        community_options=[(c.id, c.name) for c in found_communities],
    )


@blp.post("/staff/cohorts/<int:cohort_id>/sessions")
@page_for(*STAFF_ROLES)
def staff_cohort_session_new(user, cohort_id: int):
    """Schedule a session within the cohort's dates; clashes are refused with who and when."""
    data, errors = load(TrainingSessionCreate(), form_values(TrainingSessionCreate(), request.form))
    if data is not None:
        try:
            session = training.add_session(user, cohort_id, data)
        except DomainError as error:
            errors = domain_errors(error)
        else:
            flash(
                f"已排课：{session.held_on} {session.starts_at:%H:%M}-{session.ends_at:%H:%M}。",
                "success",
            )
            return redirect(url_for("web.staff_cohort", cohort_id=cohort_id) + "#sessions")
    return cohort_page(user, cohort_id, session={"values": request.form, "errors": errors})


@blp.get("/staff/sessions/<int:session_id>")
@page_for(*STAFF_ROLES)
def staff_session(user, session_id: int):
    """One session's sign-in sheet: every trainee a large button, present or late."""
    return _session_page(user, session_id)


def _session_page(user, session_id: int, errors: dict | None = None, form=None):
    session = enrollments.get_session(user, session_id)
    cohort = training.get_cohort(user, session.cohort_id)
    roster, _ = enrollments.list_enrollments(user, cohort.id, 1, ALL)
    attendance = enrollments.list_attendance(user, session.id)
    signed = {resident_id: record for record, resident_id in attendance}
    shown = [row for row in roster if row.status != "dropped" or row.resident_id in signed]
    return render_template(
        "staff_session.html",
        session=session,
        cohort=cohort,
        roster=shown,
        signed=signed,
        marks={
            row.resident_id: marks.mark_of(signed.get(row.resident_id), session) for row in shown
        },
        names={row.resident_id: row.resident.name for row in roster},
        history=marks.history(user, session.id),
        errors=errors or {},
        form=form or {},
    )


@blp.post("/staff/sessions/<int:session_id>/attendance")
@page_for(*STAFF_ROLES)
def staff_session_mark(user, session_id: int):
    """Sign one trainee in: on time at the session's start, or late at the time given."""
    session = enrollments.get_session(user, session_id)
    values = {"resident_id": request.form.get("resident_id", "")}
    values["resident_id"] = int(values["resident_id"]) if values["resident_id"].isdigit() else -1
    if request.form.get("mark") == "late":
        clock = request.form.get("signed_in_at", "").strip()
        values["signed_in_at"] = f"{session.held_on.isoformat()}T{clock}" if clock else ""
        values["hours"] = request.form.get("hours", "").strip() or None
        values = {key: value for key, value in values.items() if value not in ("", None)}
        if "signed_in_at" not in values:
            errors = {"signed_in_at": ["迟到请填写到达时间。"]}
            return _session_page(user, session_id, {values["resident_id"]: errors})
    data, errors = load(AttendanceCreate(), values)
    if data is not None:
        try:
            enrollments.record_attendance(user, session.id, data)
        except DomainError as error:
            errors = domain_errors(error)
        else:
            late = data.get("signed_in_at")
            moment = f"，{late:%H:%M} 到" if isinstance(late, datetime) else ""
            flash(f"已签到{moment}。", "success")
            return redirect(
                url_for("web.staff_session", session_id=session.id)
                + f"#trainee-{values['resident_id']}"
            )
    return _session_page(user, session_id, {values["resident_id"]: errors})


@blp.post("/staff/sessions/<int:session_id>/attendance/correct")
@page_for(*STAFF_ROLES)
def staff_session_correct(user, session_id: int):
    """Change a trainee's mark (present, late, absent) with a reason; the change is kept."""
    session = enrollments.get_session(user, session_id)
    form = request.form
    resident = form.get("resident_id", "")
    values = {key: form[key] for key in ("mark", "hours", "reason") if form.get(key, "").strip()}
    values["resident_id"] = int(resident) if resident.isdigit() else -1
    if form.get("signed_in_at", "").strip():
        values["signed_in_at"] = f"{session.held_on.isoformat()}T{form['signed_in_at'].strip()}"
    data, errors = load(AttendanceCorrection(), values)
    if data is not None:
        try:
            marks.correct_attendance(user, session.id, data)
        except DomainError as error:
            errors = domain_errors(error)
        else:
            flash("已更正出勤，原记录保留在更正记录中。", "success")
            return redirect(
                url_for("web.staff_session", session_id=session.id) + f"#trainee-{resident}"
            )
    return _session_page(user, session_id, {values["resident_id"]: errors}, form)
