"""Schemas shared by every feature's API: the error body, and the base of input schemas."""

import unicodedata

from marshmallow import RAISE, Schema, fields, validate

# The largest row id: keys are 32-bit integers on PostgreSQL, and SQLite cannot even bind a
# number past 2**63, so anything larger names no row and is refused as input.
MAX_ID = 2**31 - 1


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
    """A row id in a body or query: 1 to MAX_ID, so that no larger number reaches a query."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate", validate.Range(min=1, max=MAX_ID, error="编号应为1到{max}之间的整数。")
        )
        super().__init__(**kwargs)


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
        defaults.update(getattr(field_class, "default_error_messages", {}))
        chinese.update(_GENERIC_MESSAGES.get(field_class, {}))
    for key, message in chinese.items():
        # A message the field was given stays; only marshmallow's own default is replaced.
        if field.error_messages.get(key) == defaults.get(key):
            field.error_messages[key] = message
    inner = getattr(field, "inner", None)
    if isinstance(inner, fields.Field):
        _translate(inner)


class InputSchema(Schema):
    """Base of request schemas: unknown fields refused, messages in Chinese."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "不认识的字段，请删除。", "type": "请求体应为 JSON 对象。"}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _translate(field_obj)
