"""Limits on a JSON request body, checked before any view or schema reads it.

Python's JSON reader refuses integers of more than 4,300 digits with a ValueError and nesting
some thousands deep with a RecursionError; the schema layer only expects malformed JSON, so
either became a 500. A JSON body is therefore read once here: over JSON_MAX_BYTES it is a 413,
unreadable or nested deeper than JSON_MAX_DEPTH a 400, both with the JSON error body.
"""

import json

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from jobmatch.errors import DomainError, PayloadTooLarge

NOT_JSON = "请求体不是有效的 JSON（数字过长、嵌套过深或格式错误）。"
TOO_LARGE = "请求体过大。"


def _depth_exceeds(value, limit: int) -> bool:
    """Whether lists and objects nest deeper than ``limit``; iterative, so never a recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def check_json_body() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.is_json:
        return
    # Per request: a roster upload (multipart) keeps the app's larger MAX_CONTENT_LENGTH.
    request.max_content_length = current_app.config["JSON_MAX_BYTES"]
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise PayloadTooLarge(TOO_LARGE) from None
    if not raw.strip():
        return  # no body: the schema answers for missing fields
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return  # plain malformed JSON: the schema layer answers it as before
    except (ValueError, RecursionError):
        raise DomainError(NOT_JSON) from None
    if _depth_exceeds(body, current_app.config["JSON_MAX_DEPTH"]):
        raise DomainError(NOT_JSON)


def init_app(app: Flask) -> None:
    app.before_request(check_json_body)
