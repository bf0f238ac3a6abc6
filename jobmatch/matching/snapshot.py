"""The in-memory matching data of one process: what it holds and how it is read from the
database. A snapshot holds the vocabulary, a ResidentTable (every resident, as arrays), a
PostTable and the demand counters (demand.py). Keeping it fresh is refresh.py's work.
"""

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobmatch import clock
from jobmatch.applications.enums import ApplicationStatus
from jobmatch.applications.models import Application
from jobmatch.catalogue.models import Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.firms.models import Firm
from jobmatch.matching.demand import WAITING, Demand
from jobmatch.matching.features import DECIDED, OutcomeLog
from jobmatch.matching.tables import (
    PostRecord,
    PostTable,
    ResidentRecord,
    ResidentTable,
    Vocabulary,
    day_key,
    next_serial,
)
from jobmatch.posts.enums import PostStatus
from jobmatch.posts.models import Post, post_certificates, post_skills
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment, Program

CHUNK = 500
# One empty set for every resident without skills, programs, groups or applications: a new
# empty frozenset per resident was 216 bytes each, a fifth of the snapshot at 1,000,000.
NONE = frozenset()


def _frozen(values: set) -> frozenset:
    return frozenset(values) if values else NONE


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


def load_places(session: Session) -> tuple[dict, dict]:
    """Community and grid points by id: a few hundred rows, kept with the snapshot (a change
    to either reloads everything, see tracking.py)."""
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


def load_residents(
    session: Session, ids: list[int] | None = None, places: tuple[dict, dict] | None = None
) -> list[ResidentRecord]:
    """Resident records with skills, training, groups and application counts; all if no ids."""
    communities, grids = places or load_places(session)
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
    applied, posts_applied, outcomes = {}, defaultdict(set), defaultdict(list)
    for rid, pid, status, made in _by_resident(
        session,
        select(
            Application.resident_id, Application.post_id, Application.status,
            Application.created_at,
        ),
        Application.resident_id,
        ids,
    ):  # fmt: skip
        n, hires = applied.get(rid, (0, 0))
        applied[rid] = (n + 1, hires + (status == ApplicationStatus.HIRED))
        posts_applied[rid].add(pid)
        outcomes[rid].append((pid, status, day_key(made.date()) if made else 0))
    records = []
    for p in people:
        place = grids.get(p.grid_id) or communities.get(p.community_id) or (None, None)
        n, hires = applied.get(p.id, (0, 0))
        records.append(
            ResidentRecord(
                id=p.id, name=p.name, birth_date=p.birth_date, education=p.education,
                lat=place[0], lon=place[1], desired_wage=p.desired_wage,
                shift_preference=p.shift_preference, max_commute_km=p.max_commute_km,
                employment_status=p.employment_status, skills=_frozen(skills.get(p.id)),
                completed_programs=_frozen(completed.get(p.id)),
                certificates=_frozen(certified.get(p.id)),
                groups=_frozen(groups.get(p.id)), applications=n, hires=int(hires),
                has_transport=p.has_transport, night_shift_ok=p.night_shift_ok,
                caregiver=p.caregiver, applied_posts=_frozen(posts_applied.get(p.id)),
                outcomes=tuple(sorted(outcomes[p.id])) if p.id in outcomes else (),
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


def load_posts(session: Session, outcomes: bool = True) -> list[PostRecord]:
    """Every post with its firm; ``outcomes=False`` leaves out each post's waiting count and its
    firm's record, which the snapshot keeps as counters (demand.py) instead of scanning every
    application again."""
    statement = select(Post, Firm.name, Firm.lat, Firm.lon).join(Firm, Firm.id == Post.firm_id)
    required, certificates = defaultdict(list), defaultdict(list)
    for pid, code in session.execute(select(post_skills.c.post_id, post_skills.c.skill_code)):
        required[pid].append(code)
    for pid, code in session.execute(
        select(post_certificates.c.post_id, post_certificates.c.program_code)
    ):
        certificates[pid].append(code)
    # The firm's record as of today, by the same function training uses for each past day.
    log, today, waiting = OutcomeLog([], [], []), day_key(clock.today()), {}
    if outcomes:
        log = outcome_log(session)
        waiting = dict(
            session.execute(
                select(Application.post_id, func.count())
                .where(Application.status.in_(tuple(WAITING)))
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
    """Replaced whole by a reload; between reloads the resident rows are edited in place and
    the posts table and demand are replaced (refresh.py)."""

    vocabulary: Vocabulary
    residents: ResidentTable
    posts: PostTable
    loaded_at: float
    day: date
    demand: Demand | None = None
    places: tuple[dict, dict] | None = None  # (communities, grids): id -> (lat, lon)


def build_snapshot(session: Session, loaded_at: float) -> Snapshot:
    """Everything, read afresh: the one O(residents) step, at start, daily and hourly."""
    today = clock.today()
    with _no_garbage_collection():
        vocabulary = load_vocabulary(session)
        places = load_places(session)
        records = load_residents(session, places=places)
        residents = ResidentTable(records, vocabulary)
        posts = PostTable(load_posts(session, outcomes=False), vocabulary)
        firm_of = dict(zip(posts.ids.tolist(), posts.firm_ids.tolist(), strict=True))
        demand = Demand(day_key(today), firm_of)
        for record in records:
            demand.add(record.outcomes)
    demand.apply_to(posts)
    posts.version = next_serial()
    return Snapshot(vocabulary, residents, posts, loaded_at, today, demand, places)


def reload_posts(session: Session, snapshot: Snapshot) -> PostTable:
    """A new post table for the snapshot, its demand columns from the kept counters."""
    posts = PostTable(load_posts(session, outcomes=False), snapshot.vocabulary)
    snapshot.demand.firm_of = dict(zip(posts.ids.tolist(), posts.firm_ids.tolist(), strict=True))
    snapshot.demand.apply_to(posts)
    return posts


def next_day(session: Session, snapshot: Snapshot, today: date) -> Snapshot:
    """The snapshot as of a new day: the demand counters counted again from the applications
    the resident rows hold (yesterday's decisions now count for the firms' records) and the
    post table reloaded; no resident is read again. The resident rows stay the pages they
    were: in a gunicorn worker, pages shared with the master (see preload.py)."""
    posts = PostTable(load_posts(session, outcomes=False), snapshot.vocabulary)
    firm_of = dict(zip(posts.ids.tolist(), posts.firm_ids.tolist(), strict=True))
    demand = Demand(day_key(today), firm_of)
    for outcomes in snapshot.residents.outcomes:
        if outcomes:
            demand.add(outcomes)
    demand.apply_to(posts)
    posts.version = next_serial()
    return replace(snapshot, posts=posts, demand=demand, day=today)
