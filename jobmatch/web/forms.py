"""From an HTML form to the API's own input schemas, and their errors back beside each field.

A form sends every value as text and leaves out unchecked boxes; the API schemas want JSON
types. These helpers only translate that encoding: what is valid is the schemas' and the
services' business, so a page and the API accept and refuse exactly the same things.
"""

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from jobmatch.errors import DomainError
from jobmatch.schemas import UNKNOWN_FIELD

Errors = dict[str, list[str]]
_HAN = re.compile(r"[\u4e00-\u9fff]")

# marshmallow's own English defaults, for the few schemas that do not translate them yet.
_CHINESE = {
    "Missing data for required field.": "必填。",
    "Field may not be null.": "不能为空。",
    "Not a valid integer.": "应为整数。",
    "Not a valid number.": "应为数字。",
    "Not a valid string.": "应为文字。",
    "Not a valid date.": "应为日期，格式 YYYY-MM-DD。",
    "Not a valid boolean.": "应为是或否。",
    "Not a valid list.": "应为列表。",
    "Unknown field.": UNKNOWN_FIELD,
}


def _integer(text: str) -> int | str:
    try:
        return int(text.strip())
    except ValueError:
        return text  # left as typed, for the schema to refuse in its own words


def _number(text: str) -> float | str:
    try:
        return float(text.strip())
    except ValueError:
        return text


def form_values(schema: Schema, form: MultiDict, *, partial: bool = False) -> dict[str, Any]:
    """The form's values typed as the schema's fields expect them.

    An empty box is left out (the schema's default applies) or, when ``partial`` (an edit),
    sent as None for a field that may be emptied. Checkboxes are True when sent, else False.
    """
    values: dict[str, Any] = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        key = field.data_key or name
        if isinstance(field, fields.Boolean):
            values[key] = key in form
            continue
        if isinstance(field, fields.List):
            chosen = [value for value in form.getlist(key) if value.strip()]
            if chosen or f"{key}__present" in form:
                values[key] = chosen
            continue
        if key not in form:
            continue
        text = form.get(key, "")
        if not text.strip():
            if partial and field.allow_none:
                values[key] = None
            continue
        if isinstance(field, fields.Integer):
            values[key] = _integer(text)
        elif isinstance(field, fields.Number):
            values[key] = _number(text)
        else:
            values[key] = text
    return values


def flat_errors(messages: Any) -> Errors:
    """marshmallow's messages (nested for list items) as field -> list of sentences."""
    if not isinstance(messages, dict):
        return {"form": _sentences(messages)}
    return {str(field): _sentences(value) for field, value in messages.items()}


def _sentences(value: Any) -> list[str]:
    if isinstance(value, str):
        value = _CHINESE.get(value, value)
        # A page speaks Chinese: an English message left by a schema becomes a plain hint.
        return [value if _HAN.search(value) else "这一项填写有误，请检查。"]
    if isinstance(value, dict):
        return [sentence for inner in value.values() for sentence in _sentences(inner)]
    if isinstance(value, list | tuple):
        return [sentence for inner in value for sentence in _sentences(inner)]
    return [str(value)]


def load(schema: Schema, values: dict[str, Any]) -> tuple[dict[str, Any] | None, Errors]:
    """The schema's load, with its refusal turned into field errors."""
    try:
        return schema.load(values), {}
    except ValidationError as error:
        return None, flat_errors(error.messages)


def domain_errors(error: DomainError) -> Errors:
    """A service's refusal: its field errors, and its message for the whole form."""
    errors = flat_errors(error.errors) if error.errors else {}
    errors.setdefault("form", [error.message])
    return errors
