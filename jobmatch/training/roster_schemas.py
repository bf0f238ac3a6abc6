"""The answer of a roster uploaded into a cohort, as documented in the OpenAPI spec."""

from marshmallow import Schema, fields

from jobmatch.residents.import_schemas import MESSAGES
from jobmatch.training.enums import RosterEnrollment, RosterRegistration


def _code_of(vocabulary, description: str) -> dict:
    return {"enum": list(vocabulary.values()), "description": description}


class CohortRosterRow(Schema):
    row = fields.Integer(required=True, metadata={"description": "as the spreadsheet counts"})
    name = fields.String(required=True)
    id_number = fields.String(
        allow_none=True, metadata={"description": "masked; null where it could not be read"}
    )
    resident_id = fields.Integer(
        allow_none=True,
        metadata={"description": "registered or found; null if rejected (or new, in a dry run)"},
    )
    registration = fields.String(
        required=True,
        metadata=_code_of(
            RosterRegistration,
            "created: registered now; existing: found by ID number (and updated as the import "
            "does); rejected: not imported, see errors",
        ),
    )
    errors = fields.Raw(required=True, metadata={**MESSAGES, "description": "why rejected"})
    warnings = fields.Raw(required=True, metadata={**MESSAGES, "description": "saved, but"})
    enrollment = fields.String(
        allow_none=True,
        metadata=_code_of(
            RosterEnrollment,
            "enrolled (or would be, in a dry run); refused: see reason; already: on the "
            "cohort's list before; null for a rejected row",
        ),
    )
    enrollment_id = fields.Integer(allow_none=True)
    reason = fields.String(
        allow_none=True, metadata={"description": "why refused (full, a clashing class, ...)"}
    )


class RosterTotals(Schema):
    rows = fields.Integer(required=True)
    created = fields.Integer(required=True)
    existing = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    enrolled = fields.Integer(required=True)
    refused = fields.Integer(required=True)
    already = fields.Integer(required=True)


class CohortRosterResult(Schema):
    cohort_id = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)
    totals = fields.Nested(RosterTotals, required=True)
    seats_left = fields.Integer(required=True)
    upload_id = fields.String(
        metadata={
            "description": "with rejected rows: GET /api/residents/import/{upload_id}/rejected"
        }
    )
    rows = fields.List(fields.Nested(CohortRosterRow), required=True)
