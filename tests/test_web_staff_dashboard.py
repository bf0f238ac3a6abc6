"""The dashboard's tiles say what they count: open posts now, and all posts ever."""

import re

import pytest

from tests.factories import make_firm, make_post
from tests.web_helpers import signed_in


@pytest.fixture
def staff_user(client):
    return signed_in(client, "staff")


def _tile(page: str, name: str) -> str:
    return page.split(f'data-tile="{name}"')[1].split('<div class="stat"')[0]


def test_tiles_name_their_scope_and_count_open_posts_apart_from_all(client, staff_user):
    firm = make_firm()
    make_post(firm, openings=10, filled=4)
    make_post(firm, openings=5, filled=1, status="paused")
    make_post(firm, openings=3, filled=3, status="closed")
    page = client.get("/staff").get_data(as_text=True)
    open_now = _tile(page, "open")
    assert "在招岗位（招聘中）" in open_now
    assert '<div class="big-number">1</div>' in open_now and "还缺 6 人" in open_now
    ever = _tile(page, "all-posts")
    assert "含已结束" in ever and '<div class="big-number">18</div>' in ever
    assert '<div class="big-number">8</div>' in _tile(page, "filled")


def test_every_chart_has_axis_titles_and_14px_labels(client, staff_user):
    served = client.get("/static/js/staff-charts.js")
    script = served.get_data(as_text=True)
    served.close()
    for title in (
        '"企业"',
        '"人数"',
        '"培训项目"',
        '"产品"',
        '"件数"',
        '"月份"',
        '"录用人数（人）"',
    ):
        assert title in script
    sizes = [int(size) for size in re.findall(r"fontSize: (\d+)", script)]
    assert sizes and min(sizes) >= 14
