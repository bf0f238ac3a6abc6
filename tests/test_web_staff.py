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
    preview = response.get_data(as_text=True)
    assert 'data-state="preview"' in preview and _residents() == 0
    # Every row number with the person's name beside it, before anything is saved.
    rows = re.findall(
        r'<tr data-row="(\d+)" data-outcome="(\w+)">\s*<td>[^<]*</td>\s*<td>([^<]*)<', preview
    )
    assert rows == [
        ("2", "created", "张桂英"),
        ("3", "rejected", "李建国"),
        ("4", "rejected", "王小明"),
        ("5", "rejected", "赵德胜"),
    ]
    upload_id = re.search(r'action="/staff/import/(\w{32})"', preview).group(1)
    response = post_form(client, f"/staff/import/{upload_id}", {})
    page = response.get_data(as_text=True)
    assert re.findall(r'class="card rejected-row" data-row="(\d+)"', page) == ["3", "4", "5"]
    assert 'data-count="created">1<' in page and 'data-state="done"' in page
    assert "校验位" in page and "未满16周岁" in page and "手机号码" in page
    assert _residents() == 1
    download = client.get(f"/staff/import/{upload_id}/rejected")
    assert download.status_code == 200
    assert download.mimetype.endswith("spreadsheetml.sheet")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "请选择要上传的名册文件"),
        ((b"", "empty.csv"), "名册文件是空的"),
        ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls"), "无法读取该文件"),
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


def _plan_page(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)


def test_a_batch_allocation_proposes_referrals_and_keeps_the_plan(client, staff_user):
    post = make_post(title="缝纫工", openings=2)
    other = make_post(title="包装工", openings=1)
    people = [make_resident(name=f"求职者{i}") for i in range(4)]
    response = post_form(client, "/staff/allocate", {"multiple": "1"})
    page = _plan_page(client, response)
    plan_url = response.headers["Location"]
    assert f'class="panel allocation" data-post-id="{post.id}"' in page
    proposed = [int(n) for n in re.findall(r'<li data-resident-id="(\d+)"', page)]
    assert len(proposed) == 3 and set(proposed) <= {p.id for p in people}
    assert 'class="reasons"' in page  # each proposed pair says why
    assert db.session.scalar(select(func.count(Application.id))) == 0  # only a proposal

    plan_id = re.search(r"plan=(\d+)", plan_url).group(1)
    response = post_form(
        client, f"/staff/allocate/{plan_id}/refer", {"post_id": str(post.id)}, token_from=plan_url
    )
    page = _plan_page(client, response)
    referred = db.session.scalars(select(Application)).all()
    assert len(referred) == 2 and {a.post_id for a in referred} == {post.id}
    assert {a.status for a in referred} == {"recommended"}
    # The plan is still on the page, the referred marked, the other post still to refer.
    assert page.count("已推荐</span>") == 2
    assert f'data-post-id="{other.id}"' in page and 'data-action="refer-all"' in page

    response = post_form(client, f"/staff/allocate/{plan_id}/refer", {}, token_from=plan_url)
    page = _plan_page(client, response)
    assert db.session.scalar(select(func.count(Application.id))) == 3
    assert "已全部推荐" in page and 'data-action="refer-all"' not in page


def test_the_plan_never_proposes_a_pair_that_already_has_an_application(client, staff_user):
    post = make_post(title="缝纫工", openings=1)
    applied, fresh = make_resident(name="已报名"), make_resident(name="新人")
    make_application(applied, post, "rejected")
    page = _plan_page(client, post_form(client, "/staff/allocate", {"multiple": "2"}))
    proposed = {int(n) for n in re.findall(r'<li data-resident-id="(\d+)"', page)}
    assert proposed == {fresh.id}


def test_a_bad_allocation_setting_is_told(client, staff_user):
    response = post_form(client, "/staff/allocate", {"multiple": "50"})
    assert response.status_code == 200
    error = re.search(r'id="multiple-error">(.*?)</p>', response.get_data(as_text=True))
    assert re.search(r"[\u4e00-\u9fff]", error.group(1))


@pytest.mark.committing  # the job reports progress on a connection of its own
def test_a_large_roster_is_previewed_and_imported_as_a_job(app, client, staff_user):
    app.config["ROSTER_JOB_ROWS"] = 1
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
    assert response.status_code == 302 and "/staff/import/jobs/" in response.location
    preview = client.get(response.location).get_data(as_text=True)
    assert 'data-state="preview"' in preview and _residents() == 0
    upload_id = re.search(r'action="/staff/import/(\w{32})"', preview).group(1)
    response = post_form(client, f"/staff/import/{upload_id}", {}, token_from="/staff/import")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-state="done"' in page and 'data-count="created">1<' in page
    assert _residents() == 1


def test_a_running_import_shows_its_progress_and_refreshes(client, staff_user):
    from jobmatch.extensions import db
    from jobmatch.jobs.models import BackgroundJob

    job = BackgroundJob(
        id="a" * 32,
        kind="roster_import",
        function="jobmatch.residents.roster_uploads:run_import_job",
        payload={"upload_id": "b" * 32, "dry_run": False},
        state="running",
        progress=0.5,
        progress_done=1000,
        progress_total=2000,
    )
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/staff/import/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'data-state="running"' in page and "1000 / 2000" in page and "50%" in page
