from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_roles, require_user
from jobmatch.reports import service, xlsx
from jobmatch.reports.schemas import (
    CommunityPlacementsOut,
    FirmFilledOut,
    GroupPlacementsOut,
    ProgramPlacementsOut,
    ReportQuery,
    TimeToFillOut,
)
from jobmatch.schemas import ErrorSchema

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/reports",
    description="The bureau's reports (staff): JSON, or ?format=xlsx for Excel. "
    "Definitions of every figure: jobmatch/reports/service.py.",
)
SECURITY = [{"bearerAuth": []}]
staff_only = require_roles(*STAFF_ROLES)


def _answer(name: str, query: dict):
    reports = service.build_reports(require_user(), [name])
    if query["format"] == "xlsx":
        return _xlsx_response(reports, name)
    return reports[name]


def _xlsx_response(reports: dict, filename: str) -> Response:
    return Response(
        xlsx.workbook(reports),
        mimetype=xlsx.XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )


def _documented(takes_format: bool = True):
    """The parts every report shares: who may read it, its errors and its xlsx form."""

    def decorate(view):
        if takes_format:
            view = blp.alt_response(422, schema=ErrorSchema, description="An unknown format")(view)
        view = blp.alt_response(403, schema=ErrorSchema, description="Not staff")(view)
        view = blp.alt_response(401, schema=ErrorSchema, description="No or a bad token")(view)
        xlsx_body = {xlsx.XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}
        return blp.doc(security=SECURITY, responses={200: {"content": xlsx_body}})(view)

    return decorate


@blp.route("/time-to-fill")
class TimeToFill(MethodView):
    @staff_only
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, TimeToFillOut(many=True))
    @_documented()
    def get(self, query):
        """Per post: days from listing to the first hire and to the hire filling the last."""
        return _answer("time-to-fill", query)


@blp.route("/placements-by-group")
class PlacementsByGroup(MethodView):
    @staff_only
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, GroupPlacementsOut(many=True))
    @_documented()
    def get(self, query):
        """Per priority group: residents registered, residents placed, hires."""
        return _answer("placements-by-group", query)


@blp.route("/placements-by-community")
class PlacementsByCommunity(MethodView):
    @staff_only
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, CommunityPlacementsOut(many=True))
    @_documented()
    def get(self, query):
        """Per community: residents registered, residents placed, hires."""
        return _answer("placements-by-community", query)


@blp.route("/placements-by-program")
class PlacementsByProgram(MethodView):
    @staff_only
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, ProgramPlacementsOut(many=True))
    @_documented()
    def get(self, query):
        """Per training program: residents who completed it; of them, hired within 90 days."""
        return _answer("placements-by-program", query)


@blp.route("/filled-by-firm")
class FilledByFirm(MethodView):
    @staff_only
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, FirmFilledOut(many=True))
    @_documented()
    def get(self, query):
        """Per firm and category: posts, openings and openings filled."""
        return _answer("filled-by-firm", query)


@blp.route("/workbook.xlsx")
class Workbook(MethodView):
    @staff_only
    @blp.response(200)
    @_documented(takes_format=False)
    def get(self):
        """Every report in one Excel workbook, one sheet each."""
        reports = service.build_reports(require_user(), list(service.REPORTS))
        return _xlsx_response(reports, "jobmatch-reports")
