"""Input that used to answer 500 (and write a traceback): JSON numbers past Python's 4,300
digits, nesting 50,000 deep, oversized bodies, money past decimal's precision, control
characters and lone surrogates in free text, ids past the database's integers, and page forms
with "²", "①" or 5,000 digits where a number goes. Each is a 4xx with the JSON error (or, on a
page, a Chinese message), never a 500."""

import gc
import re

import pytest
from marshmallow import fields, validate

from jobmatch.accounts.schemas import Password
from jobmatch.database import MAX_ID
from jobmatch.schemas import Text
from tests.factories import auth_headers, make_firm, make_program, make_quick_user, make_resident
from tests.web_helpers import post_form, signed_in

WRITE_METHODS = ("post", "put", "patch", "delete")


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


def _write_operations(client):
    spec = client.get("/api/openapi.json").json
    for path, item in spec["paths"].items():
        for method in WRITE_METHODS:
            if method in item:
                yield method.upper(), re.sub(r"\{[^}]+\}", "1", path)


def test_unreadable_json_is_a_400_on_every_write(client, staff):
    bodies = {
        "5,000 digits": '{"name": ' + "9" * 5000 + "}",
        "50,000 deep": "[" * 50_000 + "]" * 50_000,
        "33 deep": '{"name": ' + "[" * 33 + "]" * 33 + "}",
    }
    wrong = []
    for method, url in _write_operations(client):
        for label, body in bodies.items():
            answer = client.open(url, method=method, data=body, headers=staff,
                                 content_type="application/json")  # fmt: skip
            if answer.status_code != 400 or answer.json["code"] != 400:
                wrong.append(f"{method} {url} {label}: {answer.status_code}")
    assert wrong == []


def test_signing_in_anonymously_with_unreadable_json(client):
    answer = client.post("/api/auth/token", data="9" * 5000, content_type="application/json")
    assert answer.status_code == 400 and answer.json["errors"] == {}
    deep = client.post("/api/auth/token", data="[" * 50_000, content_type="application/json")
    assert deep.status_code == 400


def test_a_json_body_over_the_limit_is_a_413(client, app, staff):
    body = '{"name": "' + "x" * app.config["JSON_MAX_BYTES"] + '"}'
    answer = client.post("/api/firms", data=body, headers=staff, content_type="application/json")
    assert answer.status_code == 413 and answer.json["code"] == 413
    anonymous = client.post("/api/auth/token", data=body, content_type="application/json")
    assert anonymous.status_code == 413


@pytest.mark.parametrize("money", [1e30, 1e308, -1e308, "1e30"])
def test_money_past_decimals_range_is_a_422(client, staff, money):
    firm = make_firm()
    order = {"firm_id": firm.id, "product": "手袋", "quantity": 10, "unit_rate": money}
    created = client.post("/api/orders", json=order, headers=staff)
    assert created.status_code == 422 and "unit_rate" in created.json["errors"]
    issue = {"resident_id": 1, "material": "布", "amount": money, "unit": "米", "pieces": 1}
    issued = client.post("/api/orders/1/materials", json=issue, headers=staff)
    assert issued.status_code == 422 and "amount" in issued.json["errors"]


@pytest.mark.parametrize("text", ["甲\x01乙", "甲\ud800乙", "甲\x00", "\x1b[31m"])
def test_control_characters_in_training_names_are_a_422(client, staff, text):
    program = make_program()
    cohort = {
        "program_code": program.code,
        "name": text,
        "location": text,
        "instructor": text,
        "starts_on": "2024-05-01",
        "ends_on": "2024-05-31",
        "capacity": 10,
    }
    answer = client.post("/api/cohorts", json=cohort, headers=staff)
    assert answer.status_code == 422
    assert {"name", "location", "instructor"} <= set(answer.json["errors"])
    renamed = client.patch(f"/api/programs/{program.code}", json={"name": text}, headers=staff)
    assert renamed.status_code == 422 and "name" in renamed.json["errors"]


def _argument_schemas(app):
    """Every schema a route reads its input with (body, query, form or files)."""
    for endpoint, view in app.view_functions.items():
        view_class = getattr(view, "view_class", None)
        methods = [getattr(view_class, m, None) for m in WRITE_METHODS + ("get",)]
        for function in [m for m in methods if m] if view_class else [view]:
            for argument in (
                getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            ):
                schema = argument["schema"]
                yield endpoint, schema() if isinstance(schema, type) else schema


def _loaded_fields(schema, prefix=""):
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        while isinstance(field, fields.List):
            field = field.inner
        if isinstance(field, fields.Nested):
            yield from _loaded_fields(field.schema, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", field


def test_every_input_string_is_the_checked_text_field(app):
    """Free text is Text (trimmed, control characters and lone surrogates refused); a string
    from a fixed list is checked by OneOf; a password is taken as typed (but encodable)."""
    loose = set()
    for endpoint, schema in _argument_schemas(app):
        for name, field in _loaded_fields(schema):
            if not isinstance(field, fields.String) or isinstance(field, Text | Password):
                continue
            if not any(isinstance(rule, validate.OneOf) for rule in field.validators):
                loose.add(f"{endpoint} {type(schema).__name__}.{name}")
    assert loose == set()


def test_every_input_integer_is_bounded(app):
    """No number past a 32-bit key reaches a query: SQLite cannot bind past 2**63 and
    PostgreSQL refuses past 2**31."""
    unbounded = set()
    for endpoint, schema in _argument_schemas(app):
        for name, field in _loaded_fields(schema):
            if isinstance(field, fields.Integer):
                if any(isinstance(rule, validate.OneOf) for rule in field.validators):
                    continue  # one of a few listed numbers
                ranges = [rule for rule in field.validators if isinstance(rule, validate.Range)]
                if not ranges or ranges[0].max is None or ranges[0].max > MAX_ID:
                    unbounded.add(f"{endpoint} {type(schema).__name__}.{name}")
    assert unbounded == set()


@pytest.mark.parametrize("number", [2**63, 2**64, 1e30, MAX_ID + 1])
def test_ids_past_the_database_are_a_422(client, staff, number):
    program = make_program()
    cohort = {
        "program_code": program.code,
        "name": "甲班",
        "starts_on": "2024-05-01",
        "ends_on": "2024-05-31",
        "capacity": 10,
    }
    for field in ("community_id", "firm_id"):
        answer = client.post("/api/cohorts", json={**cohort, field: number}, headers=staff)
        assert answer.status_code == 422 and field in answer.json["errors"], field
    enrolled = client.post("/api/cohorts/1/enrollments", json={"resident_id": number},
                           headers=staff)  # fmt: skip
    assert enrolled.status_code == 422 and "resident_id" in enrolled.json["errors"]
    resident = make_resident()
    moved = client.patch(f"/api/residents/{resident.id}", json={"community_id": number},
                         headers=staff)  # fmt: skip
    assert moved.status_code == 422 and "community_id" in moved.json["errors"]


NOT_NUMBERS = ["²", "①", "٣" * 3, "9" * 5000, "-1", "1e3", " "]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_the_open_posts_page_with_odd_numbers(client, value):
    for key in ("firm_id", "wage", "page"):
        answer = client.get("/", query_string={key: value})
        assert answer.status_code == 200, key
    if value.strip():
        firm = client.get("/", query_string={"firm_id": value}).get_data(as_text=True)
        assert "请从列表中选择企业" in firm
        wage = client.get("/", query_string={"wage": value}).get_data(as_text=True)
        assert "请填写整数月薪" in wage


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_resident_applying_with_odd_numbers(client, value):
    signed_in(client, "resident", resident_id=make_resident().id)
    applied = post_form(client, "/me/apply", {"post_id": value}, token_from="/me")
    assert applied.status_code == 302
    assert "请从列表中选择岗位" in client.get("/me").get_data(as_text=True)


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_the_staff_desk_with_odd_numbers(client, value):
    signed_in(client, "staff")
    looked = client.get("/staff/refer", query_string={"resident_id": value})
    assert looked.status_code == 200
    if value.strip():
        assert "请从列表中选择居民" in looked.get_data(as_text=True)
    form = {"resident_id": value, "post_id": value}
    answer = post_form(client, "/staff/refer", form, token_from="/staff/refer")
    assert answer.status_code == 302
    assert client.get("/staff/allocate", query_string={"plan": value}).status_code == 200
    allocated = post_form(client, "/staff/allocate", {"multiple": value})
    if value.strip():  # refused beside the field
        assert allocated.status_code == 200
        assert "has-error" in allocated.get_data(as_text=True)
    else:  # no multiple given: the plan is made and kept
        assert allocated.status_code == 302


def test_the_sign_in_form_refuses_control_characters_beside_the_field(client):
    answer = post_form(client, "/login", {"username": "demo\x1b[2J", "password": "x"})
    assert answer.status_code == 200
    assert "控制字符" in answer.get_data(as_text=True)


def test_stored_control_characters_never_break_a_download(client):
    """Text stored before the checks (or by a path without them) still exports."""
    from tests.factories import make_cohort, make_enrollment, make_post

    admin = auth_headers(make_quick_user("admin"))
    cohort = make_cohort(name="班\x01级", location="地\x02点")
    make_enrollment(cohort)
    make_post(title="岗\x03位")
    make_resident(name="张\x04三")
    statuses = {}
    for url in (
        f"/api/cohorts/{cohort.id}/subsidy?format=xlsx",
        "/api/reports/time-to-fill?format=xlsx",
        "/api/residents/export?format=xlsx",
    ):
        with client.get(url, headers=admin) as answer:
            statuses[url] = answer.status_code
    gc.collect()  # a writer that failed would leave generators behind: their noise is here
    assert set(statuses.values()) == {200}, statuses
