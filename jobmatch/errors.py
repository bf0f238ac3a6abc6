"""Domain errors and the one JSON error shape every failure is answered with.

Every error is ``{"code": int, "status": str, "message": str, "errors": {...}}``; a 500 never
carries exception text. Services raise the domain errors below; they never call ``abort()``.
Under /api the body is JSON; the web pages show the same error as a Chinese HTML page.
"""

import re
from http import HTTPStatus

from flask import Flask, current_app, has_request_context, jsonify, render_template, request
from marshmallow import ValidationError
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
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


def _is_page_request() -> bool:
    """Pages (every path outside /api) are answered with an HTML error page; the API with JSON."""
    if not has_request_context():
        return False
    return not (request.path == "/api" or request.path.startswith("/api/"))


def _html_error_page(body: dict):
    try:
        html = render_template(
            "errors.html", error=body, readable=bool(re.search(r"[\u4e00-\u9fff]", body["message"]))
        )
    except Exception:  # the error page must never itself become a traceback
        current_app.logger.exception("error page failed to render")
        html = (
            "<!doctype html><meta charset=utf-8><title>出错了</title><h1>出错了，请稍后再试。</h1>"
        )
    return current_app.response_class(html, status=body["code"], mimetype="text/html")


def _error_response(body: dict, headers=None):
    response = _html_error_page(body) if _is_page_request() else jsonify(body)
    response.status_code = body["code"]
    if headers:
        response.headers.extend(headers)
    return response


def handle_domain_error(error: DomainError):
    db.session.rollback()
    return _error_response(error_body(int(error.status_code), error.message, error.errors))


def handle_validation_error(error: ValidationError):
    db.session.rollback()
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return _error_response(error_body(422, "输入有误，请按提示修改。", messages))


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
    return _error_response(error_body(code, message, errors), headers)


def handle_data_error(error: DataError):
    """The database refused a value the schemas let through (a number past its column's range,
    say): the client's mistake, so a 422, logged so that the schema can be tightened."""
    db.session.rollback()
    current_app.logger.warning("database refused a value: %s", error.orig)
    return _error_response(error_body(422, "输入的数值超出允许范围或格式不对，请检查后重试。"))


def handle_stale_data(error: StaleDataError):
    """A versioned row (jobmatch.database.Versioned) was changed by another request between this
    one's read and its write: nothing of this one was written. 412 when the client named the
    version it read (If-Match), else 409; either way it can read again and retry."""
    db.session.rollback()
    code = 412 if request.headers.get("If-Match") else 409
    return _error_response(error_body(code, "已被他人修改，请刷新后查看当前内容再修改。"))


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error")
    return _error_response(error_body(500, "服务器内部错误，请稍后再试。"))


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(Exception, handle_unexpected_error)
