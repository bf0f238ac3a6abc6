from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.accounts.enums import Role
from jobmatch.api_docs import secured
from jobmatch.pathways import service
from jobmatch.pathways.schemas import NearMissOut, PlaceRequestIn, PlaceRequestOut

blp = Blueprint(
    "pathways",
    __name__,
    url_prefix="/api/residents",
    description="Posts a resident misses by one certificate or skill, the next class that "
    "confers it, and asking the clerk for a place (staff, or the resident itself)",
)
STAFF_OR_RESIDENT = (*STAFF_ROLES, Role.RESIDENT)


@blp.route("/<int:resident_id>/near-misses")
class NearMisses(MethodView):
    @secured(blp, 403, 404, roles=STAFF_OR_RESIDENT)
    @blp.response(200, NearMissOut(many=True))
    def get(self, resident_id):
        """Open posts missed only by one certificate or skill, each with the next cohort that
        confers it, its start date and seats left."""
        return service.near_misses(require_user(), resident_id)


@blp.route("/<int:resident_id>/place-requests")
class PlaceRequests(MethodView):
    @secured(blp, 403, 404, 409, 422, roles=STAFF_OR_RESIDENT)
    @blp.arguments(PlaceRequestIn)
    @blp.response(201, PlaceRequestOut)
    def post(self, data, resident_id):
        """Ask the clerk for a place in a coming cohort (a notice in the staff inbox)."""
        return service.request_place(
            require_user(), resident_id, data["cohort_id"], data.get("post_id")
        )
