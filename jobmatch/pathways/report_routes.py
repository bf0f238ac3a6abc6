from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch import clock
from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.api_docs import secured
from jobmatch.employment.xlsx import plain, sheets_response
from jobmatch.pathways import demand
from jobmatch.pathways.schemas import DemandQuery, ProgramDemandOut
from jobmatch.spreadsheets import XLSX_ANSWER

blp = Blueprint(
    "pathway_reports",
    __name__,
    url_prefix="/api/reports",
    description="Training demand (staff): what completing each program would open up.",
)
COLUMNS = [
    ("program_code", "培训项目代码", plain),
    ("program_name", "培训项目", plain),
    ("residents", "结业后可应聘人数", plain),
    ("posts", "可应聘岗位数", plain),
    ("openings", "空缺人数", plain),
    ("seats", "待开班余额", plain),
    ("openings_per_seat", "每个名额对应空缺", plain),
    (
        "by_community",
        "分社区人数",
        lambda rows: "、".join(f"{r['community_name']}{r['residents']}" for r in rows),
    ),
]


@blp.route("/program-demand")
class ProgramDemand(MethodView):
    @secured(blp, 422, roles=STAFF_ROLES, descriptions={403: "Not staff"})
    @blp.arguments(DemandQuery, location="query")
    @blp.response(200, ProgramDemandOut(many=True))
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """Per program: residents it would make eligible for how many open posts and openings,
        by community; ranked by openings unlocked per seat of its coming cohorts."""
        rows = demand.program_demand(require_user(), clock.today())
        if query["format"] == "xlsx":
            return sheets_response([("培训需求", COLUMNS, rows)], "program-demand")
        return rows
