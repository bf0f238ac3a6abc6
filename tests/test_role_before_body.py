"""Every write checks the caller's role before it looks at the body: a role that may never make
this write hears 403 (and no token 401) even when the body is wrong, never a 422 that would
tell it about the input. Services still refuse, later, a firm writing for another firm."""

import re

import pytest

from jobmatch.accounts.models import ROLES
from tests.factories import auth_headers, make_quick_user

ADMIN = ("admin",)
FIRM = ("firm",)
STAFF = ("admin", "staff")
STAFF_OR_FIRM = (*STAFF, "firm")
STAFF_OR_RESIDENT = (*STAFF, "resident")
ANYONE_SIGNED_IN = ROLES

# Who may make each write at all. Signing in and activating an account with its code are the
# writes anyone may attempt.
WRITERS = {
    "POST /api/applications": STAFF_OR_RESIDENT,
    "PATCH /api/applications/<int:application_id>": ANYONE_SIGNED_IN,
    "POST /api/notifications/<int:notification_id>/read": ANYONE_SIGNED_IN,
    "POST /api/notifications/unfilled-check": STAFF,
    "POST /api/orders": STAFF,
    "PATCH /api/orders/<int:order_id>": STAFF,
    "POST /api/orders/<int:order_id>/deliveries": STAFF,
    "POST /api/orders/<int:order_id>/materials": STAFF,
    "POST /api/firms": STAFF,
    "PATCH /api/firms/<int:firm_id>": STAFF_OR_FIRM,
    "POST /api/posts": STAFF_OR_FIRM,
    "PATCH /api/posts/<int:post_id>": STAFF_OR_FIRM,
    "POST /api/programs": STAFF,
    "PATCH /api/programs/<string:code>": STAFF,
    "POST /api/cohorts": STAFF,
    "PATCH /api/cohorts/<int:cohort_id>": STAFF,
    "POST /api/cohorts/<int:cohort_id>/sessions": STAFF,
    "POST /api/cohorts/<int:cohort_id>/subsidy/claims": STAFF,
    "POST /api/cohorts/<int:cohort_id>/enrollments": STAFF,
    "POST /api/cohorts/<int:cohort_id>/roster": STAFF,
    "PATCH /api/enrollments/<int:enrollment_id>": STAFF,
    "POST /api/sessions/<int:session_id>/attendance": STAFF,
    "POST /api/enrollments/<int:enrollment_id>/assessment": STAFF,
    "POST /api/enrollments/<int:enrollment_id>/certificate": STAFF,
    "POST /api/residents": STAFF,
    "PATCH /api/residents/<int:resident_id>": STAFF_OR_RESIDENT,
    "POST /api/residents/import": STAFF,
    "POST /api/model/train": STAFF,
    "POST /api/matching/allocate": STAFF,
    "POST /api/employment/spells/<int:spell_id>/follow-ups": STAFF_OR_FIRM,
    "POST /api/employment/follow-ups/notify": STAFF,
    "POST /api/residents/<int:resident_id>/place-requests": STAFF_OR_RESIDENT,
    "POST /api/applications/<int:application_id>/interview-outcome": STAFF_OR_FIRM,
    "POST /api/auth/password": ANYONE_SIGNED_IN,
    "POST /api/residents/<int:resident_id>/login": STAFF,
    "POST /api/users": ADMIN,
    "PATCH /api/users/<int:user_id>": ADMIN,
    "POST /api/users/<int:user_id>/reset": STAFF,
    "POST /api/sessions/<int:session_id>/attendance/corrections": STAFF,
    "POST /api/deliveries/<int:delivery_id>/review": FIRM,
}
OPEN_WRITES = {"POST /api/auth/token", "POST /api/auth/activate"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
BAD_BODY = {"not_a_field": "x" * 10}


def _writes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods & WRITE_METHODS):
                yield f"{method} {rule.rule}"


def test_every_write_is_listed_with_its_writers(app):
    assert set(_writes(app)) == set(WRITERS) | OPEN_WRITES


def test_the_role_is_checked_before_the_body(client):
    headers = {role: auth_headers(make_quick_user(role)) for role in ROLES}
    wrong = []
    for write, writers in WRITERS.items():
        method, rule = write.split(" ")
        url = re.sub(r"<[^>]+>", "1", rule)
        anonymous = client.open(url, method=method, json=BAD_BODY)
        if anonymous.status_code != 401:
            wrong.append(f"{write} without a token: {anonymous.status_code}")
        for role in set(ROLES) - set(writers):
            answer = client.open(url, method=method, json=BAD_BODY, headers=headers[role])
            if answer.status_code != 403 or answer.json["code"] != 403:
                wrong.append(f"{write} as {role}: {answer.status_code}")
    assert wrong == []


@pytest.mark.parametrize("role", ["firm", "resident"])
def test_registering_a_firm_with_a_bad_body_is_forbidden_to_others_than_staff(client, role):
    answer = client.post(
        "/api/firms", json={"name": ""}, headers=auth_headers(make_quick_user(role))
    )
    assert answer.status_code == 403
