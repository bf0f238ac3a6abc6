from datetime import timedelta, timezone

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from jobmatch.applications.enums import ApplicationStatus
from jobmatch.applications.models import APPLICATION_STATUSES, INTERVIEW_OUTCOMES, REASONS
from jobmatch.applications.workflow import INTERVIEW_DETAILS, NEEDS_REASON
from jobmatch.database import MAX_ID
from jobmatch.schemas import InputSchema, Text

# Interview times typed without an offset are the county's clock.
BEIJING = timezone(timedelta(hours=8))

STATUS_CHOICE = validate.OneOf(APPLICATION_STATUSES, error="状态必须是以下之一：{choices}。")
REASON_CHOICE = validate.OneOf(REASONS, error="原因必须是以下之一：{choices}。")
POSITIVE_ID = validate.Range(min=1, max=MAX_ID, error="编号必须是正整数。")
NOTE_LENGTH = validate.Length(max=500, error="备注不能超过 500 字。")


class ApplicationCreate(InputSchema):
    resident_id = fields.Integer(required=True, strict=True, validate=POSITIVE_ID)
    post_id = fields.Integer(required=True, strict=True, validate=POSITIVE_ID)


class ApplicationMove(InputSchema):
    status = fields.String(required=True, validate=STATUS_CHOICE)
    reason = fields.String(
        validate=REASON_CHOICE,
        metadata={"description": "needed to reject or withdraw; allowed only then"},
    )
    note = Text(multiline=True, validate=NOTE_LENGTH, metadata={"description": "free text"})
    interview_at = fields.AwareDateTime(
        default_timezone=BEIJING,
        metadata={
            "description": "needed to move to interview: when (a time without an offset is "
            "Beijing time)"
        },
    )
    interview_place = Text(
        validate=validate.Length(min=1, max=200, error="面试地点应为1至200字。"),
        metadata={"description": "needed to move to interview: where"},
    )
    interview_contact = Text(
        validate=validate.Length(min=1, max=100, error="联系人应为1至100字。"),
        metadata={"description": "needed to move to interview: whom to ask for, and a phone"},
    )
    correction = fields.Boolean(
        load_default=False,
        metadata={
            "description": "admin only: move a finished application (hired, rejected, "
            "withdrawn) again; needs a note saying why, e.g. a hire undone after the resident "
            "left during probation (which frees the opening)"
        },
    )

    @validates_schema
    def reason_and_note(self, data, **kwargs):
        status, reason = data.get("status"), data.get("reason")
        if status in NEEDS_REASON and reason is None:
            raise ValidationError("拒绝或撤回时必须填写原因。", "reason")
        if status not in NEEDS_REASON and reason is not None:
            raise ValidationError("只有拒绝或撤回时才填写原因。", "reason")
        if data.get("correction") and not (data.get("note") or "").strip():
            raise ValidationError("更正时必须在备注中写明理由。", "note")
        given = [name for name in INTERVIEW_DETAILS if data.get(name)]
        if status == ApplicationStatus.INTERVIEW and not data.get("correction"):
            missing = {
                name: ["安排面试时必须填写。"] for name in INTERVIEW_DETAILS if name not in given
            }
            if missing:
                raise ValidationError(missing)
        elif given and status != ApplicationStatus.INTERVIEW:
            raise ValidationError({name: ["只有安排面试时才填写。"] for name in given})


class InterviewOutcomeIn(InputSchema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(INTERVIEW_OUTCOMES, error="结果必须是以下之一：{choices}。"),
        metadata={"description": "attended: the resident came; no_show: did not"},
    )


class ApplicationQuery(InputSchema):
    class Meta:
        # Paging parameters share the query string; they are read by the paginator.
        unknown = EXCLUDE

    post_id = fields.Integer(validate=POSITIVE_ID)
    resident_id = fields.Integer(validate=POSITIVE_ID)
    status = fields.String(validate=STATUS_CHOICE)


class ApplicationEventOut(Schema):
    id = fields.Integer(dump_only=True)
    from_status = fields.String(dump_only=True, allow_none=True)
    to_status = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    actor_user_id = fields.Integer(dump_only=True, allow_none=True)
    actor_role = fields.String(dump_only=True, allow_none=True)
    correction = fields.Boolean(dump_only=True)
    at = fields.DateTime(attribute="created_at", dump_only=True)


class ApplicationOut(Schema):
    id = fields.Integer(dump_only=True)
    resident_id = fields.Integer(dump_only=True)
    post_id = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    referred_rank = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "the post's rank among the resident's matches when referred"},
    )
    referred_score = fields.Float(dump_only=True, allow_none=True)
    hired_at = fields.DateTime(dump_only=True, allow_none=True)
    interview_at = fields.DateTime(dump_only=True, allow_none=True)
    interview_place = fields.String(dump_only=True, allow_none=True)
    interview_contact = fields.String(dump_only=True, allow_none=True)
    interview_outcome = fields.String(
        dump_only=True, allow_none=True, metadata={"enum": list(INTERVIEW_OUTCOMES)}
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    history = fields.List(fields.Nested(ApplicationEventOut), dump_only=True)
