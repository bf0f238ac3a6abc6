from marshmallow import Schema, fields


class GridOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    party_branch = fields.String(allow_none=True, metadata={"description": "网格党支部"})
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class CommunityOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    grids = fields.List(fields.Nested(GridOut), required=True)
