"""Residents API: registration, reads and changes with masking, import and export."""

from functools import partial

from flask import jsonify, make_response
from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.accounts.enums import Role
from jobmatch.api_docs import secured
from jobmatch.jobs.schemas import JobAccepted
from jobmatch.residents import export, roster_export, roster_uploads, service
from jobmatch.residents.export_schemas import PersonalDataExport
from jobmatch.residents.import_schemas import ImportArgs, ImportResult
from jobmatch.residents.schemas import (
    ResidentCreate,
    ResidentFilter,
    ResidentOut,
    ResidentUpdate,
    RosterExportArgs,
    RosterUpload,
)
from jobmatch.spreadsheets import XLSX_MIMETYPE, xlsx_response

blp = Blueprint(
    "residents",
    __name__,
    url_prefix="/api/residents",
    description="Residents and trainees. ID and phone numbers are masked for those who do not "
    "need them; full reads are audited (see /api/audit).",
)

# What each error answer means for residents (overriding jobmatch.api_docs' wording).
ERRORS = {
    401: "Not signed in, or a bad token",
    403: "This role, or this user, may not",
    404: "No such resident",
    409: "The ID number is already registered",
    413: "File over 10 MB, over the row limit, or a workbook unpacking far beyond a roster",
    415: "Not a spreadsheet: send .xlsx, .xls, .ods, or .csv in UTF-8, GBK/GB18030 or UTF-16",
    422: "Invalid input, with messages by field",
}
staff_only = partial(secured, blp, roles=STAFF_ROLES, descriptions=ERRORS)
# Firms never see residents here: refused before anything about the request is looked at.
staff_or_resident = partial(secured, blp, roles=(*STAFF_ROLES, Role.RESIDENT), descriptions=ERRORS)


@blp.route("")
class Residents(MethodView):
    @staff_only(422)
    @blp.arguments(ResidentFilter, location="query")
    @blp.response(200, ResidentOut(many=True))
    @blp.paginate(page_size=20)
    def get(self, filters, pagination_parameters):
        """List residents (staff): ID numbers masked, phones in full."""
        residents, total = service.list_residents(
            require_user(), filters, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return residents

    @staff_only(409, 422)
    @blp.arguments(ResidentCreate)
    @blp.response(201, ResidentOut)
    def post(self, data):
        """Register a resident (staff); gender and birth date come from the ID number."""
        return service.create_resident(require_user(), data)


@blp.route("/<int:resident_id>")
class ResidentById(MethodView):
    @staff_or_resident(404)
    @blp.response(200, ResidentOut)
    def get(self, resident_id):
        """Read one resident: staff see the full ID number (audited), a resident its own."""
        return service.read_resident(require_user(), resident_id)

    @staff_or_resident(404, 409, 422)
    @blp.arguments(ResidentUpdate)
    @blp.response(200, ResidentOut)
    def patch(self, data, resident_id):
        """Change a resident: staff any field; a resident its own contact and preferences."""
        return service.update_resident(require_user(), resident_id, data)


@blp.route("/<int:resident_id>/export")
class PersonalExport(MethodView):
    @staff_or_resident(404)
    @blp.response(200, PersonalDataExport)
    def get(self, resident_id):
        """Download everything held about a resident, unmasked (the resident or staff; audited)."""
        document = export.export_personal_data(require_user(), resident_id)
        filename = f"resident-{resident_id}-data.json"
        return document, 200, {"Content-Disposition": f'attachment; filename="{filename}"'}


@blp.route("/import")
class RosterImport(MethodView):
    @staff_only(413, 415, 422)
    @blp.arguments(ImportArgs, location="query")
    @blp.arguments(RosterUpload, location="files")
    @blp.response(200, ImportResult)
    @blp.alt_response(202, schema=JobAccepted, description="Above ROSTER_JOB_ROWS rows: queued")
    def post(self, args, upload):
        """Import a roster (.xlsx, .xls, .ods or .csv): every row stored, warned or rejected.

        Rows are matched to registered residents by ID number: importing a file again updates
        them, and a blank cell or a missing column leaves the stored value alone. Only an
        invalid ID number or name, an unknown community, a person under 16, a duplicate in
        the file (or no valid phone for someone new) rejects a row; any other unreadable cell
        is left empty with a warning. ``?dry_run=1`` answers the same and saves nothing.
        A roster of more than ROSTER_JOB_ROWS rows (2,000 unless configured) answers 202 with
        a job id; the job's result (GET /api/jobs/{id}) is this same answer, with the
        ``upload_id`` of the kept file. 413: over 10 MB or over the row limit. 415: not a
        spreadsheet. 422: no file, an empty file, only a header, or a required column missing
        (姓名, 身份证号码).
        """
        file = upload["file"]
        result, queued = roster_uploads.import_or_queue(
            require_user(), file.filename or "", file.read(), dry_run=args["dry_run"]
        )
        if queued:  # a Response passes the 200 schema by; the 202 is documented above
            return make_response(jsonify(result), 202)
        return result


@blp.route("/import/<string(length=32):upload_id>/rejected")
class RejectedRows(MethodView):
    @staff_only(404)
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type=XLSX_MIMETYPE,
        description="The rejected rows in the uploaded file's own columns, plus 错误原因",
    )
    def get(self, upload_id):
        """Download an import's rejected rows as .xlsx, to fix and upload again (staff)."""
        content, filename = roster_uploads.rejected_workbook(require_user(), upload_id)
        return xlsx_response(content, filename)


@blp.route("/export")
class RosterExport(MethodView):
    @staff_only(422)
    @blp.arguments(RosterExportArgs, location="query")
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type=XLSX_MIMETYPE,
        description="The roster workbook; masked unless the caller is an admin (then audited)",
    )
    def get(self, args):
        """Download the roster as .xlsx with Chinese headers (staff; masked unless admin)."""
        args.pop("format")
        content, filename = roster_export.export_roster(require_user(), args)
        return xlsx_response(content, filename)
