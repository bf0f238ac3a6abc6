"""The public list of open posts and its filters."""

import re

import pytest

from jobmatch.extensions import db
from tests.factories import make_firm, make_post, make_skill


def _post_ids(response) -> list[int]:
    return [int(n) for n in re.findall(r'data-post-id="(\d+)"', response.get_data(as_text=True))]


@pytest.fixture
def posts(app):
    bags = make_firm(name="箱包厂")
    knots = make_firm(name="中国结合作社")
    return {
        "day": make_post(bags, title="缝纫工", shift="day", wage_min=3000, wage_max=3600),
        "night": make_post(bags, title="夜班包装工", shift="night", wage_min=3500, wage_max=4500),
        "skilled": make_post(
            knots, title="质检员", category="skilled", wage_min=4000, wage_max=5000, filled=5
        ),
        "closed": make_post(knots, title="已结束的岗位", status="closed"),
    }


def test_open_posts_are_listed_with_their_openings_left(client, posts):
    response = client.get("/")
    assert response.status_code == 200
    assert sorted(_post_ids(response)) == sorted(
        posts[key].id for key in ("day", "night", "skilled")
    )
    page = response.get_data(as_text=True)
    assert "还缺 5 人" in page  # 5 openings, none filled
    assert "已招满" in page  # the skilled post filled all 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "skilled"}, ["skilled"]),
        ({"shift": "night"}, ["night"]),
        ({"wage": "4000"}, ["night", "skilled"]),
        ({"category": "general", "wage": "4000"}, ["night"]),
    ],
)
def test_filters_narrow_the_list(client, posts, query, expected):
    assert sorted(_post_ids(client.get("/", query_string=query))) == sorted(
        posts[key].id for key in expected
    )


def test_the_firm_filter(client, posts):
    response = client.get("/", query_string={"firm_id": posts["skilled"].firm_id})
    assert _post_ids(response) == [posts["skilled"].id]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"category": "boss"}, "category", "应为以下之一"),
        ({"firm_id": "abc"}, "firm_id", "请从列表中选择企业"),
        ({"firm_id": "99999"}, "firm_id", "不存在"),
        ({"skill": "no_such_skill"}, "skill", "未知的技能代码"),
        ({"wage": "lots"}, "wage", "请填写整数月薪"),
        ({"shift": "midnight"}, "shift", "请从列表中选择班次"),
    ],
)
def test_a_bad_filter_is_told_beside_its_field_never_a_500(client, posts, query, field, message):
    response = client.get("/", query_string=query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert _post_ids(response) == []


def test_the_filter_lists_follow_a_new_or_renamed_firm(client, posts):
    """The firm and skill lists are kept between requests (web/public.py) only while the
    firms and the catalogue stay as they were."""
    client.get("/")
    firm = make_firm(name="新来的企业")
    assert "新来的企业" in client.get("/").get_data(as_text=True)
    firm.name = "改了名的企业"
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "改了名的企业" in page and "新来的企业" not in page
    make_skill(name="新技能")
    assert "新技能" in client.get("/").get_data(as_text=True)


def test_the_page_is_one_statement_once_the_lists_are_kept(client, posts):
    """The posts, their firms and skills, the count and what the filter lists depend on are
    read in one statement; the firm and skill lists themselves only when those moved."""
    from sqlalchemy import event

    client.get("/")
    sent = []
    engine = db.engine
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/?page=1").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # The suite's own savepoints (conftest.py) are no part of the request's work.
    assert len([s for s in sent if not s.startswith(("SAVEPOINT", "RELEASE"))]) == 1, sent
