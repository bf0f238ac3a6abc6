"""A roster file uploaded straight into a cohort from its page: the import registers or finds
each person, then each saved resident is enrolled; the result lists every row.

The page holds no rule: `training.cohort_roster` runs the roster import and the enrolment
service, and a refusal of the whole file (too many rows, not a spreadsheet) comes back to the
cohort page beside the upload form.
"""

from flask import render_template, request

from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.errors import DomainError
from jobmatch.training import cohort_roster
from jobmatch.training import service as training
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors
from jobmatch.web.session import page_for
from jobmatch.web.staff_import import ROSTER_FIELDS
from jobmatch.web.staff_training import cohort_page

NO_FILE = "请选择要上传的报名表（.xlsx、.xls、.ods 或 .csv）。"


@blp.post("/staff/cohorts/<int:cohort_id>/roster")
@page_for(*STAFF_ROLES)
def staff_cohort_roster(user, cohort_id: int):
    """Register or find everyone on the uploaded list and enrol them; show each row's outcome."""
    cohort = training.get_cohort(user, cohort_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return cohort_page(user, cohort.id, roster={"errors": {"file": [NO_FILE]}})
    try:
        result = cohort_roster.upload_roster(user, cohort.id, upload.filename, upload.read())
    except DomainError as error:
        return cohort_page(user, cohort.id, roster={"errors": domain_errors(error)})
    return render_template(
        "staff_cohort_roster.html",
        cohort=training.get_cohort(user, cohort.id),
        result=result,
        filename=upload.filename,
        field_labels=ROSTER_FIELDS,
    )
