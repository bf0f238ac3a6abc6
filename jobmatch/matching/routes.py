"""Matching endpoints: matches for a resident, candidates for a post, the model, allocation."""

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_user
from jobmatch.api_docs import secured
from jobmatch.jobs import service as jobs
from jobmatch.jobs.schemas import JobAccepted
from jobmatch.matching import allocate as allocation
from jobmatch.matching import service
from jobmatch.matching.retrain_job import RETRAIN_JOB
from jobmatch.matching.schemas import (
    AllocateIn,
    AllocateOut,
    CandidateOut,
    LimitArgs,
    MatchOut,
    ModelOut,
    TrainIn,
    candidate_schema,
    match_json,
)

blp = Blueprint(
    "matching",
    __name__,
    url_prefix="/api",
    description="Ranked posts for residents, ranked candidates for posts, the ranking model",
)


@blp.route("/residents/<int:resident_id>/matches")
class ResidentMatches(MethodView):
    @secured(blp, 403, 404, 422)
    @blp.arguments(LimitArgs, location="query")
    @blp.response(200, MatchOut(many=True))
    def get(self, args, resident_id):
        """Eligible open posts for a resident, best first, with reasons (staff or the resident)."""
        matches = service.resident_matches(require_user(), resident_id, args["limit"])
        return jsonify([match_json(match) for match in matches])  # MatchOut's JSON


@blp.route("/posts/<int:post_id>/candidates")
class PostCandidates(MethodView):
    @secured(blp, 403, 404, 422)
    @blp.arguments(LimitArgs, location="query")
    @blp.response(200, CandidateOut(many=True))
    def get(self, args, post_id):
        """Eligible residents for a post, best first, with reasons (staff or the owning firm)."""
        user = require_user()
        return candidate_schema(user).dump(service.post_candidates(user, post_id, args["limit"]))


@blp.route("/model")
class Model(MethodView):
    @secured(blp, roles=STAFF_ROLES)
    @blp.response(200, ModelOut)
    def get(self):
        """The model being served and its card, or why the rules ranker serves (staff)."""
        return service.served_model_card()


@blp.route("/model/train")
class ModelTrain(MethodView):
    @secured(blp, 422, roles=STAFF_ROLES)
    @blp.arguments(TrainIn, required=False)
    @blp.response(202, JobAccepted)
    def post(self, args):
        """Queue a retrain from recorded outcomes; promoted only if better than the rules and
        the current version beyond noise. Read the job at /api/jobs/{job_id}: its result is
        the new model card (staff)."""
        payload = {"kind": args["kind"]} if args.get("kind") else {}
        # One retrain at a time: asking again while one waits or runs answers that one.
        job = jobs.enqueue(
            "retrain", RETRAIN_JOB, payload, actor=require_user(), dedupe_key="retrain"
        )
        return {"job_id": job.id}


@blp.route("/matching/allocate")
class Allocate(MethodView):
    @secured(blp, 422, roles=STAFF_ROLES)
    @blp.arguments(AllocateIn, required=False)
    @blp.response(200, AllocateOut)
    def post(self, args):
        """Spread referrals over open posts, at most `multiple` x openings each (staff)."""
        return allocation.allocate(
            require_user(),
            args.get("post_ids"),
            args.get("multiple"),
            args.get("include_employed", False),
            args.get("method", "auto"),
        )
