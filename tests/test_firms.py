"""Firms: the list and a firm for anyone, registration by staff, changes by staff or the firm."""

import json

import pytest

from tests.factories import auth_headers, make_credit_code, make_firm, make_quick_user


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


def test_the_list_is_paginated_by_id_with_a_total(client):
    firms = [make_firm() for _ in range(3)]
    response = client.get("/api/firms?page=2&page_size=2")
    assert response.status_code == 200
    assert [firm["id"] for firm in response.json] == [firms[2].id]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


@pytest.mark.parametrize("query", ["page_size=0", "page_size=101", "page=0", "page=abc"])
def test_an_invalid_page_is_a_422(client, query):
    assert client.get(f"/api/firms?{query}").status_code == 422


def test_one_firm_has_its_documented_fields(client):
    firm = make_firm(address="天镇县扶贫产业园")
    response = client.get(f"/api/firms/{firm.id}")
    assert response.status_code == 200
    assert response.json == {
        "id": firm.id,
        "name": firm.name,
        "credit_code": firm.credit_code,
        "industry": "箱包",
        "address": "天镇县扶贫产业园",
        "lat": 40.43,
        "lon": 114.10,
        "is_workshop": False,
    }


@pytest.mark.parametrize("firm_id", [4242, 2**40])
def test_a_missing_firm_is_a_404(client, firm_id):
    assert client.get(f"/api/firms/{firm_id}").status_code == 404


def test_staff_register_a_firm_with_its_credit_code_normalised(client, staff):
    code = make_credit_code()
    typed = " " + code.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post(
        "/api/firms", json={"name": "天镇县箱包厂", "credit_code": typed}, headers=staff
    )
    assert response.status_code == 201, response.json
    assert response.json["credit_code"] == code
    assert response.json["industry"] is None


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"credit_code": "91140222MA0000000X"}, "credit_code", "校验位"),
        ({"credit_code": "9114"}, "credit_code", "18位"),
        ({"credit_code": "91140222MA000000IO"}, "credit_code", "不允许的字符"),
        ({"name": ""}, "name", "1至128"),
        ({"name": "   "}, "name", "1至128"),
        ({"name": "厂\x00"}, "name", "控制字符"),
        ({"lat": 91}, "lat", "纬度"),
        ({"lon": "east"}, "lon", "数字"),
        ({"phone": "13800000000"}, "phone", "不认识的字段"),
    ],
)
def test_invalid_firm_fields_are_a_422_naming_the_field(client, staff, body, field, words):
    full = {"name": "某企业", "credit_code": make_credit_code(), **body}
    response = client.post("/api/firms", json=full, headers=staff)
    assert response.status_code == 422
    assert words in " ".join(response.json["errors"][field])


@pytest.mark.parametrize("missing", ["name", "credit_code"])
def test_name_and_credit_code_are_required(client, staff, missing):
    body = {"name": "某企业", "credit_code": make_credit_code()}
    del body[missing]
    response = client.post("/api/firms", json=body, headers=staff)
    assert response.status_code == 422
    assert response.json["errors"][missing] == ["必填。"]


def test_a_second_firm_with_the_same_credit_code_is_a_409(client, staff):
    existing = make_firm()
    response = client.post(
        "/api/firms", json={"name": "另一家", "credit_code": existing.credit_code}, headers=staff
    )
    assert response.status_code == 409
    assert "credit_code" in response.json["errors"]


def test_staff_change_any_field_but_not_onto_another_firm_s_code(client, staff):
    firm, other = make_firm(), make_firm()
    new_code = make_credit_code()
    response = client.patch(
        f"/api/firms/{firm.id}",
        json={"name": "新名称", "credit_code": new_code, "address": None},
        headers=staff,
    )
    assert response.status_code == 200
    assert (response.json["name"], response.json["credit_code"]) == ("新名称", new_code)
    clash = client.patch(
        f"/api/firms/{firm.id}", json={"credit_code": other.credit_code}, headers=staff
    )
    assert clash.status_code == 409


def test_a_firm_user_changes_its_own_contact_fields_only(client):
    firm = make_firm()
    headers = auth_headers(make_quick_user("firm", firm_id=firm.id))
    ok = client.patch(
        f"/api/firms/{firm.id}", json={"address": "新地址", "lat": 40.5}, headers=headers
    )
    assert ok.status_code == 200
    assert ok.json["address"] == "新地址"
    for body in ({"credit_code": make_credit_code()}, {"name": "改名"}):
        refused = client.patch(f"/api/firms/{firm.id}", json=body, headers=headers)
        assert refused.status_code == 403
        assert set(refused.json["errors"]) == set(body)


def test_a_refused_change_changes_nothing(client):
    firm = make_firm(name="原名")
    headers = auth_headers(make_quick_user("firm", firm_id=firm.id))
    client.patch(f"/api/firms/{firm.id}", json={"name": "改名", "address": "x"}, headers=headers)
    assert client.get(f"/api/firms/{firm.id}").json["name"] == "原名"
    assert client.get(f"/api/firms/{firm.id}").json["address"] is None


def test_only_staff_mark_a_firm_as_a_workshop(client, staff):
    firm = make_firm()
    own_user = make_quick_user("firm", firm_id=firm.id)
    refused = client.patch(
        f"/api/firms/{firm.id}", json={"is_workshop": True}, headers=auth_headers(own_user)
    )
    assert refused.status_code == 403
    marked = client.patch(f"/api/firms/{firm.id}", json={"is_workshop": True}, headers=staff)
    assert marked.status_code == 200 and marked.json["is_workshop"] is True
