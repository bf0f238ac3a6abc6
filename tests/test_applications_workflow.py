"""Every move for every role: role x from-status x to-status -> the answer it must get.

The expected answers are written out here by hand, not read from jobmatch's own table:
a role asking for a status it may never set is 403; a move the workflow has no arrow for is 409;
someone else's application is 404; a finished application moves only by an admin correction.
"""

import pytest
from sqlalchemy import func, select

from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.posts.models import Post
from tests.factories import (
    auth_headers,
    make_application,
    make_post,
    make_quick_user,
    make_resident,
)

STATUSES = ("recommended", "applied", "interview", "hired", "rejected", "withdrawn")
ARROWS = {
    "recommended": {"applied", "interview", "rejected", "withdrawn"},
    "applied": {"interview", "rejected", "withdrawn"},
    "interview": {"hired", "rejected", "withdrawn"},
    "hired": set(),
    "rejected": set(),
    "withdrawn": set(),
}
MAY_SET = {
    "admin": {"applied", "interview", "hired", "rejected", "withdrawn"},
    "staff": {"applied", "interview", "hired", "rejected", "withdrawn"},
    "firm": {"interview", "hired", "rejected"},
    "resident": {"applied", "withdrawn"},
}
ROLES = ("admin", "staff", "firm", "resident")


def expected_code(role: str, from_status: str, to_status: str) -> int:
    if to_status not in MAY_SET[role]:
        return 403
    if to_status not in ARROWS[from_status]:
        return 409
    return 200


def actor_for(role: str, post: Post, resident_id: int):
    if role == "firm":
        return make_quick_user("firm", firm_id=post.firm_id)
    if role == "resident":
        return make_quick_user("resident", resident_id=resident_id)
    if role == "other_firm":
        return make_quick_user("firm")
    if role == "other_resident":
        return make_quick_user("resident")
    return make_quick_user(role)


def snapshot(application_id: int, post_id: int) -> tuple:
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    return (
        application.status,
        application.reason,
        application.hired_at,
        db.session.scalar(
            select(func.count()).where(ApplicationEvent.application_id == application_id)
        ),
        db.session.get(Post, post_id).filled,
        db.session.scalar(select(func.count()).select_from(Notification)),
    )


def move_body(to_status: str) -> dict:
    body = {"status": to_status, "note": "矩阵测试"}
    if to_status in ("rejected", "withdrawn"):
        body["reason"] = "other"
    if to_status == "interview":
        body |= {
            "interview_at": "2026-12-01T09:30:00+08:00",
            "interview_place": "园区3号厂房二楼",
            "interview_contact": "王主任 13912345678",
        }
    return body


@pytest.mark.parametrize("to_status", STATUSES)
@pytest.mark.parametrize("from_status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_every_move_for_every_role(client, role, from_status, to_status):
    post = make_post(openings=3)
    resident = make_resident()
    make_quick_user("resident", resident_id=resident.id)  # the resident hears of moves
    application = make_application(resident, post, from_status)
    actor = actor_for(role, post, resident.id)
    before = snapshot(application.id, post.id)

    response = client.patch(
        f"/api/applications/{application.id}",
        json=move_body(to_status),
        headers=auth_headers(actor),
    )

    code = expected_code(role, from_status, to_status)
    assert response.status_code == code, response.json
    if code != 200:
        assert set(response.json) == {"code", "status", "message", "errors"}
        assert snapshot(application.id, post.id) == before
        return
    assert response.json["status"] == to_status
    last = response.json["history"][-1]
    assert (last["from_status"], last["to_status"]) == (from_status, to_status)
    assert (last["actor_user_id"], last["actor_role"], last["note"]) == (actor.id, role, "矩阵测试")
    assert last["correction"] is False
    assert len(response.json["history"]) == before[3] + 1
    filled = db.session.get(Post, post.id).filled
    assert filled == before[4] + (1 if to_status == "hired" else 0)
    assert (response.json["hired_at"] is not None) == (to_status == "hired")
    assert response.json["reason"] == ("other" if to_status in ("rejected", "withdrawn") else None)


@pytest.mark.parametrize("from_status", STATUSES)
@pytest.mark.parametrize("role", ["other_firm", "other_resident"])
def test_someone_elses_application_is_not_found(client, role, from_status):
    """Another firm, or another resident, cannot see the application, let alone move it."""
    post = make_post(openings=3)
    application = make_application(make_resident(), post, from_status)
    actor = actor_for(role, post, application.resident_id)
    before = snapshot(application.id, post.id)
    url = f"/api/applications/{application.id}"
    # The move each of them could make on an application of their own, were it one.
    to_status = "withdrawn" if role == "other_resident" else "rejected"
    assert (
        client.patch(url, json=move_body(to_status), headers=auth_headers(actor)).status_code == 404
    )
    assert client.get(url, headers=auth_headers(actor)).status_code == 404
    assert snapshot(application.id, post.id) == before


FINISHED = ("hired", "rejected", "withdrawn")


@pytest.mark.parametrize("to_status", STATUSES)
@pytest.mark.parametrize("from_status", FINISHED)
def test_admin_corrects_a_finished_application(client, from_status, to_status):
    post = make_post(openings=2)
    application = make_application(make_resident(), post, from_status)
    admin = make_quick_user("admin")
    body = move_body(to_status) | {"correction": True, "note": "试用期内离职，更正"}
    before = snapshot(application.id, post.id)

    response = client.patch(
        f"/api/applications/{application.id}", json=body, headers=auth_headers(admin)
    )

    if to_status == from_status:
        assert response.status_code == 409
        assert snapshot(application.id, post.id) == before
        return
    assert response.status_code == 200, response.json
    last = response.json["history"][-1]
    assert last["correction"] is True
    assert (last["from_status"], last["to_status"]) == (from_status, to_status)
    assert last["note"] == "试用期内离职，更正"
    change = (to_status == "hired") - (from_status == "hired")
    assert db.session.get(Post, post.id).filled == before[4] + change


@pytest.mark.parametrize("role", ["staff", "firm", "resident"])
@pytest.mark.parametrize("from_status", FINISHED)
def test_only_an_admin_may_correct(client, role, from_status):
    post = make_post()
    resident = make_resident()
    application = make_application(resident, post, from_status)
    actor = actor_for(role, post, resident.id)
    before = snapshot(application.id, post.id)
    response = client.patch(
        f"/api/applications/{application.id}",
        json={"status": "withdrawn", "reason": "other", "note": "更正", "correction": True},
        headers=auth_headers(actor),
    )
    assert response.status_code == 403
    assert snapshot(application.id, post.id) == before


@pytest.mark.parametrize("from_status", ["recommended", "applied", "interview"])
def test_a_correction_is_only_for_finished_applications(client, from_status):
    application = make_application(status=from_status)
    before = snapshot(application.id, application.post_id)
    response = client.patch(
        f"/api/applications/{application.id}",
        json={"status": "rejected", "reason": "skills", "note": "更正", "correction": True},
        headers=auth_headers(make_quick_user("admin")),
    )
    assert response.status_code == 409
    assert snapshot(application.id, application.post_id) == before


def test_a_correction_needs_a_written_reason(client):
    application = make_application(status="hired")
    before = snapshot(application.id, application.post_id)
    for note in (None, "", "   "):
        body = {"status": "withdrawn", "reason": "other", "correction": True}
        if note is not None:
            body["note"] = note
        response = client.patch(
            f"/api/applications/{application.id}",
            json=body,
            headers=auth_headers(make_quick_user("admin")),
        )
        assert response.status_code == 422
        assert "note" in response.json["errors"]
    assert snapshot(application.id, application.post_id) == before


def test_an_undone_hire_frees_the_opening_for_a_new_applicant(client):
    post = make_post(openings=1)
    hired = make_application(make_resident(), post, "hired")
    newcomer = make_resident()
    newcomer_user = make_quick_user("resident", resident_id=newcomer.id)
    apply = {"resident_id": newcomer.id, "post_id": post.id}

    refused = client.post("/api/applications", json=apply, headers=auth_headers(newcomer_user))
    assert refused.status_code == 409

    undo = client.patch(
        f"/api/applications/{hired.id}",
        json={"status": "withdrawn", "reason": "other", "note": "试用期内离职", "correction": True},
        headers=auth_headers(make_quick_user("admin")),
    )
    assert undo.status_code == 200
    assert undo.json["hired_at"] is None
    assert db.session.get(Post, post.id).filled == 0

    accepted = client.post("/api/applications", json=apply, headers=auth_headers(newcomer_user))
    assert accepted.status_code == 201


def test_a_correction_to_hired_respects_the_openings(client):
    post = make_post(openings=1)
    make_application(make_resident(), post, "hired")
    rejected = make_application(make_resident(), post, "rejected")
    before = snapshot(rejected.id, post.id)
    response = client.patch(
        f"/api/applications/{rejected.id}",
        json={"status": "hired", "note": "误拒，更正为录用", "correction": True},
        headers=auth_headers(make_quick_user("admin")),
    )
    assert response.status_code == 409
    assert snapshot(rejected.id, post.id) == before
