"""HTTP API for piecework orders: the ledger, materials, earnings, figures and the pay sheet."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch import clock
from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.accounts.enums import Role
from jobmatch.api_docs import secured
from jobmatch.orders import earnings, paysheet, reviews, service
from jobmatch.orders.models import Order
from jobmatch.orders.schemas import (
    DeliveryCreate,
    DeliveryOut,
    DeliveryQuery,
    DeliveryReviewCreate,
    DeliveryReviewOut,
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
from jobmatch.spreadsheets import XLSX_CONTENT, xlsx_response
from jobmatch.versioning import IF_MATCH_DOC, check_if_match, etag_header

blp = Blueprint(
    "orders",
    __name__,
    url_prefix="/api",
    description="Piecework orders (来料加工): the delivery ledger, materials, earnings and pay",
)

# What an order's 404 and 409 mean; the other error answers keep the shared descriptions.
ERRORS = {
    404: "No such object, or another firm's",
    409: "More pieces than the order has left, or a change the ledger forbids",
}


ORDER_READERS = (*STAFF_ROLES, Role.FIRM)


@blp.route("/orders")
class Orders(MethodView):
    @secured(blp, 422, roles=ORDER_READERS)
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

    @secured(blp, 422, roles=STAFF_ROLES)
    @blp.arguments(OrderCreate)
    @blp.response(201, OrderOut)
    def post(self, data):
        """Log a firm's piecework order (staff)."""
        order = service.create_order(require_user(), data)
        return order, 201, etag_header(order)


@blp.route("/orders/summary")
class OrdersSummary(MethodView):
    @secured(blp, 422, roles=STAFF_ROLES)
    @blp.arguments(PeriodQuery, location="query")
    @blp.response(200, OrderSummaryOut)
    def get(self, period):
        """Order progress and the spread of residents' earnings over a period (staff)."""
        return earnings.order_summary(
            require_user(), period.get("start"), period.get("end"), clock.today()
        )


@blp.route("/orders/<int:order_id>")
class OrderDetail(MethodView):
    @secured(blp, 404, roles=ORDER_READERS, descriptions=ERRORS)
    @blp.response(200, OrderOut)
    def get(self, order_id):
        """One order with its progress: shares delivered and accepted, pieces left, lateness."""
        order = service.get_order(require_user(), order_id)
        return order, 200, etag_header(order)

    @secured(blp, 404, 409, 412, 422, roles=STAFF_ROLES, descriptions=ERRORS)
    @blp.doc(**IF_MATCH_DOC)
    @blp.arguments(OrderUpdate)
    @blp.response(200, OrderOut)
    def patch(self, data, order_id):
        """Change an order's product, quantity, rate, due date, cohort or workshop (staff)."""
        check_if_match(Order, order_id)
        order = service.update_order(require_user(), order_id, data, clock.today())
        return order, 200, etag_header(order)


@blp.route("/orders/<int:order_id>/deliveries")
class OrderDeliveries(MethodView):
    @secured(blp, 404, 422, roles=ORDER_READERS, descriptions=ERRORS)
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

    @secured(blp, 404, 409, 422, roles=STAFF_ROLES, descriptions=ERRORS)
    @blp.arguments(DeliveryCreate)
    @blp.response(201, DeliveryOut)
    def post(self, data, order_id):
        """Record a hand-in, or with corrects_id a signed correction of one (staff)."""
        return service.record_delivery(require_user(), order_id, data, clock.today())


@blp.route("/orders/<int:order_id>/materials")
class OrderMaterials(MethodView):
    @secured(blp, 404, roles=ORDER_READERS, descriptions=ERRORS)
    @blp.response(200, MaterialIssueOut(many=True))
    @blp.paginate()
    def get(self, order_id, pagination_parameters):
        """Materials issued for the order: to whom, what, for how many pieces, when."""
        issues, total = service.list_materials(
            require_user(), order_id, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return issues

    @secured(blp, 404, 422, roles=STAFF_ROLES, descriptions=ERRORS)
    @blp.arguments(MaterialIssueCreate)
    @blp.response(201, MaterialIssueOut)
    def post(self, data, order_id):
        """Record materials handed to a resident for a number of pieces (staff)."""
        return service.issue_materials(require_user(), order_id, data, clock.today())


@blp.route("/orders/<int:order_id>/earnings")
class OrderEarnings(MethodView):
    @secured(blp, 404, roles=ORDER_READERS, descriptions=ERRORS)
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
    @secured(blp, 403, 404, 422, descriptions=ERRORS)
    @blp.arguments(PeriodQuery, location="query")
    @blp.response(200, ResidentEarningsOut)
    def get(self, period, resident_id):
        """A resident's piecework pay per order (staff, or the resident itself)."""
        return earnings.resident_earnings(
            require_user(), resident_id, period.get("start"), period.get("end")
        )


@blp.route("/paysheet")
class Paysheet(MethodView):
    @secured(blp, 422, roles=ORDER_READERS)
    @blp.arguments(PaysheetQuery, location="query")
    @blp.response(200, PaysheetOut)
    @blp.doc(
        responses={
            200: {
                "description": "JSON, or with format=xlsx the spreadsheet to file",
                "content": XLSX_CONTENT,
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
        return xlsx_response(paysheet.paysheet_xlsx(sheet), paysheet.paysheet_filename(sheet))


@blp.route("/orders/<int:order_id>/reviews")
class OrderReviews(MethodView):
    @secured(blp, 404, roles=ORDER_READERS, descriptions=ERRORS)
    @blp.response(200, DeliveryReviewOut(many=True))
    def get(self, order_id):
        """The firm's confirmations and disputes of the order's hand-ins (staff, or the firm)."""
        found = reviews.reviews_for(require_user(), order_id)
        return [found[entry_id] for entry_id in sorted(found)]


@blp.route("/deliveries/<int:delivery_id>/review")
class DeliveryReviewItem(MethodView):
    @secured(blp, 404, 409, 422, roles=(Role.FIRM,), descriptions=ERRORS)
    @blp.arguments(DeliveryReviewCreate)
    @blp.response(201, DeliveryReviewOut)
    def post(self, data, delivery_id):
        """Confirm a hand-in of the firm's own order, or dispute it with its count and why."""
        return reviews.review_delivery(require_user(), delivery_id, data)
