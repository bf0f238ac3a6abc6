"""The staff pages: dashboard, registering, roster import, referring, batch allocation."""

import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from jobmatch import clock
from jobmatch.applications.models import Application
from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from tests.factories import (
    make_application,
    make_community,
    make_firm,
    make_id_number,
    make_order,
    make_post,
    make_resident,
    make_skill,
)
from tests.web_helpers import post_form, signed_in


@pytest.fixture
def staff_user(client):
    return signed_in(client, "staff")


def _residents() -> int:
    return db.session.scalar(select(func.count(Resident.id)))


def test_the_dashboard_draws_its_charts_from_the_services(client, staff_user):
    firm = make_firm(name="天镇县箱包有限公司")
    post = make_post(firm, openings=10)
    make_post(firm, category="skilled", openings=3)
    make_application(post=post, status="hired")
    make_order(firm, product="bag", quantity=500, delivered=200, accepted=190)

    page = client.get("/staff").get_data(as_text=True)
    for chart in ("chart-firms", "chart-programs", "chart-orders", "chart-placements"):
        assert f'id="{chart}"' in page
    data = json.loads(
        re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S)
        .group(1)
        .replace("\\u003c", "<")
    )
    assert data["firms"] == [
        {
            "name": "天镇县箱包有限公司",
            "general_openings": 10,
            "general_filled": 1,
            "skilled_openings": 3,
            "skilled_filled": 0,
        }
    ]
    assert data["orders"] == [{"name": "箱包", "quantity": 500, "delivered": 200, "accepted": 190}]
    assert data["placements"] == [{"month": f"{clock.today():%Y-%m}", "hired": 1}]
    assert "/static/vendor/echarts/echarts.min.js" in page


def test_echarts_is_served_locally_with_its_licence(client):
    script = client.get("/static/vendor/echarts/echarts.min.js")
    assert script.status_code == 200
    assert b"echarts" in script.data[:2000]
    script.close()
    licence = client.get("/static/vendor/echarts/LICENSE")
    assert b"Apache License" in licence.data
    licence.close()


def _resident_form(**overrides) -> dict:
    values = {
        "name": "周玉梅",
        "id_number": make_id_number(date(1975, 3, 8), female=True),
        "phone": "13812345678",
        "education": "junior_high",
        "shift_preference": "day",
        "desired_wage": "3000",
    }
    values.update(overrides)
    return values


def test_registering_a_resident(client, staff_user):
    community = make_community(name="万家乐社区")
    skill = make_skill(name="中国结编织")
    response = post_form(
        client,
        "/staff/residents/new",
        _resident_form(community_id=str(community.id), skills=skill.code, groups="relocated"),
    )
    assert response.status_code == 302
    resident = db.session.scalar(select(Resident).where(Resident.name == "周玉梅"))
    assert resident.gender == "female" and resident.birth_date == date(1975, 3, 8)
    assert resident.community_id == community.id
    assert resident.skills == [skill.code] and resident.groups == ["relocated"]
    assert resident.desired_wage == 3000


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "必填"),
        ({"id_number": "140222197503080021"}, "id_number", "校验位错误"),
        ({"id_number": "1402221975"}, "id_number", "应为18位"),
        ({"id_number": make_id_number(date(2015, 1, 1))}, "id_number", "未满16周岁"),
        ({"phone": "12345"}, "phone", "手机号码应为11位数字"),
        ({"desired_wage": "三千"}, "desired_wage", "应为整数"),
        ({"max_commute_km": "-3"}, "max_commute_km", "应大于0"),
        ({"community_id": "99999"}, "community_id", ""),
        ({"skills": "no_such_skill"}, "skills", ""),
    ],
)
def test_bad_input_is_told_in_chinese_beside_each_field_and_nothing_saved(
    client, staff_user, overrides, field, message
):
    before = _residents()
    response = post_form(client, "/staff/residents/new", _resident_form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page)
    assert error, f"no error beside {field}"
    assert message in error.group(1)
    assert re.search(r"[\u4e00-\u9fff]", error.group(1))
    assert _residents() == before


def test_registering_the_same_id_number_twice_is_refused(client, staff_user):
    existing = make_resident()
    before = _residents()
    response = post_form(
        client, "/staff/residents/new", _resident_form(id_number=existing.id_number)
    )
    assert response.status_code == 200
    assert 'id="id_number-error"' in response.get_data(as_text=True)
    assert _residents() == before


ROSTER = (
    "序号,姓名,身份证号码,联系电话,文化程度\n"
    "1,张桂英,{good},13912340001,初中\n"
    "2,李建国,140222198001010000,13912340002,小学\n"
    "3,王小明,{child},13912340003,初中\n"
    "4,赵德胜,{other},123,高中\n"
)


def test_a_roster_upload_lists_every_rejected_row_with_its_reasons(client, staff_user):
    csv = ROSTER.format(
        good=make_id_number(date(1970, 1, 1)),
        child=make_id_number(date(2016, 5, 1)),
        other=make_id_number(date(1980, 2, 2)),
    )
    response = post_form(
        client,
        "/staff/import",
        {"file": (io.BytesIO(csv.encode()), "名册.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.findall(r'class="card rejected-row" data-row="(\d+)"', page) == ["3", "4", "5"]
    assert 'data-count="created">1<' in page
    assert "校验位" in page and "未满16周岁" in page and "手机号码" in page
    assert _residents() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "请选择要上传的名册文件"),
        ((b"", "empty.csv"), "名册文件是空的"),
        ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls"), "不支持旧版 .xls"),
    ],
)
def test_a_bad_upload_is_told_not_a_500(client, staff_user, upload, message):
    data = {} if upload is None else {"file": (io.BytesIO(upload[0]), upload[1])}
    response = post_form(client, "/staff/import", data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_referring_a_resident_found_by_name(client, staff_user):
    resident = make_resident(name="孙丽华")
    post = make_post(title="包装工")
    found = client.get("/staff/refer", query_string={"q": "孙"}).get_data(as_text=True)
    assert f'data-resident-id="{resident.id}"' in found
    matches = client.get("/staff/refer", query_string={"resident_id": resident.id})
    assert f'data-post-id="{post.id}"' in matches.get_data(as_text=True)

    response = post_form(
        client,
        "/staff/refer",
        {"resident_id": str(resident.id), "post_id": str(post.id)},
    )
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert (application.resident_id, application.post_id) == (resident.id, post.id)
    assert application.status == "recommended"


def test_a_batch_allocation_proposes_referrals(client, staff_user):
    post = make_post(title="缝纫工", openings=2)
    people = [make_resident(name=f"求职者{i}") for i in range(3)]
    response = post_form(client, "/staff/allocate", {"multiple": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'class="panel allocation" data-post-id="{post.id}"' in page
    proposed = [int(n) for n in re.findall(r'<li data-resident-id="(\d+)"', page)]
    assert len(proposed) == 2 and set(proposed) <= {p.id for p in people}
    assert db.session.scalar(select(func.count(Application.id))) == 0  # only a proposal

    response = post_form(
        client,
        "/staff/refer/batch",
        {"post_id": str(post.id), "resident_id": [str(n) for n in proposed]},
        token_from="/staff/allocate",
    )
    assert response.status_code == 302
    referred = db.session.scalars(select(Application)).all()
    assert sorted(a.resident_id for a in referred) == sorted(proposed)
    assert {a.status for a in referred} == {"recommended"}


def test_a_bad_allocation_setting_is_told(client, staff_user):
    response = post_form(client, "/staff/allocate", {"multiple": "50"})
    assert response.status_code == 200
    error = re.search(r'id="multiple-error">(.*?)</p>', response.get_data(as_text=True))
    assert re.search(r"[\u4e00-\u9fff]", error.group(1))
