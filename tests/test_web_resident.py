"""The resident's page: matches with reasons, applying, applications, training, notices."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from jobmatch.applications.models import Application
from jobmatch.extensions import db
from tests.factories import (
    make_application,
    make_cohort,
    make_enrollment,
    make_firm,
    make_post,
    make_program,
    make_resident,
    make_skill,
)
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def world(app):
    sewing = make_skill(name="缝纫")
    firm = make_firm(name="天镇箱包厂")
    resident = make_resident(name="李秀英", skills=[sewing.code], desired_wage=3000)
    return {
        "resident": resident,
        "fitting": make_post(firm, title="缝纫工", required_skills=[sewing]),
        "other": make_post(firm, title="包装工"),
        "closed": make_post(firm, title="已结束", status="closed"),
        "firm": firm,
    }


@pytest.fixture
def resident_user(client, world):
    return signed_in(client, "resident", resident_id=world["resident"].id)


def _match_ids(page: str) -> list[int]:
    cards = re.findall(r'<article class="card match" data-post-id="(\d+)"', page)
    return [int(n) for n in cards]


def test_matches_carry_their_post_id_and_reasons(client, world, resident_user):
    page = client.get("/me").get_data(as_text=True)
    shown = _match_ids(page)
    assert world["fitting"].id in shown
    assert world["closed"].id not in shown
    assert shown.index(world["fitting"].id) == 0  # the post wanting the resident's skill leads
    assert "推荐理由" in page
    assert page.count('type="submit">我要报名') == len(shown)


def test_applying_from_a_match(client, world, resident_user):
    post = world["fitting"]
    response = post_form(client, "/me/apply", {"post_id": str(post.id)}, token_from="/me")
    assert response.status_code == 302
    application = db.session.scalar(select(Application).where(Application.post_id == post.id))
    assert (application.resident_id, application.status) == (world["resident"].id, "applied")
    # Back at the card the button was on, with the confirmation inside it.
    location = response.headers["Location"]
    assert location.endswith(f"#match-{post.id}")
    page = client.get(location.split("#")[0]).get_data(as_text=True)
    card = page[page.index(f'id="match-{post.id}"') :]
    card = card[: card.index("</article>")]
    assert "已报名“缝纫工”" in card
    assert f'data-application-id="{application.id}"' in page


@pytest.mark.parametrize("post_key", ["closed", None])
def test_applying_to_a_closed_or_unknown_post_is_told_and_saves_nothing(
    client, world, resident_user, post_key
):
    post_id = str(world[post_key].id) if post_key else "not-a-number"
    post_form(client, "/me/apply", {"post_id": post_id}, token_from="/me")
    assert db.session.scalar(select(Application.id)) is None
    page = client.get("/me").get_data(as_text=True)
    assert "已关闭" in page or "请从列表中选择岗位" in page


def test_applying_twice_is_refused(client, world, resident_user):
    make_application(world["resident"], world["other"], status="applied")
    post_form(client, "/me/apply", {"post_id": str(world["other"].id)}, token_from="/me")
    assert "已申请过" in client.get("/me").get_data(as_text=True)


def test_withdrawing_needs_a_reason(client, world, resident_user):
    application = make_application(world["resident"], world["other"], status="applied")
    path = f"/me/applications/{application.id}/move"
    post_form(client, path, {"status": "withdrawn"}, token_from="/me")
    db.session.refresh(application)
    assert application.status == "applied"
    post_form(client, path, {"status": "withdrawn", "reason": "distance"}, token_from="/me")
    db.session.refresh(application)
    assert (application.status, application.reason) == ("withdrawn", "distance")


def test_a_resident_cannot_move_an_application_to_interview(client, world, resident_user):
    application = make_application(world["resident"], world["other"], status="applied")
    post_form(
        client,
        f"/me/applications/{application.id}/move",
        {"status": "interview"},
        token_from="/me",
    )
    db.session.refresh(application)
    assert application.status == "applied"


def test_training_and_certificates_are_shown(client, world, resident_user):
    program = make_program(code="chinese_knot", name="中国结编织")
    cohort = make_cohort(program, name="中国结编织第3期")
    make_enrollment(
        cohort,
        world["resident"],
        status="completed",
        hours_attended=40,
        passed=True,
        certificate_no="TZ2024-0031",
    )
    page = client.get("/me").get_data(as_text=True)
    assert "中国结编织第3期" in page
    assert "TZ2024-0031" in page
    assert "已结业" in page


def test_a_move_by_the_firm_reaches_the_residents_notices(client, world, resident_user):
    from jobmatch.applications.service import move_application
    from tests.factories import make_quick_user

    application = make_application(world["resident"], world["other"], status="applied")
    firm_user = make_quick_user("firm", firm_id=world["firm"].id)
    move_application(
        firm_user,
        application.id,
        status="interview",
        interview_at=datetime(2026, 12, 1, 1, 30, tzinfo=UTC),
        interview_place="园区3号厂房",
        interview_contact="王主任",
    )
    page = client.get("/me").get_data(as_text=True)
    assert "1 条未读" in page
    assert "待面试" in page


def test_each_match_links_to_the_post_page_with_the_way_from_home(client, world, resident_user):
    post = world["fitting"]
    me = client.get("/me").get_data(as_text=True)
    assert f'href="/posts/{post.id}"' in me
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert "缝纫工" in page and "工作内容" in page and "还缺" in page
    assert "我要报名" in page
    applied = post_form(
        client,
        "/me/apply",
        {"post_id": str(post.id), "from": "post"},
        token_from=f"/posts/{post.id}",
    )
    assert applied.headers["Location"] == f"/posts/{post.id}?applied=1#apply"
    after = client.get(f"/posts/{post.id}?applied=1").get_data(as_text=True)
    assert "已报名“缝纫工”" in after and "我要报名" not in after
