"""Record, in the writing transaction, which cached matching data a commit changes.

Every flush through a SQLAlchemy session, and every bulk insert, update or delete run with
``session.execute``, adds rows to matching_changes naming the side that changed (a resident by
id, every resident, the posts, or everything). Readers (snapshot.py) refresh exactly that. A
rollback removes the rows with the change. Writes on a raw connection that bypass the session
are not seen until the next full reload (hourly, see snapshot.py); the project makes none.
Nothing listens until ``install()`` runs (from ``matching.init_app``): importing changes nothing.
"""

from itertools import chain

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from jobmatch.applications.models import Application
from jobmatch.catalogue.models import Occupation, Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.firms.models import Firm
from jobmatch.matching.models import MatchingChange
from jobmatch.posts.models import Post
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.training.models import Cohort, Enrollment, Program

# Beyond this many residents in one flush, one "every resident" row is cheaper to act on.
MAX_NAMED_RESIDENTS = 200

_TABLE_SCOPES = {
    "residents": ("resident",),
    "resident_skills": ("resident",),
    "resident_groups": ("resident",),
    "enrollments": ("resident",),
    "applications": ("resident", "post"),
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
        return [("resident", obj.resident_id), ("post", None)]
    if isinstance(obj, Post | Firm):
        return [("post", None)]
    if isinstance(obj, Community | Grid | Skill | Occupation | Program | Cohort):
        return [("all", None)]
    return []


def _write(session: Session, changes: set[tuple[str, int | None]]) -> None:
    if not changes:
        return
    if any(scope == "all" for scope, _ in changes):
        changes = {("all", None)}
    named = {c for c in changes if c[0] == "resident" and c[1] is not None}
    if ("resident", None) in changes or len(named) > MAX_NAMED_RESIDENTS:
        changes = (changes - named) | {("resident", None)}
    rows = [{"scope": scope, "entity_id": entity} for scope, entity in sorted(changes, key=str)]
    session.connection().execute(insert(MatchingChange.__table__), rows)


def install() -> None:
    """Listen to every session's flushes and bulk statements; called once by
    ``matching.init_app`` (idempotent: a second app adds no second listener)."""
    for name, listener in (("after_flush", _after_flush), ("do_orm_execute", _bulk_statement)):
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
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    scopes = _TABLE_SCOPES.get(name, ())
    named = _named_residents(state, name) if scopes == ("resident",) else None
    if named is not None:
        _write(state.session, {("resident", rid) for rid in named})
    else:
        _write(state.session, {(scope, None) for scope in scopes})


def _named_residents(state, table_name: str) -> set[int] | None:
    """The residents an INSERT with plain parameter rows touches, so that a skill granted by
    training reloads one resident, not all of them; None when they cannot be told."""
    if not state.is_insert or not state.parameters:
        return None
    key = "id" if table_name == "residents" else "resident_id"
    rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
    try:
        return {int(row[key]) for row in rows}
    except (KeyError, TypeError, ValueError):
        return None
