"""The roster import's query and answer, as documented in the OpenAPI spec."""

from marshmallow import Schema, fields

from jobmatch.schemas import InputSchema


class ImportArgs(InputSchema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "1: answer what the import would do, and save nothing"},
    )


class RejectedRow(Schema):
    row = fields.Integer(required=True, metadata={"description": "as the spreadsheet counts"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


MESSAGES = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
WARNED_ROW = {
    "type": "object",
    "properties": {
        "row": {"type": "integer"},
        "warnings": {**MESSAGES, "description": "field -> what was left empty or kept, and why"},
    },
}


class UsedColumn(Schema):
    column = fields.String(required=True, metadata={"description": "A, B, ..."})
    header = fields.String(required=True)
    field = fields.String(
        required=True,
        metadata={
            "description": "the field it feeds; groups.<code> for a yes/no column of a priority "
            "group; gender and birth_date are checked against the ID number"
        },
    )


class IgnoredColumn(Schema):
    column = fields.String(required=True)
    header = fields.String(required=True, metadata={"description": "empty: data with no header"})


ROW_OUTCOME = {
    "type": "object",
    "properties": {
        "row": {"type": "integer"},
        "name": {"type": "string"},
        "id_number": {
            "type": "string",
            "nullable": True,
            "description": "masked; null where the row's ID number could not be read",
        },
        "outcome": {"type": "string", "enum": ["created", "updated", "unchanged", "rejected"]},
        "changes": {"type": "array", "items": {"type": "string"}, "description": "fields"},
        "resident_id": {
            "type": "integer",
            "nullable": True,
            "description": "the resident registered or found; null for a rejected row, and "
            "for a new one in a dry run",
        },
    },
}


class ImportResult(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(
        required=True, metadata={"description": "residents found again, changed or not"}
    )
    rejected = fields.List(fields.Nested(RejectedRow), required=True)
    unchanged = fields.Integer(metadata={"description": "of the updated, those already as filed"})
    # Sent as built: thousands of rows through nested schemas would cost a second.
    warnings = fields.Raw(
        metadata={"type": "array", "items": WARNED_ROW, "description": "rows saved with a warning"}
    )
    dry_run = fields.Boolean()
    header_row = fields.Integer(metadata={"description": "the header's row number"})
    upload_id = fields.String(
        metadata={"description": "with rejected rows: GET .../import/{upload_id}/rejected"}
    )
    columns = fields.List(fields.Nested(UsedColumn))
    ignored = fields.List(fields.Nested(IgnoredColumn))
    rows = fields.Raw(
        metadata={
            "type": "array",
            "items": ROW_OUTCOME,
            "description": "every data row, in order, with the person's name and its outcome",
        }
    )
