from marshmallow import Schema, fields, validate

from jobmatch.audit.models import AUDIT_ACTIONS
from jobmatch.database import MAX_ID
from jobmatch.schemas import QueryInput


class AuditFilter(QueryInput):
    resident_id = fields.Integer(
        error_messages={"invalid": "应为整数。"},
        validate=validate.Range(min=1, max=MAX_ID, error="应为{min}到{max}之间的整数。"),
    )
    user_id = fields.Integer(
        error_messages={"invalid": "应为整数。"},
        validate=validate.Range(min=1, max=MAX_ID, error="应为{min}到{max}之间的整数。"),
    )
    action = fields.String(
        validate=validate.OneOf(AUDIT_ACTIONS, error="应为以下之一：{choices}。")
    )


class AuditEntryOut(Schema):
    id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True, metadata={"description": "when"})
    user_id = fields.Integer(allow_none=True, metadata={"description": "who: the account"})
    username = fields.String(required=True, metadata={"description": "who, as then named"})
    role = fields.String(required=True)
    resident_id = fields.Integer(allow_none=True, metadata={"description": "whose data"})
    subject_user_id = fields.Integer(
        allow_none=True, metadata={"description": "whose account, for an account action"}
    )
    action = fields.String(required=True, metadata={"enum": list(AUDIT_ACTIONS)})
    method = fields.String(required=True)
    path = fields.String(required=True)
    request_id = fields.String(required=True, metadata={"description": "echoed as X-Request-ID"})
    remote_addr = fields.String(allow_none=True)
