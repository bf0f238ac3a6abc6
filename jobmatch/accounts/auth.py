"""Bearer tokens and the role checks every API route uses.

A token is the user's id signed with SECRET_KEY (itsdangerous), with an expiry, bound to a
fingerprint of the password hash and to the user's session version, so that changing a
password, a reset or a disable ends every older token.

A worker remembers a verified user for AUTH_CACHE_SECONDS (0: never), keyed on the user's
credential version, which is read on every request for a remembered user: from Redis when
REDIS_URL is set (no database connection at all), else by one primary-key query. A user not
remembered is read whole instead (one query; the row is where the version comes from). A
password change, reset, disable or role change raises the version, so it ends the remembered
sign-in in every worker at once.
"""

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from functools import lru_cache, wraps

from flask import Flask, current_app, has_app_context, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event, select
from sqlalchemy.orm import Session, make_transient_to_detached
from werkzeug.security import check_password_hash, generate_password_hash

from jobmatch.accounts.enums import STAFF_ROLES
from jobmatch.accounts.models import CHANGED_CREDENTIALS_KEY, User
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
    user = verified_user(payload.get("uid"), payload.get("fp"), payload.get("sv", 0))
    if user is None:
        raise Unauthorized("令牌无效，请重新登录。")
    return user


# Per app and process: user id -> (credential version, password fingerprint, expiry on the
# monotonic clock, a detached copy of the user). Entries are replaced whole, never mutated.
_VERIFIED_EXTENSION = "jobmatch.verified_users"
_verified_lock = threading.Lock()
_REDIS_EXTENSION = "jobmatch.auth_redis"
_VERSION_TTL_SECONDS = 24 * 3600
# Keep the larger of the stored and the given version: a reader filling a miss with a version
# read just before a change can never overwrite the newer one the change published.
_SET_MAX = """
local stored = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > stored then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1
"""
logger = logging.getLogger(__name__)


def verified_user(user_id: object, fingerprint: object, session_version: object) -> User | None:
    """The active user a good token names, or None when it names none, an inactive one, or one
    whose password or session version changed since the token was issued. Remembered per
    worker while the user's credential version holds."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    seconds = current_app.config["AUTH_CACHE_SECONDS"]
    entry = _verified(current_app).get(user_id) if seconds > 0 else None
    # Without a live entry for this token the version is not asked for: the user is read
    # whole anyway, and its row is the version's source (one query on a miss, not two).
    if (
        entry
        and entry[1] == fingerprint
        and session_version == (entry[3].session_version or 0)
        and entry[2] > time.monotonic()
    ):
        version = _credential_version(user_id)
        if version is None:
            return None
        if version == entry[0]:
            # Into this request's session without a query: the copy itself is never attached.
            return db.session.merge(entry[3], load=False)
    user = db.session.get(User, user_id)
    if (
        user is None
        or not user.is_active
        or fingerprint != password_fingerprint(user)
        or session_version != (user.session_version or 0)
    ):
        return None
    if seconds > 0:
        with _verified_lock:
            _verified(current_app)[user_id] = (
                user.credential_version,
                password_fingerprint(user),
                time.monotonic() + seconds,
                _detached_copy(user),
            )
    return user


def _verified(app: Flask) -> dict[int, tuple[int, str, float, User]]:
    return app.extensions.setdefault(_VERIFIED_EXTENSION, {})


def _detached_copy(user: User) -> User:
    copy = User(**{column.key: getattr(user, column.key) for column in User.__table__.columns})
    make_transient_to_detached(copy)
    return copy


def _credential_version(user_id: int) -> int | None:
    """The user's credential version (None: no such user), from Redis when set up, else from
    the database; Redis, when it fails or has no entry, falls back on the database."""
    redis = _redis(current_app)
    key = f"{current_app.config['AUTH_CACHE_KEY_PREFIX']}:credential-version:{user_id}"
    if redis is not None:
        try:
            stored = redis.get(key)
            if stored is not None:
                return int(stored)
        except RedisError:
            redis = None
    version = db.session.scalar(select(User.credential_version).where(User.id == user_id))
    if redis is not None and version is not None:
        _publish(redis, key, version)
    return version


def _redis(app: Flask) -> Redis | None:
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    if _REDIS_EXTENSION not in app.extensions:
        app.extensions[_REDIS_EXTENSION] = Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=1
        )
    return app.extensions[_REDIS_EXTENSION]


def _publish(redis: Redis, key: str, version: int) -> None:
    try:
        redis.eval(_SET_MAX, 1, key, version, _VERSION_TTL_SECONDS)
    except RedisError:
        # Then Redis keeps an older version than the database: another worker's remembered
        # sign-in may outlive the change by AUTH_CACHE_SECONDS at most (its entry expires and
        # the user is read again); after that the versions differ, so every request reads the
        # user from the database until the key expires. A failure is logged, never hidden.
        logger.warning("auth: could not publish credential version to %s", key)


@event.listens_for(Session, "after_commit")
def _publish_changed_credentials(session: Session) -> None:
    changed = session.info.pop(CHANGED_CREDENTIALS_KEY, None)
    if not changed or not has_app_context():
        return
    with _verified_lock:
        for user_id in changed:
            _verified(current_app).pop(user_id, None)
    redis = _redis(current_app)
    if redis is not None:
        prefix = current_app.config["AUTH_CACHE_KEY_PREFIX"]
        for user_id, version in changed.items():
            _publish(redis, f"{prefix}:credential-version:{user_id}", version)


@event.listens_for(Session, "after_rollback")
def _forget_changed_credentials(session: Session) -> None:
    session.info.pop(CHANGED_CREDENTIALS_KEY, None)


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
