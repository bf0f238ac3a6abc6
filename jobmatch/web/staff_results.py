"""A cohort's results at the desk: assessment scores (one resit), who may not sit and why,
certificates and their printable page, and the training subsidy roster and claim.

Every rule (the attendance threshold, the pass mark, the resit, the subsidy) is the training
services'; these views show their answers and carry their refusals back beside the form.
"""

from flask import current_app, flash, redirect, render_template, request, url_for

from jobmatch import clock
from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.errors import DomainError
from jobmatch.residents import service as residents
from jobmatch.spreadsheets import xlsx_response
from jobmatch.training import enrollments, subsidy
from jobmatch.training import service as training
from jobmatch.training.schemas import AssessmentCreate, CertificateCreate, SubsidyClaimCreate
from jobmatch.validators import mask_id_number
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, form_values, load
from jobmatch.web.session import page_for
from jobmatch.web.staff_training import ALL


@blp.get("/staff/cohorts/<int:cohort_id>/results")
@page_for(*STAFF_ROLES)
def staff_cohort_results(user, cohort_id: int):
    """Each trainee: attendance against the threshold, scores, and the certificate."""
    return _results_page(user, cohort_id)


def _results_page(user, cohort_id: int, enrollment_id: int | None = None, form=None, errors=None):
    cohort = training.get_cohort(user, cohort_id)
    roster, _ = enrollments.list_enrollments(user, cohort.id, 1, ALL)
    needed = enrollments.hours_needed(cohort)
    rows = [
        {
            "enrollment": row,
            "assessments": enrollments.list_assessments(user, row.id),
            "short_by": max(needed - row.hours_attended, 0),
        }
        for row in roster
    ]
    return render_template(
        "staff_cohort_results.html",
        cohort=cohort,
        rows=rows,
        needed=needed,
        pass_mark=current_app.config["TRAINING_PASS_MARK"],
        failed_for=enrollment_id,
        form=form or {},
        errors=errors or {},
        today=clock.today(),
    )


@blp.post("/staff/enrollments/<int:enrollment_id>/assessment")
@page_for(*STAFF_ROLES)
def staff_assess(user, enrollment_id: int):
    """Record a sitting's two scores; the service refuses one short of hours or a third go."""
    enrollment = enrollments.get_enrollment(user, enrollment_id)
    schema = AssessmentCreate()
    data, errors = load(schema, form_values(schema, request.form))
    if data is not None:
        try:
            result = enrollments.assess(user, enrollment.id, data)
        except DomainError as error:
            errors = domain_errors(error)
        else:
            flash(f"已记录成绩：{'合格，已结业' if result.passed else '不合格'}。", "success")
            return redirect(_back(enrollment))
    return _results_page(user, enrollment.cohort_id, enrollment.id, request.form, errors)


@blp.post("/staff/enrollments/<int:enrollment_id>/certificate")
@page_for(*STAFF_ROLES)
def staff_certificate_issue(user, enrollment_id: int):
    """Issue the certificate of a trainee who passed, with its serial number."""
    enrollment = enrollments.get_enrollment(user, enrollment_id)
    schema = CertificateCreate()
    data, errors = load(schema, form_values(schema, request.form))
    if data is not None:
        try:
            enrollments.issue_certificate(user, enrollment.id, data)
        except DomainError as error:
            errors = domain_errors(error)
        else:
            flash(f"已发证，编号 {data['certificate_no']}。", "success")
            return redirect(_back(enrollment))
    return _results_page(user, enrollment.cohort_id, enrollment.id, request.form, errors)


def _back(enrollment) -> str:
    return (
        url_for("web.staff_cohort_results", cohort_id=enrollment.cohort_id)
        + f"#trainee-{enrollment.id}"
    )


@blp.get("/staff/enrollments/<int:enrollment_id>/certificate")
@page_for(*STAFF_ROLES)
def staff_certificate(user, enrollment_id: int):
    """The certificate on one A4 page, to print from the browser."""
    enrollment = enrollments.get_enrollment(user, enrollment_id)
    if enrollment.certificate_no is None:
        flash("该学员还没有发证。", "error")
        return redirect(_back(enrollment))
    resident = residents.load_resident(enrollment.resident_id)
    return render_template(
        "staff_certificate.html",
        enrollment=enrollment,
        cohort=enrollment.cohort,
        name=resident.name,
        id_number=mask_id_number(resident.id_number),
        issuer=current_app.config["CERTIFICATE_ISSUER"],
    )


@blp.get("/staff/cohorts/<int:cohort_id>/subsidy")
@page_for(*STAFF_ROLES)
def staff_cohort_subsidy(user, cohort_id: int):
    """Who qualifies for the training subsidy and how much, and why not for the others."""
    return _subsidy_page(user, cohort_id)


def _subsidy_page(user, cohort_id: int, errors=None):
    roster = subsidy.cohort_roster(user, cohort_id)
    listed = {row.enrollment_id for row in roster.rows}
    everyone, _ = enrollments.list_enrollments(user, cohort_id, 1, ALL)
    return render_template(
        "staff_cohort_subsidy.html",
        roster=roster,
        cohort=roster.cohort,
        others=[row for row in everyone if row.id not in listed],
        unclaimed=sum(1 for row in roster.rows if row.amount > 0 and not row.claimed),
        errors=errors or {},
        today=clock.today(),
    )


@blp.get("/staff/cohorts/<int:cohort_id>/subsidy.xlsx")
@page_for(*STAFF_ROLES)
def staff_cohort_subsidy_xlsx(user, cohort_id: int):
    """The claim roster as the bureau files it."""
    roster = subsidy.cohort_roster(user, cohort_id)
    return xlsx_response(
        subsidy.roster_workbook(roster), f"{roster.cohort.name}培训补贴花名册.xlsx"
    )


@blp.post("/staff/cohorts/<int:cohort_id>/subsidy/claims")
@page_for(*STAFF_ROLES)
def staff_cohort_subsidy_claim(user, cohort_id: int):
    """Record that the cohort's claims were filed, on the day given."""
    schema = SubsidyClaimCreate()
    data, errors = load(schema, form_values(schema, request.form))
    if data is not None:
        try:
            roster = subsidy.file_claims(user, cohort_id, data.get("claimed_on"))
        except DomainError as error:
            errors = domain_errors(error)
        else:
            flash(f"已记录申报，本班补贴合计 {roster.total} 元。", "success")
            return redirect(url_for("web.staff_cohort_subsidy", cohort_id=cohort_id))
    return _subsidy_page(user, cohort_id, errors)
