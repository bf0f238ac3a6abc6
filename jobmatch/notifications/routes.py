from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_roles, require_user
from jobmatch.accounts.models import ROLES
from jobmatch.notifications import service
from jobmatch.notifications.schemas import (
    NotificationOut,
    NotificationQuery,
    UnfilledCheckIn,
    UnfilledCheckOut,
)
from jobmatch.schemas import ErrorSchema

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/notifications",
    description="In-app notifications: each user reads their own; staff also read the bureau's",
)
SECURITY = [{"bearerAuth": []}]
# Outermost on each view, so that a caller without a token hears 401 before any 422.
signed_in = require_roles(*ROLES)


@blp.route("")
class Notifications(MethodView):
    @signed_in
    @blp.doc(security=SECURITY)
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, NotificationOut(many=True))
    @blp.alt_response(401, schema=ErrorSchema, description="No or a bad token")
    @blp.alt_response(422, schema=ErrorSchema, description="A bad filter or page")
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List the caller's notifications, newest first (staff also see the bureau's)."""
        items, total = service.list_notifications(
            require_user(),
            unread=args.get("unread"),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return items


@blp.route("/<int:notification_id>/read")
class NotificationRead(MethodView):
    @signed_in
    @blp.doc(security=SECURITY)
    @blp.response(200, NotificationOut)
    @blp.alt_response(401, schema=ErrorSchema, description="No or a bad token")
    @blp.alt_response(404, schema=ErrorSchema, description="No such notification of the caller")
    def post(self, notification_id):
        """Mark one of the caller's notifications read."""
        return service.mark_read(require_user(), notification_id)


@blp.route("/unfilled-check")
class UnfilledCheck(MethodView):
    @require_roles(*STAFF_ROLES)
    @blp.doc(security=SECURITY)
    @blp.arguments(UnfilledCheckIn, location="json", required=False)
    @blp.response(200, UnfilledCheckOut)
    @blp.alt_response(401, schema=ErrorSchema, description="No or a bad token")
    @blp.alt_response(403, schema=ErrorSchema, description="Not staff")
    @blp.alt_response(422, schema=ErrorSchema, description="A bad min_age_days")
    def post(self, args):
        """Tell staff now of open posts with openings left and nobody in the pipeline."""
        flagged = service.notify_unfilled_posts(min_age_days=args.get("min_age_days", 7))
        return {"flagged_post_ids": flagged}
