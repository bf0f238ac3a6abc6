from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import require_roles, require_user
from jobmatch.accounts.models import ROLES
from jobmatch.applications import service
from jobmatch.applications.schemas import (
    ApplicationCreate,
    ApplicationMove,
    ApplicationOut,
    ApplicationQuery,
)
from jobmatch.schemas import ErrorSchema

blp = Blueprint(
    "applications",
    __name__,
    url_prefix="/api/applications",
    description="Referrals and applications, moved from recommended to hired with a history",
)
SECURITY = [{"bearerAuth": []}]
# Outermost on each view, so that a caller without a token hears 401 before any 422.
signed_in = require_roles(*ROLES)


@blp.route("")
class Applications(MethodView):
    @signed_in
    @blp.doc(security=SECURITY)
    @blp.arguments(ApplicationQuery, location="query")
    @blp.response(200, ApplicationOut(many=True))
    @blp.alt_response(401, schema=ErrorSchema, description="No or a bad token")
    @blp.alt_response(422, schema=ErrorSchema, description="A bad filter or page")
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

    @signed_in
    @blp.doc(security=SECURITY)
    @blp.arguments(ApplicationCreate)
    @blp.response(201, ApplicationOut)
    @blp.alt_response(401, schema=ErrorSchema, description="No or a bad token")
    @blp.alt_response(
        403, schema=ErrorSchema, description="Not staff, nor the resident applying for itself"
    )
    @blp.alt_response(
        409,
        schema=ErrorSchema,
        description="Already applied, or the post is paused, closed, expired or full",
    )
    @blp.alt_response(422, schema=ErrorSchema, description="Bad input, or no such resident or post")
    def post(self, data):
        """Refer a resident to a post (staff: recommended) or apply (the resident: applied)."""
        return service.create_application(require_user(), data["resident_id"], data["post_id"])


@blp.route("/<int:application_id>")
class ApplicationItem(MethodView):
    @signed_in
    @blp.doc(security=SECURITY)
    @blp.response(200, ApplicationOut)
    @blp.alt_response(401, schema=ErrorSchema, description="No or a bad token")
    @blp.alt_response(404, schema=ErrorSchema, description="No such application the caller may see")
    def get(self, application_id):
        """Read one application with its history."""
        return service.get_application(require_user(), application_id)

    @signed_in
    @blp.doc(security=SECURITY)
    @blp.arguments(ApplicationMove)
    @blp.response(200, ApplicationOut)
    @blp.alt_response(401, schema=ErrorSchema, description="No or a bad token")
    @blp.alt_response(403, schema=ErrorSchema, description="A move the caller's role may not make")
    @blp.alt_response(404, schema=ErrorSchema, description="No such application the caller may see")
    @blp.alt_response(
        409,
        schema=ErrorSchema,
        description="A move the workflow does not allow, a hire beyond the post's openings, "
        "or the application moved by someone else first",
    )
    @blp.alt_response(422, schema=ErrorSchema, description="Bad input: status, reason or note")
    def patch(self, data, application_id):
        """Move an application along the workflow (or, admin only, correct a finished one)."""
        return service.move_application(require_user(), application_id, **data)
