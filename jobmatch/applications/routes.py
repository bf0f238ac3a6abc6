from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import require_user
from jobmatch.api_docs import secured
from jobmatch.applications import interviews, service
from jobmatch.applications.schemas import (
    ApplicationCreate,
    ApplicationMove,
    ApplicationOut,
    ApplicationQuery,
    InterviewOutcomeIn,
)

blp = Blueprint(
    "applications",
    __name__,
    url_prefix="/api/applications",
    description="Referrals and applications, moved from recommended to hired with a history",
)


@blp.route("")
class Applications(MethodView):
    @secured(blp, 422, descriptions={422: "A bad filter or page"})
    @blp.arguments(ApplicationQuery, location="query")
    @blp.response(200, ApplicationOut(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """List applications: staff all, a firm its own posts', a resident its own."""
        items, total = service.list_applications(
            require_user(),
            filters,
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return items

    @secured(
        blp,
        403,
        409,
        422,
        descriptions={
            403: "Not staff, nor the resident applying for itself",
            409: "Already applied, or the post is paused, closed, expired or full",
            422: "Bad input, or no such resident or post",
        },
    )
    @blp.arguments(ApplicationCreate)
    @blp.response(201, ApplicationOut)
    def post(self, data):
        """Refer a resident to a post (staff: recommended) or apply (the resident: applied)."""
        return service.create_application(require_user(), data["resident_id"], data["post_id"])


@blp.route("/<int:application_id>")
class ApplicationItem(MethodView):
    @secured(blp, 404, descriptions={404: "No such application the caller may see"})
    @blp.response(200, ApplicationOut)
    def get(self, application_id):
        """Read one application with its history."""
        return service.get_application(require_user(), application_id)

    @secured(
        blp,
        403,
        404,
        409,
        422,
        descriptions={
            403: "A move the caller's role may not make",
            404: "No such application the caller may see",
            409: "A move the workflow does not allow, a hire beyond the post's openings, "
            "or the application moved by someone else first",
            422: "Bad input: status, reason or note; an interview without when, where "
            "and whom to ask for",
        },
    )
    @blp.arguments(ApplicationMove)
    @blp.response(200, ApplicationOut)
    def patch(self, data, application_id):
        """Move an application along the workflow (or, admin only, correct a finished one)."""
        return service.move_application(require_user(), application_id, **data)


@blp.route("/<int:application_id>/interview-outcome")
class ApplicationInterviewOutcome(MethodView):
    @secured(
        blp,
        403,
        404,
        409,
        422,
        descriptions={
            403: "A resident: only the firm or staff record how an interview went",
            404: "No such application the caller may see",
            409: "The application is not at interview",
        },
    )
    @blp.arguments(InterviewOutcomeIn)
    @blp.response(200, ApplicationOut)
    def post(self, data, application_id):
        """Record that the resident attended the interview or did not show (the status stays
        interview; hire or reject next)."""
        return interviews.record_outcome(require_user(), application_id, data["outcome"])
