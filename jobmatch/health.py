"""Liveness (the process serves) and readiness (its database, and Redis when set, answer)."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from redis.exceptions import RedisError
from sqlalchemy import text

from jobmatch.errors import RETRY_AFTER_SECONDS, Unavailable, is_database_down, safe_rollback
from jobmatch.extensions import db
from jobmatch.schemas import ErrorSchema

PART_NAMES = {"database": "数据库", "redis": "Redis"}

blp = Blueprint("health", __name__, url_prefix="/api", description="Liveness and readiness")


class HealthOut(Schema):
    status = fields.String(required=True)


class ReadyOut(Schema):
    status = fields.String(required=True)
    checks = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "each part: ok"}
    )


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthOut)
    def get(self):
        """Answer while the process serves requests."""
        return {"status": "ok"}


def _database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return True
    except Exception as error:
        if not is_database_down(error):
            raise
        safe_rollback()
        return False


def _redis_answers() -> bool:
    from jobmatch.jobs.service import redis_connection

    try:
        return bool(redis_connection().ping())
    except RedisError:
        return False


@blp.route("/ready")
class Ready(MethodView):
    @blp.response(200, ReadyOut)
    @blp.alt_response(
        503,
        schema=ErrorSchema,
        description="The database or Redis does not answer; see Retry-After",
        headers={"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    )
    def get(self):
        """Answer 200 when the database (and Redis, where configured) answer, else 503."""
        checks = {"database": "ok" if _database_answers() else "unavailable"}
        if current_app.config.get("REDIS_URL"):
            checks["redis"] = "ok" if _redis_answers() else "unavailable"
        down = sorted(name for name, state in checks.items() if state != "ok")
        if down:
            raise Unavailable(
                "服务暂不可用：" + "、".join(PART_NAMES[name] for name in down),
                errors={name: ["无法连接。"] for name in down},
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return {"status": "ready", "checks": checks}
