"""Training API: programs and cohorts, who may use them, and what bad input answers."""

import pytest

from jobmatch.extensions import db
from jobmatch.training.models import Cohort, Program
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enrollment,
    make_firm,
    make_program,
    make_quick_user,
    make_skill,
    make_training_session,
)


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


def _paths(cohort_id: int, enrollment_id: int, session_id: int) -> list[tuple[str, str, dict]]:
    """Every training endpoint, with a body valid enough to reach the role check."""
    return [
        ("get", "/api/programs", {}),
        ("post", "/api/programs", {"code": "x1", "name": "n", "hours": 8}),
        ("get", "/api/programs/knot", {}),
        ("patch", "/api/programs/knot", {"name": "新名"}),
        ("get", "/api/cohorts", {}),
        ("post", "/api/cohorts", {}),
        ("get", f"/api/cohorts/{cohort_id}", {}),
        ("patch", f"/api/cohorts/{cohort_id}", {"capacity": 40}),
        ("get", f"/api/cohorts/{cohort_id}/sessions", {}),
        ("post", f"/api/cohorts/{cohort_id}/sessions", {}),
        ("get", f"/api/cohorts/{cohort_id}/enrollments", {}),
        ("post", f"/api/cohorts/{cohort_id}/enrollments", {}),
        ("get", f"/api/enrollments/{enrollment_id}", {}),
        ("patch", f"/api/enrollments/{enrollment_id}", {"status": "dropped"}),
        ("get", f"/api/sessions/{session_id}/attendance", {}),
        ("post", f"/api/sessions/{session_id}/attendance", {}),
        ("get", f"/api/enrollments/{enrollment_id}/assessment", {}),
        ("post", f"/api/enrollments/{enrollment_id}/assessment", {}),
        ("post", f"/api/enrollments/{enrollment_id}/certificate", {}),
        ("get", f"/api/cohorts/{cohort_id}/subsidy", {}),
        ("get", f"/api/cohorts/{cohort_id}/subsidy?format=xlsx", {}),
        ("post", f"/api/cohorts/{cohort_id}/subsidy/claims", {}),
        ("get", "/api/training/summary", {}),
    ]


@pytest.mark.parametrize(
    ("role", "expected"), [(None, 401), ("resident", 403), ("firm", 403), ("bad token", 401)]
)
def test_only_staff_reach_training(client, role, expected):
    cohort = make_cohort(program=make_program(code="knot"))
    enrollment = make_enrollment(cohort)
    session = make_training_session(cohort)
    if role is None:
        headers = {}
    elif role == "bad token":
        headers = {"Authorization": "Bearer not-a-token"}
    else:
        headers = auth_headers(make_quick_user(role))
    for method, path, body in _paths(cohort.id, enrollment.id, session.id):
        kwargs = {"json": body} if method != "get" else {}
        response = getattr(client, method)(path, headers=headers, **kwargs)
        assert response.status_code == expected, (method, path, response.json)
        assert response.json["code"] == expected
    # Nothing a refused caller sent was written.
    assert db.session.get(Program, "x1") is None
    assert db.session.get(Program, "knot").name == "中国结编织"


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_staff_and_admin_read_and_write(client, role):
    headers = auth_headers(make_quick_user(role))
    make_skill(code="knot_tying", occupation_code="6-09-03-17")
    created = client.post(
        "/api/programs",
        json={
            "code": "chinese_knot",
            "name": "中国结编织",
            "occupation_code": "6-09-03-17",
            "hours": 40,
            "skills": ["knot_tying"],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.json
    assert created.json == {
        "code": "chinese_knot",
        "name": "中国结编织",
        "occupation_code": "6-09-03-17",
        "hours": 40,
        "skills": ["knot_tying"],
        "certificate_type": "training",
    }
    listed = client.get("/api/programs", headers=headers)
    assert [p["code"] for p in listed.json] == ["chinese_knot"]
    assert '"total": 1' in listed.headers["X-Pagination"]


def test_program_input_is_checked(client, staff):
    make_program(code="sewing")
    cases = [
        ({"code": "sewing", "name": "缝纫", "hours": 40}, 409, "code"),
        ({"code": "Bad Code", "name": "x", "hours": 40}, 422, "code"),
        ({"code": "ok_code", "name": "x", "hours": 0}, 422, "hours"),
        ({"code": "ok_code", "name": "x", "hours": 8, "skills": ["nope"]}, 422, "skills"),
        (
            {"code": "ok_code", "name": "x", "hours": 8, "occupation_code": "9-99-99-99"},
            422,
            "occupation_code",
        ),
        ({"code": "ok_code", "name": "x", "hours": 8, "gender": "male"}, 422, "gender"),
        ({"name": "x", "hours": 8}, 422, "code"),
    ]
    for body, code, field in cases:
        response = client.post("/api/programs", json=body, headers=staff)
        assert response.status_code == code, (body, response.json)
        assert field in response.json["errors"], response.json
    assert db.session.query(Program).count() == 1


def test_cohort_fields_and_on_the_job_needs_a_firm(client, staff):
    make_program(code="bag_assembly", name="箱包组装", hours=160)
    firm = make_firm()
    missing = client.post(
        "/api/cohorts",
        json={
            "program_code": "bag_assembly",
            "mode": "on_the_job",
            "starts_on": "2024-06-01",
            "ends_on": "2024-06-30",
            "capacity": 6,
        },
        headers=staff,
    )
    assert missing.status_code == 422
    assert "firm_id" in missing.json["errors"]
    created = client.post(
        "/api/cohorts",
        json={
            "program_code": "bag_assembly",
            "mode": "on_the_job",
            "firm_id": firm.id,
            "starts_on": "2024-06-01",
            "ends_on": "2024-06-30",
            "capacity": 6,
            "instructor": "王师傅",
        },
        headers=staff,
    )
    assert created.status_code == 201, created.json
    body = created.json
    assert {k: body[k] for k in ("program_code", "mode", "firm_id", "starts_on", "ends_on")} == {
        "program_code": "bag_assembly",
        "mode": "on_the_job",
        "firm_id": firm.id,
        "starts_on": "2024-06-01",
        "ends_on": "2024-06-30",
    }
    assert body["capacity"] == 6 and body["hours"] == 160 and body["enrolled"] == 0
    assert body["name"] == "箱包组装2024年06月班"
    read = client.get(f"/api/cohorts/{body['id']}", headers=staff)
    assert read.json == body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ends_on": "2024-04-01"}, "ends_on"),
        ({"capacity": 0}, "capacity"),
        ({"program_code": "nope"}, "program_code"),
        ({"mode": "online"}, "mode"),
        ({"firm_id": 99999}, "firm_id"),
        ({"starts_on": "2024-13-01"}, "starts_on"),
        ({"capacity": "many"}, "capacity"),
    ],
)
def test_bad_cohorts_are_422_and_change_nothing(client, staff, body, field):
    make_program(code="sewing")
    valid = {
        "program_code": "sewing",
        "starts_on": "2024-05-01",
        "ends_on": "2024-05-31",
        "capacity": 30,
    }
    response = client.post("/api/cohorts", json={**valid, **body}, headers=staff)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert db.session.query(Cohort).count() == 0


def test_cohort_list_filters_and_pages(client, staff):
    knot, sewing = make_program(code="knot"), make_program(code="sewing")
    firm = make_firm()
    for _ in range(3):
        make_cohort(knot)
    make_cohort(sewing, mode="on_the_job", firm_id=firm.id)
    assert len(client.get("/api/cohorts?program_code=knot", headers=staff).json) == 3
    on_job = client.get(f"/api/cohorts?mode=on_the_job&firm_id={firm.id}", headers=staff)
    assert [c["program_code"] for c in on_job.json] == ["sewing"]
    page = client.get("/api/cohorts?page=2&page_size=3", headers=staff)
    assert len(page.json) == 1 and '"total": 4' in page.headers["X-Pagination"]
    for bad in ("page_size=0", "page_size=101", "firm_id=abc", "mode=online", "page=0"):
        assert client.get(f"/api/cohorts?{bad}", headers=staff).status_code == 422, bad


def test_missing_objects_are_404(client, staff):
    for path in (
        "/api/programs/nope",
        "/api/cohorts/999",
        "/api/cohorts/999/enrollments",
        "/api/cohorts/999/sessions",
        "/api/cohorts/999/subsidy",
        "/api/enrollments/999",
        "/api/sessions/999/attendance",
    ):
        response = client.get(path, headers=staff)
        assert response.status_code == 404, path
        assert response.json["code"] == 404


def test_cohort_capacity_cannot_drop_below_seats_taken(client, staff):
    cohort = make_cohort(capacity=3)
    for _ in range(2):
        make_enrollment(cohort)
    make_enrollment(cohort, status="dropped")
    refused = client.patch(f"/api/cohorts/{cohort.id}", json={"capacity": 1}, headers=staff)
    assert refused.status_code == 409
    ok = client.patch(f"/api/cohorts/{cohort.id}", json={"capacity": 2}, headers=staff)
    assert ok.status_code == 200 and ok.json["capacity"] == 2 and ok.json["enrolled"] == 2


def test_cohort_dates_must_keep_its_sessions(client, staff):
    cohort = make_cohort()
    make_training_session(cohort, held_on=cohort.ends_on)
    response = client.patch(
        f"/api/cohorts/{cohort.id}", json={"ends_on": "2024-05-20"}, headers=staff
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert str(db.session.get(Cohort, cohort.id).ends_on) == "2024-05-31"


def test_training_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in (
        "/api/programs",
        "/api/cohorts",
        "/api/cohorts/{cohort_id}/enrollments",
        "/api/enrollments/{enrollment_id}",
        "/api/cohorts/{cohort_id}/sessions",
        "/api/sessions/{session_id}/attendance",
        "/api/enrollments/{enrollment_id}/assessment",
        "/api/enrollments/{enrollment_id}/certificate",
        "/api/cohorts/{cohort_id}/subsidy",
        "/api/training/summary",
    ):
        operations = [op for key, op in paths[path].items() if key in ("get", "post", "patch")]
        assert operations, path
        for operation in operations:
            assert operation["security"] == [{"bearerAuth": []}]
            assert {"401", "403"} <= set(operation["responses"])


def test_a_resident_s_training_is_read_by_staff_or_that_resident_only(app):
    from jobmatch.errors import Forbidden
    from jobmatch.residents.models import Resident
    from jobmatch.training.service import list_enrollments_for_resident

    resident_user = make_quick_user("resident")
    resident_id = resident_user.resident_id
    older = make_enrollment(make_cohort(), resident=db.session.get(Resident, resident_id))
    newer = make_enrollment(make_cohort(), resident=db.session.get(Resident, resident_id))
    make_enrollment(make_cohort())
    for reader in (resident_user, make_quick_user("staff")):
        assert list_enrollments_for_resident(reader, resident_id) == [newer, older]
    for stranger in (make_quick_user("resident"), make_quick_user("firm"), None):
        with pytest.raises(Forbidden):
            list_enrollments_for_resident(stranger, resident_id)
