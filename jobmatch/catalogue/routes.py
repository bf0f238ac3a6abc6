"""GET /api/skills: the skill catalogue, each skill tied to its occupation."""

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from jobmatch.accounts.auth import PUBLIC_SECURITY, check_request_token
from jobmatch.catalogue.models import Skill
from jobmatch.catalogue.schemas import SkillOut
from jobmatch.extensions import db
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
        pagination_parameters.item_count = db.session.scalar(
            select(func.count()).select_from(Skill)
        )
        return db.session.scalars(
            select(Skill)
            .options(joinedload(Skill.occupation))
            .order_by(Skill.code)
            .offset(pagination_parameters.first_item)
            .limit(pagination_parameters.page_size)
        ).all()
