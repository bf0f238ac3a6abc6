"""A roster file straight into a cohort: the roster import registers or finds each person, then
every saved resident is enrolled through the same enrolment service as the desk's enrol-many form.

No rule is written here. Which rows are rejected, who is new and who is found by the ID
number's hash is the import's (`residents.importer`); a seat, a clashing timetable and a place
already on the list are `training.enrollments`'. This module only runs the two in turn and
answers, row by row, what each did.

The two steps commit separately: the import saves its residents in one transaction, then each
enrolment commits on its own, as the enrol-many form's do. Should the enrolments be cut short,
the residents stay registered; uploading the same file again registers nobody twice (the ID
number finds them) and enrols nobody twice (they are already on the list), and so finishes.
"""

from typing import Any

from jobmatch.accounts.models import User
from jobmatch.errors import DomainError, PayloadTooLarge
from jobmatch.extensions import db
from jobmatch.residents import importer, roster_uploads
from jobmatch.residents.roster_guard import TooManyRows
from jobmatch.training import enrollments
from jobmatch.training.enrollments import AlreadyEnrolled
from jobmatch.training.enums import RosterEnrollment, RosterRegistration
from jobmatch.training.models import Cohort
from jobmatch.training.service import get_cohort, require_staff

# A class is tens of people: the largest the bureau runs is the Chinese-knot class of 103
# (110 seats). A file of more rows than this is not a class's list but a bigger roster, most
# likely the county's picked by mistake, and importing it here would register hundreds of
# people as a side effect of enrolling one class. So it is refused before anything is saved,
# and the clerk is pointed to the roster import. 300 leaves room for the largest class twice
# over with its rejected rows, and keeps the one-by-one enrolments to a few seconds.
MAX_ROWS = 300
TOO_MANY_ROWS = (
    f"名册超过{MAX_ROWS}行，远多于一个培训班的人数，未做任何登记或报名。"
    "如要登记全县或整个社区的名册，请用“导入名册”页面；人数确实这么多的班，请分几个文件上传。"
)

# The import's outcome, as the cohort page counts it: registered now, or already on file.
REGISTRATION = {
    "created": RosterRegistration.CREATED,
    "updated": RosterRegistration.EXISTING,
    "unchanged": RosterRegistration.EXISTING,
    "rejected": RosterRegistration.REJECTED,
}


def upload_roster(
    actor: User, cohort_id: int, filename: str, data: bytes, *, dry_run: bool = False
) -> dict[str, Any]:
    """Import the roster, then enrol every saved resident in the cohort; answer every row.

    ``dry_run``: answer what would happen and save nothing (the seats counted as the
    enrolments before would take them).
    """
    require_staff(actor)
    cohort = get_cohort(actor, cohort_id)  # no such class: nobody is registered for it
    check_size(filename, data)
    imported = importer.import_roster(actor, filename, data, dry_run=dry_run)
    rows = _rows(imported)
    (_preview if dry_run else _enrol)(actor, cohort, rows)
    answer = {
        "cohort_id": cohort.id,
        "dry_run": dry_run,
        "totals": _totals(rows),
        "seats_left": cohort.seats_left if dry_run else get_cohort(actor, cohort.id).seats_left,
        "rows": rows,
    }
    if imported["rejected"]:
        # Kept a day, so that the rejected rows can be downloaded to be fixed, as the import's.
        answer["upload_id"] = roster_uploads.keep_upload(actor, filename, data)
    return answer


def check_size(filename: str, data: bytes) -> None:
    """Refuse a file of more than MAX_ROWS data rows, at once and before anything is saved."""
    try:
        importer.count_rows(filename, data, limit=MAX_ROWS)
    except TooManyRows:
        raise PayloadTooLarge(TOO_MANY_ROWS, {"file": [f"超过{MAX_ROWS}行。"]}) from None


def _rows(imported: dict[str, Any]) -> list[dict[str, Any]]:
    errors = {item["row"]: item["errors"] for item in imported["rejected"]}
    warnings = {item["row"]: item["warnings"] for item in imported["warnings"]}
    return [
        {
            "row": item["row"],
            "name": item["name"],
            "id_number": item["id_number"],
            "resident_id": item["resident_id"],
            "registration": REGISTRATION[item["outcome"]],
            "errors": errors.get(item["row"], {}),
            "warnings": warnings.get(item["row"], {}),
            "enrollment": None,
            "enrollment_id": None,
            "reason": None,
        }
        for item in imported["rows"]
    ]


def _enrol(actor: User, cohort: Cohort, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["resident_id"] is None:
            continue  # rejected by the import
        try:
            enrollment = enrollments.enroll(actor, cohort.id, row["resident_id"])
        except DomainError as refusal:
            db.session.rollback()  # let go of the cohort's lock before the next person
            _refused(row, refusal)
        else:
            row.update(enrollment=RosterEnrollment.ENROLLED, enrollment_id=enrollment.id)


def _preview(actor: User, cohort: Cohort, rows: list[dict[str, Any]]) -> None:
    planned = 0
    for row in rows:
        if row["registration"] == RosterRegistration.REJECTED:
            continue
        try:
            enrollments.check_enrollment(actor, cohort, row["resident_id"], planned)
        except DomainError as refusal:
            _refused(row, refusal)
        else:
            planned += 1
            row["enrollment"] = RosterEnrollment.ENROLLED


def _refused(row: dict[str, Any], refusal: DomainError) -> None:
    if isinstance(refusal, AlreadyEnrolled):
        row.update(enrollment=RosterEnrollment.ALREADY, enrollment_id=refusal.enrollment_id)
        row["reason"] = refusal.message
    else:
        row.update(enrollment=RosterEnrollment.REFUSED, reason=refusal.message)


def _totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    totals = dict.fromkeys(("rows", *RosterRegistration.values()), 0)
    totals |= dict.fromkeys(RosterEnrollment.values(), 0)
    for row in rows:
        totals["rows"] += 1
        totals[row["registration"].value] += 1
        if row["enrollment"]:
            totals[row["enrollment"].value] += 1
    return totals
