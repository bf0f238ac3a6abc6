"""Where signed-in browsers are kept: a page session lives here, not only in its cookie.

The cookie (signed by Flask) carries a random session key; the table keeps a digest of it. A
session ends when its row is ended: on sign-out, and for every session of a user at once on a
reset, a disable or a password change. A copied cookie then opens nothing.
"""

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update

from jobmatch.accounts.models import User, WebSession
from jobmatch.extensions import db


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open_session(user: User) -> str:
    """A new session of ``user``, committed; answers the key the cookie keeps."""
    key = secrets.token_urlsafe(32)
    db.session.add(WebSession(id=_digest(key), user_id=user.id))
    db.session.commit()
    return key


def session_is_open(key: str, user_id: int) -> bool:
    ended_at = db.session.execute(
        select(WebSession.ended_at).where(
            WebSession.id == _digest(key), WebSession.user_id == user_id
        )
    ).first()
    return ended_at is not None and ended_at[0] is None


def end_session(key: str) -> None:
    db.session.execute(
        update(WebSession)
        .where(WebSession.id == _digest(key), WebSession.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC))
    )
    db.session.commit()


def end_every_session(user: User) -> None:
    """End every page session and every token of ``user`` (in the caller's transaction)."""
    db.session.execute(
        update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC))
    )
    user.session_version = (user.session_version or 0) + 1
