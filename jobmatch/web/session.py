"""Who is signed in to the pages: the user id in Flask's signed session cookie.

The cookie also holds the key of a session kept on the server (jobmatch.accounts.sessions), a
fingerprint of the password hash (a digest, so the cookie reveals nothing of the hash) and the
time of sign-in: signing out, a reset, a disable or a changed password ends the session on the
server, so a copied cookie stops working at once; a session lasts as long as an API token.
"""

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

from jobmatch.accounts import sessions
from jobmatch.accounts.auth import password_fingerprint
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.errors import Forbidden
from jobmatch.extensions import db

_CACHE_KEY = "jobmatch.web_user"
HOME_BY_ROLE = {
    Role.RESIDENT: "web.me",
    Role.FIRM: "web.firm",
    Role.ADMIN: "web.staff",
    Role.STAFF: "web.staff",
}


def sign_in(user: User) -> None:
    # A new session on every sign-in, so that a cookie planted before it is worth nothing.
    _forget_session()
    session["sid"] = sessions.open_session(user)
    session["uid"] = user.id
    session["fp"] = password_fingerprint(user)
    session["at"] = int(time.time())
    session.permanent = True
    request.environ[_CACHE_KEY] = user


def sign_out() -> None:
    if session.get("sid"):
        sessions.end_session(session["sid"])
    _forget_session()
    request.environ[_CACHE_KEY] = None


def _forget_session() -> None:
    session.clear()
    # Flask-WTF keeps this request's signed form token in g; it belonged to the old session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def web_user() -> User | None:
    """The signed-in user of this request, or None."""
    # Kept with the request, not in g: g belongs to the app context, which may outlive it.
    if _CACHE_KEY not in request.environ:
        request.environ[_CACHE_KEY] = _user_from_session()
    return request.environ[_CACHE_KEY]


def _user_from_session() -> User | None:
    uid = session.get("uid")
    if uid is None:
        return None
    max_age = current_app.config["TOKEN_MAX_AGE_SECONDS"]
    if time.time() - session.get("at", 0) > max_age:
        session.clear()
        return None
    user = db.session.get(User, uid)
    if (
        user is None
        or not user.is_active
        or session.get("fp") != password_fingerprint(user)
        or not sessions.session_is_open(session.get("sid") or "", user.id)
    ):
        session.clear()
        return None
    return user


def home_for(user: User) -> str:
    return url_for(HOME_BY_ROLE[user.role])


def safe_next(target: str | None) -> str | None:
    """A ``next`` address only when it stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:  # browsers take a backslash for a slash: /\host is //host
        return None
    return target


def page_for(*roles: str) -> Callable:
    """Decorate a page: anyone signed out goes to /login; a role not in ``roles`` is refused."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = web_user()
            if user is None:
                # Back to the page after signing in; a form's POST cannot be replayed that way.
                target = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("web.login", next=target))
            if user.role not in roles:
                raise Forbidden("当前账号不能打开这个页面。")
            return view(user, *args, **kwargs)

        return wrapper

    return decorator
