"""Request and response bodies of the posts API, and the list's filters."""

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from jobmatch import clock
from jobmatch.database import MAX_ID
from jobmatch.education import EDUCATION_CODES, parse_education
from jobmatch.posts import fair_hiring
from jobmatch.posts.enums import PostStatus, Shift
from jobmatch.posts.models import CATEGORIES, POST_STATUSES, SHIFTS
from jobmatch.schemas import InputSchema, Text

OCCUPATION_CODE = r"^\d(-\d{2}){0,3}$"


class Education(Text):
    """An education level: an API code, a GB/T 4658 code or a Chinese name (初中, 中专)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_education(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def _one_of(values: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(values, error=f"应为以下之一：{'、'.join(values)}。")


_id = validate.Range(min=1, max=MAX_ID, error="编号无效。")
_title = validate.Length(min=1, max=128, error="岗位名称应为1至128个字符。")
_description = validate.Length(max=5000, error="岗位说明最多5000个字符。")
_openings = validate.Range(min=1, max=100000, error="招聘人数应为1至100000。")
_wage = validate.Range(min=0, max=1000000, error="月薪应为0至1000000元。")
_min_age = validate.Range(
    min=16, max=100, error="最低年龄应为16至100岁（法定劳动年龄不低于16岁）。"
)
_max_age = validate.Range(min=16, max=100, error="最高年龄应为16至100岁。")
_occupation = validate.Regexp(OCCUPATION_CODE, error="职业代码格式应如 6-05-01-03。")
_code = validate.Length(min=1, max=32, error="代码应为1至32个字符。")
_codes = validate.Length(max=50, error="最多50项。")
_education_doc = {
    "enum": list(EDUCATION_CODES),
    "description": "also accepts 初中, 高中, 中专, ...",
}


class PostFields(InputSchema):
    """Every field a client may write; PostCreate adds what creation requires and defaults."""

    title = Text(validate=_title)
    category = Text(validate=_one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)})
    occupation_code = Text(allow_none=True, validate=_occupation)
    openings = fields.Integer(strict=True, validate=_openings)
    wage_min = fields.Integer(strict=True, validate=_wage, metadata={"description": "yuan/month"})
    wage_max = fields.Integer(strict=True, validate=_wage, metadata={"description": "yuan/month"})
    shift = Text(validate=_one_of(SHIFTS), metadata={"enum": list(SHIFTS)})
    required_skills = fields.List(Text(validate=_code), validate=_codes)
    required_certificates = fields.List(
        Text(validate=_code), validate=_codes, metadata={"description": "program codes"}
    )
    min_education = Education(allow_none=True, metadata=_education_doc)
    min_age = fields.Integer(strict=True, validate=_min_age)
    max_age = fields.Integer(strict=True, allow_none=True, validate=_max_age)
    meals_provided = fields.Boolean()
    housing_provided = fields.Boolean()
    description = Text(multiline=True, allow_none=True, validate=_description)
    status = Text(validate=_one_of(POST_STATUSES), metadata={"enum": list(POST_STATUSES)})
    expires_on = fields.Date(allow_none=True)

    @pre_load
    def refuse_discriminatory_fields(self, data, **kwargs):
        if isinstance(data, dict):
            banned = [key for key in data if fair_hiring.is_requirement_field(key)]
            if banned:
                raise ValidationError({key: [fair_hiring.MESSAGE] for key in banned})
        return data

    @validates("title", "description")
    def refuse_discriminatory_words(self, value, data_key, **kwargs):
        found = fair_hiring.requirements_in_text(value or "")
        if found:
            raise ValidationError(f"{fair_hiring.MESSAGE}请删除：{'、'.join(found)}。")

    @validates("expires_on")
    def not_expired(self, value, data_key, **kwargs):
        if value is not None and value < clock.today():
            raise ValidationError("截止日期不能早于今天。")

    @validates_schema
    def ranges_in_order(self, data, **kwargs):
        errors = {}
        wage_min, wage_max = data.get("wage_min"), data.get("wage_max")
        if wage_min is not None and wage_max is not None and wage_min > wage_max:
            errors["wage_max"] = ["最高月薪不能低于最低月薪。"]
        if data.get("max_age") is not None and data["max_age"] < data.get("min_age", 16):
            errors["max_age"] = ["最高年龄不能低于最低年龄。"]
        if errors:
            raise ValidationError(errors)


class PostCreate(PostFields):
    firm_id = fields.Integer(required=True, strict=True, validate=_id)
    title = Text(required=True, validate=_title)
    category = Text(
        required=True, validate=_one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)}
    )
    openings = fields.Integer(required=True, strict=True, validate=_openings)
    wage_min = fields.Integer(required=True, strict=True, validate=_wage)
    wage_max = fields.Integer(required=True, strict=True, validate=_wage)
    shift = Text(load_default=Shift.DAY, validate=_one_of(SHIFTS), metadata={"enum": list(SHIFTS)})
    required_skills = fields.List(Text(validate=_code), validate=_codes, load_default=list)
    required_certificates = fields.List(Text(validate=_code), validate=_codes, load_default=list)
    min_age = fields.Integer(strict=True, load_default=16, validate=_min_age)
    status = Text(
        load_default=PostStatus.OPEN,
        validate=_one_of(POST_STATUSES),
        metadata={"enum": list(POST_STATUSES)},
    )


class PostUpdate(PostFields):
    """Fields to change. The firm is fixed; ``filled`` moves only with hires."""


class PostFilters(InputSchema):
    """Filters of GET /api/posts; a value that names nothing (an unknown skill) is a 422."""

    category = Text(validate=_one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)})
    firm_id = fields.Integer(validate=_id)
    status = Text(validate=_one_of(POST_STATUSES), metadata={"enum": list(POST_STATUSES)})
    occupation_code = Text(validate=_occupation)
    skill = fields.List(
        Text(validate=_code),
        validate=_codes,
        metadata={"description": "skill code; repeat it for posts requiring every one given"},
    )


class SkillCode(Schema):
    code = fields.String(required=True)


class ProgramCode(Schema):
    code = fields.String(required=True)


class PostFirm(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PostOut(Schema):
    id = fields.Integer(required=True)
    firm_id = fields.Integer(required=True)
    firm = fields.Nested(PostFirm, required=True)
    title = fields.String(required=True)
    category = fields.String(required=True, metadata={"enum": list(CATEGORIES)})
    occupation_code = fields.String(allow_none=True)
    openings = fields.Integer(required=True)
    filled = fields.Integer(required=True, metadata={"description": "read-only: hires so far"})
    openings_left = fields.Integer(required=True)
    wage_min = fields.Integer(required=True)
    wage_max = fields.Integer(required=True)
    shift = fields.String(required=True, metadata={"enum": list(SHIFTS)})
    required_skills = fields.Pluck(SkillCode, "code", many=True, required=True)
    required_certificates = fields.Pluck(ProgramCode, "code", many=True, required=True)
    min_education = fields.String(allow_none=True, metadata={"enum": list(EDUCATION_CODES)})
    min_age = fields.Integer(required=True)
    max_age = fields.Integer(allow_none=True)
    meals_provided = fields.Boolean(required=True)
    housing_provided = fields.Boolean(required=True)
    description = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"enum": list(POST_STATUSES)})
    expires_on = fields.Date(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
