"""Bearer tokens and the role checks every API route uses.

A token is the user's id signed with SECRET_KEY (itsdangerous), with an expiry, bound to a
fingerprint of the password hash and to the user's session version, so that changing a
password, a reset or a disable ends every older token.
"""

import hashlib
from collections.abc import Callable
from functools import lru_cache, wraps

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from jobmatch.accounts.enums import STAFF_ROLES
from jobmatch.accounts.models import User
from jobmatch.errors import Forbidden, Unauthorized
from jobmatch.extensions import db

# OpenAPI security of an operation: open to anyone (a token may be sent), or needing a token.
PUBLIC_SECURITY = [{}, {"bearerAuth": []}]
TOKEN_SECURITY = [{"bearerAuth": []}]
_SALT = "jobmatch api token"
_USER_KEY = "jobmatch.current_user"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def password_fingerprint(user: User) -> str:
    """A digest of the password hash: tokens and web sessions carry it, so that changing the
    password ends them, without showing any part of the hash itself (tokens are only signed)."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def issue_token(user: User) -> str:
    return _serializer().dumps(
        {"uid": user.id, "fp": password_fingerprint(user), "sv": user.session_version or 0}
    )


def user_from_token(token: str) -> User:
    max_age = current_app.config["TOKEN_MAX_AGE_SECONDS"]
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise Unauthorized("登录已过期，请重新登录。") from None
    except BadSignature:
        raise Unauthorized("令牌无效，请重新登录。") from None
    user = db.session.get(User, payload.get("uid"))
    if (
        user is None
        or not user.is_active
        or payload.get("fp") != password_fingerprint(user)
        or payload.get("sv", 0) != (user.session_version or 0)
    ):
        raise Unauthorized("令牌无效，请重新登录。")
    return user


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return generate_password_hash("jobmatch decoy password")


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials; the same 401 whether or not the account exists."""
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        # Hash anyway, so that an unknown username takes as long to refuse as a wrong password.
        check_password_hash(_decoy_hash(), password)
    if user is None or not user.check_password(password) or not user.is_active:
        raise Unauthorized("用户名或密码错误。")
    return user


def current_user() -> User | None:
    """The user the request's bearer token names, or None when it sends no token.

    A token that is sent but bad is a 401 even where anyone may read.
    """
    # Cached on the request itself, not on g: an app context (and its g) can outlive one
    # request, as it does under a test client inside a pushed context.
    cache = request.environ
    if _USER_KEY not in cache:
        header = request.headers.get("Authorization", "")
        if not header:
            cache[_USER_KEY] = None
        else:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("请在 Authorization 头中使用 Bearer 令牌。")
            cache[_USER_KEY] = user_from_token(token.strip())
    return cache[_USER_KEY]


def require_user() -> User:
    user = current_user()
    if user is None:
        raise Unauthorized("需要登录。")
    return user


def require_roles(*roles: str) -> Callable:
    """Decorate a view: the caller must be signed in with one of ``roles`` (401, else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = require_user()
            if user.role not in roles:
                raise Forbidden("当前账号无权进行此操作。")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def is_staff(user: User | None) -> bool:
    return user is not None and user.role in STAFF_ROLES


def check_request_token() -> None:
    """A blueprint's before_request: reads need no token, but one that is sent must be good
    (401), so that a client learns at once that its token expired; writes need a token,
    checked before the body is."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        current_user()
    else:
        require_user()
