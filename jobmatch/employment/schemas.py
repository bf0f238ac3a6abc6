from marshmallow import EXCLUDE, Schema, fields, validate

from jobmatch.employment.enums import FOLLOW_UP_MONTHS, EndReason, FollowUpOutcome
from jobmatch.schemas import InputSchema, Text

POSITIVE_ID = validate.Range(min=1, max=2**31 - 1, error="编号必须是正整数。")
WAGE = validate.Range(min=0, max=1_000_000, error="月工资应在 0 到 1000000 元之间。")


def one_of(codes) -> validate.OneOf:
    return validate.OneOf(codes, error="必须是以下之一：{choices}。")


class SpellQuery(InputSchema):
    class Meta:
        # Paging parameters share the query string; they are read by the paginator.
        unknown = EXCLUDE

    resident_id = fields.Integer(validate=POSITIVE_ID)
    firm_id = fields.Integer(validate=POSITIVE_ID)
    post_id = fields.Integer(validate=POSITIVE_ID)
    open = fields.Boolean(metadata={"description": "true: still employed; false: ended"})


class FollowUpIn(InputSchema):
    months = fields.Integer(
        required=True,
        strict=True,
        validate=one_of(FOLLOW_UP_MONTHS),
        metadata={"description": "the checkpoint: 1, 3 or 6 months after the start"},
    )
    outcome = fields.String(
        required=True,
        validate=one_of(FollowUpOutcome.values()),
        metadata={"enum": list(FollowUpOutcome.values())},
    )
    wage = fields.Integer(
        strict=True, allow_none=True, validate=WAGE, metadata={"description": "yuan a month"}
    )
    ended_on = fields.Date(
        allow_none=True, metadata={"description": "needed when the outcome is ended"}
    )
    end_reason = fields.String(
        allow_none=True,
        validate=one_of(EndReason.values()),
        metadata={"enum": list(EndReason.values()), "description": "needed when ended"},
    )
    note = Text(validate=validate.Length(max=200, error="备注不能超过 200 字。"), allow_none=True)


class FollowUpOut(Schema):
    id = fields.Integer(dump_only=True)
    spell_id = fields.Integer(dump_only=True)
    months = fields.Integer(dump_only=True)
    due_on = fields.Date(dump_only=True)
    outcome = fields.String(dump_only=True)
    wage = fields.Integer(dump_only=True, allow_none=True)
    ended_on = fields.Date(dump_only=True, allow_none=True)
    end_reason = fields.String(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    recorded_on = fields.Date(dump_only=True)
    recorded_by_user_id = fields.Integer(dump_only=True, allow_none=True)


class SpellOut(Schema):
    id = fields.Integer(dump_only=True)
    resident_id = fields.Integer(dump_only=True)
    post_id = fields.Integer(dump_only=True)
    firm_id = fields.Integer(dump_only=True)
    application_id = fields.Integer(dump_only=True, allow_none=True)
    started_on = fields.Date(dump_only=True)
    wage = fields.Integer(dump_only=True, metadata={"description": "latest known, yuan a month"})
    ended_on = fields.Date(dump_only=True, allow_none=True)
    end_reason = fields.String(dump_only=True, allow_none=True)
    is_open = fields.Boolean(dump_only=True)
    follow_ups = fields.List(fields.Nested(FollowUpOut), dump_only=True)


class DueFollowUpOut(Schema):
    spell_id = fields.Integer(dump_only=True, attribute="spell.id")
    resident_id = fields.Integer(dump_only=True, attribute="spell.resident_id")
    resident_name = fields.String(dump_only=True, attribute="spell.resident.name")
    firm_id = fields.Integer(dump_only=True, attribute="spell.firm_id")
    firm_name = fields.String(dump_only=True, attribute="spell.firm.name")
    post_id = fields.Integer(dump_only=True, attribute="spell.post_id")
    post_title = fields.String(dump_only=True, attribute="spell.post.title")
    started_on = fields.Date(dump_only=True, attribute="spell.started_on")
    months = fields.Integer(dump_only=True)
    due_on = fields.Date(dump_only=True)
    overdue_days = fields.Integer(dump_only=True)


class DueQuery(InputSchema):
    class Meta:
        unknown = EXCLUDE

    on = fields.Date(metadata={"description": "the day to judge by (default: today, China)"})


class NotifyOut(Schema):
    notified = fields.Integer(dump_only=True, metadata={"description": "notices sent now"})
