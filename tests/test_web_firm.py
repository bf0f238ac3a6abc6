"""The firm's pages: its posts, the applications to them, and its orders."""

import re

import pytest
from sqlalchemy import func, select

from jobmatch.applications.models import Application
from jobmatch.extensions import db
from jobmatch.posts.models import Post
from tests.factories import (
    make_application,
    make_delivery,
    make_firm,
    make_order,
    make_post,
    make_resident,
    make_skill,
)
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def firm_user(client):
    return signed_in(client, "firm")


def _post_count() -> int:
    return db.session.scalar(select(func.count(Post.id)))


def test_the_page_shows_the_firms_own_posts_applications_and_orders(client, firm_user):
    own = make_post(db.session.get(type(make_firm()), firm_user.firm_id), title="本厂缝纫工")
    other = make_post(title="别家的岗位")
    resident = make_resident(name="王桂兰", phone="13912345678")
    make_application(resident, own, status="applied")
    order = make_order(db.session.get(type(own.firm), firm_user.firm_id), quantity=500)
    make_delivery(order, quantity=40, accepted=38)

    page = client.get("/firm").get_data(as_text=True)
    assert f'data-post-id="{own.id}"' in page
    assert f'data-post-id="{other.id}"' not in page
    assert "王桂兰" in page and f'data-resident-id="{resident.id}"' in page
    assert "13912345678" not in page and "139****5678" not in page
    assert resident.id_number not in page
    assert "已交 40 件" in page and "合格 38 件" in page


def _form(**overrides) -> dict:
    values = {
        "title": "箱包缝纫工",
        "category": "general",
        "shift": "day",
        "openings": "6",
        "wage_min": "3000",
        "wage_max": "3800",
        "min_age": "18",
        "description": "缝制箱包",
        "required_skills__present": "1",
    }
    values.update(overrides)
    return values


def test_publishing_a_post(client, firm_user):
    skill = make_skill(name="缝纫")
    response = post_form(
        client,
        "/firm/posts/new",
        _form(meals_provided="on", required_skills=skill.code),
    )
    assert response.status_code == 302
    post = db.session.scalar(select(Post).where(Post.title == "箱包缝纫工"))
    assert post.firm_id == firm_user.firm_id
    assert (post.openings, post.wage_min, post.wage_max, post.min_age) == (6, 3000, 3800, 18)
    assert post.meals_provided and not post.housing_provided
    assert [s.code for s in post.required_skills] == [skill.code]
    assert post.status == "open"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "必填"),
        ({"wage_min": "5000", "wage_max": "3000"}, "wage_max", "最高月薪不能低于最低月薪"),
        ({"openings": "many"}, "openings", "应为整数"),
        ({"openings": "0"}, "openings", "招聘人数应为1至100000"),
        ({"min_age": "14"}, "min_age", "16"),
        ({"category": "boss"}, "category", "应为以下之一"),
        ({"expires_on": "2020-01-01"}, "expires_on", "截止日期不能早于今天"),
        ({"expires_on": "next week"}, "expires_on", "应为日期"),
        ({"required_skills": "no_such_skill"}, "required_skills", "未知的技能代码"),
    ],
)
def test_bad_input_is_told_beside_the_field_and_nothing_is_saved(
    client, firm_user, overrides, field, message
):
    before = _post_count()
    response = post_form(client, "/firm/posts/new", _form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert _post_count() == before


def test_editing_and_closing_a_post(client, firm_user):
    post = make_post(db.session.get(type(make_firm()), firm_user.firm_id), title="包装工")
    form_page = client.get(f"/firm/posts/{post.id}/edit").get_data(as_text=True)
    assert 'value="包装工"' in form_page
    response = post_form(
        client, f"/firm/posts/{post.id}/edit", _form(title="包装工（长期）", status="open")
    )
    assert response.status_code == 302
    db.session.refresh(post)
    assert post.title == "包装工（长期）"
    assert post.wage_max == 3800

    post_form(client, f"/firm/posts/{post.id}/close", {}, token_from="/firm")
    db.session.refresh(post)
    assert post.status == "closed"


def test_another_firms_post_cannot_be_opened_edited_or_closed(client, firm_user):
    other = make_post(title="别家的岗位")
    assert client.get(f"/firm/posts/{other.id}/edit").status_code == 404
    response = post_form(client, f"/firm/posts/{other.id}/close", {}, token_from="/firm")
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.status == "open"


def test_moving_an_application_to_interview_then_rejecting_with_a_reason(client, firm_user):
    post = make_post(db.session.get(type(make_firm()), firm_user.firm_id))
    application = make_application(post=post, status="applied")
    path = f"/firm/applications/{application.id}/move"

    # An invitation without its place is refused; with when, where and whom it is made.
    invitation = {
        "status": "interview",
        "interview_at": "2026-12-01T09:30",
        "interview_place": "园区3号厂房",
        "interview_contact": "王主任 13912345678",
    }
    post_form(client, path, {**invitation, "interview_place": ""}, token_from="/firm")
    db.session.refresh(application)
    assert application.status == "applied"
    response = post_form(client, path, invitation, token_from="/firm")
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == "interview"
    assert application.interview_place == "园区3号厂房"
    assert "王主任 13912345678" in client.get("/firm").get_data(as_text=True)

    outcome = f"/firm/applications/{application.id}/outcome"
    post_form(client, outcome, {"outcome": "no_show"}, token_from="/firm")
    db.session.refresh(application)
    assert application.interview_outcome == "no_show"

    # A rejection needs its reason: without one nothing changes and the page says so.
    response = post_form(client, path, {"status": "rejected"}, token_from="/firm")
    db.session.refresh(application)
    assert application.status == "interview"
    assert "必须填写原因" in client.get("/firm").get_data(as_text=True)

    post_form(client, path, {"status": "rejected", "reason": "skills"}, token_from="/firm")
    db.session.refresh(application)
    assert (application.status, application.reason) == ("rejected", "skills")


def test_a_move_the_workflow_refuses_is_told_not_made(client, firm_user):
    post = make_post(db.session.get(type(make_firm()), firm_user.firm_id))
    application = make_application(post=post, status="applied")
    post_form(
        client,
        f"/firm/applications/{application.id}/move",
        {"status": "hired"},
        token_from="/firm",
    )
    db.session.refresh(application)
    assert application.status == "applied"
    assert "不能从" in client.get("/firm").get_data(as_text=True)


def test_another_firms_application_cannot_be_moved(client, firm_user):
    application = make_application(status="applied")
    response = post_form(
        client,
        f"/firm/applications/{application.id}/move",
        {"status": "interview"},
        token_from="/firm",
    )
    assert response.status_code == 302
    assert db.session.get(Application, application.id).status == "applied"


def test_a_posts_candidates_are_ranked_with_reasons_and_nothing_sensitive(client, firm_user):
    sewing = make_skill(name="缝纫")
    firm = db.session.get(type(make_firm()), firm_user.firm_id)
    post = make_post(firm, title="缝纫工", required_skills=[sewing])
    skilled = make_resident(name="赵春梅", skills=[sewing.code], groups=["disabled"])
    unskilled = make_resident(name="钱志强")
    page = client.get(f"/firm/posts/{post.id}").get_data(as_text=True)
    ranked = [int(n) for n in re.findall(r'class="card candidate" data-resident-id="(\d+)"', page)]
    assert ranked[:2] == [skilled.id, unskilled.id]
    assert "赵春梅" in page
    assert '<ul class="reasons"><li>' in page
    for resident in (skilled, unskilled):
        assert resident.id_number not in page
        assert resident.phone not in page and resident.phone[-4:] not in page
    assert "残疾" not in page


def test_another_firms_post_shows_no_candidates(client, firm_user):
    other = make_post(title="别家的岗位")
    make_resident()
    assert client.get(f"/firm/posts/{other.id}").status_code == 404
