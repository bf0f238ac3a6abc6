from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.accounts.enums import Role
from jobmatch.api_docs import secured
from jobmatch.database import page_offset
from jobmatch.employment import service
from jobmatch.employment.schemas import (
    DueFollowUpOut,
    DueQuery,
    FollowUpIn,
    FollowUpOut,
    NotifyOut,
    SpellOut,
    SpellQuery,
)

blp = Blueprint(
    "employment",
    __name__,
    url_prefix="/api/employment",
    description="Employment spells opened by hires and their 1-, 3- and 6-month follow-ups: "
    "staff see all, a firm its own. Rules: jobmatch/employment/service.py.",
)
STAFF_OR_FIRM = (*STAFF_ROLES, Role.FIRM)


@blp.route("/spells")
class Spells(MethodView):
    @secured(blp, 422, roles=STAFF_OR_FIRM, descriptions={422: "A bad filter or page"})
    @blp.arguments(SpellQuery, location="query")
    @blp.response(200, SpellOut(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """List spells of work (a firm: its own), oldest first."""
        items, total = service.list_spells(
            require_user(),
            filters,
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return items


@blp.route("/spells/<int:spell_id>")
class Spell(MethodView):
    @secured(blp, 404, roles=STAFF_OR_FIRM)
    @blp.response(200, SpellOut)
    def get(self, spell_id):
        """One spell with its follow-ups."""
        return service.get_spell(require_user(), spell_id)


@blp.route("/spells/<int:spell_id>/follow-ups")
class FollowUps(MethodView):
    @secured(
        blp,
        404,
        409,
        422,
        roles=STAFF_OR_FIRM,
        descriptions={409: "Already recorded, the spell has ended, or not yet due"},
    )
    @blp.arguments(FollowUpIn)
    @blp.response(201, FollowUpOut)
    def post(self, data, spell_id):
        """Record the follow-up at 1, 3 or 6 months: still employed (and the wage), or ended
        (with the end date and reason, which closes the spell)."""
        return service.record_follow_up(require_user(), spell_id, data)


@blp.route("/follow-ups/due")
class DueFollowUps(MethodView):
    @secured(blp, 422, roles=STAFF_OR_FIRM)
    @blp.arguments(DueQuery, location="query")
    @blp.response(200, DueFollowUpOut(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Follow-ups come due and not yet recorded, oldest due first (a firm: its own)."""
        tasks = service.due_follow_ups(require_user(), query.get("on"))
        pagination_parameters.item_count = len(tasks)
        start = page_offset(pagination_parameters.page, pagination_parameters.page_size)
        return tasks[start : start + pagination_parameters.page_size]


@blp.route("/follow-ups/notify")
class NotifyDue(MethodView):
    @secured(blp, roles=STAFF_ROLES)
    @blp.response(200, NotifyOut)
    def post(self):
        """Tell the staff inbox now of each due follow-up it has not been told of."""
        return {"notified": len(service.notify_due_follow_ups())}
