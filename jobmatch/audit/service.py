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


def record(actor: User, action: str, resident_ids: Iterable[int | None]) -> None:
    """Add one entry per resident to the session; the caller's transaction commits them.

    Written before the data leaves, in the same transaction, so a read that cannot be audited
    fails instead of happening unrecorded.
    """
    if has_request_context():
        method, path = request.method, request.path[:256]
        remote_addr, req_id = request.remote_addr, request_id()
    else:  # a command-line caller
        method, path, remote_addr, req_id = "CLI", "", None, uuid.uuid4().hex
    common = {
        "created_at": utcnow(),
        "user_id": actor.id,
        "username": actor.username,
        "role": actor.role,
        "action": action,
        "method": method,
        "path": path,
        "request_id": req_id,
        "remote_addr": remote_addr,
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
