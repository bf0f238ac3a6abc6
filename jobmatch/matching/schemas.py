"""Input and output schemas of the matching API."""

from marshmallow import Schema, fields, validate

from jobmatch.accounts.auth import is_staff
from jobmatch.matching.model import CANDIDATES
from jobmatch.matching.service import MAX_LIMIT
from jobmatch.schemas import Id, InputSchema


class Phrases(fields.List):
    """A list of strings documented as such, dumped as it is: the service builds it."""

    def __init__(self, **kwargs):
        super().__init__(fields.String(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else list(value)


class LimitArgs(InputSchema):
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


REASONS_DOC = {"description": "推荐理由: what raised the score (never a negative), strongest first"}
CAUTIONS_DOC = {"description": "需要注意: what lowered the score, strongest first"}
COMMUTE_DOC = {"description": "distance from home and an estimate of the commute"}


class MatchOut(Schema):
    post_id = fields.Integer(required=True)
    rank = fields.Integer(required=True)
    score = fields.Float(
        required=True,
        metadata={
            "description": "0..1: with a learned model, the calibrated chance that an "
            "application here ends in a hire; the rules ranker's score when none is served"
        },
    )
    reasons = Phrases(required=True, metadata=REASONS_DOC)
    cautions = Phrases(required=True, metadata=CAUTIONS_DOC)
    commute = fields.String(required=True, metadata=COMMUTE_DOC)
    applied = fields.Boolean(
        required=True, metadata={"description": "the resident has applied to this post already"}
    )
    # A plain object, not a nested schema: the summary is built by the service with exactly
    # PostSummary's keys, and dumping 20 nested schemas per request cost more than ranking.
    post = fields.Dict(
        required=True,
        metadata={"description": "post summary: " + ", ".join(PostSummary._declared_fields)},
    )


def match_json(match) -> dict:
    """MatchOut's dump of a resident's match, built directly: the matches answer is the most
    asked for, and marshmallow walking 20 of them cost more than finding them (ranked lists
    are remembered, service.remembered). tests/test_matching_api.py compares the two."""
    return {
        "post_id": match.post_id,
        "rank": match.rank,
        "score": float(match.score),
        "reasons": list(match.reasons),
        "cautions": list(match.cautions),
        "commute": match.commute,
        "applied": match.applied,
        "post": match.post,
    }


class FirmCandidateOut(Schema):
    """What a firm sees of a candidate for its own post: never the priority groups, the lift
    or anything the bureau alone handles (the reasons are written for a firm, too)."""

    resident_id = fields.Integer(required=True)
    rank = fields.Integer(required=True)
    score = fields.Float(required=True, metadata={"description": "0..1"})
    reasons = Phrases(required=True, metadata=REASONS_DOC)
    cautions = Phrases(required=True, metadata=CAUTIONS_DOC)
    commute = fields.String(required=True, metadata=COMMUTE_DOC)
    name = fields.String()


class CandidateOut(FirmCandidateOut):
    """What staff see; a firm gets FirmCandidateOut's fields only."""

    model_score = fields.Float(metadata={"description": "staff only: the model's score"})
    priority_lift = fields.Float(
        metadata={"description": "staff only: places the priority re-rank moved this candidate up"}
    )


def candidate_schema(user) -> Schema:
    """The view of a post's candidates that ``user`` may have."""
    return CandidateOut(many=True) if is_staff(user) else FirmCandidateOut(many=True)


class TrainIn(InputSchema):
    kind = fields.String(
        load_default=None,
        validate=validate.OneOf(list(CANDIDATES)),
        metadata={"description": "fit only this kind (default: every candidate, keep the best)"},
    )


class AllocateIn(InputSchema):
    post_ids = fields.List(Id(strict=True), load_default=None)
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
    reasons = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "why each proposed resident suits the post, by resident id"},
    )


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
