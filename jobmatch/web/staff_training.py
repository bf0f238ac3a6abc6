"""The staff desk for training: cohorts by program, mode, dates and state; open and change a
cohort; its page with the roster, sessions, attendance rates, assessments and certificates.

Everything is read and written through the training services, as the API does.
"""

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for

from jobmatch import clock
from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.communities import service as communities
from jobmatch.errors import DomainError
from jobmatch.firms import service as firms
from jobmatch.pathways.demand import program_demand
from jobmatch.training import cohort_roster, enrollments
from jobmatch.training import service as training
from jobmatch.training.enums import CohortMode, CohortState
from jobmatch.training.schemas import CohortCreate, CohortQuery, CohortUpdate
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, form_values, load
from jobmatch.web.paging import Paged
from jobmatch.web.session import page_for

ALL = 100_000
COHORTS_PER_PAGE = 20
COHORT_FIELDS = ("name", "community_id", "location", "instructor", "starts_on", "ends_on")


def today() -> date:
    return clock.today()


def program_options(user) -> list[tuple[str, str]]:
    found, _ = training.list_programs(user, 1, ALL)
    return [(program.code, f"{program.name}（{program.hours}学时）") for program in found]


def _firm_options() -> list[tuple[int, str]]:
    found, _ = firms.list_firms(1, ALL)
    return [(firm.id, firm.name) for firm in found]


def _community_options() -> list[tuple[int, str]]:
    found, _ = communities.list_communities()
    return [(community.id, community.name) for community in found]


@blp.get("/staff/cohorts")
@page_for(*STAFF_ROLES)
def staff_cohorts(user):
    """Cohorts by program, mode and state, with their dates and seats left."""
    keys = ("program_code", "mode", "state")
    wanted = {key: request.args[key] for key in keys if request.args.get(key)}
    filters, errors = load(CohortQuery(), wanted)
    page = max(request.args.get("page", 1, type=int), 1)
    found, total = training.list_cohorts(user, filters or {}, page, COHORTS_PER_PAGE, today())
    return render_template(
        "staff_cohorts.html",
        shown=Paged(found, total, page, COHORTS_PER_PAGE),
        filters=wanted,
        errors=errors,
        today=today(),
        program_options=program_options(user),
        mode_options=list(CohortMode.labels().items()),
        state_options=list(CohortState.labels().items()),
    )


@blp.route("/staff/cohorts/new", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_cohort_new(user):
    """Open a cohort: in the classroom at the training base, or on the job at a firm."""
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        values = form_values(CohortCreate(), form)
        if values.get("mode") != "on_the_job":
            values.pop("firm_id", None)  # a classroom cohort has no host firm
        data, errors = load(CohortCreate(), values)
        if data is not None:
            try:
                cohort = training.create_cohort(user, data)
            except DomainError as error:
                errors = domain_errors(error)
            else:
                flash(f"已开班“{cohort.name}”。", "success")
                return redirect(url_for("web.staff_cohort", cohort_id=cohort.id))
    return _cohort_form(user, None, form, errors)


@blp.route("/staff/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_cohort_edit(user, cohort_id: int):
    """Change a cohort's name, place, teacher, dates, seats or hours."""
    cohort = training.get_cohort(user, cohort_id)
    errors: dict = {}
    form = request.form if request.method == "POST" else _as_form(cohort)
    if request.method == "POST":
        data, errors = load(CohortUpdate(), form_values(CohortUpdate(), form, partial=True))
        if data is not None:
            try:
                training.update_cohort(user, cohort.id, data)
            except DomainError as error:
                errors = domain_errors(error)
            else:
                flash("已保存培训班信息。", "success")
                return redirect(url_for("web.staff_cohort", cohort_id=cohort.id))
    return _cohort_form(user, cohort, form, errors)


def _as_form(cohort) -> dict:
    values = {key: getattr(cohort, key) for key in (*COHORT_FIELDS, "capacity", "hours")}
    values.update(program_code=cohort.program_code, mode=cohort.mode, firm_id=cohort.firm_id)
    return {
        key: "" if value is None else value.isoformat() if isinstance(value, date) else value
        for key, value in values.items()
    }


def _cohort_form(user, cohort, form, errors: dict):
    return render_template(
        "staff_cohort_form.html",
        cohort=cohort,
        form=form,
        errors=errors,
        program_options=program_options(user),
        mode_options=list(CohortMode.labels().items()),
        firm_options=_firm_options(),
        community_options=_community_options(),
    )


@blp.get("/staff/cohorts/<int:cohort_id>")
@page_for(*STAFF_ROLES)
def staff_cohort(user, cohort_id: int):
    """A cohort: its roster with attendance, its sessions, assessments and certificates."""
    return cohort_page(user, cohort_id)


def cohort_page(user, cohort_id: int, **forms):
    """The cohort's page; ``forms`` carries a refused form's input and errors back to it."""
    cohort = training.get_cohort(user, cohort_id)
    roster, _ = enrollments.list_enrollments(user, cohort.id, 1, ALL)
    sessions = training.list_sessions(user, cohort.id)
    needed = enrollments.hours_needed(cohort)
    trainees = [
        {
            "enrollment": enrollment,
            "rate": float(enrollment.hours_attended) / cohort.hours,
            "short_by": max(needed - enrollment.hours_attended, 0),
            "assessments": enrollments.list_assessments(user, enrollment.id),
        }
        for enrollment in roster
    ]
    # Beside the seats: whom completing this program would open posts to (the demand report).
    demand = next(iter(program_demand(user, today(), cohort.program_code)), None)
    return render_template(
        "staff_cohort.html",
        cohort=cohort,
        demand=demand,
        state=cohort.state_on(today()),
        trainees=trainees,
        sessions=sessions,
        needed=needed,
        min_attendance=current_app.config["TRAINING_MIN_ATTENDANCE"],
        pass_mark=current_app.config["TRAINING_PASS_MARK"],
        forms=forms,
        roster_max_rows=cohort_roster.MAX_ROWS,
        today=today(),
    )
