"""Posts: their fields and defaults, validation, fair-hiring rules, filters, PATCH."""

import json
from datetime import timedelta

import pytest

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.training.models import Program
from tests.factories import auth_headers, make_firm, make_post, make_quick_user, make_skill


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


@pytest.fixture
def firm(app):
    return make_firm()


def new_post(firm, **fields):
    body = {
        "firm_id": firm.id,
        "title": "箱包缝纫工",
        "category": "general",
        "openings": 20,
        "wage_min": 2800,
        "wage_max": 3600,
    }
    body.update(fields)
    return body


def make_program(code="bag_assembly"):
    program = Program(code=code, name="箱包组装", hours=80)
    db.session.add(program)
    db.session.commit()
    return program


def test_a_minimal_post_gets_the_documented_defaults(client, staff, firm):
    response = client.post("/api/posts", json=new_post(firm), headers=staff)
    assert response.status_code == 201, response.json
    post = response.json
    assert post["status"] == "open"
    assert post["shift"] == "day"
    assert post["min_age"] == 16
    assert post["filled"] == 0
    assert post["openings_left"] == 20
    assert post["required_skills"] == [] and post["required_certificates"] == []
    assert post["max_age"] is None and post["min_education"] is None
    assert post["meals_provided"] is False and post["housing_provided"] is False
    assert post["firm"] == {"id": firm.id, "name": firm.name}
    assert client.get(f"/api/posts/{post['id']}").json == post


def test_every_field_is_written_and_read_back(client, staff, firm):
    make_skill("sewing", occupation_code="6-05-01-03")
    make_skill("bag_stitching")
    make_program("bag_assembly")
    expires = (clock.today() + timedelta(days=30)).isoformat()
    body = new_post(
        firm,
        category="skilled",
        occupation_code="6-05-01-03",
        shift="rotating",
        required_skills=["sewing", "bag_stitching", "sewing"],
        required_certificates=["bag_assembly"],
        min_education="初中毕业",
        min_age=18,
        max_age=50,
        meals_provided=True,
        housing_provided=True,
        description="负责箱包缝制。\n计件工资。",
        status="paused",
        expires_on=expires,
    )
    response = client.post("/api/posts", json=body, headers=staff)
    assert response.status_code == 201, response.json
    post = response.json
    assert post["required_skills"] == ["bag_stitching", "sewing"]
    assert post["required_certificates"] == ["bag_assembly"]
    assert post["min_education"] == "junior_high"
    assert (post["min_age"], post["max_age"]) == (18, 50)
    assert (post["shift"], post["status"], post["expires_on"]) == ("rotating", "paused", expires)
    assert post["description"] == "负责箱包缝制。\n计件工资。"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (
            {"required_skills": ["sewing", "juggling", "alchemy"]},
            "required_skills",
            "alchemy、juggling",
        ),
        (
            {"required_certificates": ["no_such_program"]},
            "required_certificates",
            "no_such_program",
        ),
        ({"occupation_code": "9-99-99-99"}, "occupation_code", "未知的职业代码"),
        ({"occupation_code": "sewing"}, "occupation_code", "6-05-01-03"),
        ({"wage_min": 4000, "wage_max": 3000}, "wage_max", "不能低于最低月薪"),
        ({"wage_min": -1}, "wage_min", "0至1000000"),
        ({"wage_max": 10**12}, "wage_max", "0至1000000"),
        ({"min_age": 15}, "min_age", "16"),
        ({"min_age": 30, "max_age": 25}, "max_age", "不能低于最低年龄"),
        ({"max_age": 25}, "max_age", None),
        ({"openings": 0}, "openings", "1至100000"),
        ({"openings": 2.5}, "openings", "整数"),
        ({"openings": "20"}, "openings", "整数"),
        ({"category": "manager"}, "category", "general、skilled"),
        ({"shift": "evening"}, "shift", "day、night、rotating"),
        ({"status": "draft"}, "status", "open、paused、closed"),
        ({"min_education": "博士后流动站"}, "min_education", "无法识别的文化程度"),
        ({"expires_on": "2001-01-01"}, "expires_on", "不能早于今天"),
        ({"expires_on": "next week"}, "expires_on", "YYYY-MM-DD"),
        ({"title": "x" * 129}, "title", "1至128"),
        ({"filled": 3}, "filled", "不认识的字段"),
        ({"salary": 3000}, "salary", "不认识的字段"),
        ({"firm_id": 4242}, "firm_id", "不存在"),
    ],
)
def test_invalid_post_fields_are_a_422_naming_the_field(client, staff, firm, fields, field, words):
    make_skill("sewing")
    body = new_post(firm, **fields)
    if words is None:  # max_age 25 with the default min_age 16 is fine
        assert client.post("/api/posts", json=body, headers=staff).status_code == 201
        return
    response = client.post("/api/posts", json=body, headers=staff)
    assert response.status_code == 422, response.json
    assert words in " ".join(response.json["errors"][field])


@pytest.mark.parametrize(
    "missing", ["firm_id", "title", "category", "openings", "wage_min", "wage_max"]
)
def test_the_required_fields_are_required(client, staff, firm, missing):
    body = new_post(firm)
    del body[missing]
    response = client.post("/api/posts", json=body, headers=staff)
    assert response.status_code == 422
    assert response.json["errors"][missing] == ["必填。"]


@pytest.mark.parametrize(
    "field",
    [
        "gender",
        "sex",
        "required_gender",
        "ethnicity",
        "nation",
        "hukou",
        "household_registration",
        "religion",
        "性别",
    ],
)
def test_a_gender_ethnicity_or_household_field_is_refused(client, staff, firm, field):
    response = client.post("/api/posts", json=new_post(firm, **{field: "male"}), headers=staff)
    assert response.status_code == 422
    assert "2026" in response.json["errors"][field][0]
    assert "不得设置性别、民族、宗教信仰或户籍要求" in response.json["errors"][field][0]


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "普工（限男）"),
        ("title", "包装女工"),
        ("description", "要求本地户口，年龄18-45岁"),
        ("description", "仅招汉族"),
        ("description", "女性优先"),
        ("description", "无宗教信仰"),
    ],
)
def test_a_requirement_stated_in_words_is_refused(client, staff, firm, field, text):
    response = client.post("/api/posts", json=new_post(firm, **{field: text}), headers=staff)
    assert response.status_code == 422
    assert "2026" in response.json["errors"][field][0]


@pytest.mark.parametrize("text", ["男女不限，户籍不限", "性别不限", "编织民族风中国结"])
def test_saying_there_is_no_such_requirement_is_fine(client, staff, firm, text):
    response = client.post("/api/posts", json=new_post(firm, description=text), headers=staff)
    assert response.status_code == 201, response.json


def test_a_change_is_refused_the_same_way(client, staff, firm):
    post = make_post(firm)
    for body in ({"gender": "female"}, {"title": "限女"}):
        assert client.patch(f"/api/posts/{post.id}", json=body, headers=staff).status_code == 422


def test_patch_changes_only_what_it_sends(client, staff, firm):
    make_skill("sewing")
    post = make_post(firm, title="旧名称", wage_min=3000, wage_max=4000)
    response = client.patch(
        f"/api/posts/{post.id}",
        json={"title": "新名称", "required_skills": ["sewing"], "max_age": 55},
        headers=staff,
    )
    assert response.status_code == 200, response.json
    assert response.json["title"] == "新名称"
    assert response.json["required_skills"] == ["sewing"]
    assert (response.json["wage_min"], response.json["wage_max"]) == (3000, 4000)
    cleared = client.patch(f"/api/posts/{post.id}", json={"max_age": None}, headers=staff)
    assert cleared.json["max_age"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"wage_min": 4500}, "wage_max"),
        ({"wage_max": 2500}, "wage_max"),
        ({"min_age": 60}, "max_age"),
    ],
)
def test_patch_keeps_ranges_in_order_with_what_is_stored(client, staff, firm, body, field):
    post = make_post(firm, wage_min=3000, wage_max=4000, min_age=18, max_age=50)
    response = client.patch(f"/api/posts/{post.id}", json=body, headers=staff)
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_openings_never_drop_below_filled(client, staff, firm):
    post = make_post(firm, openings=10, filled=6)
    refused = client.patch(f"/api/posts/{post.id}", json={"openings": 5}, headers=staff)
    assert refused.status_code == 409
    assert "6" in refused.json["message"]
    allowed = client.patch(f"/api/posts/{post.id}", json={"openings": 6}, headers=staff)
    assert allowed.status_code == 200
    assert allowed.json["openings_left"] == 0


@pytest.mark.parametrize("body", [{"firm_id": 1}, {"filled": 0}, {"id": 5}])
def test_the_firm_and_filled_cannot_be_patched(client, staff, firm, body):
    post = make_post(firm)
    assert client.patch(f"/api/posts/{post.id}", json=body, headers=staff).status_code == 422


def test_a_missing_post_is_a_404(client, staff):
    assert client.get("/api/posts/4242").status_code == 404
    assert client.patch("/api/posts/4242", json={"title": "x"}, headers=staff).status_code == 404


@pytest.fixture
def catalogue_of_posts(firm):
    other = make_firm()
    sewing, packing = make_skill("sewing"), make_skill("packing", occupation_code="6-31-05-00")
    posts = {
        "general_open": make_post(firm, category="general", occupation_code="6-05-01-03"),
        "skilled_open": make_post(firm, category="skilled", required_skills=[sewing]),
        "skilled_paused": make_post(
            other, category="skilled", status="paused", required_skills=[sewing, packing]
        ),
        "general_closed": make_post(other, status="closed", occupation_code="6-31-05-00"),
    }
    return {"firm": firm, "other": other, "posts": posts}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["general_open", "skilled_open", "skilled_paused", "general_closed"]),
        ("category=skilled", ["skilled_open", "skilled_paused"]),
        ("status=open", ["general_open", "skilled_open"]),
        ("firm_id={other}", ["skilled_paused", "general_closed"]),
        ("occupation_code=6-31-05-00", ["general_closed"]),
        ("skill=sewing", ["skilled_open", "skilled_paused"]),
        ("skill=sewing&skill=packing", ["skilled_paused"]),
        ("category=skilled&status=open&skill=sewing", ["skilled_open"]),
    ],
)
def test_the_list_filters(client, catalogue_of_posts, query, expected):
    query = query.format(other=catalogue_of_posts["other"].id)
    response = client.get(f"/api/posts?{query}")
    assert response.status_code == 200
    posts = catalogue_of_posts["posts"]
    assert [post["id"] for post in response.json] == [posts[name].id for name in expected]
    assert json.loads(response.headers["X-Pagination"])["total"] == len(expected)


def test_the_list_carries_the_firm_name_and_openings_left(client, firm):
    make_post(firm, openings=8, filled=3)
    [post] = client.get("/api/posts").json
    assert post["firm"]["name"] == firm.name
    assert post["openings_left"] == 5


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("category=manager", "category", "general、skilled"),
        ("status=draft", "status", "open、paused、closed"),
        ("firm_id=abc", "firm_id", "整数"),
        ("firm_id=4242", "firm_id", "不存在"),
        ("firm_id=0", "firm_id", "编号无效"),
        ("occupation_code=6-05", "occupation_code", "未知的职业代码"),
        ("occupation_code=sewing", "occupation_code", "6-05-01-03"),
        ("skill=sewing&skill=juggling&skill=alchemy", "skill", "juggling、alchemy"),
        ("page_size=0", "page_size", None),
    ],
)
def test_a_filter_naming_nothing_is_a_422_never_ignored(
    client, catalogue_of_posts, query, field, words
):
    response = client.get(f"/api/posts?{query}")
    assert response.status_code == 422
    assert field in response.json["errors"]
    if words:
        assert words in " ".join(response.json["errors"][field])


def test_the_service_narrows_by_shift_and_by_a_wage_the_top_of_the_range_reaches(firm):
    from jobmatch.errors import Invalid
    from jobmatch.posts import service

    day = make_post(firm, shift="day", wage_min=2800, wage_max=3600)
    night = make_post(firm, shift="night", wage_min=3500, wage_max=4500)
    assert service.list_posts({"shift": "night"}, 1, 10) == ([night], 1)
    assert service.list_posts({"wage_min": 3600}, 1, 10) == ([day, night], 2)
    assert service.list_posts({"wage_min": 3601}, 1, 10) == ([night], 1)
    assert service.list_posts({"shift": None, "wage_min": None}, 1, 10) == ([day, night], 2)
    with pytest.raises(Invalid) as raised:
        service.list_posts({"shift": "weekend"}, 1, 10)
    assert list(raised.value.errors) == ["shift"]


@pytest.mark.parametrize("query", ["shift=night", "wage_min=4000"])
def test_the_api_leaves_the_page_s_shift_and_wage_filters_aside(client, firm, query):
    posts = [make_post(firm, shift="day", wage_max=3600), make_post(firm, shift="night")]
    response = client.get(f"/api/posts?{query}")
    assert response.status_code == 200
    assert [post["id"] for post in response.json] == [post.id for post in posts]


def test_the_list_answers_exactly_what_post_out_dumps(seeded_client):
    """The list is built without marshmallow (posts/listing.py): every page of the seed's
    posts, byte for byte the JSON PostOut makes of the same posts read as objects."""
    from flask import current_app

    from jobmatch.posts import service
    from jobmatch.posts.schemas import PostOut

    pages = -(-service.list_posts({}, 1, 1)[1] // 20)
    with_skills = 0
    for page in range(1, pages + 1):
        response = seeded_client.get(f"/api/posts?page={page}")
        expected = PostOut(many=True).dump(service.list_posts({}, page, 20)[0])
        assert response.data == current_app.json.response(expected).data
        with_skills += sum(bool(post["required_skills"]) for post in response.json)
    assert pages > 1 and with_skills > 0


def test_a_post_lists_its_codes_in_order(client, staff, firm):
    for code in ("b_weld", "a_sew", "a2"):
        make_skill(code)
    make_program("z_cert")
    make_program("a_cert")
    body = new_post(firm, required_skills=["b_weld", "a_sew", "a2"])
    body["required_certificates"] = ["z_cert", "a_cert"]
    created = client.post("/api/posts", json=body, headers=staff).json
    listed = client.get(f"/api/posts?firm_id={firm.id}").json
    assert listed == [created]
    assert listed[0]["required_skills"] == ["a2", "a_sew", "b_weld"]
    assert listed[0]["required_certificates"] == ["a_cert", "z_cert"]


def test_the_list_is_one_statement(client, firm):
    from sqlalchemy import event

    make_post(firm, required_skills=[make_skill()])
    sent = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/api/posts").json
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    # The suite's own savepoints (conftest.py) are no part of the request's work.
    assert len([s for s in sent if not s.startswith(("SAVEPOINT", "RELEASE"))]) == 1, sent
