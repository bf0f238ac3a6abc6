"""Near misses with a path to the post.

A **near miss** is an open post the resident misses by exactly one thing a class can give:

- one required certificate (a program code), the pair passing every other hard filter; or
- one of the post's required skills, the pair being eligible already (skills rank, they do
  not filter, but a post asking for a skill is out of reach in practice without it).

Each is joined to the next cohort, starting after today, of a program that confers it: the
earliest with a seat left, else the earliest (full, ``seats_left`` 0), else none. Eligibility
is matching's own (``jobmatch.matching.eligibility.eligible``) on the current snapshot.
"""

import copy
from datetime import date

import numpy as np
from sqlalchemy import select

from jobmatch import clock
from jobmatch.accounts.models import User
from jobmatch.database import MAX_ID
from jobmatch.errors import Conflict, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.matching.eligibility import eligible
from jobmatch.matching.service import engine, post_summary
from jobmatch.notifications.models import Notification
from jobmatch.notifications.senders import send
from jobmatch.notifications.service import to_staff
from jobmatch.posts.models import Post
from jobmatch.residents.service import authorise, load_resident
from jobmatch.training.models import Cohort, Program, program_skills


def _upcoming_cohorts(today: date) -> dict[str, list[Cohort]]:
    """Program code -> its cohorts starting after today, earliest first."""
    by_program: dict[str, list[Cohort]] = {}
    for cohort in db.session.scalars(
        select(Cohort).where(Cohort.starts_on > today).order_by(Cohort.starts_on, Cohort.id)
    ):
        by_program.setdefault(cohort.program_code, []).append(cohort)
    return by_program


def _next_cohort(program_codes: list[str], upcoming: dict[str, list[Cohort]]) -> Cohort | None:
    cohorts = sorted(
        (c for code in program_codes for c in upcoming.get(code, [])),
        key=lambda c: (c.starts_on, c.id),
    )
    with_seats = [c for c in cohorts if c.enrolled < c.capacity]
    return (with_seats or cohorts or [None])[0]


def near_misses(user: User, resident_id: int, today: date | None = None) -> list[dict]:
    authorise(user, resident_id)
    load_resident(resident_id, with_numbers=False)
    today = today or clock.today()
    snapshot = engine().snapshot()
    residents, posts = snapshot.residents, snapshot.posts
    if resident_id not in residents.index or not len(posts):
        raise NotFound("找不到该居民。")
    ri = residents.index[resident_id]
    pi = np.arange(len(posts))
    fits = eligible(residents, posts, ri, pi, today)
    # The same filters with no certificate asked for: what else would let the pair through.
    without_certificates = copy.copy(posts)
    without_certificates.certificates = np.zeros_like(posts.certificates)
    fits_otherwise = eligible(residents, without_certificates, ri, pi, today)
    lacking_certificates = posts.certificates & ~residents.certificates[ri]
    lacking_skills = posts.required_skills & ~residents.skills[ri]
    by_certificate = fits_otherwise & ~fits & (lacking_certificates.sum(axis=1) == 1)
    by_skill = fits & (lacking_skills.sum(axis=1) == 1)

    vocabulary = snapshot.vocabulary
    upcoming = _upcoming_cohorts(today)
    conferring: dict[str, list[str]] = {}
    for program_code, skill_code in db.session.execute(select(program_skills)).all():
        conferring.setdefault(skill_code, []).append(program_code)
    program_names = dict(db.session.execute(select(Program.code, Program.name)).all())
    items = []
    for p in np.flatnonzero(by_certificate | by_skill):
        if by_certificate[p]:
            code = vocabulary.programs[int(np.flatnonzero(lacking_certificates[p])[0])]
            missing = {"kind": "certificate", "code": code, "name": program_names.get(code, code)}
            programs = [code]
        else:
            code = vocabulary.skills[int(np.flatnonzero(lacking_skills[p])[0])]
            name = vocabulary.skill_names.get(code, code)
            missing = {"kind": "skill", "code": code, "name": name}
            programs = sorted(conferring.get(code, []))
        cohort = _next_cohort(programs, upcoming)
        items.append(
            {
                "post_id": int(posts.ids[p]),
                "post": post_summary(snapshot, int(p)),
                "missing": missing,
                "cohort": None if cohort is None else _cohort_view(cohort, program_names),
                "message": None
                if cohort is None
                else f"报名下一期{program_names.get(cohort.program_code)}班，可申请此岗位",
            }
        )
    return sorted(
        items,
        key=lambda item: (
            item["cohort"] is None,
            (item["cohort"] or {}).get("starts_on") or today,
            item["post_id"],
        ),
    )


def _cohort_view(cohort: Cohort, program_names: dict) -> dict:
    return {
        "id": cohort.id,
        "name": cohort.name,
        "program_code": cohort.program_code,
        "program_name": program_names.get(cohort.program_code, cohort.program_code),
        "starts_on": cohort.starts_on,
        "seats_left": max(0, cohort.capacity - cohort.enrolled),
    }


def request_place(user: User, resident_id: int, cohort_id: int, post_id: int | None) -> dict:
    """Ask the clerk for a place in a cohort (a staff-inbox notice); 409 when the cohort has
    started or the same request is still unhandled."""
    authorise(user, resident_id)
    resident = load_resident(resident_id, with_numbers=False)
    cohort = db.session.get(Cohort, cohort_id) if 1 <= cohort_id <= MAX_ID else None
    if cohort is None:
        raise Invalid("输入有误，请按提示修改。", {"cohort_id": ["没有这期培训班。"]})
    if cohort.starts_on <= clock.today():
        raise Conflict("这期培训班已开班，请选择下一期。")
    link = f"/api/cohorts/{cohort.id}/enrollments?resident_id={resident.id}"
    pending = db.session.scalar(
        select(Notification.id).where(
            Notification.kind == "place_request",
            Notification.link == link,
            Notification.read_at.is_(None),
        )
    )
    if pending is not None:
        raise Conflict("已经申请过这期培训班的名额，经办人会尽快联系。")
    seats = max(0, cohort.capacity - cohort.enrolled)
    purpose = ""
    if post_id is not None:
        post = db.session.get(Post, post_id) if 1 <= post_id <= MAX_ID else None
        if post is None:
            raise Invalid("输入有误，请按提示修改。", {"post_id": ["没有这个岗位。"]})
        purpose = f"，结业后想应聘“{post.title}”（岗位编号 {post.id}）"
    send(
        to_staff(
            "place_request",
            f"{resident.name}（居民编号 {resident.id}）申请{cohort.name}"
            f"（{cohort.starts_on.isoformat()} 开班，余 {seats} 个名额）的名额{purpose}。",
            link,
        )
    )
    db.session.commit()
    return {"resident_id": resident.id, "cohort_id": cohort.id, "seats_left": seats}
