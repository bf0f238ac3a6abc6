"""Signing in: POST /api/auth/token; who the token belongs to: GET /api/auth/me; activating a
login with a code: POST /api/auth/activate; one's own new password: POST /api/auth/password."""

from flask.views import MethodView
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
from jobmatch.schemas import ErrorSchema

blp = Blueprint("accounts", __name__, url_prefix="/api/auth", description="Accounts and tokens")


@blp.route("/token")
class Token(MethodView):
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
