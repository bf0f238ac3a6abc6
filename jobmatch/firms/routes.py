"""GET /api/firms and /api/firms/{id} for anyone; POST staff; PATCH staff or the firm's users."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import (
    PUBLIC_SECURITY,
    TOKEN_SECURITY,
    check_request_token,
    require_user,
)
from jobmatch.firms import service
from jobmatch.firms.schemas import FirmCreate, FirmOut, FirmUpdate
from jobmatch.schemas import ErrorSchema

blp = Blueprint("firms", __name__, url_prefix="/api/firms", description="Firms of the park")

blp.before_request(check_request_token)


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

    @blp.doc(security=TOKEN_SECURITY)
    @blp.arguments(FirmCreate)
    @blp.response(201, FirmOut)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="Only staff register firms")
    @blp.alt_response(409, schema=ErrorSchema, description="Credit code already registered")
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

    @blp.doc(security=TOKEN_SECURITY)
    @blp.arguments(FirmUpdate)
    @blp.response(200, FirmOut)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(
        403, schema=ErrorSchema, description="Another firm's record, or name/credit code by a firm"
    )
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Credit code already registered")
    def patch(self, changes, firm_id):
        """Change a firm (staff, or that firm's users except its name and credit code)."""
        return service.update_firm(require_user(), firm_id, changes)
