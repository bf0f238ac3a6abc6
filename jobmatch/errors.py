"""Domain errors and the one JSON error shape every failure is answered with.

Every error is ``{"code": int, "status": str, "message": str, "errors": {...}}``; a 500 never
carries exception text. Services raise the domain errors below; they never call ``abort()``.
Under /api the body is JSON; the web pages show the same error as a Chinese HTML page.
"""

import re
from http import HTTPStatus

from flask import Flask, current_app, has_request_context, jsonify, render_template, request
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from jobmatch.extensions import db


class DomainError(Exception):
    status_code = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.headers = headers or {}


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


class TooManyRequests(DomainError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS


class Unavailable(DomainError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE


# How long a client should wait before trying again while the database does not answer.
RETRY_AFTER_SECONDS = 5
DATABASE_DOWN_MESSAGE = "数据库暂时无法连接，请稍后再试。"


def safe_rollback() -> None:
    """Roll the session back; on a connection that has died, drop the session instead of
    raising a second error over the first."""
    try:
        db.session.rollback()
    except Exception:
        current_app.logger.warning("rollback failed; the session is discarded", exc_info=True)
        try:
            db.session.remove()
        except Exception:
            current_app.logger.warning("discarding the session failed", exc_info=True)


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
    safe_rollback()
    body = error_body(int(error.status_code), error.message, error.errors)
    return _error_response(body, error.headers or None)


def handle_validation_error(error: ValidationError):
    safe_rollback()
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return _error_response(error_body(422, "输入有误，请按提示修改。", messages))


def handle_http_exception(error: HTTPException):
    safe_rollback()
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
    safe_rollback()
    current_app.logger.warning("database refused a value: %s", error.orig)
    return _error_response(error_body(422, "输入的数值超出允许范围或格式不对，请检查后重试。"))


def is_database_down(error: Exception) -> bool:
    """The database did not answer: refused, dropped or ended the connection, or the pool had
    none to give. Not a mistake of the request, so a 503 to retry rather than a 500."""
    if isinstance(error, PoolTimeout | OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def handle_database_down(error: Exception):
    safe_rollback()
    current_app.logger.error("database unavailable: %r", getattr(error, "orig", error))
    body = error_body(503, DATABASE_DOWN_MESSAGE)
    return _error_response(body, {"Retry-After": str(RETRY_AFTER_SECONDS)})


def handle_unexpected_error(error: Exception):
    if is_database_down(error):
        return handle_database_down(error)
    safe_rollback()
    current_app.logger.exception("unhandled error")
    return _error_response(error_body(500, "服务器内部错误，请稍后再试。"))


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(InterfaceError, handle_database_down)
    app.register_error_handler(PoolTimeout, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected_error)
