from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.api_docs import secured
from jobmatch.applications import hiring
from jobmatch.notifications import service
from jobmatch.notifications.schemas import (
    NotificationOut,
    NotificationQuery,
    UnfilledCheckIn,
    UnfilledCheckOut,
)

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/notifications",
    description="In-app notifications: each user reads their own; staff also read the bureau's",
)


@blp.route("")
class Notifications(MethodView):
    @secured(blp, 422, descriptions={422: "A bad filter or page"})
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, NotificationOut(many=True))
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
    @secured(blp, 404, descriptions={404: "No such notification of the caller"})
    @blp.response(200, NotificationOut)
    def post(self, notification_id):
        """Mark one of the caller's notifications read."""
        return service.mark_read(require_user(), notification_id)


@blp.route("/unfilled-check")
class UnfilledCheck(MethodView):
    @secured(
        blp, 422, roles=STAFF_ROLES, descriptions={403: "Not staff", 422: "A bad min_age_days"}
    )
    @blp.arguments(UnfilledCheckIn, location="json", required=False)
    @blp.response(200, UnfilledCheckOut)
    def post(self, args):
        """Tell staff now of open posts with openings left and nobody in the pipeline."""
        flagged = hiring.notify_unfilled_posts(min_age_days=args.get("min_age_days", 7))
        return {"flagged_post_ids": flagged}
