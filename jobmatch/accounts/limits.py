"""Rate limits on activation, shared by the API and the /activate page.

Two counters, each kept across both entry points (one scope each): the ID number tried and the
caller's address. Only refusals count, so a person who types their code right is never slowed.
"""

from collections.abc import Callable

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from jobmatch.extensions import limiter

ACTIVATION_LIMIT_MESSAGE = "激活失败次数过多，请稍后再试，或请经办人重新发放激活码。"
_REFUSED = "jobmatch_activation_refused"


def mark_refused() -> None:
    """Called by an entry point that refused an ID number and code pair."""
    g.setdefault(_REFUSED, True)


def _refused(response) -> bool:
    return bool(g.get(_REFUSED))


def _per_id() -> str:
    return current_app.config["JOBMATCH_ACTIVATION_LIMIT_PER_ID"]


def _per_address() -> str:
    return current_app.config["JOBMATCH_ACTIVATION_LIMIT_PER_ADDRESS"]


def _id_key() -> str:
    """The ID number's last six characters, from a JSON body or a form, before validation."""
    body = request.get_json(silent=True) if request.is_json else request.form
    typed = body.get("id_last6") if hasattr(body, "get") else None
    tail = typed.strip().upper()[:6] if isinstance(typed, str) else ""
    return f"activate-id:{tail}"


def activation_limits(view: Callable) -> Callable:
    view = limiter.shared_limit(
        _per_address,
        scope="activation-address",
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=_refused,
        error_message=ACTIVATION_LIMIT_MESSAGE,
    )(view)
    return limiter.shared_limit(
        _per_id,
        scope="activation-id",
        key_func=_id_key,
        methods=["POST"],
        deduct_when=_refused,
        error_message=ACTIVATION_LIMIT_MESSAGE,
    )(view)
