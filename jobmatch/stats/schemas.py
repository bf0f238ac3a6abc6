"""The shape of GET /api/stats (the figures: docs/domain.md, "What the seed reproduces")."""

from marshmallow import Schema, fields


class CategoryTotalsOut(Schema):
    general = fields.Integer(required=True, metadata={"description": "普工"})
    skilled = fields.Integer(required=True, metadata={"description": "技工"})


class ProgramTrainedOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    trained = fields.Integer(
        required=True,
        metadata={"description": "distinct residents with a completed enrollment in the program"},
    )


class OrderTotalsOut(Schema):
    product = fields.String(required=True)
    quantity = fields.Integer(required=True)
    delivered = fields.Integer(required=True)
    accepted = fields.Integer(required=True)


class StatsOut(Schema):
    """Aggregates only: no person or firm can be picked out of them."""

    firms = fields.Integer(required=True)
    openings = fields.Nested(
        CategoryTotalsOut,
        required=True,
        metadata={"description": "sum of every post's openings, whatever its status"},
    )
    filled = fields.Nested(
        CategoryTotalsOut,
        required=True,
        metadata={"description": "sum of every post's filled, whatever its status"},
    )
    residents = fields.Integer(required=True)
    trained_total = fields.Integer(
        required=True,
        metadata={"description": "distinct residents with at least one completed enrollment"},
    )
    programs = fields.List(
        fields.Nested(ProgramTrainedOut), required=True, metadata={"description": "by code"}
    )
    orders = fields.List(
        fields.Nested(OrderTotalsOut),
        required=True,
        metadata={"description": "piecework orders summed by product, ordered by product"},
    )
