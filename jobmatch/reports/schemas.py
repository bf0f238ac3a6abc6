from marshmallow import EXCLUDE, Schema, fields, validate

from jobmatch.schemas import InputSchema


class ReportQuery(InputSchema):
    class Meta:
        unknown = EXCLUDE

    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "xlsx"], error="格式必须是 json 或 xlsx。"),
        metadata={"description": "json (default) or xlsx (an Excel workbook, one sheet)"},
    )


class TimeToFillOut(Schema):
    post_id = fields.Integer()
    title = fields.String()
    firm_id = fields.Integer()
    firm_name = fields.String()
    category = fields.String()
    status = fields.String()
    openings = fields.Integer()
    filled = fields.Integer(metadata={"description": "the post's counter of filled openings"})
    hires = fields.Integer(metadata={"description": "applications now hired"})
    listed_at = fields.DateTime()
    first_application_at = fields.DateTime(allow_none=True)
    first_hire_at = fields.DateTime(allow_none=True)
    filled_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "time of the hire that filled the last opening"},
    )
    days_to_first_hire = fields.Float(allow_none=True)
    days_to_fill = fields.Float(
        allow_none=True, metadata={"description": "days from listing to filled_at"}
    )
    days_from_first_application_to_fill = fields.Float(allow_none=True)


class _Placements(Schema):
    residents = fields.Integer(metadata={"description": "residents registered"})
    placed_residents = fields.Integer(metadata={"description": "of them, with a current hire"})
    hires = fields.Integer(metadata={"description": "current hires (a resident may hold two)"})
    placement_rate = fields.Float(allow_none=True)


class GroupPlacementsOut(_Placements):
    group = fields.String(allow_none=True, metadata={"description": "null: in no priority group"})


class CommunityPlacementsOut(_Placements):
    community_id = fields.Integer(allow_none=True, metadata={"description": "null: none given"})
    community_name = fields.String(allow_none=True)


class ProgramPlacementsOut(Schema):
    program_code = fields.String()
    program_name = fields.String()
    trained = fields.Integer(metadata={"description": "residents who completed a cohort"})
    placed_within_90_days = fields.Integer(
        metadata={"description": "of them, hired on or within 90 days after completing"}
    )
    placement_rate = fields.Float(allow_none=True)


class FirmFilledOut(Schema):
    firm_id = fields.Integer()
    firm_name = fields.String()
    category = fields.String()
    posts = fields.Integer()
    openings = fields.Integer()
    filled = fields.Integer()
    fill_rate = fields.Float(allow_none=True)
