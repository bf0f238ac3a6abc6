"""GET /api/skills: the skill catalogue, each skill tied to its occupation."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import PUBLIC_SECURITY, check_request_token
from jobmatch.catalogue import service
from jobmatch.catalogue.schemas import SkillOut
from jobmatch.schemas import ErrorSchema

blp = Blueprint("catalogue", __name__, url_prefix="/api", description="Skill catalogue")

blp.before_request(check_request_token)


@blp.route("/skills")
class Skills(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.response(200, SkillOut(many=True))
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    # A reference list: one default page holds the whole catalogue.
    @blp.paginate(page_size=100)
    def get(self, pagination_parameters):
        """The skill catalogue, by code."""
        skills, total = service.list_skills(
            pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return skills
