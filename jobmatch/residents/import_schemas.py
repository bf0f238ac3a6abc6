"""The roster import's query and answer, as documented in the OpenAPI spec."""

from marshmallow import Schema, fields

FIELD_MESSAGES = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ImportArgs(Schema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "1: answer what the import would do, and save nothing"},
    )


class RejectedRow(Schema):
    row = fields.Integer(required=True, metadata={"description": "as the spreadsheet counts"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class WarnedRow(Schema):
    row = fields.Integer(required=True)
    warnings = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "field -> what was left empty or kept, and why"},
    )


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


class RowOutcome(Schema):
    row = fields.Integer(required=True)
    name = fields.String(required=True)
    outcome = fields.String(
        required=True, metadata={"enum": ["created", "updated", "unchanged", "rejected"]}
    )
    changes = fields.List(fields.String(), required=True, metadata={"description": "fields"})


class ImportResult(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(
        required=True, metadata={"description": "residents found again, changed or not"}
    )
    rejected = fields.List(fields.Nested(RejectedRow), required=True)
    unchanged = fields.Integer(metadata={"description": "of the updated, those already as filed"})
    warnings = fields.List(fields.Nested(WarnedRow))
    dry_run = fields.Boolean()
    header_row = fields.Integer(metadata={"description": "the header's row number"})
    upload_id = fields.String(
        metadata={"description": "with rejected rows: GET .../import/{upload_id}/rejected"}
    )
    columns = fields.List(fields.Nested(UsedColumn))
    ignored = fields.List(fields.Nested(IgnoredColumn))
    rows = fields.List(fields.Nested(RowOutcome))
