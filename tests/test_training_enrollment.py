"""Enrollment rules: capacity, timetable clashes, sessions, attendance, assessment, certificates."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from jobmatch.extensions import db
from jobmatch.residents.models import ResidentSkill
from jobmatch.training.models import (
    Assessment,
    Attendance,
    Enrollment,
    TrainingSession,
)
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enrollment,
    make_program,
    make_quick_user,
    make_resident,
    make_skill,
    make_training_session,
)


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


def _count(model, *conditions) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _enroll(client, staff, cohort, resident):
    return client.post(
        f"/api/cohorts/{cohort.id}/enrollments", json={"resident_id": resident.id}, headers=staff
    )


# Enrollment


def test_enrolling_answers_the_documented_fields(client, staff):
    cohort = make_cohort()
    resident = make_resident(name="李四")
    response = _enroll(client, staff, cohort, resident)
    assert response.status_code == 201, response.json
    body = response.json
    assert {k: body[k] for k in ("cohort_id", "resident_id", "status", "hours_attended")} == {
        "cohort_id": cohort.id,
        "resident_id": resident.id,
        "status": "enrolled",
        "hours_attended": 0.0,
    }
    assert body["passed"] is None and body["certificate_no"] is None
    assert body["resident_name"] == "李四"
    roster = client.get(f"/api/cohorts/{cohort.id}/enrollments", headers=staff)
    assert [e["id"] for e in roster.json] == [body["id"]]
    assert client.get(f"/api/enrollments/{body['id']}", headers=staff).json == body


def test_capacity_is_enforced_and_a_dropout_frees_a_seat(client, staff):
    cohort = make_cohort(capacity=2)
    first, second, third = (make_resident() for _ in range(3))
    assert _enroll(client, staff, cohort, first).status_code == 201
    assert _enroll(client, staff, cohort, second).status_code == 201
    full = _enroll(client, staff, cohort, third)
    assert full.status_code == 409 and "满员" in full.json["message"]
    assert _count(Enrollment) == 2

    first_id = db.session.scalar(select(Enrollment.id).where(Enrollment.resident_id == first.id))
    dropped = client.patch(
        f"/api/enrollments/{first_id}", json={"status": "dropped"}, headers=staff
    )
    assert dropped.status_code == 200 and dropped.json["status"] == "dropped"
    assert client.get(f"/api/cohorts/{cohort.id}", headers=staff).json["enrolled"] == 1
    assert _enroll(client, staff, cohort, third).status_code == 201
    back = client.patch(f"/api/enrollments/{first_id}", json={"status": "enrolled"}, headers=staff)
    assert back.status_code == 409  # the seat went to someone else
    assert _count(Enrollment, Enrollment.status != "dropped") == 2


def test_a_resident_is_enrolled_in_a_cohort_once(client, staff):
    cohort, resident = make_cohort(), make_resident()
    assert _enroll(client, staff, cohort, resident).status_code == 201
    assert _enroll(client, staff, cohort, resident).status_code == 409
    assert _count(Enrollment) == 1


def test_enrolling_someone_unknown_is_422(client, staff):
    cohort = make_cohort()
    response = client.post(
        f"/api/cohorts/{cohort.id}/enrollments", json={"resident_id": 424242}, headers=staff
    )
    assert response.status_code == 422 and "resident_id" in response.json["errors"]
    bad = client.post(
        f"/api/cohorts/{cohort.id}/enrollments", json={"resident_id": "x"}, headers=staff
    )
    assert bad.status_code == 422
    assert _count(Enrollment) == 0


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "expected"),
    [
        ("10:00", "11:00", 409),
        ("08:00", "09:00", 409),
        ("12:30", "14:00", 201),
        ("14:00", "17:00", 201),
    ],
)
def test_no_resident_in_two_cohorts_whose_sessions_overlap(
    client, staff, starts_at, ends_at, expected
):
    morning = make_cohort()
    make_training_session(morning, starts_at="08:30", ends_at="12:30")
    other = make_cohort()
    make_training_session(other, starts_at=starts_at, ends_at=ends_at)
    resident = make_resident()
    make_enrollment(morning, resident)
    response = _enroll(client, staff, other, resident)
    assert response.status_code == expected, response.json
    assert _count(Enrollment, Enrollment.cohort_id == other.id) == (expected == 201)


def test_a_dropped_enrollment_does_not_block_the_timetable(client, staff):
    first, second = make_cohort(), make_cohort()
    make_training_session(first)
    make_training_session(second)
    resident = make_resident()
    make_enrollment(first, resident, status="dropped")
    assert _enroll(client, staff, second, resident).status_code == 201


def test_completed_and_dropped_statuses_are_guarded(client, staff):
    enrollment = make_enrollment(make_cohort(), status="completed", passed=True)
    for status in ("dropped", "enrolled"):
        response = client.patch(
            f"/api/enrollments/{enrollment.id}", json={"status": status}, headers=staff
        )
        assert response.status_code == 409
    refused = client.patch(
        f"/api/enrollments/{enrollment.id}", json={"status": "completed"}, headers=staff
    )
    assert refused.status_code == 422


# Sessions


def _session(client, staff, cohort, **fields):
    body = {"held_on": "2024-05-06", "starts_at": "08:30", "ends_at": "12:30", **fields}
    return client.post(f"/api/cohorts/{cohort.id}/sessions", json=body, headers=staff)


def test_sessions_are_scheduled_in_order_with_their_hours(client, staff):
    cohort = make_cohort()
    created = _session(client, staff, cohort, topic="基本结法")
    assert created.status_code == 201, created.json
    assert created.json["hours"] == 4.0 and created.json["topic"] == "基本结法"
    assert (
        _session(client, staff, cohort, starts_at="14:00", ends_at="17:30", hours=3).json["hours"]
        == 3.0
    )
    listed = client.get(f"/api/cohorts/{cohort.id}/sessions", headers=staff).json
    assert [(s["starts_at"], s["ends_at"]) for s in listed] == [
        ("08:30:00", "12:30:00"),
        ("14:00:00", "17:30:00"),
    ]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"starts_at": "10:00", "ends_at": "11:00"}, 409, None),
        ({"starts_at": "07:00", "ends_at": "08:31"}, 409, None),
        ({"held_on": "2024-06-01"}, 422, "held_on"),
        ({"starts_at": "12:00", "ends_at": "11:00"}, 422, "ends_at"),
        ({"starts_at": "14:00", "ends_at": "15:00", "hours": 2}, 422, "hours"),
        ({"starts_at": "25:00"}, 422, "starts_at"),
    ],
)
def test_bad_or_overlapping_sessions_are_refused(client, staff, fields, code, field):
    cohort = make_cohort()
    assert _session(client, staff, cohort).status_code == 201
    response = _session(client, staff, cohort, **fields)
    assert response.status_code == code, response.json
    if field:
        assert field in response.json["errors"]
    assert _count(TrainingSession) == 1


def test_a_session_may_not_clash_with_a_trainee_elsewhere(client, staff):
    knot, livestream = make_cohort(), make_cohort()
    make_training_session(livestream, starts_at="14:00", ends_at="17:00")
    resident = make_resident(name="王五")
    make_enrollment(knot, resident)
    make_enrollment(livestream, resident)
    clash = _session(client, staff, knot, starts_at="16:00", ends_at="18:00")
    assert clash.status_code == 409 and "王五" in clash.json["message"]
    assert _session(client, staff, knot, starts_at="08:00", ends_at="12:00").status_code == 201


# Attendance


def _sign_in(client, staff, session, resident, **fields):
    return client.post(
        f"/api/sessions/{session.id}/attendance",
        json={"resident_id": resident.id, **fields},
        headers=staff,
    )


def test_attendance_adds_hours_and_is_listed(client, staff):
    cohort = make_cohort()
    session = make_training_session(cohort)
    resident = make_resident()
    enrollment = make_enrollment(cohort, resident)
    response = _sign_in(client, staff, session, resident, signed_in_at="2024-05-06T08:41:00")
    assert response.status_code == 201, response.json
    assert response.json["hours"] == 4.0 and response.json["enrollment_id"] == enrollment.id
    second = make_training_session(cohort, starts_at="14:00", ends_at="16:00")
    assert _sign_in(client, staff, second, resident, hours=1.5).status_code == 201
    assert (
        client.get(f"/api/enrollments/{enrollment.id}", headers=staff).json["hours_attended"] == 5.5
    )
    listed = client.get(f"/api/sessions/{session.id}/attendance", headers=staff).json
    assert [(a["resident_id"], a["signed_in_at"]) for a in listed] == [
        (resident.id, "2024-05-06T08:41:00")
    ]


def test_an_aware_sign_in_time_is_read_as_beijing_time(client, staff):
    cohort = make_cohort()
    session = make_training_session(cohort)
    resident = make_resident()
    make_enrollment(cohort, resident)
    response = _sign_in(client, staff, session, resident, signed_in_at="2024-05-06T00:45:00Z")
    assert response.status_code == 201, response.json
    assert response.json["signed_in_at"] == "2024-05-06T08:45:00"


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("not enrolled", 422),
        ("other cohort", 422),
        ("dropped", 409),
        ("twice", 409),
        ("other day", 422),
        ("after the end", 422),
        ("too many hours", 422),
        ("negative hours", 422),
    ],
)
def test_bad_attendance_is_refused_and_changes_nothing(client, staff, case, code):
    cohort = make_cohort()
    session = make_training_session(cohort)
    resident = make_resident()
    fields = {}
    if case == "other cohort":
        make_enrollment(make_cohort(), resident)
    elif case != "not enrolled":
        make_enrollment(cohort, resident, status="dropped" if case == "dropped" else "enrolled")
    if case == "twice":
        assert _sign_in(client, staff, session, resident).status_code == 201
    fields = {
        "other day": {"signed_in_at": "2024-05-07T08:30:00"},
        "after the end": {"signed_in_at": "2024-05-06T12:30:00"},
        "too many hours": {"hours": 4.5},
        "negative hours": {"hours": -1},
    }.get(case, {})
    response = _sign_in(client, staff, session, resident, **fields)
    assert response.status_code == code, response.json
    assert _count(Attendance) == (1 if case == "twice" else 0)
    hours = db.session.scalars(select(Enrollment.hours_attended)).all()
    assert all(h == (Decimal(4) if case == "twice" else 0) for h in hours)


# Assessment, completion and skills


def _assess(client, staff, enrollment, theory, practical, **fields):
    return client.post(
        f"/api/enrollments/{enrollment.id}/assessment",
        json={"theory_score": theory, "practical_score": practical, **fields},
        headers=staff,
    )


@pytest.mark.parametrize(
    ("theory", "practical"), [(101, 80), (80, -1), ("eighty", 80), (None, 80), (80, 100.5)]
)
def test_a_score_out_of_range_is_422(client, staff, theory, practical):
    enrollment = make_enrollment(make_cohort(), hours_attended=40)
    response = _assess(client, staff, enrollment, theory, practical)
    assert response.status_code == 422
    assert {"theory_score", "practical_score"} & set(response.json["errors"])
    assert _count(Assessment) == 0


def test_completing_needs_the_attendance_threshold(client, staff):
    cohort = make_cohort(hours=40)  # 80% of 40 hours: 32
    short = make_enrollment(cohort, hours_attended=31.5)
    refused = _assess(client, staff, short, 90, 90)
    assert refused.status_code == 409 and "32" in refused.json["message"]
    assert _count(Assessment) == 0
    enough = make_enrollment(cohort, hours_attended=32)
    assert _assess(client, staff, enough, 90, 90).status_code == 201


def test_one_resit_then_a_pass_completes_and_confers_skills_at_once(client, staff):
    knot = make_skill(code="knot_tying", occupation_code="6-09-03-17")
    display = make_skill(code="product_display", occupation_code="6-09-03-17")
    program = make_program(code="chinese_knot", skills=[knot, display])
    cohort = make_cohort(program)
    resident = make_resident(skills=["product_display"])  # declared before training
    enrollment = make_enrollment(cohort, resident, hours_attended=40)

    failed = _assess(client, staff, enrollment, 75, 55, assessed_on="2024-05-30")
    assert failed.status_code == 201 and failed.json["passed"] is False
    assert failed.json["attempt"] == 1
    after_fail = client.get(f"/api/enrollments/{enrollment.id}", headers=staff).json
    assert after_fail["status"] == "enrolled" and after_fail["passed"] is False

    resit = _assess(client, staff, enrollment, 70, 60, assessed_on="2024-06-05")
    assert resit.status_code == 201 and resit.json["passed"] is True and resit.json["attempt"] == 2
    done = client.get(f"/api/enrollments/{enrollment.id}", headers=staff).json
    assert done["status"] == "completed" and done["passed"] is True
    assert done["completed_on"] == "2024-06-05"
    db.session.expire_all()
    skills = db.session.execute(
        select(ResidentSkill.skill_code, ResidentSkill.source).where(
            ResidentSkill.resident_id == resident.id
        )
    ).all()
    assert sorted(skills) == [("knot_tying", "training"), ("product_display", "declared")]
    attempts = client.get(f"/api/enrollments/{enrollment.id}/assessment", headers=staff).json
    assert [a["attempt"] for a in attempts] == [1, 2]
    assert _assess(client, staff, enrollment, 99, 99).status_code == 409


def test_only_one_resit_is_allowed(client, staff):
    enrollment = make_enrollment(make_cohort(), hours_attended=40)
    assert _assess(client, staff, enrollment, 50, 50).status_code == 201
    assert _assess(client, staff, enrollment, 59, 90).status_code == 201
    third = _assess(client, staff, enrollment, 90, 90)
    assert third.status_code == 409 and "补考" in third.json["message"]
    assert _count(Assessment) == 2
    assert client.get(f"/api/enrollments/{enrollment.id}", headers=staff).json["status"] == (
        "enrolled"
    )


def test_a_dropped_trainee_is_not_assessed(client, staff):
    enrollment = make_enrollment(make_cohort(), hours_attended=40, status="dropped")
    assert _assess(client, staff, enrollment, 90, 90).status_code == 409


# Certificates


def _certify(client, staff, enrollment, serial, **fields):
    return client.post(
        f"/api/enrollments/{enrollment.id}/certificate",
        json={"certificate_no": serial, **fields},
        headers=staff,
    )


def test_certificates_have_unique_serials(client, staff):
    cohort = make_cohort()
    first, second = (
        make_enrollment(cohort, status="completed", passed=True, completed_on=cohort.ends_on)
        for _ in range(2)
    )
    issued = _certify(client, staff, first, "TZ2024-0001", issued_on="2024-06-10")
    assert issued.status_code == 201, issued.json
    assert issued.json["certificate_no"] == "TZ2024-0001"
    assert issued.json["certificate_issued_on"] == "2024-06-10"
    same_serial = _certify(client, staff, second, "TZ2024-0001")
    assert same_serial.status_code == 409 and "certificate_no" in same_serial.json["errors"]
    assert _certify(client, staff, first, "TZ2024-0002").status_code == 409  # already certified
    assert _certify(client, staff, second, "TZ2024-0002").status_code == 201
    assert _certify(client, staff, second, "bad serial!").status_code == 422
    too_early = make_enrollment(
        cohort, status="completed", passed=True, completed_on=cohort.ends_on
    )
    assert _certify(
        client, staff, too_early, "TZ2024-0003", issued_on="2024-05-01"
    ).status_code == (422)
    db.session.expire_all()
    serials = db.session.scalars(select(Enrollment.certificate_no).order_by(Enrollment.id)).all()
    assert serials == ["TZ2024-0001", "TZ2024-0002", None]


def test_no_certificate_before_completion(client, staff):
    enrollment = make_enrollment(make_cohort(), hours_attended=40)
    assert _certify(client, staff, enrollment, "TZ2024-0009").status_code == 409
    assert _count(Enrollment, Enrollment.certificate_no.is_not(None)) == 0


def test_a_pass_shows_in_the_residents_skills_at_once(client, staff):
    skill = make_skill(code="bag_sewing", occupation_code="6-05-02-01")
    cohort = make_cohort(make_program(code="bag_assembly", skills=[skill]))
    resident = make_resident()
    enrollment = make_enrollment(cohort, resident, hours_attended=40)
    before = client.get(f"/api/residents/{resident.id}", headers=staff)
    assert before.status_code == 200 and "bag_sewing" not in before.json["skills"]
    assert _assess(client, staff, enrollment, 80, 80).status_code == 201
    after = client.get(f"/api/residents/{resident.id}", headers=staff)
    assert "bag_sewing" in after.json["skills"]
