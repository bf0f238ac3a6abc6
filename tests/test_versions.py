"""Lost updates: residents, posts, cohorts and orders carry a version, shown as the ETag; a
PATCH with a stale If-Match is a 412 and changes nothing, and the firm's post form says the
post was changed by someone else and shows what it is now."""

import pytest

from jobmatch.extensions import db
from jobmatch.posts.models import Post
from tests.factories import (
    auth_headers,
    make_cohort,
    make_firm,
    make_order,
    make_post,
    make_quick_user,
    make_resident,
    make_skill,
)
from tests.web_helpers import post_form, signed_in

CHANGED = "已被他人修改"


def _resident():
    return f"/api/residents/{make_resident().id}", {"name": "王五"}, {"name": "赵六"}, "name"


def _post():
    return f"/api/posts/{make_post().id}", {"title": "质检员"}, {"title": "缝纫工"}, "title"


def _cohort():
    return (
        f"/api/cohorts/{make_cohort().id}",
        {"name": "甲班（改）"},
        {"name": "乙班（改）"},
        "name",
    )


def _order():
    return (
        f"/api/orders/{make_order().id}",
        {"product": "手袋（改）"},
        {"product": "背包（改）"},
        "product",
    )


RESOURCES = {"resident": _resident, "post": _post, "cohort": _cohort, "order": _order}


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


@pytest.mark.parametrize("kind", RESOURCES)
def test_a_stale_if_match_is_412_and_changes_nothing(client, staff, kind):
    url, first, second, field = RESOURCES[kind]()
    read = client.get(url, headers=staff)
    assert read.status_code == 200
    tag = read.headers["ETag"]
    assert tag == f'"{read.json["version"]}"'

    # Someone else saves first, from the same read.
    changed = client.patch(url, json=first, headers={**staff, "If-Match": tag})
    assert changed.status_code == 200, changed.json
    assert changed.headers["ETag"] != tag
    assert changed.json["version"] == read.json["version"] + 1

    late = client.patch(url, json=second, headers={**staff, "If-Match": tag})
    assert late.status_code == 412
    assert late.json["code"] == 412 and CHANGED in late.json["message"]
    assert client.get(url, headers=staff).json[field] == first[field]

    # With the current tag, or with none at all, a change applies.
    current = changed.headers["ETag"]
    again = client.patch(url, json=second, headers={**staff, "If-Match": current})
    assert again.status_code == 200 and again.json[field] == second[field]
    plain = client.patch(url, json=first, headers=staff)
    assert plain.status_code == 200 and plain.json[field] == first[field]
    assert plain.headers["ETag"] == f'"{again.json["version"] + 1}"'


def test_if_match_forms(client, staff):
    url, first, _, _ = _post()
    assert client.patch(url, json=first, headers={**staff, "If-Match": "*"}).status_code == 200
    # A weak tag, or anything that is not one of ours, never matches.
    for header in ('W/"2"', "2", '"abc"', '"' + "9" * 40 + '"'):
        answer = client.patch(url, json=first, headers={**staff, "If-Match": header})
        assert answer.status_code == 412, header
    assert (
        client.patch(url, json=first, headers={**staff, "If-Match": '"1", "2"'}).status_code == 200
    )


def test_a_change_of_skills_alone_moves_the_version(client, staff):
    make_skill("sewing")
    resident = make_resident()
    url = f"/api/residents/{resident.id}"
    before = client.get(url, headers=staff).json["version"]
    changed = client.patch(url, json={"skills": ["sewing"]}, headers=staff)
    assert changed.status_code == 200 and changed.json["version"] == before + 1


def test_a_create_answers_with_its_etag(client, staff):
    firm = make_firm()
    body = {
        "firm_id": firm.id,
        "title": "包装工",
        "category": "general",
        "openings": 2,
        "wage_min": 3000,
        "wage_max": 3500,
    }
    created = client.post("/api/posts", json=body, headers=staff)
    assert created.status_code == 201, created.json
    assert created.headers["ETag"] == '"1"'


def test_the_post_form_shows_changed_by_others_with_the_current_values(client):
    firm_user = signed_in(client, "firm")
    post = make_post(db.session.get(type(make_firm()), firm_user.firm_id), title="包装工")
    page = client.get(f"/firm/posts/{post.id}/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in page

    # A colleague renames the post while this form is open.
    post.title = "包装工（长期）"
    db.session.commit()

    form = {
        "version": "1",
        "title": "我的改动",
        "category": "general",
        "shift": "day",
        "openings": "6",
        "wage_min": "3000",
        "wage_max": "3800",
        "status": "open",
        "required_skills__present": "1",
    }
    answer = post_form(client, f"/firm/posts/{post.id}/edit", form)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert CHANGED in html
    assert 'value="包装工（长期）"' in html and "我的改动" not in html
    assert 'name="version" value="2"' in html
    db.session.expire_all()
    assert db.session.get(Post, post.id).title == "包装工（长期）"

    saved = post_form(client, f"/firm/posts/{post.id}/edit", {**form, "version": "2"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, post.id).title == "我的改动"
