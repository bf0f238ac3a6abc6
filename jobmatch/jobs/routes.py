"""Background jobs, for staff: how a retrain or a large import is getting on."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.api_docs import secured
from jobmatch.jobs import service
from jobmatch.jobs.schemas import JobFilter, JobOut

blp = Blueprint("jobs", __name__, url_prefix="/api/jobs", description="Background jobs")


@blp.route("")
class Jobs(MethodView):
    @secured(blp, 422, roles=STAFF_ROLES)
    @blp.arguments(JobFilter, location="query")
    @blp.response(200, JobOut(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """List background jobs, newest first (staff)."""
        jobs, total = service.list_jobs(
            require_user(),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
            **filters,
        )
        pagination_parameters.item_count = total
        return jobs


@blp.route("/<string(maxlength=64):job_id>")
class Job(MethodView):
    @secured(blp, 404, roles=STAFF_ROLES)
    @blp.response(200, JobOut)
    def get(self, job_id):
        """A background job's state, progress and result or error (staff)."""
        return service.get_job(require_user(), job_id)
