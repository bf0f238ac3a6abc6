"""Opening, reading and listing applications; bad input refused with nothing changed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jobmatch import clock
from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.extensions import db
from jobmatch.posts.models import Post
from tests.factories import (
    auth_headers,
    make_application,
    make_firm,
    make_post,
    make_quick_user,
    make_resident,
)

# A move to interview says when, where and whom to ask for.
INVITATION = {
    "status": "interview",
    "interview_at": "2026-12-01T09:30:00+08:00",
    "interview_place": "园区3号厂房",
    "interview_contact": "王主任 13912345678",
}


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Application)),
        db.session.scalar(select(func.count()).select_from(ApplicationEvent)),
    )


def test_staff_refer_a_resident(client):
    staff = make_quick_user("staff")
    resident, post = make_resident(), make_post()
    response = client.post(
        "/api/applications",
        json={"resident_id": resident.id, "post_id": post.id},
        headers=auth_headers(staff),
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["resident_id"], body["post_id"], body["status"]) == (
        resident.id,
        post.id,
        "recommended",
    )
    assert [(e["from_status"], e["to_status"], e["actor_user_id"]) for e in body["history"]] == [
        (None, "recommended", staff.id)
    ]
    assert client.get(f"/api/applications/{body['id']}", headers=auth_headers(staff)).json == body


def test_a_resident_applies_for_itself(client):
    user = make_quick_user("resident")
    post = make_post()
    response = client.post(
        "/api/applications",
        json={"resident_id": user.resident_id, "post_id": post.id},
        headers=auth_headers(user),
    )
    assert response.status_code == 201
    assert response.json["status"] == "applied"
    assert response.json["referred_rank"] is None
    assert response.json["history"][0]["actor_role"] == "resident"


@pytest.mark.parametrize(("role", "code"), [("firm", 403), ("other_resident", 403), (None, 401)])
def test_who_may_not_open_an_application(client, role, code):
    resident, post = make_resident(), make_post()
    headers = {}
    if role == "firm":
        headers = auth_headers(make_quick_user("firm", firm_id=post.firm_id))
    elif role == "other_resident":
        headers = auth_headers(make_quick_user("resident"))
    before = counts()
    response = client.post(
        "/api/applications", json={"resident_id": resident.id, "post_id": post.id}, headers=headers
    )
    assert response.status_code == code
    assert counts() == before


@pytest.mark.parametrize(
    ("post_fields", "message"),
    [
        ({"status": "closed"}, "关闭"),
        ({"status": "paused"}, "暂停"),
        ({"expires_on": clock.today() - timedelta(days=1)}, "有效期"),
        ({"openings": 2, "filled": 2}, "招满"),
    ],
)
@pytest.mark.parametrize("role", ["staff", "resident"])
def test_a_post_not_taking_applications_is_a_409(client, role, post_fields, message):
    post = make_post(**post_fields)
    user = make_quick_user(role)
    resident_id = user.resident_id or make_resident().id
    before = counts()
    response = client.post(
        "/api/applications",
        json={"resident_id": resident_id, "post_id": post.id},
        headers=auth_headers(user),
    )
    assert response.status_code == 409
    assert message in response.json["message"]
    assert counts() == before


def test_a_post_expiring_today_still_takes_applications(client):
    post = make_post(expires_on=clock.today())
    response = client.post(
        "/api/applications",
        json={"resident_id": make_resident().id, "post_id": post.id},
        headers=auth_headers(make_quick_user("staff")),
    )
    assert response.status_code == 201


@pytest.mark.parametrize("existing", ["recommended", "withdrawn", "hired"])
def test_a_second_application_for_the_same_post_is_a_409(client, existing):
    resident, post = make_resident(), make_post()
    make_application(resident, post, existing)
    resident_user = make_quick_user("resident", resident_id=resident.id)
    before = counts()
    for user in (resident_user, make_quick_user("staff")):
        response = client.post(
            "/api/applications",
            json={"resident_id": resident.id, "post_id": post.id},
            headers=auth_headers(user),
        )
        assert response.status_code == 409
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"resident_id": 1},
        {"post_id": 1},
        {"resident_id": "1", "post_id": 1},
        {"resident_id": 1, "post_id": 1.5},
        {"resident_id": 0, "post_id": 1},
        {"resident_id": -3, "post_id": 1},
        {"resident_id": 1, "post_id": True},
        {"resident_id": 1, "post_id": 2**40},
        {"resident_id": 1, "post_id": 1, "status": "hired"},
        [1, 2],
        "text",
    ],
)
def test_bad_create_input_is_a_422(client, body):
    staff = make_quick_user("staff")
    before = counts()
    response = client.post("/api/applications", json=body, headers=auth_headers(staff))
    assert response.status_code == 422, response.json
    assert response.json["errors"]
    assert counts() == before


@pytest.mark.parametrize("missing", ["resident_id", "post_id"])
def test_an_unknown_resident_or_post_is_a_field_error(client, missing):
    body = {"resident_id": make_resident().id, "post_id": make_post().id}
    body[missing] = 999999
    response = client.post(
        "/api/applications", json=body, headers=auth_headers(make_quick_user("staff"))
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == [missing]


def test_a_body_that_is_not_json_is_refused(client):
    response = client.post(
        "/api/applications",
        data="resident_id=1",
        content_type="application/x-www-form-urlencoded",
        headers=auth_headers(make_quick_user("staff")),
    )
    assert 400 <= response.status_code < 500
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "promoted"}, "status"),
        ({}, "status"),
        ({"status": "rejected"}, "reason"),
        ({"status": "rejected", "reason": "lazy"}, "reason"),
        ({"status": "withdrawn", "reason": ""}, "reason"),
        ({"status": "withdrawn"}, "reason"),
        ({"status": "interview", "reason": "skills"}, "reason"),
        ({"status": "interview", "note": "x" * 501}, "note"),
        ({"status": "interview", "note": "bad\x00note"}, "note"),
        ({"status": "interview", "note": 5}, "note"),
        ({"status": "interview", "correction": "maybe"}, "correction"),
        ({"status": "interview", "when": "now"}, "when"),
        ({"status": None}, "status"),
    ],
)
def test_bad_move_input_is_a_422_with_nothing_changed(client, body, field):
    application = make_application(status="applied")
    before = counts()
    response = client.patch(
        f"/api/applications/{application.id}",
        json=body,
        headers=auth_headers(make_quick_user("staff")),
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "applied"
    assert counts() == before


def test_reject_with_a_reason_and_a_note(client):
    application = make_application(status="interview")
    firm_user = make_quick_user("firm", firm_id=application.post.firm_id)
    response = client.patch(
        f"/api/applications/{application.id}",
        json={"status": "rejected", "reason": "no_show", "note": "面试当天未到"},
        headers=auth_headers(firm_user),
    )
    assert response.status_code == 200
    assert (response.json["reason"], response.json["note"]) == ("no_show", "面试当天未到")
    last = response.json["history"][-1]
    assert (last["reason"], last["note"], last["actor_role"]) == ("no_show", "面试当天未到", "firm")
    assert last["at"]


@pytest.mark.parametrize("application_id", [424242, 0, 2**31, 10**20])
def test_unknown_application_is_a_404(client, application_id):
    staff = make_quick_user("staff")
    url = f"/api/applications/{application_id}"
    assert client.get(url, headers=auth_headers(staff)).status_code == 404
    response = client.patch(url, json=INVITATION, headers=auth_headers(staff))
    assert response.status_code == 404


def test_no_token_is_a_401_even_with_a_bad_body(client):
    application = make_application()
    assert client.get("/api/applications").status_code == 401
    assert client.get(f"/api/applications/{application.id}").status_code == 401
    response = client.patch(f"/api/applications/{application.id}", json={"status": "nonsense"})
    assert response.status_code == 401


class TestListing:
    @pytest.fixture
    def world(self):
        firm_a, firm_b = make_firm(), make_firm()
        post_a, post_b = make_post(firm_a), make_post(firm_b)
        alice, bob = make_resident(name="甲"), make_resident(name="乙")
        applications = {
            "alice_a": make_application(alice, post_a, "applied"),
            "alice_b": make_application(alice, post_b, "interview"),
            "bob_a": make_application(bob, post_a, "recommended"),
        }
        return {
            "firm_a": firm_a,
            "post_a": post_a,
            "alice": alice,
            "bob": bob,
            "ids": {name: a.id for name, a in applications.items()},
        }

    def listed(self, client, user, query="") -> list[int]:
        response = client.get(f"/api/applications{query}", headers=auth_headers(user))
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json]

    def test_each_role_sees_its_own(self, client, world):
        ids = world["ids"]
        everyone = sorted(ids.values())
        assert self.listed(client, make_quick_user("staff")) == everyone
        assert self.listed(client, make_quick_user("admin")) == everyone
        firm_user = make_quick_user("firm", firm_id=world["firm_a"].id)
        assert self.listed(client, firm_user) == [ids["alice_a"], ids["bob_a"]]
        alice_user = make_quick_user("resident", resident_id=world["alice"].id)
        assert self.listed(client, alice_user) == [ids["alice_a"], ids["alice_b"]]
        # Filtering on someone else narrows one's own list; it never widens it.
        query = f"?resident_id={world['bob'].id}"
        assert self.listed(client, alice_user, query) == []
        assert self.listed(client, make_quick_user("firm")) == []

    def test_filters(self, client, world):
        staff = make_quick_user("staff")
        ids = world["ids"]
        query = f"?post_id={world['post_a'].id}"
        assert self.listed(client, staff, query) == [ids["alice_a"], ids["bob_a"]]
        assert self.listed(client, staff, f"?resident_id={world['alice'].id}&status=interview") == [
            ids["alice_b"]
        ]
        assert self.listed(client, staff, "?status=hired") == []

    def test_pagination(self, client, world):
        staff = make_quick_user("staff")
        response = client.get("/api/applications?page=2&page_size=2", headers=auth_headers(staff))
        assert response.status_code == 200
        assert len(response.json) == 1
        assert '"total": 3' in response.headers["X-Pagination"]

    @pytest.mark.parametrize(
        "query",
        [
            "?status=lost",
            "?post_id=abc",
            "?resident_id=0",
            "?post_id=1.5",
            "?page_size=0",
            "?page_size=101",
            "?page=0",
        ],
    )
    def test_bad_filters_are_a_422(self, client, world, query):
        response = client.get(
            f"/api/applications{query}", headers=auth_headers(make_quick_user("staff"))
        )
        assert response.status_code == 422


def test_the_resident_hears_of_its_applications_history(client):
    user = make_quick_user("resident")
    post = make_post(openings=1)
    created = client.post(
        "/api/applications",
        json={"resident_id": user.resident_id, "post_id": post.id},
        headers=auth_headers(user),
    ).json
    firm_user = make_quick_user("firm", firm_id=post.firm_id)
    for body in (INVITATION, {"status": "hired"}):
        response = client.patch(
            f"/api/applications/{created['id']}",
            json=body,
            headers=auth_headers(firm_user),
        )
        assert response.status_code == 200
    mine = client.get(f"/api/applications/{created['id']}", headers=auth_headers(user)).json
    assert [(e["from_status"], e["to_status"]) for e in mine["history"]] == [
        (None, "applied"),
        ("applied", "interview"),
        ("interview", "hired"),
    ]
    assert db.session.get(Post, post.id).filled == 1


def _matcher():
    return pytest.importorskip(
        "jobmatch.matching.service", reason="the matching engine is not in this tree yet"
    )


def test_a_referral_records_the_rank_and_score_the_matcher_gave(client):
    matcher = _matcher()
    resident = make_resident()
    posts = [make_post(wage_min=2500 + 300 * i, wage_max=4000 + 300 * i) for i in range(4)]
    ranked = {
        m.post_id: (m.rank, m.score) for m in matcher.rank_posts_for_resident(resident.id, 100)
    }
    assert set(ranked) >= {post.id for post in posts}
    chosen = posts[2].id

    response = client.post(
        "/api/applications",
        json={"resident_id": resident.id, "post_id": chosen},
        headers=auth_headers(make_quick_user("staff")),
    )

    assert response.status_code == 201
    body = response.json
    assert (body["referred_rank"], body["referred_score"]) == ranked[chosen]
    stored = db.session.get(Application, body["id"])
    assert (stored.referred_rank, stored.referred_score) == ranked[chosen]


def test_the_rank_a_referral_records_is_the_resident_list_s_own_for_every_post(client):
    """The referral's rank is computed without the reasons; it still agrees with the list for
    every post: a crowded post sorted last, and the posts cut off by the limit (None)."""
    matcher = _matcher()
    resident = make_resident()
    crowded = make_post(openings=1)  # first: without the rule, its smaller id would lead
    posts = [make_post(wage_min=2500 + 100 * i, wage_max=4000 + 100 * i) for i in range(8)]
    for _ in range(3):
        make_application(make_resident(), crowded)
    listed = matcher.rank_posts_for_resident(resident.id, 5)
    assert len(listed) == 5
    ranked = {m.post_id: (m.rank, m.score) for m in listed}
    unlimited = {m.post_id: m for m in matcher.rank_posts_for_resident(resident.id, 100)}
    assert unlimited[crowded.id].crowded and unlimited[crowded.id].rank == len(unlimited)
    for post_id in [*unlimited, posts[0].id, crowded.id]:
        expected = ranked.get(post_id)
        assert matcher.post_rank_for_resident(resident.id, post_id, 5) == expected
        whole = (unlimited[post_id].rank, unlimited[post_id].score)
        assert matcher.post_rank_for_resident(resident.id, post_id, 100) == whole


def test_a_referral_to_a_post_the_matcher_does_not_rank_records_no_rank(client):
    _matcher()
    resident = make_resident()  # born 1985: too old for a post that takes up to 30
    post = make_post(max_age=30)
    response = client.post(
        "/api/applications",
        json={"resident_id": resident.id, "post_id": post.id},
        headers=auth_headers(make_quick_user("staff")),
    )
    assert response.status_code == 201
    assert (response.json["referred_rank"], response.json["referred_score"]) == (None, None)


def test_a_full_post_is_no_longer_matched(client):
    matcher = _matcher()
    post = make_post(openings=1)
    hired = make_application(make_resident(), post, "interview")
    onlooker = make_resident()
    assert post.id in {m.post_id for m in matcher.rank_posts_for_resident(onlooker.id, 100)}

    response = client.patch(
        f"/api/applications/{hired.id}",
        json={"status": "hired"},
        headers=auth_headers(make_quick_user("staff")),
    )
    assert response.status_code == 200

    assert post.id not in {m.post_id for m in matcher.rank_posts_for_resident(onlooker.id, 100)}


def test_a_moves_answer_is_what_reading_the_application_answers(client):
    """A move reads back only what it must (service._read_back, the written values kept as
    stored): its answer is byte for byte a fresh GET, and the notice it sent reads the same
    interview time, in China's time."""
    staff = make_quick_user("staff")
    resident_user = make_quick_user("resident")
    post = make_post(openings=1)
    referral = client.post(
        "/api/applications",
        json={"resident_id": resident_user.resident_id, "post_id": post.id},
        headers=auth_headers(staff),
    )
    assert referral.status_code == 201
    path = f"/api/applications/{referral.json['id']}"
    assert referral.data == client.get(path, headers=auth_headers(staff)).data
    for body in (INVITATION, {"status": "hired"}):
        moved = client.patch(path, json=body, headers=auth_headers(staff))
        assert moved.status_code == 200, moved.json
        assert moved.data == client.get(path, headers=auth_headers(staff)).data
    assert [event["to_status"] for event in moved.json["history"]] == [
        "recommended",
        "interview",
        "hired",
    ]
    inbox = client.get("/api/notifications", headers=auth_headers(resident_user)).json
    assert any("面试时间：2026-12-01 09:30" in notice["text"] for notice in inbox)
