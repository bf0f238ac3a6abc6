"""From a bureau referral to a hire: the firm invites to an interview (when, where, whom to
ask for), the resident accepts or withdraws, the firm records attendance, a hire closes the
resident's other applications, and the daily check closes idle ones."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from jobmatch.applications.models import Application
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from tests.factories import (
    auth_headers,
    make_application,
    make_post,
    make_quick_user,
    make_resident,
)
from tests.test_applications import INVITATION


def patch(client, user, application_id, body):
    return client.patch(
        f"/api/applications/{application_id}", json=body, headers=auth_headers(user)
    )


def texts_of(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.text)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def test_the_firm_invites_a_referred_resident_to_an_interview(client):
    referral = make_application(status="recommended")
    firm_user = make_quick_user("firm", firm_id=referral.post.firm_id)
    resident_user = make_quick_user("resident", resident_id=referral.resident_id)
    response = patch(client, firm_user, referral.id, INVITATION)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "interview"
    assert body["interview_place"] == "园区3号厂房" and body["interview_contact"].startswith(
        "王主任"
    )
    assert datetime.fromisoformat(body["interview_at"]) == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    [told] = texts_of(resident_user)
    assert "2026-12-01 09:30" in told and "园区3号厂房" in told and "王主任" in told


@pytest.mark.parametrize("missing", ["interview_at", "interview_place", "interview_contact"])
def test_an_invitation_needs_when_where_and_whom(client, missing):
    referral = make_application(status="recommended")
    firm_user = make_quick_user("firm", firm_id=referral.post.firm_id)
    body = {key: value for key, value in INVITATION.items() if key != missing}
    response = patch(client, firm_user, referral.id, body)
    assert response.status_code == 422 and missing in response.json["errors"]


def test_interview_details_belong_only_to_an_invitation(client):
    application = make_application(status="interview")
    firm_user = make_quick_user("firm", firm_id=application.post.firm_id)
    body = {"status": "hired", "interview_place": "别处"}
    response = patch(client, firm_user, application.id, body)
    assert response.status_code == 422 and "interview_place" in response.json["errors"]


def test_a_naive_interview_time_is_beijing_time(client):
    referral = make_application(status="recommended")
    firm_user = make_quick_user("firm", firm_id=referral.post.firm_id)
    body = {**INVITATION, "interview_at": "2026-12-01T09:30:00"}
    response = patch(client, firm_user, referral.id, body)
    assert datetime.fromisoformat(response.json["interview_at"]).hour == 1  # 09:30 at UTC+8


def test_the_resident_accepts_a_referral_and_the_firm_hears_of_it(client):
    referral = make_application(status="recommended")
    resident_user = make_quick_user("resident", resident_id=referral.resident_id)
    firm_user = make_quick_user("firm", firm_id=referral.post.firm_id)
    response = patch(client, resident_user, referral.id, {"status": "applied"})
    assert response.status_code == 200 and response.json["status"] == "applied"
    assert any("接受" in text for text in texts_of(firm_user))
    # Accepting is only for a referral; inviting is not the resident's move at all.
    assert patch(client, resident_user, referral.id, {"status": "applied"}).status_code == 409
    assert patch(client, resident_user, referral.id, INVITATION).status_code == 403


def test_the_firm_records_how_the_interview_went(client):
    application = make_application(status="interview")
    firm_user = make_quick_user("firm", firm_id=application.post.firm_id)
    url = f"/api/applications/{application.id}/interview-outcome"
    response = client.post(url, json={"outcome": "no_show"}, headers=auth_headers(firm_user))
    assert response.status_code == 200, response.json
    assert response.json["status"] == "interview"
    assert response.json["interview_outcome"] == "no_show"
    assert "未到场" in response.json["history"][-1]["note"]
    resident_user = make_quick_user("resident", resident_id=application.resident_id)
    assert (
        client.post(
            url, json={"outcome": "attended"}, headers=auth_headers(resident_user)
        ).status_code
        == 403
    )
    other_firm = make_quick_user("firm")
    assert (
        client.post(url, json={"outcome": "attended"}, headers=auth_headers(other_firm)).status_code
        == 404
    )
    assert (
        client.post(url, json={"outcome": "maybe"}, headers=auth_headers(firm_user)).status_code
        == 422
    )
    rejected = patch(client, firm_user, application.id, {"status": "rejected", "reason": "no_show"})
    assert rejected.status_code == 200
    assert (
        client.post(url, json={"outcome": "attended"}, headers=auth_headers(firm_user)).status_code
        == 409
    )


def test_a_hire_withdraws_the_residents_other_open_applications(client):
    resident = make_resident()
    hired = make_application(resident, make_post(), "interview")
    others = [
        make_application(resident, make_post(), status)
        for status in ("recommended", "applied", "interview")
    ]
    finished = make_application(resident, make_post(), "rejected")
    other_firm_users = [make_quick_user("firm", firm_id=a.post.firm_id) for a in others]
    firm_user = make_quick_user("firm", firm_id=hired.post.firm_id)
    assert patch(client, firm_user, hired.id, {"status": "hired"}).status_code == 200
    db.session.expire_all()
    for application, user in zip(others, other_firm_users, strict=True):
        closed = db.session.get(Application, application.id)
        assert (closed.status, closed.reason) == ("withdrawn", "hired_elsewhere")
        assert closed.history[-1].actor_user_id is None
        assert any("其他岗位被录用" in text for text in texts_of(user))
    assert db.session.get(Application, finished.id).status == "rejected"


@pytest.mark.parametrize(
    ("role", "target", "expected"),
    [
        ("firm", "hired", 200),
        ("staff", "hired", 200),
        ("firm", "interview", 200),
        ("resident", "hired", 403),
        ("resident", "applied", 409),
        ("firm", "applied", 403),
    ],
)
def test_an_application_closed_by_a_hire_elsewhere_may_still_be_taken_up(
    client, role, target, expected
):
    """A resident may hold two jobs: the system's hired_elsewhere withdrawal is not the
    resident's choice, so the owning firm or staff may still interview or hire them."""
    resident = make_resident()
    first = make_application(resident, make_post(), "interview")
    second = make_application(resident, make_post(), "interview")
    staff = make_quick_user("staff")
    assert patch(client, staff, first.id, {"status": "hired"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Application, second.id).reason == "hired_elsewhere"
    actor = {
        "firm": lambda: make_quick_user("firm", firm_id=second.post.firm_id),
        "staff": lambda: make_quick_user("staff"),
        "resident": lambda: make_quick_user("resident", resident_id=resident.id),
    }[role]()
    body = {"status": target}
    if target == "interview":
        body |= {
            "interview_at": "2026-12-01T09:00:00+08:00",
            "interview_place": "园区3号楼",
            "interview_contact": "李经理 13800000000",
        }
    assert patch(client, actor, second.id, body).status_code == expected


def test_a_resident_withdrawal_is_final_for_the_firm(client):
    application = make_application(status="applied")
    resident_user = make_quick_user("resident", resident_id=application.resident_id)
    firm_user = make_quick_user("firm", firm_id=application.post.firm_id)
    body = {"status": "withdrawn", "reason": "wage"}
    assert patch(client, resident_user, application.id, body).status_code == 200
    assert patch(client, firm_user, application.id, {"status": "hired"}).status_code == 409


def test_close_stale_closes_idle_applications_and_tells_both_sides(runner):
    idle = make_application(status="applied")
    recent = make_application(status="applied")
    finished = make_application(status="hired")
    resident_user = make_quick_user("resident", resident_id=idle.resident_id)
    firm_user = make_quick_user("firm", firm_id=idle.post.firm_id)
    long_ago = datetime.now(UTC) - timedelta(days=31)
    db.session.execute(
        update(Application)
        .where(Application.id.in_([idle.id, finished.id]))
        .values(updated_at=long_ago)
    )
    db.session.commit()

    result = runner.invoke(args=["close-stale"])
    assert result.exit_code == 0, result.output
    assert f"closed 1 idle application(s): {idle.id}" in result.output
    db.session.expire_all()
    assert (
        db.session.get(Application, idle.id).status,
        db.session.get(Application, idle.id).reason,
    ) == ("withdrawn", "stale")
    assert db.session.get(Application, recent.id).status == "applied"
    assert db.session.get(Application, finished.id).status == "hired"
    assert any("自动关闭" in text for text in texts_of(resident_user))
    assert any("自动关闭" in text for text in texts_of(firm_user))

    # A longer idle time finds nothing more; the option is checked.
    assert "closed 0" in runner.invoke(args=["close-stale", "--days", "40"]).output
    assert runner.invoke(args=["close-stale", "--days", "0"]).exit_code == 2


def test_the_service_itself_refuses_an_invitation_without_its_details(app):
    from jobmatch.applications.service import move_application
    from jobmatch.errors import Invalid

    referral = make_application(status="recommended")
    firm_user = make_quick_user("firm", firm_id=referral.post.firm_id)
    with pytest.raises(Invalid) as refused:
        move_application(firm_user, referral.id, status="interview", interview_place="园区")
    assert set(refused.value.errors) == {"interview_at", "interview_contact"}
    db.session.expire_all()
    assert db.session.get(Application, referral.id).status == "recommended"
