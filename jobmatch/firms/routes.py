"""GET /api/firms and /api/firms/{id} for anyone; POST staff; PATCH staff or the firm's users."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import (
    PUBLIC_SECURITY,
    STAFF_ROLES,
    check_request_token,
    require_user,
)
from jobmatch.api_docs import secured
from jobmatch.firms import service
from jobmatch.firms.schemas import FirmCreate, FirmOut, FirmUpdate
from jobmatch.schemas import ErrorSchema

blp = Blueprint("firms", __name__, url_prefix="/api/firms", description="Firms of the park")

blp.before_request(check_request_token)
CREDIT_CODE_TAKEN = "Credit code already registered"
# Who may try a write at all, checked before the body; the service then checks which firm.
FIRM_EDITORS = (*STAFF_ROLES, "firm")


@blp.route("")
class Firms(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.response(200, FirmOut(many=True))
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    @blp.paginate(page_size=20)
    def get(self, pagination_parameters):
        """List the firms, by id."""
        firms, total = service.list_firms(
            pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return firms

    @secured(
        blp,
        409,
        roles=STAFF_ROLES,
        descriptions={403: "Only staff register firms", 409: CREDIT_CODE_TAKEN},
    )
    @blp.arguments(FirmCreate)
    @blp.response(201, FirmOut)
    def post(self, data):
        """Register a firm (staff)."""
        return service.create_firm(require_user(), data)


@blp.route("/<int:firm_id>")
class FirmById(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.response(200, FirmOut)
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, firm_id):
        """One firm."""
        return service.get_firm(firm_id)

    @secured(
        blp,
        403,
        404,
        409,
        roles=FIRM_EDITORS,
        descriptions={
            403: "Another firm's record, or name/credit code by a firm",
            409: CREDIT_CODE_TAKEN,
        },
    )
    @blp.arguments(FirmUpdate)
    @blp.response(200, FirmOut)
    def patch(self, changes, firm_id):
        """Change a firm (staff, or that firm's users except its name and credit code)."""
        return service.update_firm(require_user(), firm_id, changes)
