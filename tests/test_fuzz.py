"""Random input, derandomised so that a run repeats, on every page form and every write of the
API: whatever is sent, the answer is never a 5xx. (schemathesis in test_openapi.py drives the
API from its spec; this drives the page forms, which have none, and the API's bodies with
values of the wrong kind in every field.)"""

import json
import re
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobmatch.extensions import db
from tests.factories import (
    auth_headers,
    make_community,
    make_firm,
    make_post,
    make_quick_user,
    make_resident,
    make_skill,
)
from tests.web_helpers import csrf_token, sign_in

FUZZ = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# Text a person (or a script) could type where a number, a date, a name or a choice goes.
odd_numbers = st.sampled_from(["²", "①", "٣", "9" * 5000, "1e308", "-0", "0x1F", "1_000", ""])
digits = st.integers(min_value=-(2**70), max_value=2**70).map(str)
# A form is sent as UTF-8, which cannot carry a lone surrogate (the API tests send those).
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
field_values = st.one_of(odd_numbers, digits, text, st.just("\x00"))


def _form(names: tuple[str, ...]):
    return st.fixed_dictionaries({}, optional={name: field_values for name in names})


# Each page form: the signed-in role, the method and path, and the fields it reads.
PAGE_FORMS = {
    "open posts": (None, "GET", "/", ("category", "firm_id", "skill", "shift", "wage", "page")),
    "sign in": (None, "POST", "/login", ("username", "password", "next")),
    "apply": ("resident", "POST", "/me/apply", ("post_id",)),
    "ask for a place": ("resident", "POST", "/me/place-request", ("cohort_id", "post_id")),
    "find a resident": ("staff", "GET", "/staff/refer", ("q", "resident_id")),
    "refer": ("staff", "POST", "/staff/refer", ("resident_id", "post_id", "back")),
    "staff accounts": ("staff", "GET", "/staff/accounts", ("role", "firm_id")),
    "resident logins": ("staff", "POST", "/staff/logins", ("resident_id",)),
    "allocate": ("staff", "POST", "/staff/allocate", ("multiple", "include_employed", "firm_id")),
    "a kept plan": ("staff", "GET", "/staff/allocate", ("plan",)),
    "register a resident": (
        "staff",
        "POST",
        "/staff/residents/new",
        ("name", "id_number", "phone", "education", "community_id", "grid_id", "skills")
        + ("groups", "desired_wage", "shift_preference", "max_commute_km", "employment_status"),
    ),
    "publish a post": (
        "firm",
        "POST",
        "/firm/posts/new",
        ("title", "category", "shift", "openings", "wage_min", "wage_max", "min_age", "max_age")
        + ("expires_on", "required_skills", "min_education", "description", "occupation_code"),
    ),
}


# A page of each role that carries the CSRF token the role's forms send.
TOKEN_PAGES = {None: "/login", "resident": "/me", "staff": "/staff/allocate", "firm": "/firm"}


@pytest.fixture
def county(app):
    """A little of everything a form can name: a firm with a post, a resident, a skill."""
    make_skill("sewing")
    make_community()
    firm = make_firm()
    post = make_post(firm)
    resident = make_resident()
    return {"firm": firm, "post": post, "resident": resident}


@pytest.mark.parametrize("form", PAGE_FORMS)
def test_no_page_form_answers_a_5xx(client, county, form):
    role, method, path, names = PAGE_FORMS[form]
    if role == "resident":
        sign_in(client, make_quick_user("resident", resident_id=county["resident"].id))
    elif role == "firm":
        sign_in(client, make_quick_user("firm", firm_id=county["firm"].id))
    elif role:
        sign_in(client, make_quick_user(role))
    token = csrf_token(client, TOKEN_PAGES[role])

    @FUZZ
    @given(values=_form(names))
    def check(values):
        if method == "GET":
            answer = client.get(path, query_string=values)
        else:
            answer = client.post(path, data={**values, "csrf_token": token})
        assert answer.status_code < 500, (values, answer.status_code)
        db.session.rollback()

    check()


# Any JSON value, of any kind, for a field.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([1e30, 1e308, -1e308, 2**63, 2**31])
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _write_operations(client):
    spec = client.get("/api/openapi.json").json
    schemas = spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method in ("post", "put", "patch", "delete"):
            if method not in item:
                continue
            body = item[method].get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            schema = body["schema"]
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
            yield method.upper(), re.sub(r"\{[^}]+\}", "1", path), tuple(schema["properties"])


def test_no_write_answers_a_5xx_whatever_its_fields_hold(client, county):
    headers = auth_headers(make_quick_user("staff"))
    wrong = []
    for method, url, names in _write_operations(client):
        send = partial(client.open, url, method=method, headers=headers)

        @settings(FUZZ, max_examples=25)
        @given(body=st.fixed_dictionaries({}, optional={name: json_values for name in names}))
        def check(body):
            answer = send(data=json.dumps(body), content_type="application/json")  # noqa: B023
            if answer.status_code >= 500:
                wrong.append(f"{answer.request.path} {body!r}: {answer.status_code}")
            db.session.rollback()

        check()
    assert wrong == []
