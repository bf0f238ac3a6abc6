"""GET /api/communities: the communities served, each with its grids and their party branches."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import PUBLIC_SECURITY, check_request_token
from jobmatch.communities import service
from jobmatch.communities.schemas import CommunityOut
from jobmatch.schemas import ErrorSchema

blp = Blueprint("communities", __name__, url_prefix="/api", description="Communities and grids")

blp.before_request(check_request_token)


@blp.route("/communities")
class Communities(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.response(200, CommunityOut(many=True))
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    # A short reference list: one default page holds every community the county has.
    @blp.paginate(page_size=100)
    def get(self, pagination_parameters):
        """All communities by id, each with its grids."""
        communities, total = service.list_communities(
            pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return communities
