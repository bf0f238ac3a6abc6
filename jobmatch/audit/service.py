"""Writing and reading the audit log."""

import re
import uuid
from collections.abc import Iterable

from flask import g, has_request_context, request
from sqlalchemy import insert, select

from jobmatch.accounts.models import User
from jobmatch.audit.models import AuditEntry
from jobmatch.database import paginate, utcnow
from jobmatch.extensions import db

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id() -> str:
    """The request's id: the caller's X-Request-ID when it is sane, else a new one.

    Every entry one request writes carries the same id, and the response echoes it, so that a
    log line, an answer and an audit entry can be tied together.
    """
    if "audit_request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.audit_request_id = given if _CLIENT_REQUEST_ID.match(given) else uuid.uuid4().hex
    return g.audit_request_id


def _where() -> dict:
    if has_request_context():
        return {
            "method": request.method,
            "path": request.path[:256],
            "remote_addr": request.remote_addr,
            "request_id": request_id(),
        }
    # A command-line caller.
    return {"method": "CLI", "path": "", "remote_addr": None, "request_id": uuid.uuid4().hex}


def record_account(actor: User, action: str, subject: User) -> None:
    """One entry for an action on an account (issue, reset, activate, ...), in the caller's
    transaction: who acted, when, and on whose account."""
    db.session.add(
        AuditEntry(
            created_at=utcnow(),
            user_id=actor.id,
            username=actor.username,
            role=actor.role,
            subject_user_id=subject.id,
            resident_id=subject.resident_id,
            action=action,
            **_where(),
        )
    )


def record(actor: User, action: str, resident_ids: Iterable[int | None]) -> None:
    """Add one entry per resident to the session; the caller's transaction commits them.

    Written before the data leaves, in the same transaction, so a read that cannot be audited
    fails instead of happening unrecorded.
    """
    common = {
        "created_at": utcnow(),
        "user_id": actor.id,
        "username": actor.username,
        "role": actor.role,
        "action": action,
        **_where(),
    }
    rows = [{**common, "resident_id": resident_id} for resident_id in resident_ids]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def list_entries(
    *,
    page: int,
    page_size: int,
    resident_id: int | None = None,
    user_id: int | None = None,
    action: str | None = None,
) -> tuple[list[AuditEntry], int]:
    """A page of entries, newest first, and how many match."""
    conditions = []
    if resident_id is not None:
        conditions.append(AuditEntry.resident_id == resident_id)
    if user_id is not None:
        conditions.append(AuditEntry.user_id == user_id)
    if action is not None:
        conditions.append(AuditEntry.action == action)
    statement = select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
    return paginate(statement, page, page_size)


def entries_about(resident_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.resident_id == resident_id).order_by(AuditEntry.id)
        )
    )
