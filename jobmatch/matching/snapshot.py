"""The in-memory matching data of one process, loaded from the database and kept fresh.

A snapshot holds the vocabulary, a ResidentTable (every resident, as arrays) and a PostTable.
Before each use, the rows of matching_changes past the last id seen are read (an index range
scan that is nearly always empty): named residents are reloaded in place, a post change reloads
the post table, anything wider reloads all. Ids from a PostgreSQL sequence can commit out of
order, so ids skipped over are remembered for a while and asked for again. A snapshot older than
MATCHING_SNAPSHOT_MAX_AGE seconds is reloaded whole, which also picks up the age of everyone.
"""

import gc
import threading
import time
import weakref
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Connection, bindparam, func, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from jobmatch import clock
from jobmatch.applications.enums import ApplicationStatus
from jobmatch.applications.models import Application
from jobmatch.catalogue.models import Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.matching.features import DECIDED, OutcomeLog
from jobmatch.matching.models import MatchingChange
from jobmatch.matching.tables import (
    PostRecord,
    PostTable,
    ResidentRecord,
    ResidentTable,
    Vocabulary,
    day_key,
)
from jobmatch.posts.enums import PostStatus
from jobmatch.posts.models import Post, post_certificates, post_skills
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment, Program

GAP_SECONDS = 300
# Built once: composing the statement on every request cost more than running it.
POLL = (
    select(MatchingChange.id, MatchingChange.scope, MatchingChange.entity_id)
    .where(MatchingChange.id > bindparam("last"))
    .order_by(MatchingChange.id)
)
CHUNK = 500


def load_vocabulary(session: Session) -> Vocabulary:
    skills = session.execute(
        select(Skill.code, Skill.name, Skill.occupation_code).order_by(Skill.code)
    ).all()
    programs = session.execute(
        select(Program.code, Program.name, Program.occupation_code).order_by(Program.code)
    ).all()
    return Vocabulary(
        skills=[s.code for s in skills],
        skill_names={s.code: s.name for s in skills},
        skill_occupations={s.code: s.occupation_code for s in skills},
        programs=[p.code for p in programs],
        program_names={p.code: p.name for p in programs},
        program_occupations={p.code: p.occupation_code for p in programs},
    )


def _places(session: Session) -> tuple[dict, dict]:
    communities = {
        c.id: (c.lat, c.lon)
        for c in session.execute(select(Community.id, Community.lat, Community.lon))
    }
    grids = {g.id: (g.lat, g.lon) for g in session.execute(select(Grid.id, Grid.lat, Grid.lon))}
    return communities, grids


def _by_resident(session: Session, statement, column, ids) -> list:
    """Rows of ``statement`` for the given residents (all when ``ids`` is None), in chunks."""
    if ids is None:
        return session.execute(statement).all()
    rows = []
    for start in range(0, len(ids), CHUNK):
        rows += session.execute(statement.where(column.in_(ids[start : start + CHUNK]))).all()
    return rows


def load_residents(session: Session, ids: list[int] | None = None) -> list[ResidentRecord]:
    """Resident records with skills, training, groups and application counts; all if no ids."""
    communities, grids = _places(session)
    people = _by_resident(
        session,
        select(
            Resident.id, Resident.name, Resident.birth_date, Resident.education,
            Resident.community_id, Resident.grid_id, Resident.desired_wage,
            Resident.shift_preference,
            Resident.max_commute_km, Resident.employment_status, Resident.has_transport,
            Resident.night_shift_ok, Resident.caregiver,
        ),
        Resident.id,
        ids,
    )  # fmt: skip
    skills, groups, completed, certified = (defaultdict(set) for _ in range(4))
    for rid, code in _by_resident(
        session,
        select(ResidentSkill.resident_id, ResidentSkill.skill_code),
        ResidentSkill.resident_id,
        ids,
    ):
        skills[rid].add(code)
    for rid, group in _by_resident(
        session,
        select(ResidentGroup.resident_id, ResidentGroup.group),
        ResidentGroup.resident_id,
        ids,
    ):
        groups[rid].add(group)
    training = (
        select(Enrollment.resident_id, Cohort.program_code, Enrollment.passed)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.status == EnrollmentStatus.COMPLETED)
    )
    for rid, program, passed in _by_resident(session, training, Enrollment.resident_id, ids):
        completed[rid].add(program)
        if passed:
            certified[rid].add(program)
    applied, posts_applied = {}, defaultdict(set)
    for rid, pid, status in _by_resident(
        session,
        select(Application.resident_id, Application.post_id, Application.status),
        Application.resident_id,
        ids,
    ):
        n, hires = applied.get(rid, (0, 0))
        applied[rid] = (n + 1, hires + (status == ApplicationStatus.HIRED))
        posts_applied[rid].add(pid)
    records = []
    for p in people:
        place = grids.get(p.grid_id) or communities.get(p.community_id) or (None, None)
        n, hires = applied.get(p.id, (0, 0))
        records.append(
            ResidentRecord(
                id=p.id, name=p.name, birth_date=p.birth_date, education=p.education,
                lat=place[0], lon=place[1], desired_wage=p.desired_wage,
                shift_preference=p.shift_preference, max_commute_km=p.max_commute_km,
                employment_status=p.employment_status, skills=frozenset(skills[p.id]),
                completed_programs=frozenset(completed[p.id]),
                certificates=frozenset(certified[p.id]),
                groups=frozenset(groups[p.id]), applications=n, hires=int(hires),
                has_transport=p.has_transport, night_shift_ok=p.night_shift_ok,
                caregiver=p.caregiver, applied_posts=frozenset(posts_applied[p.id]),
            )
        )  # fmt: skip
    return records


def outcome_log(session: Session) -> OutcomeLog:
    """Every decided application by firm and day: the firms' records as of any day."""
    rows = session.execute(
        select(Post.firm_id, Application.created_at, Application.status)
        .join(Post, Post.id == Application.post_id)
        .where(Application.status.in_(DECIDED))
    ).all()
    return OutcomeLog(
        [r[0] for r in rows], [day_key(r[1].date()) if r[1] else 0 for r in rows],
        [r[2] for r in rows],
    )  # fmt: skip


def load_posts(session: Session) -> list[PostRecord]:
    statement = select(Post, Firm.name, Firm.lat, Firm.lon).join(Firm, Firm.id == Post.firm_id)
    required, certificates = defaultdict(list), defaultdict(list)
    for pid, code in session.execute(select(post_skills.c.post_id, post_skills.c.skill_code)):
        required[pid].append(code)
    for pid, code in session.execute(
        select(post_certificates.c.post_id, post_certificates.c.program_code)
    ):
        certificates[pid].append(code)
    # The firm's record as of today, by the same function training uses for each past day.
    log, today = outcome_log(session), day_key(clock.today())
    waiting = dict(
        session.execute(
            select(Application.post_id, func.count())
            .where(Application.status.in_((ApplicationStatus.APPLIED, ApplicationStatus.INTERVIEW)))
            .group_by(Application.post_id)
        ).all()
    )
    records = []
    for post, firm_name, lat, lon in session.execute(statement.order_by(Post.id)):
        records.append(
            PostRecord(
                id=post.id, firm_id=post.firm_id, title=post.title, category=post.category,
                occupation_code=post.occupation_code, openings=post.openings, filled=post.filled,
                wage_min=post.wage_min, wage_max=post.wage_max, shift=post.shift,
                min_education=post.min_education, min_age=post.min_age, max_age=post.max_age,
                meals_provided=post.meals_provided, housing_provided=post.housing_provided,
                status=post.status, expires_on=post.expires_on, lat=lat, lon=lon,
                firm_name=firm_name, required_skills=tuple(sorted(required[post.id])),
                required_certificates=tuple(sorted(certificates[post.id])),
                firm_rate_lift=float(log.rate_lift([post.firm_id], [today])[0]),
                opened_on=post.created_at.date() if post.created_at else None,
                closed_on=(
                    post.updated_at.date()
                    if post.status != PostStatus.OPEN and post.updated_at
                    else None
                ),
                pending=int(waiting.get(post.id, 0)),
            )
        )  # fmt: skip
    return records


def _close_connection(holder: list) -> None:
    connection, holder[0] = holder[0], None
    if connection is not None:
        connection.invalidate()  # closes the driver's connection, not just a pool checkin
        connection.close()


@contextmanager
def _no_garbage_collection():
    """Loading 100,000 residents makes millions of short-lived objects and no cycles; the
    cyclic collector, run again and again meanwhile, tripled the load time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Snapshot:
    vocabulary: Vocabulary
    residents: ResidentTable
    posts: PostTable
    loaded_at: float
    day: date


class SnapshotCache:
    """One per app and process; ``current()`` answers a snapshot that reflects every commit."""

    def __init__(self, max_age_seconds: float):
        self.max_age = max_age_seconds
        self.snapshot: Snapshot | None = None
        self.last_id = 0
        self.gaps: dict[int, float] = {}
        self.lock = threading.RLock()
        self.full_loads = 0
        self.generation = 0  # moves on with every change applied: results cached per generation
        # The polling connection lives in a holder a finalizer can reach: it is closed when
        # the cache goes away (or at exit), never left to the garbage collector.
        self._holder: list = [None]
        weakref.finalize(self, _close_connection, self._holder)

    def current(self) -> Snapshot:
        """The snapshot with every committed change applied (read on our own connection, so
        only committed data counts, whatever the caller's transaction holds)."""
        with self.lock:
            now = time.monotonic()
            snapshot = self.snapshot
            if (
                snapshot is None
                or now - snapshot.loaded_at > self.max_age
                or snapshot.day != clock.today()
            ):
                with Session(db.engine) as session:
                    self._full_load(session)
            else:
                rows = self._poll(now)
                if rows:
                    with Session(db.engine) as session:
                        self._apply_changes(session, rows, now)
            return self.snapshot

    def _poll(self, now: float) -> list:
        """Change rows past the last seen, on a connection kept open: a request pays one small
        indexed query, not a pool checkout and its ping."""
        self.gaps = {i: t for i, t in self.gaps.items() if now - t < GAP_SECONDS}
        statement = POLL
        if self.gaps:
            statement = (
                select(MatchingChange.id, MatchingChange.scope, MatchingChange.entity_id)
                .where(
                    or_(
                        MatchingChange.id > bindparam("last"),
                        MatchingChange.id.in_(list(self.gaps)),
                    )
                )
                .order_by(MatchingChange.id)
            )
        bind = db.engine
        if isinstance(bind, Connection):
            # The app runs on one connection inside an outer transaction (the test suite does,
            # see docs/architecture.md): read on it, and leave its transaction alone.
            return bind.execute(statement, {"last": self.last_id}).all()
        for attempt in (1, 2):
            try:
                if self._holder[0] is None:
                    self._holder[0] = db.engine.connect()
                rows = self._holder[0].execute(statement, {"last": self.last_id}).all()
                self._holder[0].commit()
                return rows
            except DBAPIError:
                _close_connection(self._holder)
                if attempt == 2:
                    raise
        return []

    def _full_load(self, session: Session) -> None:
        last = session.scalar(select(func.max(MatchingChange.id))) or 0
        with _no_garbage_collection():
            vocabulary = load_vocabulary(session)
            residents = ResidentTable(load_residents(session), vocabulary)
            posts = PostTable(load_posts(session), vocabulary)
        self.snapshot = Snapshot(vocabulary, residents, posts, time.monotonic(), clock.today())
        self.last_id, self.gaps = last, {}
        self.full_loads += 1
        self.generation += 1
        current_app.logger.info(
            "matching snapshot loaded: %d residents, %d posts", len(residents), len(posts)
        )

    def _apply_changes(self, session: Session, rows: list, now: float) -> None:
        for row in rows:
            self.gaps.pop(row.id, None)
        seen = {row.id for row in rows}
        newest = max(seen)
        for missing in range(self.last_id + 1, newest):
            if missing not in seen:
                self.gaps[missing] = now
        self.last_id = max(self.last_id, newest)
        self.generation += 1
        scopes = {row.scope for row in rows}
        if "all" in scopes:
            self._full_load(session)
            return
        snapshot = self.snapshot
        if any(row.scope == "resident" and row.entity_id is None for row in rows):
            with _no_garbage_collection():
                snapshot.residents = ResidentTable(load_residents(session), snapshot.vocabulary)
        else:
            ids = sorted({row.entity_id for row in rows if row.scope == "resident"})
            if ids:
                records = load_residents(session, ids)
                snapshot.residents.upsert(records)
                snapshot.residents.remove(set(ids) - {r.id for r in records})
        if "post" in scopes:
            snapshot.posts = PostTable(load_posts(session), snapshot.vocabulary)
