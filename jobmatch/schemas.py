"""Schemas shared by every feature's API: the error body, and the base of input schemas."""

import unicodedata

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from jobmatch.database import MAX_ID


class ErrorSchema(Schema):
    """Every error: an HTTP code, its phrase, a message a person can act on, field errors."""

    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(), required=True, metadata={"description": "field -> messages"}
    )


class Text(fields.String):
    """A string trimmed of outer white space; control characters refused.

    PostgreSQL cannot store NUL, and no roster field needs a control character, so they are a
    422 here rather than a database error later. ``multiline`` lets line breaks and tabs through.
    """

    default_error_messages = {"invalid": "应为文字。", "control": "不能含有控制字符或无效字符。"}

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.allowed_controls = "\n\r\t" if multiline else ""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if any(
            unicodedata.category(char) in ("Cc", "Cs") and char not in self.allowed_controls
            for char in text
        ):
            raise self.make_error("control")
        return text


class Id(fields.Integer):
    """A row id in a body or query: 1 to MAX_ID. A larger number (2**63, 1e30) names no row, so
    it is a 422 here rather than an overflow in the database driver."""

    def __init__(self, *, error: str = "编号应为{min}到{max}之间的整数。", **kwargs):
        rules = kwargs.pop("validate", None) or []
        rules = [rules] if callable(rules) else list(rules)
        super().__init__(
            validate=[validate.Range(min=1, max=MAX_ID, error=error), *rules], **kwargs
        )


# marshmallow's generic messages, in the Chinese a person reads; per field type.
_GENERIC_MESSAGES = {
    fields.Field: {"required": "必填。", "null": "不能为空值。"},
    fields.String: {"invalid": "应为文字。"},
    fields.Integer: {"invalid": "应为整数。"},
    fields.Number: {"invalid": "应为数字。", "too_large": "数字过大。"},
    fields.Float: {"special": "应为有限的数字。"},
    fields.Boolean: {"invalid": "应为 true 或 false。"},
    fields.Date: {"invalid": "应为日期，格式 YYYY-MM-DD。"},
    fields.List: {"invalid": "应为列表。"},
}


def _translate(field: fields.Field) -> None:
    defaults: dict = {}
    chinese: dict = {}
    for field_class in reversed(type(field).__mro__):
        if field_class.__module__.startswith("marshmallow"):
            defaults.update(getattr(field_class, "default_error_messages", {}))
        chinese.update(_GENERIC_MESSAGES.get(field_class, {}))
    for key, message in chinese.items():
        # A message the field or its class was given stays; only marshmallow's own is replaced.
        if field.error_messages.get(key) == defaults.get(key):
            field.error_messages[key] = message
    inner = getattr(field, "inner", None)
    if isinstance(inner, fields.Field):
        _translate(inner)


# The one answer for a field no schema knows (a typo, or a read-only field sent back).
UNKNOWN_FIELD = "不认识的字段，请删除。"


class InputSchema(Schema):
    """Base of every request schema: unknown fields refused, messages in Chinese."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": UNKNOWN_FIELD, "type": "请求体应为 JSON 对象。"}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _translate(field_obj)


class QueryInput(InputSchema):
    """Base of a paginated list's query: ``page`` and ``page_size`` share the query string and
    are read by the paginator, so other names are let through rather than refused."""

    class Meta:
        unknown = EXCLUDE
