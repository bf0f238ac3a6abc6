"""Enrollments racing for the last seats, or for one resident's timetable, never break the rules.

Each thread has its own app context, so its own database session and connection: the requests
really do run at once against the database, which alone keeps the rules.
"""

import threading

import pytest
from sqlalchemy import func, select

from jobmatch.extensions import db
from jobmatch.training.models import Enrollment
from tests.factories import (
    auth_headers,
    make_cohort,
    make_quick_user,
    make_resident,
    make_training_session,
)

# Each thread works on its own connection: what the test makes must really be committed.
pytestmark = pytest.mark.committing


def _post_all_at_once(app, requests: list[tuple[str, dict]], headers: dict) -> list[int]:
    barrier = threading.Barrier(len(requests))
    codes: list[int] = [0] * len(requests)

    def run(index: int, path: str, body: dict) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            codes[index] = client.post(path, json=body, headers=headers).status_code

    threads = [
        threading.Thread(target=run, args=(index, path, body))
        for index, (path, body) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


def test_ten_enrollments_racing_for_three_seats(app):
    headers = auth_headers(make_quick_user("staff"))
    cohort = make_cohort(capacity=3)
    residents = [make_resident() for _ in range(10)]
    path = f"/api/cohorts/{cohort.id}/enrollments"
    codes = _post_all_at_once(app, [(path, {"resident_id": r.id}) for r in residents], headers)
    assert sorted(codes) == [201] * 3 + [409] * 7
    db.session.expire_all()
    seats = db.session.scalar(
        select(func.count(Enrollment.id)).where(Enrollment.cohort_id == cohort.id)
    )
    assert seats == 3


def test_one_resident_racing_into_overlapping_cohorts(app):
    headers = auth_headers(make_quick_user("staff"))
    cohorts = [make_cohort() for _ in range(4)]
    for cohort in cohorts:
        make_training_session(cohort, starts_at="09:00", ends_at="11:00")
    resident = make_resident()
    requests = [
        (f"/api/cohorts/{cohort.id}/enrollments", {"resident_id": resident.id})
        for cohort in cohorts
    ]
    codes = _post_all_at_once(app, requests, headers)
    assert sorted(codes) == [201, 409, 409, 409]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
