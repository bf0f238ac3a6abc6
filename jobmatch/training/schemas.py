"""Input and output schemas of the training API: programs, cohorts, sessions, enrollments."""

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from jobmatch.clock import CHINA
from jobmatch.schemas import Id, InputSchema
from jobmatch.training.enums import CertificateType, CohortMode, EnrollmentStatus
from jobmatch.training.models import (
    ATTENDANCE_MARKS,
    CERTIFICATE_TYPES,
    COHORT_MODES,
    COHORT_STATES,
    ENROLLMENT_STATUSES,
)

# marshmallow's own messages are English; a bureau clerk reads these instead.
_MESSAGES_BY_TYPE = {
    fields.Integer: "应为整数。",
    fields.Decimal: "应为数字。",
    fields.Float: "应为数字。",
    fields.Date: "应为日期，如 2024-05-01。",
    fields.Time: "应为时间，如 08:30。",
    fields.DateTime: "应为日期时间，如 2024-05-01T08:30:00。",
    fields.String: "应为文字。",
    fields.List: "应为列表。",
}


class TrainingSchema(InputSchema):
    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        messages = {"required": "必填。", "null": "不能为空。"}
        for field_type, message in _MESSAGES_BY_TYPE.items():
            if isinstance(field_obj, field_type):
                messages["invalid"] = message
                break
        field_obj.error_messages = {**field_obj.error_messages, **messages}


def _range(low, high=None) -> validate.Range:
    message = f"应在{low}到{high}之间。" if high is not None else f"应不小于{low}。"
    return validate.Range(min=low, max=high, error=message)


def _one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error=f"应为以下之一：{'、'.join(choices)}。")


_CODE = validate.Regexp(
    re.compile(r"^[a-z][a-z0-9_]{1,31}$"), error="代码应为小写字母、数字或下划线。"
)
_OCCUPATION = validate.Regexp(
    re.compile(r"^\d-\d{2}-\d{2}-\d{2}$"), error="职业代码形如 6-05-01-03。"
)


# Programs


class ProgramCreate(TrainingSchema):
    code = fields.String(required=True, validate=_CODE)
    name = fields.String(required=True, validate=validate.Length(1, 64, error="长度1到64个字。"))
    occupation_code = fields.String(allow_none=True, load_default=None, validate=_OCCUPATION)
    hours = fields.Integer(required=True, validate=_range(1, 2000))
    skills = fields.List(
        fields.String(), load_default=list, metadata={"description": "skill codes"}
    )
    certificate_type = fields.String(
        load_default=CertificateType.TRAINING, validate=_one_of(CERTIFICATE_TYPES)
    )


class ProgramUpdate(TrainingSchema):
    name = fields.String(validate=validate.Length(1, 64, error="长度1到64个字。"))
    occupation_code = fields.String(allow_none=True, validate=_OCCUPATION)
    hours = fields.Integer(validate=_range(1, 2000))
    skills = fields.List(fields.String())
    certificate_type = fields.String(validate=_one_of(CERTIFICATE_TYPES))


class ProgramOut(Schema):
    code = fields.String()
    name = fields.String()
    occupation_code = fields.String(allow_none=True)
    hours = fields.Integer()
    skills = fields.Function(
        lambda program: [skill.code for skill in program.skills],
        metadata={"type": "array", "items": {"type": "string"}, "description": "skill codes"},
    )
    certificate_type = fields.String()


# Cohorts


class CohortQuery(TrainingSchema):
    program_code = fields.String(validate=_CODE)
    mode = fields.String(validate=_one_of(COHORT_MODES))
    firm_id = Id()
    state = fields.String(
        validate=_one_of(COHORT_STATES),
        metadata={"description": "planned, running or finished, judged on today's date"},
    )


class _CohortFields(TrainingSchema):
    name = fields.String(validate=validate.Length(1, 128, error="长度1到128个字。"))
    community_id = Id(allow_none=True)
    location = fields.String(allow_none=True, validate=validate.Length(max=128))
    instructor = fields.String(allow_none=True, validate=validate.Length(max=64))
    starts_on = fields.Date()
    ends_on = fields.Date()
    capacity = fields.Integer(validate=_range(1, 1000))
    hours = fields.Integer(validate=_range(1, 2000), metadata={"description": "default: program's"})

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("结束日期不能早于开始日期。", "ends_on")


class CohortCreate(_CohortFields):
    program_code = fields.String(required=True, validate=_CODE)
    mode = fields.String(load_default=CohortMode.CLASSROOM, validate=_one_of(COHORT_MODES))
    firm_id = Id(allow_none=True, metadata={"description": "required on the job"})
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    capacity = fields.Integer(required=True, validate=_range(1, 1000))

    @validates_schema
    def firm_on_the_job(self, data, **kwargs):
        if data.get("mode") == CohortMode.ON_THE_JOB and not data.get("firm_id"):
            raise ValidationError("驻企跟班培训须填写企业。", "firm_id")


class CohortUpdate(_CohortFields):
    pass


class CohortOut(Schema):
    id = fields.Integer()
    program_code = fields.String()
    name = fields.String()
    mode = fields.String()
    firm_id = fields.Integer(allow_none=True)
    community_id = fields.Integer(allow_none=True)
    location = fields.String(allow_none=True)
    instructor = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date()
    capacity = fields.Integer()
    hours = fields.Integer()
    enrolled = fields.Integer(metadata={"description": "enrollments not dropped"})


# Sessions and attendance


class TrainingSessionCreate(TrainingSchema):
    held_on = fields.Date(required=True)
    starts_at = fields.Time(required=True)
    ends_at = fields.Time(required=True)
    hours = fields.Decimal(
        places=1, validate=_range(0.5, 24), metadata={"description": "default: the time span"}
    )
    topic = fields.String(allow_none=True, validate=validate.Length(max=128))

    @validates_schema
    def times_in_order(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("结束时间应晚于开始时间。", "ends_at")


class TrainingSessionOut(Schema):
    id = fields.Integer()
    cohort_id = fields.Integer()
    held_on = fields.Date()
    starts_at = fields.Time()
    ends_at = fields.Time()
    hours = fields.Float()
    topic = fields.String(allow_none=True)


class AttendanceCreate(TrainingSchema):
    resident_id = Id(required=True)
    signed_in_at = fields.NaiveDateTime(
        timezone=CHINA, metadata={"description": "Beijing time; default: the session's start"}
    )
    hours = fields.Decimal(
        places=1, validate=_range(0.5, 24), metadata={"description": "default: the session's"}
    )


class AttendanceCorrection(TrainingSchema):
    resident_id = Id(required=True)
    mark = fields.String(required=True, validate=_one_of(ATTENDANCE_MARKS))
    signed_in_at = fields.NaiveDateTime(
        timezone=CHINA, metadata={"description": "Beijing time; required when late"}
    )
    hours = fields.Decimal(places=1, validate=_range(0.5, 24))
    reason = fields.String(required=True, validate=validate.Length(1, 200, error="1到200个字。"))


class AttendanceChangeOut(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    enrollment_id = fields.Integer()
    user_id = fields.Integer()
    was = fields.String(metadata={"enum": list(ATTENDANCE_MARKS)})
    became = fields.String(metadata={"enum": list(ATTENDANCE_MARKS)})
    hours_before = fields.Float(allow_none=True)
    hours_after = fields.Float(allow_none=True)
    signed_in_before = fields.NaiveDateTime(allow_none=True)
    signed_in_after = fields.NaiveDateTime(allow_none=True)
    reason = fields.String()
    created_at = fields.DateTime()


class AttendanceOut(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    enrollment_id = fields.Integer()
    resident_id = fields.Integer()
    signed_in_at = fields.NaiveDateTime()
    hours = fields.Float()


# Enrollments, assessments, certificates


class EnrollmentCreate(TrainingSchema):
    resident_id = Id(required=True)


class EnrollmentUpdate(TrainingSchema):
    status = fields.String(
        required=True,
        validate=_one_of((EnrollmentStatus.ENROLLED, EnrollmentStatus.DROPPED)),
        metadata={"description": "completed comes only from a passed assessment"},
    )


class EnrollmentOut(Schema):
    id = fields.Integer()
    cohort_id = fields.Integer()
    resident_id = fields.Integer()
    resident_name = fields.Function(
        lambda enrollment: enrollment.resident.name, metadata={"type": "string"}
    )
    status = fields.String(metadata={"enum": list(ENROLLMENT_STATUSES)})
    hours_attended = fields.Float()
    passed = fields.Boolean(allow_none=True)
    certificate_no = fields.String(allow_none=True)
    certificate_issued_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)


class AssessmentCreate(TrainingSchema):
    theory_score = fields.Decimal(required=True, places=1, validate=_range(0, 100))
    practical_score = fields.Decimal(required=True, places=1, validate=_range(0, 100))
    assessed_on = fields.Date(metadata={"description": "default: today"})


class AssessmentOut(Schema):
    id = fields.Integer()
    enrollment_id = fields.Integer()
    attempt = fields.Integer(metadata={"description": "1, or 2 for the one resit"})
    theory_score = fields.Float()
    practical_score = fields.Float()
    passed = fields.Boolean()
    assessed_on = fields.Date()


class CertificateCreate(TrainingSchema):
    certificate_no = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9A-Za-z-]{4,32}$", error="证书编号为4到32位字母、数字或-。"),
    )
    issued_on = fields.Date(metadata={"description": "default: today"})


# Subsidy roster and figures


class SubsidyQuery(TrainingSchema):
    format = fields.String(
        load_default="json",
        validate=_one_of(("json", "xlsx")),
        metadata={"description": "xlsx: the claim roster as the bureau files it"},
    )


class SubsidyClaimCreate(TrainingSchema):
    claimed_on = fields.Date(metadata={"description": "default: today"})


class SubsidyRowOut(Schema):
    enrollment_id = fields.Integer()
    resident_id = fields.Integer()
    name = fields.String()
    id_number = fields.String(metadata={"description": "masked unless the caller is an admin"})
    program_name = fields.String()
    cohort_name = fields.String()
    kind = fields.String()
    year = fields.Integer()
    days = fields.Integer(metadata={"description": "days attended (出勤天数)"})
    attendance_rate = fields.Float()
    standard = fields.String(metadata={"description": "the rate applied (补贴标准)"})
    amount = fields.Float(metadata={"description": "yuan (补贴金额)"})
    note = fields.String(metadata={"description": "why an amount is 0, or when it was claimed"})
    claimed = fields.Boolean()


class SubsidyRosterOut(Schema):
    cohort_id = fields.Function(lambda roster: roster.cohort.id, metadata={"type": "integer"})
    cohort_name = fields.Function(lambda roster: roster.cohort.name, metadata={"type": "string"})
    program_code = fields.Function(
        lambda roster: roster.cohort.program_code, metadata={"type": "string"}
    )
    rows = fields.List(fields.Nested(SubsidyRowOut))
    total = fields.Float()


class ProgramFiguresOut(Schema):
    code = fields.String()
    name = fields.String()
    cohorts = fields.Integer()
    enrollments = fields.Integer()
    trained = fields.Integer(metadata={"description": "distinct residents completed"})
    completed = fields.Integer()
    dropped = fields.Integer()
    completion_rate = fields.Float(allow_none=True, metadata={"description": "completed/enrolled"})
    assessed = fields.Integer()
    passed = fields.Integer()
    pass_rate = fields.Float(allow_none=True, metadata={"description": "passed/assessed"})
    certificates = fields.Integer()
    subsidy_claimable = fields.Float(metadata={"description": "yuan, claimed ones included"})
    subsidy_claimed = fields.Float()


class TrainingSummaryOut(Schema):
    trained_total = fields.Integer(metadata={"description": "distinct residents completed"})
    certificates = fields.Integer()
    subsidy_claimable = fields.Float()
    subsidy_claimed = fields.Float()
    programs = fields.List(fields.Nested(ProgramFiguresOut))
