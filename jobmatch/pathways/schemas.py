from marshmallow import EXCLUDE, Schema, fields, validate

from jobmatch.schemas import InputSchema

POSITIVE_ID = validate.Range(min=1, max=2**31 - 1, error="编号必须是正整数。")


class MissingOut(Schema):
    kind = fields.String(metadata={"enum": ["certificate", "skill"]})
    code = fields.String(metadata={"description": "program code, or skill code"})
    name = fields.String()


class NextCohortOut(Schema):
    id = fields.Integer()
    name = fields.String()
    program_code = fields.String()
    program_name = fields.String()
    starts_on = fields.Date()
    seats_left = fields.Integer()


class NearMissOut(Schema):
    post_id = fields.Integer()
    post = fields.Dict(metadata={"description": "the post's summary, as in matches"})
    missing = fields.Nested(MissingOut)
    cohort = fields.Nested(
        NextCohortOut,
        allow_none=True,
        metadata={
            "description": "the next class conferring it (the earliest with a seat "
            "left, else the earliest); null when none is planned"
        },
    )
    message = fields.String(allow_none=True)


class PlaceRequestIn(InputSchema):
    cohort_id = fields.Integer(required=True, strict=True, validate=POSITIVE_ID)
    post_id = fields.Integer(strict=True, allow_none=True, validate=POSITIVE_ID)


class PlaceRequestOut(Schema):
    resident_id = fields.Integer()
    cohort_id = fields.Integer()
    seats_left = fields.Integer()


class DemandQuery(InputSchema):
    class Meta:
        unknown = EXCLUDE

    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "xlsx"], error="格式必须是 json 或 xlsx。"),
    )


class CommunityDemandOut(Schema):
    community_id = fields.Integer(allow_none=True)
    community_name = fields.String()
    residents = fields.Integer()


class ProgramDemandOut(Schema):
    program_code = fields.String()
    program_name = fields.String()
    residents = fields.Integer(metadata={"description": "residents it would make eligible"})
    posts = fields.Integer(metadata={"description": "open posts they would become eligible for"})
    post_ids = fields.List(fields.Integer())
    openings = fields.Integer(metadata={"description": "openings left on those posts"})
    seats = fields.Integer(metadata={"description": "seats left in its coming cohorts"})
    openings_per_seat = fields.Float(allow_none=True)
    by_community = fields.List(fields.Nested(CommunityDemandOut))
