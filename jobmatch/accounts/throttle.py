"""Login throttling, on every sign-in path (the API token and the web form).

Only failures count. An address that keeps failing is refused (30 a minute by default). A
username that keeps failing (5 a minute, from anywhere) is refused only to the addresses that
have themselves failed on it: a right password from an address that has not been failing is
still let in, so that no one can keep a named user out by failing on purpose.

The counters live in RATELIMIT_STORAGE_URI, Redis whenever REDIS_URL is set, so that every
worker and server counts together; ``memory://`` counts per process (development only).
"""

import logging
import time

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from jobmatch.accounts.auth import authenticate
from jobmatch.accounts.models import User
from jobmatch.errors import TooManyRequests, Unauthorized

logger = logging.getLogger(__name__)
LOGIN_LIMIT_MESSAGE = "登录失败次数过多，请稍后再试。"
_EXTENSION = "jobmatch.login_throttle"


def _strategy(app: Flask) -> FixedWindowRateLimiter:
    """One counter store per app, made on its first sign-in."""
    if _EXTENSION not in app.extensions:
        uri = app.config["RATELIMIT_STORAGE_URI"]
        options = {"socket_connect_timeout": 1, "socket_timeout": 2} if "redis" in uri else {}
        app.extensions[_EXTENSION] = FixedWindowRateLimiter(storage_from_string(uri, **options))
    return app.extensions[_EXTENSION]


def _limits() -> tuple[RateLimitItem, RateLimitItem]:
    config = current_app.config
    return parse(config["JOBMATCH_LOGIN_LIMIT_PER_USERNAME"]), parse(
        config["JOBMATCH_LOGIN_LIMIT_PER_ADDRESS"]
    )


def _keys(username: str) -> tuple[tuple, tuple, tuple]:
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"] or "jobmatch"
    name = username.strip().casefold()[:64]
    address = request.remote_addr or "unknown"
    return (
        (prefix, "login-username", name),
        (prefix, "login-address", address),
        (prefix, "login-username-address", name, address),
    )


def _refuse(strategy, item: RateLimitItem, keys: tuple) -> None:
    reset_at = strategy.get_window_stats(item, *keys).reset_time
    retry_after = max(1, int(reset_at - time.time()) + 1)
    raise TooManyRequests(LOGIN_LIMIT_MESSAGE, headers={"Retry-After": str(retry_after)})


def _check(strategy, username: str) -> None:
    per_username, per_address = _limits()
    username_key, address_key, pair_key = _keys(username)
    if not strategy.test(per_address, *address_key):
        _refuse(strategy, per_address, address_key)
    if not strategy.test(per_username, *username_key):
        failed_here = strategy.get_window_stats(per_username, *pair_key).remaining
        if failed_here < per_username.amount:
            _refuse(strategy, per_username, username_key)


def _count_failure(strategy, username: str) -> None:
    per_username, per_address = _limits()
    username_key, address_key, pair_key = _keys(username)
    strategy.hit(per_username, *username_key)
    strategy.hit(per_address, *address_key)
    strategy.hit(per_username, *pair_key)


def authenticate_throttled(username: str, password: str) -> User:
    """``authenticate``, refused with a 429 (and Retry-After) while the throttle says so."""
    app = current_app._get_current_object()
    if not app.config.get("RATELIMIT_ENABLED", True):
        return authenticate(username, password)
    strategy = _strategy(app)
    try:
        _check(strategy, username)
    except TooManyRequests:
        raise
    except Exception:
        # The counter store does not answer: sign-in goes on with the password check alone
        # rather than locking everyone out; the log says so.
        logger.error("login throttle: counter store unavailable", exc_info=True)
        strategy = None
    try:
        return authenticate(username, password)
    except Unauthorized:
        if strategy is not None:
            try:
                _count_failure(strategy, username)
            except Exception:
                logger.error("login throttle: could not count a failure", exc_info=True)
        raise
