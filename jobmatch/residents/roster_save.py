"""Saving a planned roster import: what is stored now, what a row would change, and the writes.

The work is done in bulk: one query per 500 ID numbers, inserts and updates sent as
executemany batches, only the columns a row changes written. Skills conferred by passed
training always stay; a priority group is added or removed only where the file says so.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from jobmatch.crypto import cipher
from jobmatch.database import utcnow
from jobmatch.education import Education
from jobmatch.errors import Conflict
from jobmatch.extensions import db
from jobmatch.residents.enums import EmploymentStatus, ShiftPreference
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.residents.roster_rows import RosterRow

LOOKUP_CHUNK = 500
FIELDS = ("name", "phone", "education", "community_id", "grid_id", "desired_wage")
FIELDS += ("shift_preference", "max_commute_km", "employment_status")
FIELDS += ("has_transport", "night_shift_ok", "caregiver", "household_no")
DEFAULTS = {
    "education": Education.OTHER.value,
    "community_id": None,
    "grid_id": None,
    "desired_wage": None,
    "shift_preference": ShiftPreference.ANY.value,
    "max_commute_km": None,
    "employment_status": EmploymentStatus.UNEMPLOYED.value,
    "has_transport": None,
    "night_shift_ok": None,
    "caregiver": None,
    "household_no": None,
}


@dataclass(slots=True)  # thousands of them per import
class Stored:
    id: int
    values: dict[str, Any]
    declared: set[str] = field(default_factory=set)
    trained: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)


def _chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _among(column, values: list):
    """``column IN (values)`` with the values written into the statement.

    Sent as 500 parameters, the statement would be prepared by psycopg from its sixth use on,
    and PostgreSQL's generic plan for it compares every row with every parameter in turn
    (300 ms a look-up instead of 10). The values are hashes and ids we made, never user text.
    """
    return column.in_(
        bindparam("values", values, type_=column.type, expanding=True, literal_execute=True)
    )


def load_stored(hashes: list[str]) -> dict[str, Stored]:
    """The residents these ID hashes name, with every field an import may change."""
    stored: dict[str, Stored] = {}
    columns = [getattr(Resident, name) for name in FIELDS]
    for chunk in _chunks(list(dict.fromkeys(hashes))):
        query = select(Resident.id_number_hash, Resident.id, *columns).where(
            _among(Resident.id_number_hash, chunk)
        )
        by_id: dict[int, Stored] = {}
        for id_hash, resident_id, *values in db.session.execute(query):
            by_id[resident_id] = stored[id_hash] = Stored(
                resident_id, dict(zip(FIELDS, values, strict=True))
            )
        if not by_id:
            continue
        skills = select(ResidentSkill.resident_id, ResidentSkill.skill_code, ResidentSkill.source)
        for resident_id, code, source in db.session.execute(
            skills.where(_among(ResidentSkill.resident_id, list(by_id)))
        ):
            (
                by_id[resident_id].trained if source == "training" else by_id[resident_id].declared
            ).add(code)
        groups = select(ResidentGroup.resident_id, ResidentGroup.group)
        for resident_id, group in db.session.execute(
            groups.where(_among(ResidentGroup.resident_id, list(by_id)))
        ):
            by_id[resident_id].groups.add(group)
    return stored


def changes(existing: Stored, values: dict[str, Any], row: RosterRow) -> dict[str, Any]:
    """Field -> new value, for what this row would change in the stored resident."""
    found = {
        name: value
        for name, value in values.items()
        if name in FIELDS and existing.values.get(name) != value
    }
    if "community_id" in found and "grid_id" not in values and existing.values["grid_id"]:
        found["grid_id"] = None  # a grid belongs to its community: moving leaves the old grid
    if row.skills is not None and set(row.skills) - existing.trained != existing.declared:
        found["skills"] = row.skills
    groups = (existing.groups - row.groups_off) | row.groups_on
    if groups != existing.groups:
        found["groups"] = groups
    return found


def save(
    plan: list[dict], stored: dict[str, Stored], progress: Callable | None = None
) -> dict[str, int]:
    """Write the plan in one transaction; a concurrent registration of the same person is 409.

    Answers the new residents' ids by ID hash, so that a caller can act on them (enrol them).
    """
    created = [item["row"] for item in plan if item["outcome"] == "created"]
    changed = [item for item in plan if item["outcome"] == "updated"]
    total, done = len(created) + len(changed), 0
    now = utcnow()
    try:
        for chunk in _chunks(created):
            _insert(chunk, now)
            done += len(chunk)
            if progress:
                progress(done, total)
        # Read the new ids back by hash: RETURNING with executemany re-splices its result
        # batch by batch on SQLite, which costs far more than these few look-ups.
        ids = _ids([row.id_hash for row in created])
        skill_rows = [(ids[row.id_hash], row.skills) for row in created if row.skills]
        group_rows = [(ids[row.id_hash], row.groups_on, set()) for row in created]
        for chunk in _chunks(changed):
            _update(chunk, stored, now)
            for item in chunk:
                existing = stored[item["row"].id_hash]
                if "skills" in item["changes"]:
                    skill_rows.append((existing.id, item["changes"]["skills"]))
                if "groups" in item["changes"]:
                    groups = item["changes"]["groups"]
                    group_rows.append(
                        (existing.id, groups - existing.groups, existing.groups - groups)
                    )
            done += len(chunk)
            if progress:
                progress(done, total)
        _replace_declared_skills(skill_rows, {s.id: s.trained for s in stored.values()})
        _change_groups(group_rows)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("导入时有人同时登记了名册中的居民，请重新导入。") from None
    return ids


def _ids(hashes: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in _chunks(hashes):
        query = select(Resident.id_number_hash, Resident.id).where(
            _among(Resident.id_number_hash, chunk)
        )
        ids.update((id_hash, rid) for id_hash, rid in db.session.execute(query))
    return ids


def _insert(rows: list[RosterRow], now) -> None:
    box = cipher()
    params = [
        {
            **DEFAULTS,
            **row.values,
            "id_number": row.identity.number,
            "id_number_hash": row.id_hash,
            "phone_hash": box.phone_hash(row.values["phone"]),
            "gender": row.identity.gender,
            "birth_date": row.identity.birth_date,
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    # Core, not ORM, insert: the ORM splits executemany wherever the set of None values
    # changes from one row to the next, which on PostgreSQL means a thousand round trips.
    db.session.execute(insert(Resident.__table__), params)


def _update(items: list[dict], stored: dict[str, Stored], now) -> None:
    # executemany needs one set of columns per batch: rows changing different fields differ.
    batches: dict[frozenset, list[dict]] = {}
    for item in items:
        params = {name: value for name, value in item["changes"].items() if name in FIELDS}
        if not params:
            continue
        if "phone" in params:
            params["phone_hash"] = cipher().phone_hash(params["phone"])
        params |= {"id": stored[item["row"].id_hash].id, "updated_at": now}
        batches.setdefault(frozenset(params), []).append(params)
    # The ORM's bulk update by key checks and counts up each row's version (Versioned), so it
    # needs the versions as they are: a row changed since is then a 409, not overwritten.
    ids = [params["id"] for batch in batches.values() for params in batch]
    versions: dict[int, int] = {}
    for chunk in _chunks(ids):
        found = select(Resident.id, Resident.version).where(Resident.id.in_(chunk))
        versions.update((rid, version) for rid, version in db.session.execute(found))
    for batch in batches.values():
        for params in batch:
            params["version"] = versions[params["id"]]
        db.session.execute(update(Resident), batch)


def _replace_declared_skills(rows: list[tuple[int, list[str]]], trained: dict) -> None:
    for chunk in _chunks([resident_id for resident_id, _ in rows]):
        db.session.execute(
            delete(ResidentSkill).where(
                _among(ResidentSkill.resident_id, chunk), ResidentSkill.source == "declared"
            ),
            execution_options={"synchronize_session": False},
        )
    links = [
        {"resident_id": resident_id, "skill_code": code, "source": "declared"}
        for resident_id, codes in rows
        for code in dict.fromkeys(codes)
        if code not in trained.get(resident_id, ())
    ]
    if links:
        db.session.execute(insert(ResidentSkill.__table__), links)


def _change_groups(rows: list[tuple[int, set[str], set[str]]]) -> None:
    removed = [(resident_id, group) for resident_id, _, off in rows for group in off]
    for chunk in _chunks(removed):
        pairs = [
            and_(ResidentGroup.resident_id == rid, ResidentGroup.group == group)
            for rid, group in chunk
        ]
        db.session.execute(
            delete(ResidentGroup).where(or_(*pairs)),
            execution_options={"synchronize_session": False},
        )
    links = [
        {"resident_id": resident_id, "group": group}
        for resident_id, on, _ in rows
        for group in sorted(on)
    ]
    if links:
        db.session.execute(insert(ResidentGroup.__table__), links)
