"""Who may do what on firms, posts, communities, skills and accounts: role x endpoint x
whose object, as docs/api.md says. Firm users are split into the user of the firm that
owns the object ("firm_own") and the user of another firm ("firm_other")."""

import pytest

from jobmatch.extensions import db
from tests.conftest import make_test_app
from tests.factories import (
    auth_headers,
    make_community,
    make_credit_code,
    make_firm,
    make_post,
    make_quick_user,
    make_resident,
    make_skill,
)

ROLES = ("anonymous", "resident", "firm_own", "firm_other", "staff", "admin")
EVERYONE = dict.fromkeys(ROLES, 200)
STAFF_ONLY_CREATE = {
    "anonymous": 401,
    "resident": 403,
    "firm_own": 403,
    "firm_other": 403,
    "staff": 201,
    "admin": 201,
}
OWNER_OR_STAFF = {
    "anonymous": 401,
    "resident": 403,
    "firm_own": 200,
    "firm_other": 403,
    "staff": 200,
    "admin": 200,
}
OWNER_OR_STAFF_CREATE = {**OWNER_OR_STAFF, "firm_own": 201, "staff": 201, "admin": 201}
SIGNED_IN = {**EVERYONE, "anonymous": 401}
STAFF_READ = {**STAFF_ONLY_CREATE, "staff": 200, "admin": 200}
ADMIN_ONLY = {**STAFF_READ, "staff": 403}
ADMIN_ONLY_CREATE = {**ADMIN_ONLY, "admin": 201}
# Wrong ID digits or code: the same 401 whoever asks (activation needs no account).
ANYONE_REFUSED = dict.fromkeys(ROLES, 401)
# A wrong old password: 422 for the signed in, 401 for anyone else.
SIGNED_IN_REFUSED = {**dict.fromkeys(ROLES, 422), "anonymous": 401}

# (method, path, body, expected code per role); {firm} and {post} belong to firm_own's firm.
MATRIX = [
    ("get", "/api/firms", None, EVERYONE),
    ("get", "/api/firms/{firm}", None, EVERYONE),
    ("post", "/api/firms", {"name": "新企业", "credit_code": "{new_code}"}, STAFF_ONLY_CREATE),
    ("patch", "/api/firms/{firm}", {"address": "园区2号"}, OWNER_OR_STAFF),
    ("get", "/api/posts", None, EVERYONE),
    ("get", "/api/posts/{post}", None, EVERYONE),
    (
        "post",
        "/api/posts",
        {
            "firm_id": "{firm}",
            "title": "包装工",
            "category": "general",
            "openings": 3,
            "wage_min": 2500,
            "wage_max": 3000,
        },
        OWNER_OR_STAFF_CREATE,
    ),
    ("patch", "/api/posts/{post}", {"openings": 12}, OWNER_OR_STAFF),
    ("get", "/api/communities", None, EVERYONE),
    ("get", "/api/skills", None, EVERYONE),
    ("get", "/api/auth/me", None, SIGNED_IN),
    # {fresh_resident} is a resident without an account, one for each role's request.
    ("post", "/api/residents/{fresh_resident}/login", None, STAFF_ONLY_CREATE),
    ("post", "/api/users/{reset_target}/reset", None, STAFF_ONLY_CREATE),
    ("patch", "/api/users/{kept_active}", {"is_active": True}, ADMIN_ONLY),
    ("get", "/api/users", None, STAFF_READ),
    ("post", "/api/users", {"firm_id": "{firm}", "username": "{new_username}"}, ADMIN_ONLY_CREATE),
    (
        "post",
        "/api/auth/activate",
        {"id_last6": "000000", "code": "ABCD2345", "password": "a new password"},
        ANYONE_REFUSED,
    ),
    (
        "post",
        "/api/auth/password",
        {"old_password": "not the password", "new_password": "a new password"},
        SIGNED_IN_REFUSED,
    ),
]


@pytest.fixture(scope="module")
def world(backend, database_factory, tmp_path_factory):
    """A firm with a post, another firm, and one user of each role, on a database of this
    module's own: each test sends one request, and the writes they make are idempotent or
    add rows no other test looks at, so the tables need not be emptied between tests."""
    app = make_test_app(database_factory(backend, "access"), tmp_path_factory.mktemp("access"))
    with app.app_context():
        db.create_all()
        firm, other_firm = make_firm(), make_firm()
        post = make_post(firm)
        make_community()
        make_skill()
        users = {
            "resident": make_quick_user("resident"),
            "firm_own": make_quick_user("firm", firm_id=firm.id),
            "firm_other": make_quick_user("firm", firm_id=other_firm.id),
            "staff": make_quick_user("staff"),
            "admin": make_quick_user("admin"),
        }
        headers = {role: auth_headers(user) for role, user in users.items()}
        headers["anonymous"] = {}
        values = {
            "firm": firm.id,
            "post": post.id,
            "reset_target": make_quick_user("resident").id,
            "kept_active": make_quick_user("firm", firm_id=firm.id).id,
        }
        # Issuing a login succeeds once per resident: each role's request gets its own.
        fresh = {role: {"fresh_resident": make_resident().id} for role in ROLES}
        fresh["bad_token"] = {"fresh_resident": make_resident().id}
        db.session.remove()
    # Requests run outside any pushed context, each in its own, as under a real server.
    yield {"client": app.test_client(), "headers": headers, "values": values, "fresh": fresh}
    with app.app_context():
        db.engine.dispose()


def _fill(value, values):
    if isinstance(value, str):
        filled = value.format(**values)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    return value


def _cases():
    for method, path, body, expected in MATRIX:
        for role in ROLES:
            yield pytest.param(
                method, path, body, role, expected[role], id=f"{method} {path} {role}"
            )


def _values(world, role: str) -> dict:
    unique = make_credit_code()
    return {
        **world["values"],
        **world["fresh"][role],
        "new_code": unique,
        "new_username": f"firm-{unique[-8:]}",
    }


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), list(_cases()))
def test_access(world, method, path, body, role, expected):
    client = world["client"]
    values = _values(world, role)
    kwargs = {"headers": world["headers"][role]}
    if body is not None:
        kwargs["json"] = _fill(body, values)
    response = getattr(client, method)(path.format(**values), **kwargs)
    assert response.status_code == expected, response.json
    if expected >= 400:
        assert set(response.json) == {"code", "status", "message", "errors"}


@pytest.mark.parametrize(("method", "path", "body"), [case[:3] for case in MATRIX])
def test_a_bad_token_is_a_401_even_where_anyone_may_read(world, method, path, body):
    """A token that is sent must be good: a client learns at once that it has expired."""
    client = world["client"]
    values = _values(world, "bad_token")
    kwargs = {"headers": {"Authorization": "Bearer expired-or-forged"}}
    if body is not None:
        kwargs["json"] = _fill(body, values)
    response = getattr(client, method)(path.format(**values), **kwargs)
    assert response.status_code == 401


def test_a_firm_user_cannot_move_a_post_to_another_firm(world):
    """The firm a post belongs to is fixed: firm_id is not a field of a change."""
    client = world["client"]
    headers = world["headers"]["firm_own"]
    post_id = world["values"]["post"]
    response = client.patch(f"/api/posts/{post_id}", json={"firm_id": 1}, headers=headers)
    assert response.status_code == 422


def test_anonymous_writes_are_a_401_before_the_body_is_read(world):
    response = world["client"].post("/api/posts", json={"nonsense": True})
    assert response.status_code == 401
