"""Who is told what: firms of new applications, residents of every move, staff of residents
hired twice and of open posts nobody is going for; and each user's inbox."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.notifications import senders
from jobmatch.notifications.models import Notification
from tests.factories import (
    auth_headers,
    make_application,
    make_post,
    make_quick_user,
    make_resident,
)
from tests.test_applications import INVITATION


def inbox(client, user, query: str = "") -> list[dict]:
    response = client.get(f"/api/notifications{query}", headers=auth_headers(user))
    assert response.status_code == 200, response.json
    return response.json


def kinds(client, user) -> list[str]:
    return [item["kind"] for item in inbox(client, user)]


def move(client, user, application_id: int, status: str, **extra):
    if status == "interview" and not extra.get("correction"):
        extra = {**INVITATION, **extra}
    response = client.patch(
        f"/api/applications/{application_id}",
        json={"status": status, **extra},
        headers=auth_headers(user),
    )
    assert response.status_code == 200, response.json
    return response.json


def test_a_firms_users_learn_of_new_applications_to_their_posts(client):
    post = make_post(title="缝纫工")
    firm_users = [make_quick_user("firm", firm_id=post.firm_id) for _ in range(2)]
    other_firm_user = make_quick_user("firm")
    resident_user = make_quick_user("resident")
    staff = make_quick_user("staff")

    client.post(
        "/api/applications",
        json={"resident_id": resident_user.resident_id, "post_id": post.id},
        headers=auth_headers(resident_user),
    )
    referred = make_resident(name="李四")
    referral = client.post(
        "/api/applications",
        json={"resident_id": referred.id, "post_id": post.id},
        headers=auth_headers(staff),
    ).json

    for user in firm_users:
        notices = inbox(client, user)
        assert [n["kind"] for n in notices] == ["application_new", "application_new"]
        assert "李四" in notices[0]["text"] and "缝纫工" in notices[0]["text"]
        assert notices[0]["link"] == f"/api/applications/{referral['id']}"
        assert notices[0]["read_at"] is None
    assert inbox(client, other_firm_user) == []
    # A resident is not told of its own application, nor staff of an ordinary one.
    assert inbox(client, resident_user) == []
    assert inbox(client, staff) == []


def test_a_resident_learns_of_every_move_of_its_applications(client):
    resident_user = make_quick_user("resident")
    resident_id = resident_user.resident_id
    post, other_post = make_post(openings=2), make_post()
    staff = make_quick_user("staff")
    firm_user = make_quick_user("firm", firm_id=post.firm_id)

    referral = client.post(
        "/api/applications",
        json={"resident_id": resident_id, "post_id": post.id},
        headers=auth_headers(staff),
    ).json
    move(client, staff, referral["id"], "applied")
    move(client, firm_user, referral["id"], "interview")
    move(client, firm_user, referral["id"], "hired")
    second = make_application(post=other_post)
    assert second.resident_id != resident_id  # someone else's moves tell this resident nothing
    move(client, staff, second.id, "interview")

    notices = inbox(client, resident_user)
    assert [n["kind"] for n in notices] == ["application_status"] * 4
    texts = [n["text"] for n in reversed(notices)]
    assert "推荐" in texts[0]
    assert "已报名" in texts[1] and "待面试" in texts[2] and "已录用" in texts[3]


def test_a_referral_tells_each_party_once_from_one_lookup(client):
    """The firm's users and the resident's account are found in one query (parties()); an
    inactive firm user, another firm's user and another resident are told nothing."""
    post = make_post(title="包装工")
    firm_user = make_quick_user("firm", firm_id=post.firm_id)
    gone = make_quick_user("firm", firm_id=post.firm_id)
    gone.is_active = False
    db.session.commit()
    other_firm_user = make_quick_user("firm")
    resident_user, other_resident = make_quick_user("resident"), make_quick_user("resident")
    staff = make_quick_user("staff")
    client.post(
        "/api/applications",
        json={"resident_id": resident_user.resident_id, "post_id": post.id},
        headers=auth_headers(staff),
    )
    assert kinds(client, firm_user) == ["application_new"]
    assert kinds(client, resident_user) == ["application_status"]
    assert "包装工" in inbox(client, resident_user)[0]["text"]
    for user in (other_firm_user, other_resident, staff):
        assert inbox(client, user) == []
    assert (
        db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.user_id == gone.id)
        )
        == 0
    )


def test_a_withdrawal_tells_the_firm_not_the_resident_who_made_it(client):
    application = make_application(status="interview")
    resident_user = make_quick_user("resident", resident_id=application.resident_id)
    firm_user = make_quick_user("firm", firm_id=application.post.firm_id)
    move(client, resident_user, application.id, "withdrawn", reason="wage")
    assert kinds(client, resident_user) == []
    notices = inbox(client, firm_user)
    assert [n["kind"] for n in notices] == ["application_withdrawn"]
    assert "工资" in notices[0]["text"]


def test_staff_are_told_of_a_resident_hired_at_two_posts(client):
    resident = make_resident(name="王五")
    first, second = make_post(), make_post()
    staff, admin, firm_user = (
        make_quick_user("staff"),
        make_quick_user("admin"),
        make_quick_user("firm", firm_id=second.firm_id),
    )
    one = make_application(resident, first, "interview")
    two = make_application(resident, second, "interview")

    move(client, staff, one.id, "hired")
    assert kinds(client, staff) == []
    # The hire withdrew the other application (hired_elsewhere); the resident takes the second
    # job as well and its firm hires them all the same: allowed, people hold two jobs.
    assert move(client, firm_user, two.id, "hired")

    for user in (staff, admin):
        notices = inbox(client, user)
        assert [n["kind"] for n in notices] == ["hired_twice"]
        assert "王五" in notices[0]["text"] and "2 个岗位" in notices[0]["text"]
        assert notices[0]["recipient_role"] == "staff"
    assert "hired_twice" not in kinds(client, firm_user)
    hires = client.get(notices[0]["link"], headers=auth_headers(staff)).json
    assert sorted(a["id"] for a in hires) == [one.id, two.id]


def test_marking_read(client):
    post = make_post()
    firm_user, other = make_quick_user("firm", firm_id=post.firm_id), make_quick_user("firm")
    make_quick_user("staff")
    for _ in range(3):
        resident_user = make_quick_user("resident")
        client.post(
            "/api/applications",
            json={"resident_id": resident_user.resident_id, "post_id": post.id},
            headers=auth_headers(resident_user),
        )
    notices = inbox(client, firm_user)
    target = notices[1]["id"]

    assert client.post(f"/api/notifications/{target}/read").status_code == 401
    assert (
        client.post(f"/api/notifications/{target}/read", headers=auth_headers(other)).status_code
        == 404
    )
    response = client.post(f"/api/notifications/{target}/read", headers=auth_headers(firm_user))
    assert response.status_code == 200
    first_read_at = response.json["read_at"]
    assert first_read_at is not None
    again = client.post(f"/api/notifications/{target}/read", headers=auth_headers(firm_user))
    assert again.json["read_at"] == first_read_at

    assert [n["id"] for n in inbox(client, firm_user, "?unread=true")] == [
        notices[0]["id"],
        notices[2]["id"],
    ]
    assert [n["id"] for n in inbox(client, firm_user, "?unread=false")] == [target]
    page = client.get("/api/notifications?page=2&page_size=2", headers=auth_headers(firm_user))
    assert [n["id"] for n in page.json] == [notices[2]["id"]]
    assert '"total": 3' in page.headers["X-Pagination"]
    for query in ("?unread=perhaps", "?page_size=0", "?page_size=500"):
        bad = client.get(f"/api/notifications{query}", headers=auth_headers(firm_user))
        assert bad.status_code == 422
    assert client.get("/api/notifications").status_code == 401
    for unknown in (999999, 10**20):
        response = client.post(f"/api/notifications/{unknown}/read", headers=auth_headers(other))
        assert response.status_code == 404


def test_a_staff_notice_read_by_one_staff_member_is_read_for_all(client):
    resident = make_resident()
    staff, colleague = make_quick_user("staff"), make_quick_user("staff")
    for post in (make_post(), make_post()):
        make_application(resident, post, "hired")
    application = make_application(resident, make_post(), "interview")
    move(client, staff, application.id, "hired")
    notice = inbox(client, colleague)[0]
    client.post(f"/api/notifications/{notice['id']}/read", headers=auth_headers(colleague))
    assert inbox(client, staff, "?unread=true") == []
    assert "3 个岗位" in notice["text"]


class TestUnfilledPosts:
    @pytest.fixture
    def posts(self):
        long_ago = datetime.now(UTC) - timedelta(days=30)
        posts = {
            "nobody": make_post(title="无人问津"),
            "rejected_only": make_post(),
            "in_progress": make_post(),
            "closed": make_post(status="closed"),
            "paused": make_post(status="paused"),
            "full": make_post(openings=1),
            "expired": make_post(expires_on=clock.today() - timedelta(days=1)),
        }
        make_application(post=posts["rejected_only"], status="rejected")
        make_application(post=posts["in_progress"], status="recommended")
        make_application(post=posts["full"], status="hired")
        for post in posts.values():
            post.created_at = long_ago
        posts["new"] = make_post()  # listed today: too soon to worry
        db.session.commit()
        return posts

    def test_the_command_flags_each_post_once(self, runner, client, posts):
        staff = make_quick_user("staff")
        result = runner.invoke(args=["notify-unfilled"])
        assert result.exit_code == 0, result.output
        expected = sorted([posts["nobody"].id, posts["rejected_only"].id])
        assert f"flagged 2 post(s): {expected[0]}, {expected[1]}" in result.output
        notices = inbox(client, staff)
        assert sorted(n["link"] for n in notices) == sorted(f"/api/posts/{i}" for i in expected)
        assert any("无人问津" in n["text"] for n in notices)

        again = runner.invoke(args=["notify-unfilled"])
        assert "flagged 0 post(s)" in again.output
        assert len(inbox(client, staff)) == 2

        # Once read, a post still unfilled is flagged again on the next run.
        for notice in notices:
            client.post(f"/api/notifications/{notice['id']}/read", headers=auth_headers(staff))
        assert "flagged 2 post(s)" in runner.invoke(args=["notify-unfilled"]).output

    def test_the_command_takes_the_age_of_a_post(self, runner, posts):
        result = runner.invoke(args=["notify-unfilled", "--min-age-days", "0"])
        assert "flagged 3 post(s)" in result.output
        assert runner.invoke(args=["notify-unfilled", "--min-age-days", "-1"]).exit_code != 0

    def test_staff_run_the_check_on_demand(self, client, posts):
        staff = make_quick_user("staff")
        url = "/api/notifications/unfilled-check"
        response = client.post(url, json={"min_age_days": 0}, headers=auth_headers(staff))
        assert response.status_code == 200, response.json
        assert response.json["flagged_post_ids"] == sorted(
            [posts["nobody"].id, posts["rejected_only"].id, posts["new"].id]
        )
        for user in (make_quick_user("firm"), make_quick_user("resident")):
            assert client.post(url, json={}, headers=auth_headers(user)).status_code == 403
        assert client.post(url, json={}).status_code == 401
        for body in ({"min_age_days": -1}, {"min_age_days": "x"}, {"days": 3}):
            assert client.post(url, json=body, headers=auth_headers(staff)).status_code == 422
        notices = db.session.scalars(select(Notification)).all()
        assert len(notices) == 3
        assert {n.recipient_role for n in notices} == {"staff"}


def test_every_notice_goes_through_the_configured_senders(app, client, monkeypatch):
    """A channel added later (SMS, WeChat) sees each message beside the in-app inbox."""
    delivered = []

    class RecordingSender:
        def send(self, message):
            delivered.append(message)

    monkeypatch.setitem(senders.SENDERS, "recording", RecordingSender)
    app.config["JOBMATCH_NOTIFICATION_CHANNELS"] = ("in_app", "recording")
    application = make_application(status="applied")
    resident_user = make_quick_user("resident", resident_id=application.resident_id)
    move(client, make_quick_user("staff"), application.id, "interview")

    assert [(m.kind, m.user_id) for m in delivered] == [("application_status", resident_user.id)]
    assert kinds(client, resident_user) == ["application_status"]
