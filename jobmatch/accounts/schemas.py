"""Request and response bodies of the accounts API."""

from marshmallow import EXCLUDE, Schema, fields, validate

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
    is_active = fields.Boolean(required=True)


NEW_PASSWORD = validate.Length(min=8, max=256, error="密码应为8至256个字符。")
POSITIVE_ID = validate.Range(min=1, max=2**31 - 1, error="编号必须是正整数。")


class ActivateRequest(InputSchema):
    id_last6 = Text(
        required=True,
        validate=validate.Regexp(r"^[0-9A-Za-z]{6}$", error="请填写身份证号码的后六位。"),
        metadata={
            "description": "the last six characters of the resident's ID number (of the "
            "firm's credit code, for a firm user)"
        },
    )
    code = Text(
        required=True,
        validate=validate.Length(min=1, max=32, error="请填写激活码。"),
        metadata={"description": "8 characters; case, spaces and dashes are ignored"},
    )
    password = Password(required=True, validate=NEW_PASSWORD)


class ActivatedOut(TokenOut):
    username = fields.String(required=True, metadata={"description": "the name to sign in with"})


class PasswordChange(InputSchema):
    old_password = Password(
        required=True, validate=validate.Length(min=1, max=256, error="请填写原密码。")
    )
    new_password = Password(required=True, validate=NEW_PASSWORD)


class IssuedCodeOut(Schema):
    user_id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    code = fields.String(
        required=True,
        metadata={"description": "shown this once: only a hash is kept; hand it over on paper"},
    )
    expires_at = fields.DateTime(required=True)


class FirmUserCreate(InputSchema):
    firm_id = fields.Integer(required=True, strict=True, validate=POSITIVE_ID)
    username = Text(
        required=True, validate=validate.Length(min=3, max=64, error="用户名应为3至64个字符。")
    )


class UserPatch(InputSchema):
    is_active = fields.Boolean(required=True)


class UserQuery(InputSchema):
    class Meta:
        # Paging parameters share the query string; they are read by the paginator.
        unknown = EXCLUDE

    role = fields.String(validate=validate.OneOf(ROLES, error="角色应为：{choices}。"))
    firm_id = fields.Integer(validate=POSITIVE_ID)
    resident_id = fields.Integer(validate=POSITIVE_ID)
    is_active = fields.Boolean()
