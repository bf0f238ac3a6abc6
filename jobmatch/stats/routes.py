"""GET /api/stats: the bureau's headline figures, for anyone."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import PUBLIC_SECURITY, check_request_token
from jobmatch.schemas import ErrorSchema
from jobmatch.stats.schemas import StatsOut
from jobmatch.stats.service import compute_stats

blp = Blueprint("stats", __name__, url_prefix="/api", description="Aggregate figures")

# No token is needed; one that is sent must be good, as everywhere else.
blp.before_request(check_request_token)


@blp.route("/stats")
class Stats(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.response(200, StatsOut)
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    def get(self):
        """Firms, openings and fills by category, residents, people trained, orders by product."""
        return compute_stats()
