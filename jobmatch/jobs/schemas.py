from marshmallow import Schema, fields, validate

from jobmatch.jobs.models import JOB_STATES
from jobmatch.schemas import QueryInput


class JobAccepted(Schema):
    job_id = fields.String(required=True, metadata={"description": "read it at /api/jobs/{id}"})


class JobFilter(QueryInput):
    state = fields.String(validate=validate.OneOf(JOB_STATES, error="应为以下之一：{choices}。"))
    kind = fields.String(validate=validate.Length(max=40))


class JobProgress(Schema):
    fraction = fields.Float(required=True, metadata={"description": "0 to 1"})
    done = fields.Integer(allow_none=True, metadata={"description": "items done, when counted"})
    total = fields.Integer(allow_none=True, metadata={"description": "items in all, when counted"})


class JobOut(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "e.g. retrain"})
    state = fields.String(required=True, metadata={"enum": list(JOB_STATES)})
    progress = fields.Nested(JobProgress, attribute="progress_figures", required=True)
    result = fields.Raw(allow_none=True, metadata={"description": "what the job made, when done"})
    error = fields.String(allow_none=True, metadata={"description": "why it failed, if it did"})
    attempts = fields.Integer(required=True)
    created_by = fields.Integer(attribute="created_by_id", allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
