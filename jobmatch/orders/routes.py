"""HTTP API for piecework orders: the ledger, materials, earnings, figures and the pay sheet."""

from datetime import date

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_roles, require_user
from jobmatch.accounts.models import ROLES
from jobmatch.orders import earnings, paysheet, service
from jobmatch.orders.schemas import (
    DeliveryCreate,
    DeliveryOut,
    DeliveryQuery,
    MaterialIssueCreate,
    MaterialIssueOut,
    OrderCreate,
    OrderEarningOut,
    OrderOut,
    OrderQuery,
    OrderSummaryOut,
    OrderUpdate,
    PaysheetOut,
    PaysheetQuery,
    PeriodQuery,
    ResidentEarningsOut,
)
from jobmatch.schemas import ErrorSchema

blp = Blueprint(
    "orders",
    __name__,
    url_prefix="/api",
    description="Piecework orders (来料加工): the delivery ledger, materials, earnings and pay",
)

ERROR_MEANINGS = {
    401: "no or a bad token",
    403: "the role may not",
    404: "no such object, or another firm's",
    409: "more pieces than the order has left, or a change the ledger forbids",
    422: "invalid input",
}


def token_required(*codes: int, roles: tuple[str, ...] = ROLES):
    """Need a token of one of ``roles``, checked before the input is (401, then 403), and
    document the bearer token and the error answers the view can give."""

    def decorator(view):
        for code in (401, 403, *codes):
            view = blp.alt_response(code, schema=ErrorSchema, description=ERROR_MEANINGS[code])(
                view
            )
        return require_roles(*roles)(blp.doc(security=[{"bearerAuth": []}])(view))

    return decorator


ORDER_READERS = (*STAFF_ROLES, "firm")


@blp.route("/orders")
class Orders(MethodView):
    @token_required(422, roles=ORDER_READERS)
    @blp.arguments(OrderQuery, location="query")
    @blp.response(200, OrderOut(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """List orders: staff see all, a firm user its own firm's."""
        orders, total = service.list_orders(
            require_user(), filters, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return orders

    @token_required(422, roles=STAFF_ROLES)
    @blp.arguments(OrderCreate)
    @blp.response(201, OrderOut)
    def post(self, data):
        """Log a firm's piecework order (staff)."""
        return service.create_order(require_user(), data)


@blp.route("/orders/summary")
class OrdersSummary(MethodView):
    @token_required(422, roles=STAFF_ROLES)
    @blp.arguments(PeriodQuery, location="query")
    @blp.response(200, OrderSummaryOut)
    def get(self, period):
        """Order progress and the spread of residents' earnings over a period (staff)."""
        return earnings.order_summary(
            require_user(), period.get("start"), period.get("end"), date.today()
        )


@blp.route("/orders/<int:order_id>")
class OrderDetail(MethodView):
    @token_required(404, roles=ORDER_READERS)
    @blp.response(200, OrderOut)
    def get(self, order_id):
        """One order with its progress: shares delivered and accepted, pieces left, lateness."""
        return service.get_order(require_user(), order_id)

    @token_required(404, 409, 422, roles=STAFF_ROLES)
    @blp.arguments(OrderUpdate)
    @blp.response(200, OrderOut)
    def patch(self, data, order_id):
        """Change an order's product, quantity, rate, due date, cohort or workshop (staff)."""
        return service.update_order(require_user(), order_id, data, date.today())


@blp.route("/orders/<int:order_id>/deliveries")
class OrderDeliveries(MethodView):
    @token_required(404, 422, roles=ORDER_READERS)
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, DeliveryOut(many=True))
    @blp.paginate()
    def get(self, filters, order_id, pagination_parameters):
        """The order's ledger, oldest first, corrections included."""
        entries, total = service.list_deliveries(
            require_user(),
            order_id,
            filters,
            pagination_parameters.page,
            pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return entries

    @token_required(404, 409, 422, roles=STAFF_ROLES)
    @blp.arguments(DeliveryCreate)
    @blp.response(201, DeliveryOut)
    def post(self, data, order_id):
        """Record a hand-in, or with corrects_id a signed correction of one (staff)."""
        return service.record_delivery(require_user(), order_id, data, date.today())


@blp.route("/orders/<int:order_id>/materials")
class OrderMaterials(MethodView):
    @token_required(404, roles=ORDER_READERS)
    @blp.response(200, MaterialIssueOut(many=True))
    @blp.paginate()
    def get(self, order_id, pagination_parameters):
        """Materials issued for the order: to whom, what, for how many pieces, when."""
        issues, total = service.list_materials(
            require_user(), order_id, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return issues

    @token_required(404, 422, roles=STAFF_ROLES)
    @blp.arguments(MaterialIssueCreate)
    @blp.response(201, MaterialIssueOut)
    def post(self, data, order_id):
        """Record materials handed to a resident for a number of pieces (staff)."""
        return service.issue_materials(require_user(), order_id, data, date.today())


@blp.route("/orders/<int:order_id>/earnings")
class OrderEarnings(MethodView):
    @token_required(404, roles=ORDER_READERS)
    @blp.response(200, OrderEarningOut(many=True))
    @blp.paginate()
    def get(self, order_id, pagination_parameters):
        """Per resident: pieces delivered and accepted, and pay (accepted x unit rate)."""
        rows, total = earnings.order_earnings(
            require_user(), order_id, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return rows


@blp.route("/residents/<int:resident_id>/earnings")
class ResidentEarnings(MethodView):
    @token_required(404, 422)
    @blp.arguments(PeriodQuery, location="query")
    @blp.response(200, ResidentEarningsOut)
    def get(self, period, resident_id):
        """A resident's piecework pay per order (staff, or the resident itself)."""
        return earnings.resident_earnings(
            require_user(), resident_id, period.get("start"), period.get("end")
        )


@blp.route("/paysheet")
class Paysheet(MethodView):
    @token_required(422, roles=ORDER_READERS)
    @blp.arguments(PaysheetQuery, location="query")
    @blp.response(200, PaysheetOut)
    @blp.doc(
        responses={
            200: {
                "description": "JSON, or with format=xlsx the spreadsheet to file",
                "content": {
                    paysheet.XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    )
    def get(self, query):
        """A period's pay sheet per resident and order, with totals (staff, or a firm's own)."""
        sheet = paysheet.build_paysheet(
            require_user(), query["start"], query["end"], query.get("firm_id")
        )
        if query["format"] == "json":
            return sheet
        return Response(
            paysheet.paysheet_xlsx(sheet),
            mimetype=paysheet.XLSX_MIMETYPE,
            headers={
                "Content-Disposition": f'attachment; filename="{paysheet.paysheet_filename(sheet)}"'
            },
        )
