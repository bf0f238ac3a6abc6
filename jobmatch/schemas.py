"""Schemas shared by every feature's API: the error body."""

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """Every error: an HTTP code, its phrase, a message a person can act on, field errors."""

    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(), required=True, metadata={"description": "field -> messages"}
    )
