from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.enums import Role
from jobmatch.api_docs import secured
from jobmatch.audit import service
from jobmatch.audit.schemas import AuditEntryOut, AuditFilter

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/audit",
    description="Who read residents' data; who acted on accounts",
)


@blp.after_app_request
def echo_request_id(response):
    """A request that wrote audit entries answers with their request id."""
    if "audit_request_id" in g:
        response.headers["X-Request-ID"] = g.audit_request_id
    return response


@blp.route("")
class AuditEntries(MethodView):
    # Outermost, so that a caller who may not list is refused before its query is judged.
    @secured(blp, 422, roles=(Role.ADMIN,), descriptions={403: "Not an admin"})
    @blp.arguments(AuditFilter, location="query")
    @blp.response(200, AuditEntryOut(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """List audit entries, newest first (admins only)."""
        entries, total = service.list_entries(
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
            **filters,
        )
        pagination_parameters.item_count = total
        return entries
