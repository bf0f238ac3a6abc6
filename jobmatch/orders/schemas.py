"""Input and output schemas for piecework orders, the delivery ledger, earnings and pay."""

from decimal import ROUND_HALF_UP, Decimal

from marshmallow import Schema, ValidationError, fields, validate

from jobmatch.database import MAX_ID
from jobmatch.orders.enums import ReviewVerdict
from jobmatch.orders.models import CENT
from jobmatch.schemas import InputSchema, QueryInput, Text

MAX_PIECES = 10_000_000
PAYSHEET_FORMATS = ("json", "xlsx")


class Money(fields.Decimal):
    """Yuan: read as a decimal with at most two places, written as a JSON number with two."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return float(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def _two_places(value: Decimal) -> None:
    if value != value.quantize(CENT):
        raise ValidationError("金额最多保留两位小数。")


def _id_field(strict: bool = True, **kwargs) -> fields.Integer:
    """A row id; strict in JSON bodies (no 1.0, no true), as text in query strings."""
    return fields.Integer(
        strict=strict,
        validate=validate.Range(min=1, max=MAX_ID, error="编号应为正整数。"),
        **kwargs,
    )


def _pieces(minimum: int, **kwargs) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=minimum, max=MAX_PIECES, error="件数应在{min}到{max}之间。"),
        **kwargs,
    )


class OrderCreate(InputSchema):
    firm_id = _id_field(required=True)
    product = Text(required=True, validate=validate.Length(min=1, max=64))
    quantity = _pieces(1, required=True)
    unit_rate = Money(
        required=True,
        validate=[
            validate.Range(min=0, max=Decimal("99999999.99"), error="单价应在{min}到{max}元之间。"),
            _two_places,
        ],
        metadata={"description": "yuan a piece"},
    )
    due_on = fields.Date(allow_none=True)
    cohort_id = _id_field(allow_none=True)
    workshop = Text(allow_none=True, validate=validate.Length(max=128))


class OrderUpdate(InputSchema):
    product = Text(validate=validate.Length(min=1, max=64))
    quantity = _pieces(1, metadata={"description": "not below the pieces already delivered"})
    unit_rate = Money(
        validate=[
            validate.Range(min=0, max=Decimal("99999999.99"), error="单价应在{min}到{max}元之间。"),
            _two_places,
        ],
        metadata={"description": "only while no piece has been accepted"},
    )
    due_on = fields.Date(allow_none=True)
    cohort_id = _id_field(allow_none=True)
    workshop = Text(allow_none=True, validate=validate.Length(max=128))


class OrderQuery(QueryInput):
    firm_id = _id_field(strict=False)
    cohort_id = _id_field(strict=False)
    product = Text(validate=validate.Length(min=1, max=64))


class ProgressOut(Schema):
    status = fields.String(metadata={"description": "open or completed"})
    delivered_share = fields.Float(metadata={"description": "delivered / quantity"})
    accepted_share = fields.Float(metadata={"description": "accepted / quantity"})
    acceptance_rate = fields.Float(
        allow_none=True, metadata={"description": "accepted / delivered"}
    )
    pieces_left = fields.Integer()
    days_to_due = fields.Integer(allow_none=True, metadata={"description": "negative when past"})
    late = fields.Boolean()


class OrderOut(Schema):
    id = fields.Integer(dump_only=True)
    firm_id = fields.Integer(dump_only=True)
    product = fields.String(dump_only=True)
    quantity = fields.Integer(dump_only=True)
    unit_rate = Money(dump_only=True, metadata={"description": "yuan a piece"})
    due_on = fields.Date(dump_only=True, allow_none=True)
    cohort_id = fields.Integer(dump_only=True, allow_none=True)
    workshop = fields.String(dump_only=True, allow_none=True)
    delivered = fields.Integer(dump_only=True)
    accepted = fields.Integer(dump_only=True)
    completed_on = fields.Date(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    progress = fields.Nested(ProgressOut, dump_only=True)


class DeliveryCreate(InputSchema):
    resident_id = _id_field(metadata={"description": "required unless correcting"})
    quantity = _pieces(
        -MAX_PIECES,
        required=True,
        metadata={"description": "pieces handed in; a signed change when correcting"},
    )
    accepted = _pieces(
        -MAX_PIECES,
        required=True,
        metadata={"description": "pieces passed; a signed change when correcting"},
    )
    reject_reason = Text(allow_none=True, validate=validate.Length(max=128))
    delivered_on = fields.Date(metadata={"description": "default today"})
    corrects_id = _id_field(
        allow_none=True, metadata={"description": "the original entry this one corrects"}
    )
    note = Text(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "why; required on a correction"},
    )


class DeliveryReviewCreate(InputSchema):
    verdict = Text(
        required=True,
        validate=validate.OneOf(ReviewVerdict.values(), error="请选择确认或有异议。"),
    )
    accepted = _pieces(0, metadata={"description": "the firm's count, required when disputing"})
    reason = Text(allow_none=True, validate=validate.Length(max=200))


class DeliveryReviewOut(Schema):
    id = fields.Integer(dump_only=True)
    delivery_id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    verdict = fields.String(dump_only=True, metadata={"enum": list(ReviewVerdict.values())})
    accepted = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "the firm's accepted count"}
    )
    reason = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class DeliveryQuery(QueryInput):
    resident_id = _id_field(strict=False)


class DeliveryOut(Schema):
    id = fields.Integer(dump_only=True)
    order_id = fields.Integer(dump_only=True)
    resident_id = fields.Integer(dump_only=True)
    quantity = fields.Integer(dump_only=True)
    accepted = fields.Integer(dump_only=True)
    rejected = fields.Function(lambda entry: entry.quantity - entry.accepted, dump_only=True)
    reject_reason = fields.String(dump_only=True, allow_none=True)
    delivered_on = fields.Date(dump_only=True)
    corrects_id = fields.Integer(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class MaterialIssueCreate(InputSchema):
    resident_id = _id_field(required=True)
    material = Text(required=True, validate=validate.Length(min=1, max=128))
    amount = fields.Decimal(
        required=True,
        validate=[
            validate.Range(min=0, min_inclusive=False, max=10**9, error="数量应大于0。"),
            _two_places,
        ],
    )
    unit = Text(required=True, validate=validate.Length(min=1, max=16))
    pieces = _pieces(1, required=True, metadata={"description": "pieces the material is for"})
    issued_on = fields.Date(metadata={"description": "default today"})
    note = Text(allow_none=True, validate=validate.Length(max=200))


class MaterialIssueOut(Schema):
    id = fields.Integer(dump_only=True)
    order_id = fields.Integer(dump_only=True)
    resident_id = fields.Integer(dump_only=True)
    material = fields.String(dump_only=True)
    amount = Money(dump_only=True)
    unit = fields.String(dump_only=True)
    pieces = fields.Integer(dump_only=True)
    issued_on = fields.Date(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)


class OrderEarningOut(Schema):
    resident_id = fields.Integer()
    name = fields.String()
    issued_pieces = fields.Integer(metadata={"description": "pieces materials were issued for"})
    delivered = fields.Integer()
    accepted = fields.Integer()
    amount = Money(metadata={"description": "accepted x unit_rate, yuan"})


class PeriodQuery(QueryInput):
    start = fields.Date(data_key="from", metadata={"description": "first day, YYYY-MM-DD"})
    end = fields.Date(data_key="to", metadata={"description": "last day, YYYY-MM-DD"})


class PaysheetQuery(PeriodQuery):
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)
    firm_id = _id_field(strict=False)
    format = Text(
        load_default="json",
        validate=validate.OneOf(PAYSHEET_FORMATS, error="格式应为 json 或 xlsx。"),
    )


class EarningLineOut(Schema):
    order_id = fields.Integer()
    product = fields.String()
    unit_rate = Money()
    delivered = fields.Integer()
    accepted = fields.Integer()
    amount = Money()


class ResidentEarningsOut(Schema):
    resident_id = fields.Integer()
    start = fields.Date(data_key="from", allow_none=True)
    end = fields.Date(data_key="to", allow_none=True)
    lines = fields.List(fields.Nested(EarningLineOut))
    total = Money()


class PaysheetLineOut(EarningLineOut):
    resident_id = fields.Integer()
    name = fields.String()
    id_number = fields.String(metadata={"description": "masked"})


class PaysheetTotalsOut(Schema):
    delivered = fields.Integer()
    accepted = fields.Integer()
    amount = Money()


class PaysheetOut(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    firm_id = fields.Integer(allow_none=True)
    lines = fields.List(fields.Nested(PaysheetLineOut))
    totals = fields.Nested(PaysheetTotalsOut)


class ProductFiguresOut(Schema):
    product = fields.String()
    orders = fields.Integer()
    quantity = fields.Integer()
    delivered = fields.Integer()
    accepted = fields.Integer()


class SpreadOut(Schema):
    residents = fields.Integer(metadata={"description": "residents with accepted pieces"})
    total = Money()
    mean = Money(allow_none=True)
    min = Money(allow_none=True)
    q1 = Money(allow_none=True)
    median = Money(allow_none=True)
    q3 = Money(allow_none=True)
    max = Money(allow_none=True)
    iqr = Money(allow_none=True, metadata={"description": "q3 - q1"})


class OrderSummaryOut(Schema):
    orders = fields.Integer()
    open = fields.Integer()
    completed = fields.Integer()
    late = fields.Integer()
    quantity = fields.Integer()
    delivered = fields.Integer()
    accepted = fields.Integer()
    products = fields.List(fields.Nested(ProductFiguresOut))
    earnings = fields.Nested(SpreadOut)
