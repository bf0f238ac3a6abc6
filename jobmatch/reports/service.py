"""The bureau's reports, computed from posts, applications and training records.

Definitions (the figures mean exactly this):

- A **hire** is an application whose status is now ``hired``; a hire undone by an admin
  correction no longer counts. Its time is ``hired_at`` (``updated_at`` for rows written
  without it), and its date is that time's calendar date in China (UTC+8).
- **Time to fill** of a post: days from the post's listing (``created_at``) to the hire that
  filled its last opening, that is the ``openings``-th hire in time order; empty while openings
  remain. Beside it: days from listing to the first hire, and from the first application to the
  filling hire.
- **Placements** by priority group and by community: residents registered there, residents with
  at least one hire, and hires. A resident counts in each of its groups; residents in no group
  (or with no community) make a row of their own with a null key.
- **Placed after training** by program: residents who completed a cohort of the program (an
  enrollment with status ``completed``; its date is ``completed_on``, else the cohort's
  ``ends_on``), and of them those hired on that date or within 90 days after it.
- **Openings filled** by firm and category: the posts' ``openings`` and ``filled`` summed over
  every post whatever its status, as /api/stats counts them.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.models import User
from jobmatch.applications.enums import ApplicationStatus
from jobmatch.applications.models import Application
from jobmatch.clock import china_date
from jobmatch.communities.models import Community
from jobmatch.errors import Forbidden
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.posts.models import Post
from jobmatch.residents.models import PRIORITY_GROUPS, Resident, ResidentGroup
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment, Program

PLACED_WITHIN_DAYS = 90


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((_aware(end) - _aware(start)).total_seconds() / 86400, 1)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _hires() -> list[tuple[int, int, datetime]]:
    """(post_id, resident_id, hire time) of every current hire, earliest first."""
    hired_at = func.coalesce(Application.hired_at, Application.updated_at)
    rows = db.session.execute(
        select(Application.post_id, Application.resident_id, hired_at)
        .where(Application.status == ApplicationStatus.HIRED)
        .order_by(hired_at, Application.id)
    ).all()
    return [(post_id, resident_id, _aware(moment)) for post_id, resident_id, moment in rows]


def time_to_fill() -> list[dict]:
    hires_by_post: dict[int, list[datetime]] = defaultdict(list)
    for post_id, _, moment in _hires():
        hires_by_post[post_id].append(moment)
    first_applications = dict(
        db.session.execute(
            select(Application.post_id, func.min(Application.created_at)).group_by(
                Application.post_id
            )
        ).all()
    )
    rows = []
    posts = db.session.execute(
        select(Post, Firm.name).join(Firm, Firm.id == Post.firm_id).order_by(Post.id)
    ).all()
    for post, firm_name in posts:
        hires = hires_by_post.get(post.id, [])
        listed_at = _aware(post.created_at)
        first_application_at = _aware(first_applications.get(post.id))
        first_hire_at = hires[0] if hires else None
        filled_at = hires[post.openings - 1] if len(hires) >= post.openings else None
        rows.append(
            {
                "post_id": post.id,
                "title": post.title,
                "firm_id": post.firm_id,
                "firm_name": firm_name,
                "category": post.category,
                "status": post.status,
                "openings": post.openings,
                "filled": post.filled,
                "hires": len(hires),
                "listed_at": listed_at,
                "first_application_at": first_application_at,
                "first_hire_at": first_hire_at,
                "filled_at": filled_at,
                "days_to_first_hire": _days(listed_at, first_hire_at),
                "days_to_fill": _days(listed_at, filled_at),
                "days_from_first_application_to_fill": _days(first_application_at, filled_at),
            }
        )
    return rows


def _placements(memberships: dict[int, list], keys: list) -> list[dict]:
    """Rows per key: residents there, residents with a hire, and hires."""
    hires_by_resident: dict[int, int] = defaultdict(int)
    for _, resident_id, _ in _hires():
        hires_by_resident[resident_id] += 1
    residents: dict = defaultdict(int)
    placed: dict = defaultdict(int)
    hires: dict = defaultdict(int)
    for resident_id, resident_keys in memberships.items():
        for key in resident_keys:
            residents[key] += 1
            if hires_by_resident.get(resident_id):
                placed[key] += 1
                hires[key] += hires_by_resident[resident_id]
    return [
        {
            "residents": residents[key],
            "placed_residents": placed[key],
            "hires": hires[key],
            "placement_rate": _rate(placed[key], residents[key]),
        }
        for key in keys
    ]


def placements_by_group() -> list[dict]:
    memberships: dict[int, list] = {
        resident_id: [] for resident_id in db.session.scalars(select(Resident.id))
    }
    for resident_id, group in db.session.execute(
        select(ResidentGroup.resident_id, ResidentGroup.group)
    ):
        memberships[resident_id].append(group)
    for groups in memberships.values():
        if not groups:
            groups.append(None)
    keys = [*PRIORITY_GROUPS, None]
    rows = _placements(memberships, keys)
    return [{"group": key} | row for key, row in zip(keys, rows, strict=True)]


def placements_by_community() -> list[dict]:
    memberships = {
        resident_id: [community_id]
        for resident_id, community_id in db.session.execute(
            select(Resident.id, Resident.community_id)
        )
    }
    communities = db.session.execute(
        select(Community.id, Community.name).order_by(Community.id)
    ).all()
    keys = [community_id for community_id, _ in communities] + [None]
    names = dict(communities)
    rows = _placements(memberships, keys)
    return [
        {"community_id": key, "community_name": names.get(key)} | row
        for key, row in zip(keys, rows, strict=True)
    ]


def placements_by_program(within_days: int = PLACED_WITHIN_DAYS) -> list[dict]:
    hire_dates: dict[int, list[date]] = defaultdict(list)
    for _, resident_id, moment in _hires():
        hire_dates[resident_id].append(china_date(moment))
    completed_on = func.coalesce(Enrollment.completed_on, Cohort.ends_on)
    completions = db.session.execute(
        select(Cohort.program_code, Enrollment.resident_id, completed_on)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.status == EnrollmentStatus.COMPLETED)
    ).all()
    trained: dict[str, set[int]] = defaultdict(set)
    placed: dict[str, set[int]] = defaultdict(set)
    window = timedelta(days=within_days)
    for program_code, resident_id, finished in completions:
        trained[program_code].add(resident_id)
        if any(finished <= hired <= finished + window for hired in hire_dates[resident_id]):
            placed[program_code].add(resident_id)
    programs = db.session.execute(select(Program.code, Program.name).order_by(Program.code))
    return [
        {
            "program_code": code,
            "program_name": name,
            "trained": len(trained[code]),
            "placed_within_90_days": len(placed[code]),
            "placement_rate": _rate(len(placed[code]), len(trained[code])),
        }
        for code, name in programs
    ]


def filled_by_firm() -> list[dict]:
    rows = db.session.execute(
        select(
            Firm.id,
            Firm.name,
            Post.category,
            func.count(Post.id),
            func.sum(Post.openings),
            func.sum(Post.filled),
        )
        .join(Post, Post.firm_id == Firm.id)
        .group_by(Firm.id, Firm.name, Post.category)
        .order_by(Firm.id, Post.category)
    ).all()
    return [
        {
            "firm_id": firm_id,
            "firm_name": name,
            "category": category,
            "posts": posts,
            "openings": int(openings),
            "filled": int(filled),
            "fill_rate": _rate(int(filled), int(openings)),
        }
        for firm_id, name, category, posts, openings, filled in rows
    ]


REPORTS = {
    "time-to-fill": time_to_fill,
    "placements-by-group": placements_by_group,
    "placements-by-community": placements_by_community,
    "placements-by-program": placements_by_program,
    "filled-by-firm": filled_by_firm,
}


def build_reports(actor: User | None, names: list[str]) -> dict[str, list[dict]]:
    """The named reports' rows; staff only (they hold figures on priority groups)."""
    if not is_staff(actor):
        raise Forbidden("只有人社局工作人员可以查看报表。")
    return {name: REPORTS[name]() for name in names}
