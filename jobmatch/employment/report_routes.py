"""The reports built on employment spells: JSON, or ?format=xlsx for Excel (staff)."""

from functools import partial

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch import clock
from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.api_docs import secured
from jobmatch.employment import monitoring, retention, workshops
from jobmatch.employment.report_schemas import (
    MonitoringOut,
    MonitoringQuery,
    RetentionQuery,
    RetentionRowOut,
    WorkshopOut,
    WorkshopQuery,
)
from jobmatch.employment.xlsx import plain, sheets_response
from jobmatch.spreadsheets import XLSX_ANSWER

blp = Blueprint(
    "employment_reports",
    __name__,
    url_prefix="/api/reports",
    description="Reports on work kept after a hire (staff): JSON, or ?format=xlsx for Excel. "
    "Definitions: jobmatch/employment/retention.py, monitoring.py and workshops.py.",
)
staff_only = partial(
    secured, blp, roles=STAFF_ROLES, descriptions={403: "Not staff", 422: "A bad parameter"}
)
DIMENSION_LABELS = {
    "all": "全部",
    "firm": "按企业",
    "program": "按培训项目",
    "group": "按人员类别",
    "community": "按社区",
}
RETENTION_COLUMNS = [
    ("dimension", "分组方式", DIMENSION_LABELS.get),
    ("key", "编号/代码", plain),
    ("name", "名称", plain),
    ("spells", "就业人次", plain),
    ("open", "目前在岗", plain),
    *[
        column
        for days in retention.HORIZONS
        for column in (
            (f"measured_{days}", f"满{days}天人次", plain),
            (f"retained_{days}", f"{days}天仍在岗", plain),
            (f"rate_{days}", f"{days}天留存率", plain),
        )
    ],
]


@blp.route("/retention")
class Retention(MethodView):
    @staff_only(422)
    @blp.arguments(RetentionQuery, location="query")
    @blp.response(200, RetentionRowOut(many=True))
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """Still employed at 30, 90 and 180 days: overall, by firm, program, priority group
        and community, with the counts behind every rate."""
        rows = retention.retention_report(
            require_user(), query.get("on") or clock.today(), query.get("dimension")
        )
        if query["format"] == "xlsx":
            return sheets_response([("就业留存", RETENTION_COLUMNS, rows)], "retention")
        return rows


WAYS = {"hired": "受雇就业", "piecework": "来料加工", "self_employed": "灵活就业"}
AREA_COLUMNS = [
    ("community_name", "社区", plain),
    ("grid_name", "网格", plain),
    ("watched", "监测人数", plain),
    ("in_work", "务工就业", plain),
    ("hired", "其中受雇", plain),
    ("piecework", "其中来料加工", plain),
    ("self_employed", "其中灵活就业", plain),
    ("trained", "参加培训", plain),
    ("unemployed", "未就业", plain),
    ("in_work_last_month", "上月务工就业", plain),
    ("change", "较上月增减", plain),
    ("lost_work", "本月失去工作", plain),
]
LOST_COLUMNS = [
    ("resident_id", "居民编号", plain),
    ("name", "姓名", plain),
    ("community_name", "社区", plain),
    ("grid_name", "网格", plain),
    ("household_no", "户号", plain),
    ("worked_last_month", "上月就业方式", lambda ways: "、".join(WAYS[w] for w in ways)),
]
HOUSEHOLD_COLUMNS = [
    ("household_no", "户号", plain),
    ("community_name", "社区", plain),
    ("members", "家庭人口", plain),
    ("member_names", "成员", plain),
    ("wages", "工资收入（元）", float),
    ("piecework", "来料加工收入（元）", float),
    ("income", "务工收入合计（元）", float),
    ("income_per_member", "人均务工收入（元）", float),
    ("below_line", "低于监测线", lambda below: "是" if below else "否"),
]


@blp.route("/monitoring")
class Monitoring(MethodView):
    @staff_only(422)
    @blp.arguments(MonitoringQuery, location="query")
    @blp.response(200, MonitoringOut)
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """防返贫监测 for a month: residents in priority groups by community and grid (in work,
        trained, unemployed, change since last month), who lost work, and households' work
        income against the monitoring line."""
        today = clock.today()
        year, month = (
            (int(query["month"][:4]), int(query["month"][5:]))
            if "month" in query
            else (today.year, today.month)
        )
        line = query.get("line", current_app.config["MONITORING_LINE_MONTHLY"])
        report = monitoring.monitoring_report(require_user(), year, month, line)
        if query["format"] == "xlsx":
            sheets = [
                (f"监测汇总{report['month']}", AREA_COLUMNS, report["areas"]),
                ("本月失去工作", LOST_COLUMNS, report["lost_work"]),
                (f"家庭务工收入（监测线{line}元）", HOUSEHOLD_COLUMNS, report["households"]),
            ]
            return sheets_response(sheets, f"monitoring-{report['month']}")
        return report


WORKSHOP_COLUMNS = [
    ("workshop", "帮扶车间", plain),
    ("resident_id", "居民编号", plain),
    ("name", "姓名", plain),
    ("wages", "工资收入（元）", float),
    ("piecework", "来料加工收入（元）", float),
    ("income", "本年收入合计（元）", float),
    ("meets_threshold", "达标", lambda meets: "是" if meets else "否"),
    ("missing", "缺项", "；".join),
]


@blp.route("/workshops")
class Workshops(MethodView):
    @staff_only(422)
    @blp.arguments(WorkshopQuery, location="query")
    @blp.response(200, WorkshopOut(many=True))
    @blp.doc(responses=XLSX_ANSWER)
    def get(self, query):
        """帮扶车间 compliance: per workshop firm or named workshop, the 脱贫 workers engaged
        this year and each one's income there against the threshold, with what is missing."""
        today = clock.today()
        threshold = query.get("threshold", current_app.config["WORKSHOP_INCOME_THRESHOLD"])
        rows = workshops.workshop_report(
            require_user(), query.get("year", today.year), today, threshold
        )
        if query["format"] == "xlsx":
            workers = [
                {**worker, "workshop": row["name"]}
                for row in rows
                for worker in row["worker_list"] or [{"missing": row["missing"]}]
            ]
            return sheets_response([("帮扶车间", WORKSHOP_COLUMNS, workers)], "workshops")
        return rows
