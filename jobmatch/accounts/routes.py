"""Signing in: POST /api/auth/token; who the token belongs to: GET /api/auth/me; activating a
login with a code: POST /api/auth/activate; one's own new password: POST /api/auth/password."""

from flask import current_app, request
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

from jobmatch.accounts import activation, management, service
from jobmatch.accounts.auth import require_user
from jobmatch.accounts.limits import activation_limits, mark_refused
from jobmatch.accounts.schemas import (
    ActivatedOut,
    ActivateRequest,
    PasswordChange,
    TokenOut,
    TokenRequest,
    UserOut,
)
from jobmatch.api_docs import secured
from jobmatch.errors import Unauthorized
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


@blp.route("/activate")
class Activate(MethodView):
    @activation_limits
    @blp.arguments(ActivateRequest)
    @blp.response(200, ActivatedOut)
    @blp.alt_response(
        401,
        schema=ErrorSchema,
        description="Wrong ID digits or code, or the code expired or was used (one answer for all)",
    )
    @blp.alt_response(422, schema=ErrorSchema, description="Bad input, or a password too short")
    @blp.alt_response(
        429,
        schema=ErrorSchema,
        description="Too many refused attempts for this ID number or address; see Retry-After",
        headers={"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    )
    def post(self, body):
        """Activate a login with the code handed over on paper, choosing a password.

        Answers a token, signed in: the code is used up, and any older session ends.
        """
        try:
            user = activation.activate(body["id_last6"], body["code"], body["password"])
        except Unauthorized:
            mark_refused()
            raise
        return {**service.token_for(user), "username": user.username}


@blp.route("/password")
class Password(MethodView):
    @secured(blp, 422, descriptions={422: "Wrong old password, or a new one too short or the same"})
    @blp.arguments(PasswordChange)
    @blp.response(200, TokenOut)
    def post(self, body):
        """Change one's own password. Every older token and page session ends; the answer
        carries a new token."""
        user = management.change_password(
            require_user(), body["old_password"], body["new_password"]
        )
        return service.token_for(user)
