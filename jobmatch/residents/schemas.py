"""Input and output schemas of the residents API.

The ID number, phone and education fields accept what a person types (full-width digits, stray
spaces, a lower-case x, Chinese education names) and load the normalised value.
"""

import unicodedata

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from jobmatch.database import MAX_ID
from jobmatch.education import EDUCATION_CODES, parse_education
from jobmatch.residents.models import EMPLOYMENT_STATUSES, PRIORITY_GROUPS, SHIFT_PREFERENCES
from jobmatch.residents.vocabulary import MAX_COMMUTE_KM, MAX_WAGE
from jobmatch.schemas import InputSchema, QueryInput
from jobmatch.validators import IdNumber, parse_mobile, parse_working_age_id

ONE_OF = "应为以下之一：{choices}。"
REQUIRED = {"required": "必填。", "null": "不能为空。"}
ID_RANGE = validate.Range(min=1, max=MAX_ID, error="应为{min}到{max}之间的整数。")
NOT_INTEGER = {"invalid": "应为整数。", "null": "不能为空。"}
NOT_NUMBER = {"invalid": "应为数字。", "special": "应为数字。", "null": "不能为空。"}
NOT_LIST = {"invalid": "应为列表。", "required": "必填。", "null": "不能为空。"}


def plain_text(value: str) -> None:
    """Refuse control characters and lone surrogates: no name or code needs them."""
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        raise ValidationError("含有不允许的控制字符。")


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("不能为空。")


NAME_RULES = [validate.Length(min=1, max=64, error="长度应为1到64个字符。"), plain_text, not_blank]


class _TextField(fields.String):
    """A string parsed by a ``parse_*`` function whose ValueError is the message to show."""

    default_error_messages = {"invalid": "应为文本。"}
    parser = staticmethod(str)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > 200:
            raise ValidationError("内容过长。")
        try:
            return self.parser(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class IdNumberField(_TextField):
    """Loads an IdNumber (number, birth date, gender) of a person aged 16 or over."""

    parser = staticmethod(parse_working_age_id)

    def _serialize(self, value, attr, obj, **kwargs):
        return value.number if isinstance(value, IdNumber) else value


class MobileField(_TextField):
    parser = staticmethod(parse_mobile)


class EducationField(_TextField):
    parser = staticmethod(parse_education)


EDUCATION_DOC = {
    "description": "an API code, its GB/T 4658 code or a Chinese name (初中, 高中, 中专, …); "
    "stored and returned as the API code",
    "example": "junior_high",
}


class ResidentUpdate(InputSchema):
    """PATCH: any subset. Residents may change their own contact details and preferences;
    name, ID number and priority groups are changed by staff only."""

    name = fields.String(
        validate=NAME_RULES,
        error_messages=REQUIRED,
    )
    id_number = IdNumberField(
        error_messages=REQUIRED,
        metadata={"description": "GB 11643, 18 characters; the holder must be 16 or over"},
    )
    phone = MobileField(error_messages=REQUIRED, metadata={"description": "mainland mobile"})
    education = EducationField(error_messages=REQUIRED, metadata=EDUCATION_DOC)
    community_id = fields.Integer(allow_none=True, validate=ID_RANGE, error_messages=NOT_INTEGER)
    grid_id = fields.Integer(
        allow_none=True,
        error_messages=NOT_INTEGER,
        validate=ID_RANGE,
        metadata={"description": "a grid (网格) of the resident's community"},
    )
    skills = fields.List(
        fields.String(
            validate=[validate.Length(min=1, max=32, error="长度应为1到32个字符。"), plain_text]
        ),
        validate=validate.Length(max=50, error="最多{max}项。"),
        error_messages=NOT_LIST,
        metadata={"description": "skill codes of the catalogue (/api/skills)"},
    )
    groups = fields.List(
        fields.String(validate=validate.OneOf(PRIORITY_GROUPS, error=ONE_OF)),
        error_messages=NOT_LIST,
        metadata={"description": "priority groups: sensitive, shown to staff and the resident"},
    )
    desired_wage = fields.Integer(
        allow_none=True,
        error_messages=NOT_INTEGER,
        validate=validate.Range(min=0, max=MAX_WAGE, error="应在{min}到{max}元之间。"),
        metadata={"description": "yuan a month"},
    )
    shift_preference = fields.String(
        validate=validate.OneOf(SHIFT_PREFERENCES, error=ONE_OF), error_messages=REQUIRED
    )
    max_commute_km = fields.Float(
        allow_none=True,
        error_messages=NOT_NUMBER,
        validate=validate.Range(
            min=0, min_inclusive=False, max=MAX_COMMUTE_KM, error="应大于0且不超过{max}公里。"
        ),
    )
    employment_status = fields.String(
        validate=validate.OneOf(EMPLOYMENT_STATUSES, error=ONE_OF), error_messages=REQUIRED
    )
    household_no = fields.String(
        allow_none=True,
        validate=[validate.Length(min=1, max=32, error="户号应为1至32个字符。"), plain_text],
        metadata={"description": "the roster's 户号; members of one household share it"},
    )
    has_transport = fields.Boolean(
        allow_none=True,
        metadata={"description": "有无交通工具 (optional, with consent; null: not said)"},
    )
    night_shift_ok = fields.Boolean(
        allow_none=True, metadata={"description": "能否上夜班 (optional; null: not said)"}
    )
    caregiver = fields.Boolean(
        allow_none=True,
        metadata={"description": "照顾老幼: cares for children or elders (optional)"},
    )


class ResidentCreate(ResidentUpdate):
    """POST: name, id_number and phone are required; gender and birth date come from the ID."""

    name = fields.String(
        required=True,
        validate=NAME_RULES,
        error_messages=REQUIRED,
    )
    id_number = IdNumberField(
        required=True,
        error_messages=REQUIRED,
        metadata={"description": "GB 11643, 18 characters; the holder must be 16 or over"},
    )
    phone = MobileField(
        required=True, error_messages=REQUIRED, metadata={"description": "mainland mobile"}
    )


class ResidentOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    id_number = fields.String(
        required=True,
        metadata={
            "description": "masked as 140222********1234, except on a staff single-resident "
            "read (that read is audited)",
        },
    )
    phone = fields.String(
        required=True, metadata={"description": "masked as 138****5678 except for staff"}
    )
    gender = fields.String(required=True, metadata={"enum": ["male", "female"]})
    birth_date = fields.Date(required=True)
    age = fields.Integer(required=True)
    education = fields.String(required=True, metadata={"enum": list(EDUCATION_CODES)})
    community_id = fields.Integer(allow_none=True)
    grid_id = fields.Integer(allow_none=True)
    skills = fields.List(fields.String(), required=True)
    groups = fields.List(
        fields.String(metadata={"enum": list(PRIORITY_GROUPS)}),
        metadata={"description": "present only for staff and the resident itself"},
    )
    desired_wage = fields.Integer(allow_none=True)
    shift_preference = fields.String(required=True, metadata={"enum": list(SHIFT_PREFERENCES)})
    max_commute_km = fields.Float(allow_none=True)
    employment_status = fields.String(required=True, metadata={"enum": list(EMPLOYMENT_STATUSES)})
    household_no = fields.String(allow_none=True)
    has_transport = fields.Boolean(allow_none=True)
    night_shift_ok = fields.Boolean(allow_none=True)
    caregiver = fields.Boolean(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ResidentFilter(QueryInput):
    community_id = fields.Integer(validate=ID_RANGE, error_messages=NOT_INTEGER)
    education = EducationField(metadata=EDUCATION_DOC)
    group = fields.String(validate=validate.OneOf(PRIORITY_GROUPS, error=ONE_OF))
    skill = fields.String(
        validate=[validate.Length(min=1, max=32), plain_text],
        metadata={"description": "a skill code; an unknown one is a 422"},
    )
    employment_status = fields.String(validate=validate.OneOf(EMPLOYMENT_STATUSES, error=ONE_OF))
    q = fields.String(
        validate=[validate.Length(min=1, max=64), plain_text],
        metadata={"description": "the start of a name"},
    )


class RosterExportArgs(ResidentFilter):
    format = fields.String(
        load_default="xlsx",
        validate=validate.OneOf(["xlsx"], error=ONE_OF),
        metadata={"description": "only xlsx"},
    )


class RosterUpload(InputSchema):
    file = Upload(
        required=True,
        error_messages={"required": "请上传名册文件（表单字段 file）。"},
        metadata={
            "description": ".xlsx, .xls, .ods, or .csv in UTF-8 (with or without BOM), "
            "GBK/GB18030 or UTF-16"
        },
    )
