"""Domain errors and the one JSON error shape every failure is answered with.

Every error is ``{"code": int, "status": str, "message": str, "errors": {...}}``; a 500 never
carries exception text. Services raise the domain errors below; they never call ``abort()``.
"""

from http import HTTPStatus

from flask import Flask, current_app, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from jobmatch.extensions import db


class DomainError(Exception):
    status_code = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class Invalid(DomainError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY


class NotFound(DomainError):
    status_code = HTTPStatus.NOT_FOUND


class Conflict(DomainError):
    status_code = HTTPStatus.CONFLICT


class Forbidden(DomainError):
    status_code = HTTPStatus.FORBIDDEN


class Unauthorized(DomainError):
    status_code = HTTPStatus.UNAUTHORIZED


class PayloadTooLarge(DomainError):
    status_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def error_body(code: int, message: str | None = None, errors: dict | None = None) -> dict:
    status = HTTPStatus(code)
    return {
        "code": code,
        "status": status.phrase,
        "message": message or status.description or status.phrase,
        "errors": errors or {},
    }


def _flatten_webargs_messages(messages: dict) -> dict:
    """webargs groups messages by location ({"json": {...}}); clients want them by field."""
    errors: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            for field, msgs in fields.items():
                errors.setdefault(field, [])
                errors[field].extend(msgs if isinstance(msgs, list) else [msgs])
        else:
            errors.setdefault(location, []).extend(fields if isinstance(fields, list) else [fields])
    return errors


def _json_response(body: dict, headers=None):
    response = jsonify(body)
    response.status_code = body["code"]
    if headers:
        response.headers.extend(headers)
    return response


def handle_domain_error(error: DomainError):
    db.session.rollback()
    return _json_response(error_body(int(error.status_code), error.message, error.errors))


def handle_validation_error(error: ValidationError):
    db.session.rollback()
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return _json_response(error_body(422, "输入有误，请按提示修改。", messages))


def handle_http_exception(error: HTTPException):
    db.session.rollback()
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = _flatten_webargs_messages(data["messages"]) if "messages" in data else {}
    message = data.get("message") or error.description
    if code == 422 and errors:
        message = "输入有误，请按提示修改。"
    headers = data.get("headers")
    if code == 405 and error.valid_methods:
        headers = {"Allow": ", ".join(error.valid_methods)}
    return _json_response(error_body(code, message, errors), headers)


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error")
    return _json_response(error_body(500, "服务器内部错误，请稍后再试。"))


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
