"""Training API: programs, cohorts, their sessions, the subsidy roster and the figures."""

from functools import partial

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, current_user
from jobmatch.api_docs import secured
from jobmatch.spreadsheets import XLSX_CONTENT, xlsx_response
from jobmatch.training import service, subsidy
from jobmatch.training.docs import ERRORS
from jobmatch.training.models import Cohort
from jobmatch.training.schemas import (
    CohortCreate,
    CohortOut,
    CohortQuery,
    CohortUpdate,
    ProgramCreate,
    ProgramOut,
    ProgramUpdate,
    SubsidyClaimCreate,
    SubsidyQuery,
    SubsidyRosterOut,
    TrainingSessionCreate,
    TrainingSessionOut,
    TrainingSummaryOut,
)
from jobmatch.training.summary import training_summary
from jobmatch.versioning import IF_MATCH_DOC, check_if_match, etag_header

# Both answers are documented by hand: a manual "200" replaces the generated one.
ROSTER_RESPONSE = {
    "description": "The roster as JSON, or with format=xlsx as a spreadsheet",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/SubsidyRosterOut"}},
        **XLSX_CONTENT,
    },
}

blp = Blueprint(
    "training",
    __name__,
    url_prefix="/api",
    description="Training: programs, cohorts and sessions, subsidy rosters, figures (staff)",
)
# Staff only: checked before the input is read, so a caller without a token learns nothing more.
staff_only = partial(secured, blp, roles=STAFF_ROLES, descriptions=ERRORS)


@blp.route("/programs")
class Programs(MethodView):
    @staff_only(422)
    @blp.response(200, ProgramOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List training programs by code."""
        items, total = service.list_programs(
            current_user(), pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return items

    @staff_only(409, 422)
    @blp.arguments(ProgramCreate)
    @blp.response(201, ProgramOut)
    def post(self, data):
        """Create a training program with the skills it confers."""
        return service.create_program(current_user(), data)


@blp.route("/programs/<string:code>")
class ProgramItem(MethodView):
    @staff_only(404)
    @blp.response(200, ProgramOut)
    def get(self, code):
        """Read one program."""
        return service.get_program(current_user(), code)

    @staff_only(404, 422)
    @blp.arguments(ProgramUpdate)
    @blp.response(200, ProgramOut)
    def patch(self, data, code):
        """Change a program's name, occupation, hours, skills or certificate type."""
        return service.update_program(current_user(), code, data)


@blp.route("/cohorts")
class Cohorts(MethodView):
    @staff_only(422)
    @blp.arguments(CohortQuery, location="query")
    @blp.response(200, CohortOut(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """List cohorts, newest first; filter by program, mode or firm."""
        items, total = service.list_cohorts(
            current_user(), filters, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return items

    @staff_only(422)
    @blp.arguments(CohortCreate)
    @blp.response(201, CohortOut)
    def post(self, data):
        """Open a cohort: in the classroom, or on the job at a firm (firm_id required)."""
        cohort = service.create_cohort(current_user(), data)
        return cohort, 201, etag_header(cohort)


@blp.route("/cohorts/<int:cohort_id>")
class CohortItem(MethodView):
    @staff_only(404)
    @blp.response(200, CohortOut)
    def get(self, cohort_id):
        """Read one cohort with its seats taken."""
        cohort = service.get_cohort(current_user(), cohort_id)
        return cohort, 200, etag_header(cohort)

    @staff_only(404, 409, 412, 422)
    @blp.doc(**IF_MATCH_DOC)
    @blp.arguments(CohortUpdate)
    @blp.response(200, CohortOut)
    def patch(self, data, cohort_id):
        """Change a cohort; capacity never below the seats taken, dates around its sessions."""
        check_if_match(Cohort, cohort_id)
        cohort = service.update_cohort(current_user(), cohort_id, data)
        return cohort, 200, etag_header(cohort)


@blp.route("/cohorts/<int:cohort_id>/sessions")
class CohortSessions(MethodView):
    @staff_only(404)
    @blp.response(200, TrainingSessionOut(many=True))
    def get(self, cohort_id):
        """The cohort's schedule, in time order."""
        return service.list_sessions(current_user(), cohort_id)

    @staff_only(404, 409, 422)
    @blp.arguments(TrainingSessionCreate)
    @blp.response(201, TrainingSessionOut)
    def post(self, data, cohort_id):
        """Schedule a session; it may not overlap the cohort's others or its trainees' classes."""
        return service.add_session(current_user(), cohort_id, data)


@blp.route("/cohorts/<int:cohort_id>/subsidy")
class CohortSubsidy(MethodView):
    @staff_only(404, 422)
    @blp.arguments(SubsidyQuery, location="query")
    @blp.response(200, SubsidyRosterOut)
    @blp.doc(responses={"200": ROSTER_RESPONSE})
    def get(self, args, cohort_id):
        """The subsidy claim roster of the cohort's completed trainees, as JSON or as xlsx."""
        roster = subsidy.cohort_roster(current_user(), cohort_id)
        if args["format"] == "xlsx":
            return xlsx_response(
                subsidy.roster_workbook(roster), f"{roster.cohort.name}培训补贴花名册.xlsx"
            )
        return roster


@blp.route("/cohorts/<int:cohort_id>/subsidy/claims")
class CohortSubsidyClaims(MethodView):
    @staff_only(404, 409, 422)
    @blp.arguments(SubsidyClaimCreate, required=False)
    @blp.response(201, SubsidyRosterOut)
    def post(self, data, cohort_id):
        """File the cohort's claims: every trainee with an amount not yet claimed."""
        return subsidy.file_claims(current_user(), cohort_id, data.get("claimed_on"))


@blp.route("/training/summary")
class TrainingSummary(MethodView):
    @staff_only()
    @blp.response(200, TrainingSummaryOut)
    def get(self):
        """Training figures: trained per program, rates, certificates, subsidy."""
        return training_summary(current_user())
