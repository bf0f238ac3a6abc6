"""The API over the desk's new services: a firm's review of a hand-in, attendance corrections."""

from datetime import date

from tests.factories import (
    auth_headers,
    make_cohort,
    make_delivery,
    make_enrollment,
    make_order,
    make_quick_user,
    make_resident,
    make_training_session,
)


def test_a_firm_reviews_its_own_hand_in_through_the_api(client):
    order = make_order(quantity=100)
    entry = make_delivery(order, quantity=20, accepted=18)
    firm = make_quick_user("firm", firm_id=order.firm_id)
    other = make_quick_user("firm", firm_id=make_order().firm_id)
    path = f"/api/deliveries/{entry.id}/review"
    assert (
        client.post(path, json={"verdict": "confirmed"}, headers=auth_headers(other)).status_code
        == 404
    )
    refused = client.post(path, json={"verdict": "disputed"}, headers=auth_headers(firm))
    assert refused.status_code == 422 and "accepted" in refused.json["errors"]
    made = client.post(
        path, json={"verdict": "disputed", "accepted": 15, "reason": "3件开线"},
        headers=auth_headers(firm),
    )  # fmt: skip
    assert made.status_code == 201
    assert (made.json["verdict"], made.json["accepted"]) == ("disputed", 15)
    assert (
        client.post(path, json={"verdict": "confirmed"}, headers=auth_headers(firm)).status_code
        == 409
    )
    staff = make_quick_user("staff")
    assert (
        client.post(path, json={"verdict": "confirmed"}, headers=auth_headers(staff)).status_code
        == 403
    )
    listed = client.get(f"/api/orders/{order.id}/reviews", headers=auth_headers(staff))
    assert [review["delivery_id"] for review in listed.json] == [entry.id]


def test_attendance_is_corrected_through_the_api_with_its_history(client):
    cohort = make_cohort(starts_on=date(2024, 5, 6), ends_on=date(2024, 5, 31))
    trainee = make_resident()
    enrollment = make_enrollment(cohort, trainee)
    session = make_training_session(cohort, held_on=date(2024, 5, 6))
    staff = auth_headers(make_quick_user("staff"))
    path = f"/api/sessions/{session.id}/attendance/corrections"
    no_change = client.post(path, json={"resident_id": trainee.id, "mark": "absent",
                                        "reason": "本来就没来"}, headers=staff)  # fmt: skip
    assert no_change.status_code == 409
    made = client.post(path, json={"resident_id": trainee.id, "mark": "late",
                                   "signed_in_at": "2024-05-06T09:00:00", "hours": 3,
                                   "reason": "补签"}, headers=staff)  # fmt: skip
    assert made.status_code == 201, made.json
    assert (made.json["was"], made.json["became"], made.json["hours_after"]) == (
        "absent",
        "late",
        3.0,
    )
    history = client.get(path, headers=staff).json
    assert [change["reason"] for change in history] == ["补签"]
    read = client.get(f"/api/enrollments/{enrollment.id}", headers=staff).json
    assert read["hours_attended"] == 3.0
