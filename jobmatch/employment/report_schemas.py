from marshmallow import EXCLUDE, Schema, fields, validate

from jobmatch.employment.retention import DIMENSIONS, HORIZONS
from jobmatch.schemas import InputSchema

FORMAT = fields.String(
    load_default="json",
    validate=validate.OneOf(["json", "xlsx"], error="格式必须是 json 或 xlsx。"),
    metadata={"description": "json (default) or xlsx (an Excel workbook)"},
)


class RetentionQuery(InputSchema):
    class Meta:
        unknown = EXCLUDE

    format = FORMAT
    on = fields.Date(metadata={"description": "the day to measure at (default: today, China)"})
    dimension = fields.String(
        validate=validate.OneOf(DIMENSIONS, error="必须是以下之一：{choices}。"),
        metadata={"description": "only the rows of this breakdown"},
    )


def _retention_fields() -> dict:
    declared = {
        "dimension": fields.String(metadata={"enum": list(DIMENSIONS)}),
        "key": fields.String(
            allow_none=True,
            metadata={
                "description": "firm id, program code, group code or community id; "
                "null: none of them (or the overall row)"
            },
        ),
        "name": fields.String(),
        "spells": fields.Integer(metadata={"description": "spells in the row, of any age"}),
        "open": fields.Integer(metadata={"description": "of them, still open"}),
    }
    for days in HORIZONS:
        declared[f"measured_{days}"] = fields.Integer(
            metadata={"description": f"spells started at least {days} days before the day"}
        )
        declared[f"retained_{days}"] = fields.Integer(
            metadata={"description": f"of them, not ended before day {days}"}
        )
        declared[f"rate_{days}"] = fields.Float(allow_none=True)
    return declared


RetentionRowOut = Schema.from_dict(_retention_fields(), name="RetentionRowOut")


class MonitoringQuery(InputSchema):
    class Meta:
        unknown = EXCLUDE

    format = FORMAT
    month = fields.String(
        validate=validate.Regexp(
            r"^20\d{2}-(0[1-9]|1[0-2])$", error="月份格式应为 YYYY-MM（2000 至 2099 年）。"
        ),
        metadata={"description": "YYYY-MM (default: this month, China)"},
    )
    line = fields.Integer(
        validate=validate.Range(min=0, max=100_000, error="监测线应在 0 到 100000 元之间。"),
        metadata={
            "description": "monitoring line, yuan a month per household member "
            "(default: the MONITORING_LINE_MONTHLY setting)"
        },
    )


class AreaOut(Schema):
    community_id = fields.Integer(allow_none=True)
    community_name = fields.String()
    grid_id = fields.Integer(allow_none=True)
    grid_name = fields.String()
    watched = fields.Integer(metadata={"description": "residents in a priority group"})
    in_work = fields.Integer()
    hired = fields.Integer()
    piecework = fields.Integer()
    self_employed = fields.Integer()
    trained = fields.Integer(metadata={"description": "not in work; in or through training"})
    unemployed = fields.Integer()
    in_work_last_month = fields.Integer()
    change = fields.Integer(metadata={"description": "in_work - in_work_last_month"})
    lost_work = fields.Integer()


class LostWorkOut(Schema):
    resident_id = fields.Integer()
    name = fields.String()
    community_name = fields.String()
    grid_name = fields.String()
    household_no = fields.String(allow_none=True)
    worked_last_month = fields.List(
        fields.String(metadata={"enum": ["hired", "piecework", "self_employed"]})
    )


class HouseholdOut(Schema):
    household_no = fields.String()
    community_name = fields.String()
    members = fields.Integer()
    member_names = fields.String()
    wages = fields.Decimal(as_string=False, metadata={"description": "yuan, this month"})
    piecework = fields.Decimal(as_string=False)
    income = fields.Decimal(as_string=False)
    income_per_member = fields.Decimal(as_string=False)
    below_line = fields.Boolean()


class MonitoringOut(Schema):
    month = fields.String()
    monitoring_line = fields.Integer()
    areas = fields.List(fields.Nested(AreaOut))
    lost_work = fields.List(fields.Nested(LostWorkOut))
    households = fields.List(fields.Nested(HouseholdOut))


class WorkshopQuery(InputSchema):
    class Meta:
        unknown = EXCLUDE

    format = FORMAT
    year = fields.Integer(
        validate=validate.Range(min=2000, max=2100, error="年份应在 2000 到 2100 之间。"),
        metadata={"description": "default: this year (China); counted up to today"},
    )
    threshold = fields.Integer(
        validate=validate.Range(min=0, max=1_000_000, error="应在 0 到 1000000 元之间。"),
        metadata={"description": "yuan a year (default: WORKSHOP_INCOME_THRESHOLD, 5000)"},
    )


class WorkshopWorkerOut(Schema):
    resident_id = fields.Integer()
    name = fields.String()
    wages = fields.Decimal(as_string=False)
    piecework = fields.Decimal(as_string=False)
    income = fields.Decimal(as_string=False, metadata={"description": "from this workshop"})
    meets_threshold = fields.Boolean()
    shortfall = fields.Decimal(as_string=False)
    missing = fields.List(fields.String())


class WorkshopOut(Schema):
    kind = fields.String(metadata={"enum": ["firm", "named"]})
    firm_id = fields.Integer(allow_none=True)
    name = fields.String()
    order_ids = fields.List(fields.Integer())
    period_start = fields.Date()
    period_end = fields.Date()
    threshold = fields.Integer()
    workers = fields.Integer(metadata={"description": "脱贫 workers engaged"})
    meeting_threshold = fields.Integer()
    missing = fields.List(fields.String())
    worker_list = fields.List(fields.Nested(WorkshopWorkerOut))
