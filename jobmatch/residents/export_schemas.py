"""The shape of a resident's own data export (GET /api/residents/{id}/export)."""

from marshmallow import Schema, fields


class PersonalRecord(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    id_number = fields.String(required=True, metadata={"description": "in full"})
    phone = fields.String(required=True, metadata={"description": "in full"})
    gender = fields.String(required=True)
    birth_date = fields.Date(required=True)
    education = fields.String(required=True)
    community_id = fields.Integer(allow_none=True)
    community_name = fields.String(allow_none=True)
    grid_id = fields.Integer(allow_none=True)
    grid_name = fields.String(allow_none=True)
    desired_wage = fields.Integer(allow_none=True)
    shift_preference = fields.String(required=True)
    max_commute_km = fields.Float(allow_none=True)
    employment_status = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class PersonalSkill(Schema):
    code = fields.String(required=True)
    name = fields.String(allow_none=True)
    source = fields.String(required=True, metadata={"enum": ["declared", "training"]})


class PersonalAccount(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class PersonalEnrollment(Schema):
    id = fields.Integer(required=True)
    cohort_id = fields.Integer(required=True)
    cohort_name = fields.String(required=True)
    program_code = fields.String(required=True)
    program_name = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    status = fields.String(required=True)
    hours_attended = fields.Float(required=True)
    passed = fields.Boolean(allow_none=True)
    certificate_no = fields.String(allow_none=True)
    certificate_issued_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)


class PersonalDelivery(Schema):
    id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    product = fields.String(required=True)
    quantity = fields.Integer(required=True)
    accepted = fields.Integer(required=True)
    reject_reason = fields.String(allow_none=True)
    delivered_on = fields.Date(required=True)


class PersonalApplicationEvent(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


class PersonalApplication(Schema):
    id = fields.Integer(required=True)
    post_id = fields.Integer(required=True)
    post_title = fields.String(required=True)
    firm_name = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    history = fields.List(fields.Nested(PersonalApplicationEvent), required=True)


class PersonalAuditEntry(Schema):
    created_at = fields.DateTime(required=True)
    action = fields.String(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    method = fields.String(required=True)
    path = fields.String(required=True)
    request_id = fields.String(required=True)


class PersonalDataExport(Schema):
    """Everything held about one resident, unmasked, including who has read it."""

    exported_at = fields.DateTime(required=True)
    resident = fields.Nested(PersonalRecord, required=True)
    skills = fields.List(fields.Nested(PersonalSkill), required=True)
    groups = fields.List(fields.String(), required=True)
    accounts = fields.List(fields.Nested(PersonalAccount), required=True)
    enrollments = fields.List(fields.Nested(PersonalEnrollment), required=True)
    deliveries = fields.List(fields.Nested(PersonalDelivery), required=True)
    applications = fields.List(fields.Nested(PersonalApplication), required=True)
    audit = fields.List(fields.Nested(PersonalAuditEntry), required=True)
