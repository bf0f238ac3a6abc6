"""Account management: staff issue and reset logins, admins create firm users and disable or
enable accounts. Each answer that carries a code is the only time the code is shown."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts import management
from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.accounts.enums import Role
from jobmatch.accounts.schemas import (
    FirmUserCreate,
    IssuedCodeOut,
    UserOut,
    UserPatch,
    UserQuery,
)
from jobmatch.api_docs import secured

blp = Blueprint(
    "users",
    __name__,
    url_prefix="/api",
    description="Logins handed over on paper: activation codes, resets, disabling accounts",
)


@blp.route("/residents/<int:resident_id>/login")
class ResidentLogin(MethodView):
    @secured(
        blp,
        404,
        409,
        roles=STAFF_ROLES,
        descriptions={
            403: "Not staff",
            404: "No such resident",
            409: "The resident already has an account: reset it instead",
        },
    )
    @blp.response(201, IssuedCodeOut)
    def post(self, resident_id):
        """Issue a resident's login: an account awaiting activation and a one-time code
        (8 characters, 72 hours), shown this once."""
        return management.issue_resident_login(require_user(), resident_id)


@blp.route("/users")
class Users(MethodView):
    @secured(blp, 422, roles=STAFF_ROLES, descriptions={403: "Not staff"})
    @blp.arguments(UserQuery, location="query")
    @blp.response(200, UserOut(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """List accounts (filters: role, firm_id, resident_id, is_active)."""
        users, total = management.list_users(
            require_user(),
            filters,
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return users

    @secured(
        blp,
        409,
        422,
        roles=(Role.ADMIN,),
        descriptions={403: "Not an admin", 409: "The username is taken"},
    )
    @blp.arguments(FirmUserCreate)
    @blp.response(201, IssuedCodeOut)
    def post(self, body):
        """Create a firm user, awaiting activation with the code in the answer (the firm's
        credit code's last six characters stand for the ID number)."""
        return management.create_firm_user(require_user(), body["firm_id"], body["username"])


@blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @secured(
        blp,
        404,
        409,
        422,
        roles=(Role.ADMIN,),
        descriptions={403: "Not an admin", 409: "An admin disabling itself"},
    )
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    def patch(self, body, user_id):
        """Disable an account (every token and page session ends at once) or enable it."""
        return management.set_active(require_user(), user_id, body["is_active"])


@blp.route("/users/<int:user_id>/reset")
class UserReset(MethodView):
    @secured(
        blp,
        404,
        409,
        roles=STAFF_ROLES,
        descriptions={
            403: "Not staff, or staff resetting a staff or admin account",
            404: "No such account",
            409: "A disabled account, or an admin resetting a staff or admin account",
        },
    )
    @blp.response(201, IssuedCodeOut)
    def post(self, user_id):
        """Reset a resident's or firm user's login: a new code; the old password, every token
        and every page session of the account end now."""
        return management.reset_login(require_user(), user_id)
