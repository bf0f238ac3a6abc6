from functools import partial

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.api_docs import secured
from jobmatch.reports import service, xlsx
from jobmatch.reports.schemas import (
    CommunityPlacementsOut,
    FirmFilledOut,
    GroupPlacementsOut,
    ProgramPlacementsOut,
    ReportQuery,
    TimeToFillOut,
)
from jobmatch.spreadsheets import XLSX_ANSWER, xlsx_response

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/reports",
    description="The bureau's reports (staff): JSON, or ?format=xlsx for Excel. "
    "Definitions of every figure: jobmatch/reports/service.py.",
)
staff_only = partial(
    secured, blp, roles=STAFF_ROLES, descriptions={403: "Not staff", 422: "An unknown format"}
)


def _answer(name: str, query: dict):
    reports = service.build_reports(require_user(), [name])
    if query["format"] == "xlsx":
        return xlsx_response(xlsx.workbook(reports), f"{name}.xlsx")
    return reports[name]


@blp.route("/time-to-fill")
class TimeToFill(MethodView):
    @staff_only(422)
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, TimeToFillOut(many=True))
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """Per post: days from listing to the first hire and to the hire filling the last."""
        return _answer("time-to-fill", query)


@blp.route("/placements-by-group")
class PlacementsByGroup(MethodView):
    @staff_only(422)
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, GroupPlacementsOut(many=True))
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """Per priority group: residents registered, residents placed, hires."""
        return _answer("placements-by-group", query)


@blp.route("/placements-by-community")
class PlacementsByCommunity(MethodView):
    @staff_only(422)
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, CommunityPlacementsOut(many=True))
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """Per community: residents registered, residents placed, hires."""
        return _answer("placements-by-community", query)


@blp.route("/placements-by-program")
class PlacementsByProgram(MethodView):
    @staff_only(422)
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, ProgramPlacementsOut(many=True))
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """Per training program: residents who completed it; of them, hired within 90 days."""
        return _answer("placements-by-program", query)


@blp.route("/filled-by-firm")
class FilledByFirm(MethodView):
    @staff_only(422)
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, FirmFilledOut(many=True))
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """Per firm and category: posts, openings and openings filled."""
        return _answer("filled-by-firm", query)


@blp.route("/workbook.xlsx")
class Workbook(MethodView):
    @staff_only()
    @blp.response(200)
    @blp.doc(responses=XLSX_ANSWER)
    def get(self):
        """Every report in one Excel workbook, one sheet each."""
        reports = service.build_reports(require_user(), list(service.REPORTS))
        return xlsx_response(xlsx.workbook(reports), "jobmatch-reports.xlsx")
