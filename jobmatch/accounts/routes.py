"""Signing in: POST /api/auth/token, and who the token belongs to: GET /api/auth/me."""

from flask import current_app, request
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

from jobmatch.accounts import service
from jobmatch.accounts.auth import require_user
from jobmatch.accounts.schemas import TokenOut, TokenRequest, UserOut
from jobmatch.extensions import limiter
from jobmatch.schemas import ErrorSchema

blp = Blueprint("accounts", __name__, url_prefix="/api/auth", description="Accounts and tokens")

LOGIN_LIMIT_MESSAGE = "登录失败次数过多，请稍后再试。"


def _login_limit_per_username() -> str:
    return current_app.config.get("JOBMATCH_LOGIN_LIMIT_PER_USERNAME", "5 per minute")


def _login_limit_per_address() -> str:
    return current_app.config.get("JOBMATCH_LOGIN_LIMIT_PER_ADDRESS", "30 per minute")


def _username_key() -> str:
    """The account a login names, read from the body before it is validated."""
    body = request.get_json(silent=True)
    username = body.get("username") if isinstance(body, dict) else None
    name = username.strip().casefold()[:64] if isinstance(username, str) else ""
    return f"login-username:{name}"


def _failed(response) -> bool:
    # Only wrong credentials count: a mistyped body (422) or a success costs nothing.
    return response.status_code == 401


@blp.route("/token")
class Token(MethodView):
    @limiter.limit(
        _login_limit_per_username,
        key_func=_username_key,
        deduct_when=_failed,
        error_message=LOGIN_LIMIT_MESSAGE,
    )
    @limiter.limit(
        _login_limit_per_address,
        key_func=get_remote_address,
        deduct_when=_failed,
        error_message=LOGIN_LIMIT_MESSAGE,
    )
    @blp.arguments(TokenRequest)
    @blp.response(200, TokenOut)
    @blp.alt_response(401, schema=ErrorSchema, description="Wrong username or password")
    @blp.alt_response(
        429,
        schema=ErrorSchema,
        description="Too many failed logins for this account or address; see Retry-After",
        headers={"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    )
    def post(self, credentials):
        """Exchange a username and password for a bearer token."""
        return service.sign_in(credentials["username"], credentials["password"])


@blp.route("/me")
class Me(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, UserOut)
    @blp.alt_response(401, schema=ErrorSchema)
    def get(self):
        """The account the bearer token belongs to."""
        return require_user()
