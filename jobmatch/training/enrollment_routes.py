"""Training API: each cohort's roster, attendance, assessments and certificates."""

from functools import partial

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, current_user
from jobmatch.api_docs import secured
from jobmatch.residents.import_schemas import ImportArgs
from jobmatch.residents.schemas import RosterUpload
from jobmatch.training import attendance, cohort_roster, enrollments
from jobmatch.training.docs import ERRORS, ROSTER_ERRORS
from jobmatch.training.roster_schemas import CohortRosterResult
from jobmatch.training.schemas import (
    AssessmentCreate,
    AssessmentOut,
    AttendanceChangeOut,
    AttendanceCorrection,
    AttendanceCreate,
    AttendanceOut,
    CertificateCreate,
    EnrollmentCreate,
    EnrollmentOut,
    EnrollmentUpdate,
)

blp = Blueprint(
    "enrollments",
    __name__,
    url_prefix="/api",
    description="Training rosters: enrollment, attendance, assessment, certificates (staff)",
)
# Staff only: checked before the input is read, so a caller without a token learns nothing more.
staff_only = partial(secured, blp, roles=STAFF_ROLES, descriptions=ERRORS)


def _attendance_out(record) -> dict:
    attendance, resident_id = record
    return {
        "id": attendance.id,
        "session_id": attendance.session_id,
        "enrollment_id": attendance.enrollment_id,
        "resident_id": resident_id,
        "signed_in_at": attendance.signed_in_at,
        "hours": attendance.hours,
    }


@blp.route("/cohorts/<int:cohort_id>/enrollments")
class CohortEnrollments(MethodView):
    @staff_only(404, 422)
    @blp.response(200, EnrollmentOut(many=True))
    @blp.paginate()
    def get(self, cohort_id, pagination_parameters):
        """The cohort's roster, in order of enrollment."""
        items, total = enrollments.list_enrollments(
            current_user(), cohort_id, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return items

    @staff_only(404, 409, 422)
    @blp.arguments(EnrollmentCreate)
    @blp.response(201, EnrollmentOut)
    def post(self, data, cohort_id):
        """Enroll a resident: a seat must be left and the timetable free (else 409)."""
        return enrollments.enroll(current_user(), cohort_id, data["resident_id"])


@blp.route("/cohorts/<int:cohort_id>/roster")
class CohortRoster(MethodView):
    @secured(blp, 404, 409, 413, 415, 422, roles=STAFF_ROLES, descriptions=ROSTER_ERRORS)
    @blp.arguments(ImportArgs, location="query")
    @blp.arguments(RosterUpload, location="files")
    @blp.response(200, CohortRosterResult)
    def post(self, args, upload, cohort_id):
        """Upload a roster (.xlsx, .xls, .ods or .csv) into the cohort: import, then enrol.

        Every row goes through the roster import (POST /api/residents/import): new residents
        are registered, known ones found by ID number, bad rows rejected with their reasons.
        Then every saved resident is enrolled as POST .../enrollments does, each refusal (full,
        a clashing class) answered on its row; one already on the list is ``already``. Sending
        the same file again registers and enrols nobody twice. ``?dry_run=1`` answers the same
        and saves nothing. A file of more rows than a class could have is refused (413) before
        anything is saved.
        """
        file = upload["file"]
        return cohort_roster.upload_roster(
            current_user(), cohort_id, file.filename or "", file.read(), dry_run=args["dry_run"]
        )


@blp.route("/enrollments/<int:enrollment_id>")
class EnrollmentItem(MethodView):
    @staff_only(404)
    @blp.response(200, EnrollmentOut)
    def get(self, enrollment_id):
        """Read one enrollment."""
        return enrollments.get_enrollment(current_user(), enrollment_id)

    @staff_only(404, 409, 422)
    @blp.arguments(EnrollmentUpdate)
    @blp.response(200, EnrollmentOut)
    def patch(self, data, enrollment_id):
        """Drop a trainee, or take a dropped one back; completion comes from passing."""
        return enrollments.change_status(current_user(), enrollment_id, data["status"])


@blp.route("/sessions/<int:session_id>/attendance")
class SessionAttendance(MethodView):
    @staff_only(404)
    @blp.response(200, AttendanceOut(many=True))
    def get(self, session_id):
        """Who signed in at the session, and when."""
        return [
            _attendance_out(record)
            for record in enrollments.list_attendance(current_user(), session_id)
        ]

    @staff_only(404, 409, 422)
    @blp.arguments(AttendanceCreate)
    @blp.response(201, AttendanceOut)
    def post(self, data, session_id):
        """Sign a trainee of the session's cohort in; the hours count towards completion."""
        return _attendance_out(enrollments.record_attendance(current_user(), session_id, data))


@blp.route("/enrollments/<int:enrollment_id>/assessment")
class EnrollmentAssessment(MethodView):
    @staff_only(404)
    @blp.response(200, AssessmentOut(many=True))
    def get(self, enrollment_id):
        """The trainee's sittings: the assessment and, after a fail, the one resit."""
        return enrollments.list_assessments(current_user(), enrollment_id)

    @staff_only(404, 409, 422)
    @blp.arguments(AssessmentCreate)
    @blp.response(201, AssessmentOut)
    def post(self, data, enrollment_id):
        """Record scores (0-100); a pass completes and confers the program's skills at once."""
        return enrollments.assess(current_user(), enrollment_id, data)


@blp.route("/enrollments/<int:enrollment_id>/certificate")
class EnrollmentCertificate(MethodView):
    @staff_only(404, 409, 422)
    @blp.arguments(CertificateCreate)
    @blp.response(201, EnrollmentOut)
    def post(self, data, enrollment_id):
        """Issue the certificate of a completed trainee; a serial already used is a 409."""
        return enrollments.issue_certificate(current_user(), enrollment_id, data)


@blp.route("/sessions/<int:session_id>/attendance/corrections")
class SessionAttendanceCorrections(MethodView):
    @staff_only(404)
    @blp.response(200, AttendanceChangeOut(many=True))
    def get(self, session_id):
        """The session's attendance corrections, oldest first: what each mark was and became."""
        return [change for change, _ in attendance.history(current_user(), session_id)]

    @staff_only(404, 409, 422)
    @blp.arguments(AttendanceCorrection)
    @blp.response(201, AttendanceChangeOut)
    def post(self, data, session_id):
        """Correct a trainee's mark (present, late, absent) with a reason; hours move with it."""
        return attendance.correct_attendance(current_user(), session_id, data)
