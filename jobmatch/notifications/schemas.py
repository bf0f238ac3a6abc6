from marshmallow import Schema, fields, validate

from jobmatch.schemas import InputSchema, QueryInput


class NotificationQuery(QueryInput):
    unread = fields.Boolean(metadata={"description": "true: only unread; false: only read"})


class NotificationOut(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    link = fields.String(dump_only=True, allow_none=True)
    recipient_role = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "set when the notice is for every user of a role"},
    )
    created_at = fields.DateTime(dump_only=True)
    read_at = fields.DateTime(dump_only=True, allow_none=True)


class UnfilledCheckIn(InputSchema):
    min_age_days = fields.Integer(
        load_default=7,
        validate=validate.Range(min=0, max=3650),
        metadata={"description": "only posts listed at least this many days ago"},
    )


class UnfilledCheckOut(Schema):
    flagged_post_ids = fields.List(fields.Integer(), dump_only=True)
