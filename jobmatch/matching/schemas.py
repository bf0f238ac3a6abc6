"""Input and output schemas of the matching API."""

from marshmallow import Schema, fields, validate

from jobmatch.matching.service import MAX_LIMIT


class Phrases(fields.List):
    """A list of strings documented as such, dumped as it is: the service builds it."""

    def __init__(self, **kwargs):
        super().__init__(fields.String(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else list(value)


class LimitArgs(Schema):
    limit = fields.Integer(
        load_default=20,
        validate=validate.Range(
            min=1, max=MAX_LIMIT, error=f"limit 应为 1 到 {MAX_LIMIT} 之间的整数。"
        ),
        metadata={"description": f"how many, best first (1..{MAX_LIMIT})"},
    )


class PostSummary(Schema):
    id = fields.Integer()
    title = fields.String()
    firm_id = fields.Integer()
    firm_name = fields.String()
    category = fields.String()
    occupation_code = fields.String(allow_none=True)
    wage_min = fields.Integer()
    wage_max = fields.Integer()
    shift = fields.String()
    openings_left = fields.Integer()
    meals_provided = fields.Boolean()
    housing_provided = fields.Boolean()


class MatchOut(Schema):
    post_id = fields.Integer(required=True)
    rank = fields.Integer(required=True)
    score = fields.Float(required=True, metadata={"description": "0..1, after the priority lift"})
    reasons = Phrases(required=True)
    # A plain object, not a nested schema: the summary is built by the service with exactly
    # PostSummary's keys, and dumping 20 nested schemas per request cost more than ranking.
    post = fields.Dict(
        required=True,
        metadata={"description": "post summary: " + ", ".join(PostSummary._declared_fields)},
    )


class CandidateOut(Schema):
    """What a firm sees; staff also get the model's own score and the priority lift."""

    resident_id = fields.Integer(required=True)
    rank = fields.Integer(required=True)
    score = fields.Float(required=True, metadata={"description": "0..1"})
    reasons = Phrases(required=True)
    name = fields.String()
    model_score = fields.Float(metadata={"description": "staff only: before the priority lift"})
    priority_lift = fields.Float(metadata={"description": "staff only"})


class TrainIn(Schema):
    kind = fields.String(
        load_default=None,
        validate=validate.OneOf(["logistic", "boosting"]),
        metadata={"description": "fit only this kind (default: both, keep the better)"},
    )


class AllocateIn(Schema):
    post_ids = fields.List(fields.Integer(strict=True), load_default=None)
    multiple = fields.Integer(
        load_default=None, validate=validate.Range(min=1, max=10, error="multiple 应为 1 到 10。")
    )
    include_employed = fields.Boolean(load_default=False)
    method = fields.String(
        load_default="auto", validate=validate.OneOf(["auto", "assignment", "greedy"])
    )


class AllocationPost(Schema):
    post_id = fields.Integer()
    openings_left = fields.Integer()
    cap = fields.Integer()
    eligible_candidates = fields.Integer()
    resident_ids = fields.List(fields.Integer())


class AllocateOut(Schema):
    method = fields.String()
    multiple = fields.Integer()
    posts = fields.List(fields.Nested(AllocationPost))
    summary = fields.Dict()


class ModelOut(Schema):
    """The served model: its card, or why the rules ranker serves instead."""

    serving = fields.String(required=True, metadata={"description": "a version, or 'rules'"})
    trusted = fields.Boolean(required=True)
    problem = fields.String(allow_none=True)
    card = fields.Dict(allow_none=True)
