"""Residents API: registration, validation of every field, changes, lists and their filters."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.residents.models import Resident, ResidentSkill
from jobmatch.validators import id_check_char
from tests.factories import (
    auth_headers,
    make_community,
    make_id_number,
    make_quick_user,
    make_resident,
    make_skill,
)

ERROR_KEYS = {"code", "status", "message", "errors"}


def years_ago(years: int, days: int = 0) -> date:
    today = clock.today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day + timedelta(days=days)


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


@pytest.fixture
def catalogue(app):
    community = make_community(name="城关社区")
    return {
        "community": community,
        "sewing": make_skill("sewing", "缝纫"),
        "knot": make_skill("chinese_knot", "中国结编织"),
    }


def valid_body(**overrides) -> dict:
    body = {"name": "李四", "id_number": make_id_number(date(1980, 3, 2)), "phone": "13812345678"}
    body.update(overrides)
    return body


def test_staff_register_a_resident_and_get_the_derived_fields(client, staff, catalogue):
    number = make_id_number(date(1972, 11, 30), female=True)
    body = {
        "name": " 王 秀英 ",
        "id_number": number.lower(),
        "phone": "+86 138-1234-5678",
        "education": "初中毕业",
        "community_id": catalogue["community"].id,
        "grid_id": catalogue["community"].grids[0].id,
        "skills": ["sewing", "chinese_knot", "sewing"],
        "groups": ["relocated", "low_income"],
        "shift_preference": "day",
        "desired_wage": 3000,
        "max_commute_km": 12.5,
        "employment_status": "unemployed",
    }
    response = client.post("/api/residents", json=body, headers=staff)
    assert response.status_code == 201, response.json
    out = response.json
    assert out["name"] == "王秀英"
    assert out["id_number"] == f"{number[:6]}********{number[-4:]}"
    assert out["phone"] == "13812345678"
    assert (out["gender"], out["birth_date"]) == ("female", "1972-11-30")
    assert out["education"] == "junior_high"
    assert out["skills"] == ["chinese_knot", "sewing"]
    assert out["groups"] == ["low_income", "relocated"]
    assert out["created_at"].endswith("+00:00")  # UTC said, on SQLite too
    assert (out["desired_wage"], out["max_commute_km"], out["shift_preference"]) == (
        3000,
        12.5,
        "day",
    )
    stored = db.session.get(Resident, out["id"])
    assert stored.id_number == number.upper()
    raw = bytes(db.session.execute(text("SELECT id_number FROM residents")).scalar_one())
    assert number.upper().encode() not in raw  # encrypted at rest


def test_defaults_fill_what_is_not_given(client, staff):
    response = client.post("/api/residents", json=valid_body(), headers=staff)
    assert response.status_code == 201
    out = response.json
    assert (out["education"], out["shift_preference"], out["employment_status"]) == (
        "other",
        "any",
        "unemployed",
    )
    assert (out["skills"], out["groups"], out["community_id"]) == ([], [], None)


@pytest.mark.parametrize("field", ["name", "id_number", "phone"])
def test_required_fields(client, staff, field):
    body = valid_body()
    del body[field]
    response = client.post("/api/residents", json=body, headers=staff)
    assert response.status_code == 422
    assert set(response.json) == ERROR_KEYS
    assert response.json["errors"][field] == ["必填。"]


def _check_digit_wrong(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


INVALID_FIELDS = [
    ("name", "", "长度"),
    ("name", "   ", "不能为空"),
    ("name", "张" * 65, "长度"),
    ("name", "张\x00三", "控制字符"),
    ("name", None, "不能为空"),
    ("id_number", _check_digit_wrong(make_id_number()), "校验位"),
    ("id_number", "14022219850615001", "18位"),
    ("id_number", "140222198502300011", "不是真实日期"),
    ("id_number", 140222198506150011, "文本"),
    ("id_number", make_id_number(years_ago(15)), "未满16周岁"),
    ("id_number", make_id_number(years_ago(16, days=1)), "未满16周岁"),
    ("phone", "12345678901", "手机号码"),
    ("phone", "1381234567", "手机号码"),
    ("education", "博士后在站", "文化程度"),
    ("education", None, "不能为空"),
    ("community_id", 999999, "不存在"),
    ("community_id", "abc", ""),
    ("community_id", 0, "之间"),
    ("community_id", 2**40, "之间"),
    ("grid_id", 999999, "网格"),
    ("skills", ["welding", "sewing", "plumbing"], "welding、plumbing"),
    ("skills", "sewing", ""),
    ("groups", ["rich"], "应为以下之一"),
    ("shift_preference", "rotating", "应为以下之一"),
    ("desired_wage", -1, "之间"),
    ("desired_wage", 10**7, "之间"),
    ("desired_wage", "lots", ""),
    ("max_commute_km", 0, "大于0"),
    ("max_commute_km", -3.5, "大于0"),
    ("employment_status", "retired", "应为以下之一"),
    ("gender", "male", ""),
    ("birth_date", "1990-01-01", ""),
]


@pytest.mark.parametrize(("field", "value", "fragment"), INVALID_FIELDS)
def test_every_field_is_validated(client, staff, catalogue, field, value, fragment):
    response = client.post("/api/residents", json=valid_body(**{field: value}), headers=staff)
    assert response.status_code == 422, response.json
    assert set(response.json) == ERROR_KEYS
    messages = response.json["errors"][field]
    assert fragment in json.dumps(messages, ensure_ascii=False)
    assert db.session.scalar(select(func.count(Resident.id))) == 0


def test_a_sixteen_year_old_registers_on_the_birthday(client, staff):
    response = client.post(
        "/api/residents", json=valid_body(id_number=make_id_number(years_ago(16))), headers=staff
    )
    assert response.status_code == 201


def test_full_width_digits_and_spaces_in_numbers_are_normalised(client, staff):
    number = make_id_number(date(1990, 1, 1))
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    response = client.post(
        "/api/residents",
        json=valid_body(id_number=f" {wide[:6]} {wide[6:]} ", phone="１３９ ００００ １１１１"),
        headers=staff,
    )
    assert response.status_code == 201
    assert response.json["phone"] == "13900001111"
    assert db.session.get(Resident, response.json["id"]).id_number == number


def id_number_ending_in_x() -> str:
    for serial in range(1, 1000):
        first17 = f"14022219800101{serial:03d}"
        if id_check_char(first17) == "X":
            return first17 + "X"
    raise AssertionError("no serial gives X")


def test_a_second_resident_with_the_same_id_number_is_a_conflict(client, staff):
    number = id_number_ending_in_x()
    first = client.post("/api/residents", json=valid_body(id_number=number), headers=staff)
    second = client.post(
        "/api/residents", json=valid_body(id_number=number.lower(), name="别人"), headers=staff
    )
    assert first.status_code == 201
    assert second.status_code == 409
    assert set(second.json) == ERROR_KEYS
    assert "id_number" in second.json["errors"]
    assert db.session.scalar(select(func.count(Resident.id))) == 1


def test_patch_changes_fields_and_rederives_from_a_new_id_number(client, staff, catalogue):
    resident = make_resident(skills=["sewing"])
    new_number = make_id_number(date(1991, 7, 7), female=True)
    response = client.patch(
        f"/api/residents/{resident.id}",
        json={
            "id_number": new_number,
            "education": "高中",
            "skills": ["chinese_knot"],
            "desired_wage": None,
        },
        headers=staff,
    )
    assert response.status_code == 200, response.json
    out = response.json
    assert (out["gender"], out["birth_date"], out["education"]) == (
        "female",
        "1991-07-07",
        "senior_high",
    )
    assert out["skills"] == ["chinese_knot"]
    assert out["id_number"].endswith(new_number[-4:])


def test_patch_to_another_residents_id_number_is_a_conflict(client, staff):
    first, second = make_resident(), make_resident()
    response = client.patch(
        f"/api/residents/{second.id}", json={"id_number": first.id_number}, headers=staff
    )
    assert response.status_code == 409
    assert set(response.json) == ERROR_KEYS


def test_patch_keeps_skills_conferred_by_training(client, staff, catalogue):
    resident = make_resident(skills=["sewing"])
    db.session.get(ResidentSkill, (resident.id, "sewing")).source = "training"
    db.session.commit()
    response = client.patch(
        f"/api/residents/{resident.id}", json={"skills": ["chinese_knot"]}, headers=staff
    )
    assert response.json["skills"] == ["chinese_knot", "sewing"]


def test_moving_community_leaves_the_old_grid_and_a_foreign_grid_is_refused(
    client, staff, catalogue
):
    home = catalogue["community"]
    other = make_community(name="南关社区")
    resident = make_resident(community_id=home.id, grid_id=home.grids[0].id)
    foreign = client.patch(
        f"/api/residents/{resident.id}", json={"grid_id": other.grids[0].id}, headers=staff
    )
    assert foreign.status_code == 422
    assert "grid_id" in foreign.json["errors"]
    moved = client.patch(
        f"/api/residents/{resident.id}", json={"community_id": other.id}, headers=staff
    )
    assert (moved.json["community_id"], moved.json["grid_id"]) == (other.id, None)


def test_a_resident_changes_its_own_contact_and_preferences_only(client, catalogue):
    user = make_quick_user("resident")
    headers = auth_headers(user)
    allowed = client.patch(
        f"/api/residents/{user.resident_id}",
        json={"phone": "13700001111", "shift_preference": "night", "skills": ["sewing"]},
        headers=headers,
    )
    assert allowed.status_code == 200
    assert allowed.json["phone"] == "137****1111"
    assert allowed.json["shift_preference"] == "night"
    refused = client.patch(
        f"/api/residents/{user.resident_id}",
        json={"name": "改名", "groups": ["veteran"]},
        headers=headers,
    )
    assert refused.status_code == 403
    assert set(refused.json["errors"]) == {"name", "groups"}
    assert db.session.get(Resident, user.resident_id).name == "张三"


@pytest.mark.parametrize(
    ("role", "own", "expected"),
    [
        (None, False, 401),
        ("firm", False, 403),
        ("resident", False, 403),
        ("resident", True, 200),
        ("staff", False, 200),
        ("admin", False, 200),
    ],
)
def test_who_may_patch(client, role, own, expected):
    target = make_resident()
    headers = {}
    if role is not None:
        fields = {"resident_id": target.id} if own else {}
        headers = auth_headers(make_quick_user(role, **fields))
    response = client.patch(
        f"/api/residents/{target.id}", json={"employment_status": "employed"}, headers=headers
    )
    assert response.status_code == expected
    if expected != 200:
        assert set(response.json) == ERROR_KEYS
        assert db.session.get(Resident, target.id).employment_status == "unemployed"


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 401), ("firm", 403), ("resident", 403), ("staff", 200), ("admin", 200)],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_who_may_list_and_register(client, role, expected, method):
    headers = auth_headers(make_quick_user(role)) if role else {}
    if method == "get":
        response = client.get("/api/residents", headers=headers)
    else:
        response = client.post("/api/residents", json=valid_body(), headers=headers)
        expected = 201 if expected == 200 else expected
    assert response.status_code == expected
    if expected >= 400:
        assert set(response.json) == ERROR_KEYS


def test_a_missing_resident_is_404_for_staff(client, staff):
    for resident_id in (424242, 2**40):
        response = client.get(f"/api/residents/{resident_id}", headers=staff)
        assert response.status_code == 404
        assert set(response.json) == ERROR_KEYS


@pytest.fixture
def population(app, catalogue):
    community, other = catalogue["community"], make_community(name="北关社区")
    return {
        "wang": make_resident(
            name="王一", community_id=community.id, skills=["sewing"], groups=["relocated"]
        ),
        "wang2": make_resident(name="王二", community_id=other.id, education="senior_high"),
        "li": make_resident(
            name="李三", community_id=community.id, employment_status="employed", groups=["veteran"]
        ),
        "percent": make_resident(name="%号"),
        "community": community,
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["wang", "wang2", "li", "percent"]),
        ("q=王", ["wang", "wang2"]),
        ("q=%", ["percent"]),
        ("q=_", []),
        ("education=senior_high", ["wang2"]),
        ("education=高中", ["wang2"]),
        ("group=relocated", ["wang"]),
        ("skill=sewing", ["wang"]),
        ("employment_status=employed", ["li"]),
        ("community_id={community}&q=李", ["li"]),
    ],
)
def test_list_filters(client, staff, population, query, expected):
    query = query.format(community=population["community"].id)
    response = client.get(f"/api/residents?{query}", headers=staff)
    assert _ids(response) == [population[name].id for name in expected]
    assert json.loads(response.headers["X-Pagination"])["total"] == len(expected)


@pytest.mark.parametrize(
    "query",
    [
        "community_id=abc",
        "community_id=0",
        "education=phd",
        "group=rich",
        "skill=unknown_skill",
        "employment_status=retired",
        "q=",
        "page=0",
        "page_size=0",
        "page_size=101",
        "page=abc",
    ],
)
def test_invalid_filters_and_pages_are_422(client, staff, population, query):
    response = client.get(f"/api/residents?{query}", headers=staff)
    assert response.status_code == 422
    assert set(response.json) == ERROR_KEYS
    assert response.json["errors"]


def test_pages(client, staff, population):
    first = client.get("/api/residents?page=1&page_size=3", headers=staff)
    second = client.get("/api/residents?page=2&page_size=3", headers=staff)
    assert len(_ids(first)) == 3 and len(_ids(second)) == 1
    pagination = json.loads(first.headers["X-Pagination"])
    assert (pagination["total"], pagination["total_pages"]) == (4, 2)
