"""Signing in: POST /api/auth/token, and who the token belongs to: GET /api/auth/me."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts import service
from jobmatch.accounts.auth import require_user
from jobmatch.accounts.schemas import TokenOut, TokenRequest, UserOut
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
