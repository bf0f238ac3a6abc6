from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

blp = Blueprint("health", __name__, url_prefix="/api", description="Liveness")


class HealthOut(Schema):
    status = fields.String(required=True)


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthOut)
    def get(self):
        """Answer while the process serves requests."""
        return {"status": "ok"}
