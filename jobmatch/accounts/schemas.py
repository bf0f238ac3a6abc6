"""Request and response bodies of the accounts API."""

from marshmallow import Schema, fields, validate

from jobmatch.accounts.models import ROLES
from jobmatch.schemas import InputSchema, Text


class Password(fields.String):
    """A password exactly as typed (not trimmed); text that cannot be encoded is refused."""

    default_error_messages = {"unencodable": "密码含有无效字符。"}

    def _deserialize(self, value, attr, data, **kwargs):
        password = super()._deserialize(value, attr, data, **kwargs)
        if any("\ud800" <= char <= "\udfff" for char in password):
            raise self.make_error("unencodable")
        return password


class TokenRequest(InputSchema):
    username = Text(
        required=True, validate=validate.Length(min=1, max=64, error="用户名应为1至64个字符。")
    )
    # Capped so that hashing stays cheap.
    password = Password(
        required=True, validate=validate.Length(min=1, max=256, error="密码应为1至256个字符。")
    )


class TokenOut(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"enum": ["Bearer"]})
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})


class UserOut(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    firm_id = fields.Integer(allow_none=True)
    resident_id = fields.Integer(allow_none=True)
