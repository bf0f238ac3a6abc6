"""Request and response bodies of the firms API."""

from marshmallow import Schema, ValidationError, fields, validate

from jobmatch.schemas import InputSchema, Text
from jobmatch.validators import parse_credit_code


class CreditCode(Text):
    """A unified social credit code (GB 32100-2015), normalised; a bad check character is a 422."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_credit_code(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


_name = validate.Length(min=1, max=128, error="名称应为1至128个字符。")
_industry = validate.Length(max=64, error="行业最多64个字符。")
_address = validate.Length(max=500, error="地址最多500个字符。")
_lat = validate.Range(min=-90, max=90, error="纬度应在-90至90之间。")
WORKSHOP_DOC = {"description": "a 帮扶车间 (assistance workshop); staff set it"}
_lon = validate.Range(min=-180, max=180, error="经度应在-180至180之间。")


class FirmCreate(InputSchema):
    name = Text(required=True, validate=_name)
    credit_code = CreditCode(
        required=True, metadata={"description": "unified social credit code, GB 32100-2015"}
    )
    industry = Text(allow_none=True, validate=_industry)
    address = Text(allow_none=True, validate=_address)
    lat = fields.Float(allow_none=True, validate=_lat)
    lon = fields.Float(allow_none=True, validate=_lon)
    is_workshop = fields.Boolean(metadata=WORKSHOP_DOC)


class FirmUpdate(InputSchema):
    """Fields to change; a firm's own users may not change its name or credit code."""

    name = Text(validate=_name)
    credit_code = CreditCode()
    industry = Text(allow_none=True, validate=_industry)
    address = Text(allow_none=True, validate=_address)
    lat = fields.Float(allow_none=True, validate=_lat)
    lon = fields.Float(allow_none=True, validate=_lon)
    is_workshop = fields.Boolean(metadata=WORKSHOP_DOC)


class FirmOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    credit_code = fields.String(required=True)
    industry = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    is_workshop = fields.Boolean(required=True)
