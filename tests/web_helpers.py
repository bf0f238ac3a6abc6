"""Helpers for the page tests: a form's CSRF token, and signing in as a browser would."""

import re

from tests.factories import make_quick_user

PASSWORD = "correct horse"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """The token a page's forms carry (it lives in the client's session cookie)."""
    match = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, user, password: str = PASSWORD):
    return client.post(
        "/login",
        data={"username": user.username, "password": password, "csrf_token": csrf_token(client)},
    )


def signed_in(client, role: str, **fields):
    """A user of ``role``, signed in on ``client``."""
    user = make_quick_user(role, **fields)  # its password is PASSWORD, hashed once
    response = sign_in(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)
    return user


def post_form(client, path: str, data: dict, token_from: str | None = None, **kwargs):
    """Submit a form as the page at ``token_from`` (default: ``path``) would."""
    data = {**data, "csrf_token": csrf_token(client, token_from or path)}
    return client.post(path, data=data, **kwargs)
