"""Near misses: posts a resident misses by one certificate or skill, joined to the next class
that confers it; and asking the clerk for a place."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.pathways import service
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enrollment,
    make_post,
    make_program,
    make_quick_user,
    make_resident,
    make_skill,
)

SOON = clock.today() + timedelta(days=20)


@pytest.fixture
def world(app):
    sewing, cutting = make_skill("sewing", "缝纫"), make_skill("cutting", "裁剪")
    forklift = make_program("forklift", name="叉车司机")
    electric = make_program("electrician", name="电工")
    cutting_class = make_program("cutting_class", name="裁剪", skills=[cutting])
    resident = make_resident(skills=["sewing"], education="junior_high")
    # Forklift: the first class is full, the next one has seats.
    full = make_cohort(forklift, starts_on=SOON, ends_on=SOON + timedelta(days=9), capacity=1)
    make_enrollment(full)
    open_class = make_cohort(
        forklift, starts_on=SOON + timedelta(days=30), ends_on=SOON + timedelta(days=39)
    )
    # Cutting: only a full class is planned.
    cutting_full = make_cohort(
        cutting_class, starts_on=SOON, ends_on=SOON + timedelta(days=5), capacity=1
    )
    make_enrollment(cutting_full)
    by_certificate = make_post(title="叉车工", required_certificates=[forklift])
    by_skill = make_post(title="裁缝", required_skills=[sewing, cutting])
    make_post(title="两证", required_certificates=[forklift, electric])
    make_post(title="电工", required_certificates=[electric])  # missed, but no class planned
    make_post(title="普工", required_skills=[sewing])  # fits already
    make_post(title="年轻人", required_certificates=[forklift], max_age=30)  # too old anyway
    return {
        "resident": resident,
        "by_certificate": by_certificate,
        "by_skill": by_skill,
        "open_class": open_class,
        "cutting_full": cutting_full,
    }


def test_near_misses_by_one_certificate_or_skill_with_the_next_class(world):
    staff = make_quick_user("staff")
    items = {item["post_id"]: item for item in service.near_misses(staff, world["resident"].id)}
    electrician_post = next(i for i in items.values() if i["post"]["title"] == "电工")
    assert set(items) == {
        world["by_certificate"].id,
        world["by_skill"].id,
        electrician_post["post_id"],
    }
    forklift = items[world["by_certificate"].id]
    assert forklift["missing"] == {"kind": "certificate", "code": "forklift", "name": "叉车司机"}
    assert forklift["cohort"]["id"] == world["open_class"].id  # the full one is skipped
    assert forklift["cohort"]["seats_left"] == 30
    assert forklift["message"] == "报名下一期叉车司机班，可申请此岗位"
    cutting = items[world["by_skill"].id]
    assert cutting["missing"]["kind"] == "skill" and cutting["missing"]["code"] == "cutting"
    assert (cutting["cohort"]["id"], cutting["cohort"]["seats_left"]) == (
        world["cutting_full"].id,
        0,
    )
    assert electrician_post["cohort"] is None and electrician_post["message"] is None


def test_the_api_answers_staff_and_the_resident_only(client, world):
    resident_id = world["resident"].id
    own = make_quick_user("resident", resident_id=resident_id)
    other = make_quick_user("resident")
    firm = make_quick_user("firm")
    path = f"/api/residents/{resident_id}/near-misses"
    answer = client.get(path, headers=auth_headers(own))
    assert answer.status_code == 200 and len(answer.json) == 3
    assert client.get(path, headers=auth_headers(other)).status_code == 403
    assert client.get(path, headers=auth_headers(firm)).status_code == 403
    assert client.get(path).status_code == 401
    staff = make_quick_user("staff")
    assert client.get(
        "/api/residents/99999/near-misses", headers=auth_headers(staff)
    ).status_code in (
        403,
        404,
    )


def test_a_place_request_reaches_the_staff_inbox_once(client, world):
    resident_id = world["resident"].id
    own = make_quick_user("resident", resident_id=resident_id)
    path = f"/api/residents/{resident_id}/place-requests"
    body = {"cohort_id": world["open_class"].id, "post_id": world["by_certificate"].id}
    first = client.post(path, json=body, headers=auth_headers(own))
    assert first.status_code == 201, first.json
    assert client.post(path, json=body, headers=auth_headers(own)).status_code == 409
    notice = db.session.scalar(select(Notification).where(Notification.kind == "place_request"))
    assert notice.recipient_role == "staff" and "叉车工" in notice.text
    bad = client.post(path, json={"cohort_id": 424242}, headers=auth_headers(own))
    assert bad.status_code == 422
    other = make_quick_user("resident")
    assert client.post(path, json=body, headers=auth_headers(other)).status_code == 403


def test_me_shows_the_class_and_the_request_reaches_staff(client, world):
    from tests.web_helpers import post_form, signed_in

    signed_in(client, "resident", resident_id=world["resident"].id)
    page = client.get("/me").get_data(as_text=True)
    assert "报名下一期叉车司机班，可申请此岗位" in page
    assert f'data-cohort-id="{world["open_class"].id}"' in page
    sent = post_form(
        client,
        "/me/place-request",
        {"cohort_id": str(world["open_class"].id), "post_id": str(world["by_certificate"].id)},
        token_from="/me",
    )
    assert sent.status_code == 302
    staff = make_quick_user("staff")
    inbox = client.get("/api/notifications?unread=true", headers=auth_headers(staff)).json
    assert [n["kind"] for n in inbox] == ["place_request"]
    assert "叉车工" in inbox[0]["text"]


def test_program_demand_counts_who_a_class_would_open_posts_to(client, world):
    make_resident(skills=["sewing"], education="junior_high")  # a second sewer, same misses
    staff = make_quick_user("staff")
    response = client.get("/api/reports/program-demand", headers=auth_headers(staff))
    assert response.status_code == 200, response.json
    rows = {row["program_code"]: row for row in response.json}
    forklift = rows["forklift"]
    # Both sewers (and the two made for the full classes) miss the forklift post by the licence.
    assert forklift["post_ids"] == [world["by_certificate"].id]
    assert forklift["residents"] >= 2 and forklift["openings"] == 5
    assert forklift["seats"] == 30 and forklift["openings_per_seat"] == round(5 / 30, 4)
    cutting = rows["cutting_class"]
    assert cutting["post_ids"] == [world["by_skill"].id] and cutting["seats"] == 0
    assert cutting["openings_per_seat"] is None
    assert sum(c["residents"] for c in forklift["by_community"]) == forklift["residents"]
    firm = make_quick_user("firm")
    assert client.get("/api/reports/program-demand", headers=auth_headers(firm)).status_code == 403


def test_the_cohort_page_shows_the_demand_beside_the_seats(client, world):
    from tests.web_helpers import sign_in

    staff = make_quick_user("staff")
    rows = client.get("/api/reports/program-demand", headers=auth_headers(staff)).json
    forklift = next(row for row in rows if row["program_code"] == "forklift")
    sign_in(client, staff)
    page = client.get(f"/staff/cohorts/{world['open_class'].id}").get_data(as_text=True)
    assert f'data-residents="{forklift["residents"]}"' in page
    assert f'data-openings="{forklift["openings"]}"' in page
    assert f"{forklift['posts']} 个在招岗位" in page
