"""Plan classes from demand: what completing each program would open up.

For each program, a resident is **unlocked** for an open post when, today, the pair misses
only by what the program gives: the post's one missing required certificate is the program's
(every other hard filter passing), or the pair is eligible and its one missing required skill
is one the program confers. Counted per program: residents unlocked (distinct, and by
community), posts and openings unlocked (distinct posts, their openings left), the seats left in
its coming cohorts, and openings unlocked per seat (empty without seats). Residents already in
a coming cohort of the program are not counted. Eligibility is matching's own, as for near
misses.
"""

import copy
from collections import Counter
from datetime import date

import numpy as np
from sqlalchemy import select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.models import User
from jobmatch.communities.models import Community
from jobmatch.errors import Forbidden
from jobmatch.extensions import db
from jobmatch.matching.eligibility import eligible
from jobmatch.matching.service import engine
from jobmatch.residents.models import Resident
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment, Program, program_skills


def program_demand(user: User, today: date, program_code: str | None = None) -> list[dict]:
    """Per program (or the one named): who would newly qualify for which open posts."""
    if not is_staff(user):
        raise Forbidden("只有人社局经办人可以查看培训需求。")
    snapshot = engine().snapshot()
    residents, posts, vocabulary = snapshot.residents, snapshot.posts, snapshot.vocabulary
    chosen = select(Program).order_by(Program.code)
    if program_code is not None:
        chosen = chosen.where(Program.code == program_code)
    programs = list(db.session.scalars(chosen))
    if not len(residents) or not len(posts):
        return [_row(p, set(), set(), {}, posts, 0, {}) for p in programs]
    ri = np.arange(len(residents))[:, None]
    pi = np.arange(len(posts))[None, :]
    fits = eligible(residents, posts, ri, pi, today)
    without_certificates = copy.copy(posts)
    without_certificates.certificates = np.zeros_like(posts.certificates)
    fits_otherwise = eligible(residents, without_certificates, ri, pi, today)
    lacking_certificates = posts.certificates[None, :, :] & ~residents.certificates[:, None, :]
    one_certificate = fits_otherwise & ~fits & (lacking_certificates.sum(axis=2) == 1)
    lacking_skills = posts.required_skills[None, :, :] & ~residents.skills[:, None, :]
    one_skill = fits & (lacking_skills.sum(axis=2) == 1)

    confers: dict[str, list[str]] = {}
    for program_code, skill_code in db.session.execute(select(program_skills)).all():
        confers.setdefault(program_code, []).append(skill_code)
    seats, booked = _coming_seats(today)
    communities = dict(db.session.execute(select(Resident.id, Resident.community_id)).all())
    community_names = dict(db.session.execute(select(Community.id, Community.name)).all())
    rows = []
    for program in programs:
        unlocked = np.zeros((len(residents), len(posts)), dtype=bool)
        column = vocabulary.program_column.get(program.code)
        if column is not None:
            unlocked |= one_certificate & lacking_certificates[:, :, column]
        for skill in confers.get(program.code, []):
            skill_column = vocabulary.skill_column.get(skill)
            if skill_column is not None:
                unlocked |= one_skill & lacking_skills[:, :, skill_column]
        unlocked &= residents.alive[:, None]
        people, post_rows = np.nonzero(unlocked)
        resident_ids = {int(residents.ids[r]) for r in people} - booked.get(program.code, set())
        post_set = {int(p) for p, r in zip(post_rows, people, strict=True)
                    if int(residents.ids[r]) in resident_ids}  # fmt: skip
        by_community = Counter(communities.get(rid) for rid in resident_ids)
        rows.append(
            _row(
                program,
                resident_ids,
                post_set,
                by_community,
                posts,
                seats.get(program.code, 0),
                community_names,
            )  # fmt: skip
        )
    return sorted(
        rows,
        key=lambda r: (
            r["openings_per_seat"] is None,
            -(r["openings_per_seat"] or 0),
            -r["openings"],
            r["program_code"],
        ),  # fmt: skip
    )


def _coming_seats(today: date) -> tuple[dict[str, int], dict[str, set[int]]]:
    seats: Counter = Counter()
    for cohort in db.session.scalars(select(Cohort).where(Cohort.starts_on > today)):
        seats[cohort.program_code] += max(0, cohort.capacity - cohort.enrolled)
    booked: dict[str, set[int]] = {}
    for program_code, resident_id in db.session.execute(
        select(Cohort.program_code, Enrollment.resident_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Cohort.starts_on > today, Enrollment.status != EnrollmentStatus.DROPPED)
    ).all():
        booked.setdefault(program_code, set()).add(resident_id)
    return dict(seats), booked


def _row(program, resident_ids, post_set, by_community, posts, seats, names) -> dict:
    openings = int(sum(posts.openings_left[p] for p in post_set))
    return {
        "program_code": program.code,
        "program_name": program.name,
        "residents": len(resident_ids),
        "posts": len(post_set),
        "post_ids": sorted(int(posts.ids[p]) for p in post_set),
        "openings": openings,
        "seats": seats,
        "openings_per_seat": round(openings / seats, 4) if seats else None,
        "by_community": [
            {"community_id": cid, "community_name": names.get(cid, "未登记社区"), "residents": n}
            for cid, n in sorted(by_community.items(), key=lambda item: (-item[1], item[0] or 0))
        ],
    }
