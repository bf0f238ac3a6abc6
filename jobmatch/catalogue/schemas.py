from marshmallow import Schema, fields


class SkillOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    occupation_code = fields.String(
        required=True, metadata={"description": "2022 national occupational classification"}
    )
    occupation_name = fields.String(attribute="occupation.name", required=True)
