"""Record, in the writing transaction, which cached matching data a commit changes.

Every flush through a SQLAlchemy session, and every bulk insert, update or delete run with
``session.execute``, adds rows to matching_changes naming the side that changed (a resident by
id, a post by id, or everything). Readers (refresh.py) refresh exactly that. A write costs its
own rows: an application names its resident only (the posts' waiting counts and firms' records
follow from the residents' applications, demand.py), a post is named when its own row changes
(a hire's ``filled``), and a bulk statement names every resident it touches, however many:
from its parameters, or by selecting the rows its WHERE clause matches just before it runs. A
rollback removes the rows with the change. Writes on a raw connection that bypass the session
are not seen until the next full reload (hourly, see snapshot.py); the project makes none.
Nothing listens until ``install()`` runs (from ``matching.init_app``): importing changes nothing.
"""

import weakref
from itertools import chain

from flask import after_this_request, g, has_request_context
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from jobmatch.applications.models import Application
from jobmatch.catalogue.models import Occupation, Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.database import ROW_LOCK
from jobmatch.firms.models import Firm
from jobmatch.matching.models import MatchingChange
from jobmatch.posts.models import Post
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.training.models import Cohort, Enrollment, Program

# Events set after a commit that wrote changes (in a request, once its answer is sent): the
# refresh threads of this process wake.
_waiting: weakref.WeakSet = weakref.WeakSet()

_TABLE_SCOPES = {
    "residents": ("resident",),
    "resident_skills": ("resident",),
    "resident_groups": ("resident",),
    "enrollments": ("resident",),
    "applications": ("resident",),
    "posts": ("post",),
    "post_skills": ("post",),
    "post_certificates": ("post",),
    "firms": ("post",),
    "communities": ("all",),
    "grids": ("all",),
    "skills": ("all",),
    "occupations": ("all",),
    "programs": ("all",),
    "program_skills": ("all",),
    "cohorts": ("all",),
}


def _object_changes(obj) -> list[tuple[str, int | None]]:
    if isinstance(obj, Resident):
        return [("resident", obj.id)]
    if isinstance(obj, ResidentSkill | ResidentGroup | Enrollment):
        return [("resident", obj.resident_id)]
    if isinstance(obj, Application):
        return [("resident", obj.resident_id)]
    if isinstance(obj, Post):
        return [("post", obj.id)]
    if isinstance(obj, Firm):
        return [("post", None)]
    if isinstance(obj, Community | Grid | Skill | Occupation | Program | Cohort):
        return [("all", None)]
    return []


def _write(session: Session, changes: set[tuple[str, int | None]]) -> None:
    if not changes:
        return
    if any(scope == "all" for scope, _ in changes):
        changes = {("all", None)}
    for scope in ("resident", "post"):
        if (scope, None) in changes:  # "every one of them" covers the named ones
            changes = {c for c in changes if c[0] != scope} | {(scope, None)}
    rows = [{"scope": scope, "entity_id": entity} for scope, entity in sorted(changes, key=str)]
    session.connection().execute(insert(MatchingChange.__table__), rows)
    session.info["matching_changed"] = True


def on_commit(wake) -> None:
    """Set ``wake`` (a threading.Event) after each commit in this process that wrote changes."""
    _waiting.add(wake)


def _wake_all() -> None:
    for wake in list(_waiting):
        wake.set()


def _after_commit(session: Session) -> None:
    if not session.info.pop("matching_changed", False):
        return
    if has_request_context():
        _wake_after_response()
    else:
        _wake_all()


def _wake_after_response() -> None:
    """In a request, the threads wake once its answer has been sent (the server closes the
    response): woken at the commit, a thread reloaded the resident while the request still
    read its answer back, and the two took turns at the interpreter. Nothing waits for the
    thread meanwhile: a request reads its own writes itself (refresh.py's ``_catch_up``), and
    should the response never be closed the thread still polls every few tenths of a second."""
    if g.get("_matching_wake_deferred"):
        return
    g._matching_wake_deferred = True

    @after_this_request
    def _wake_on_close(response):
        response.call_on_close(_wake_all)
        return response


def _after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop("matching_changed", None)


def install() -> None:
    """Listen to every session's flushes and bulk statements; called once by
    ``matching.init_app`` (idempotent: a second app adds no second listener)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _bulk_statement),
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _after_flush(session: Session, flush_context) -> None:
    changes: set[tuple[str, int | None]] = set()
    for obj in chain(session.new, session.deleted):
        changes.update(_object_changes(obj))
    for obj in session.dirty:
        if session.is_modified(obj):
            changes.update(_object_changes(obj))
    _write(session, changes)


def _bulk_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(ROW_LOCK):
        return  # database.lock_row: a lock, no change
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    scopes = _TABLE_SCOPES.get(name, ())
    if name == "residents" and state.is_insert and _without_ids(state.parameters):
        return _insert_residents(state, table)
    if scopes == ("resident",):
        named = _named_residents(state, table, name)
        if named is not None:
            _write(state.session, {("resident", rid) for rid in named})
            return
    if scopes == ("post",) and name == "posts":
        named = _touched(state, table, "id")
        if named is not None:
            _write(state.session, {("post", pid) for pid in named})
            return
    _write(state.session, {(scope, None) for scope in scopes})


def _touched(state, table, key: str) -> set[int] | None:
    """The ``key`` values of the rows a bulk statement writes: from its parameter rows (an
    insert, or an update by primary key), else from its WHERE clause, selected just before it
    runs, in its transaction; None when neither tells (a statement without a WHERE)."""
    rows = state.parameters
    if rows:
        rows = rows if isinstance(rows, list) else [rows]
        try:
            return {int(row[key]) for row in rows}
        except (KeyError, TypeError, ValueError):
            if state.is_insert:
                return None
    if state.is_insert:
        return None
    where = state.statement.whereclause
    if where is None or key not in table.c:
        return None
    # A plain Core select: do_orm_execute sees it, and it is no write, so it comes back here
    # no more. A WHERE naming only rows already matched costs one indexed look-up.
    return set(state.session.scalars(select(table.c[key]).where(where).distinct()))


def _without_ids(rows) -> bool:
    rows = rows if isinstance(rows, list) else [rows] if rows else []
    return bool(rows) and all("id" not in row and "id_number_hash" in row for row in rows)


def _insert_residents(state, table):
    """New residents from an import get their ids from the database: run the insert, then
    name them by their unique ID-number hash, so an import of any size reloads just them."""
    result = state.invoke_statement()
    rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
    hashes = [row["id_number_hash"] for row in rows]
    named: set[int] = set()
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        named.update(
            state.session.scalars(select(table.c.id).where(table.c.id_number_hash.in_(chunk)))
        )
    _write(state.session, {("resident", rid) for rid in named})
    return result


def _named_residents(state, table, table_name: str) -> set[int] | None:
    """The residents a bulk statement on a resident's table touches; None when untold."""
    return _touched(state, table, "id" if table_name == "residents" else "resident_id")
