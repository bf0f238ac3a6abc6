"""防返贫监测: a monthly snapshot of the residents in priority groups, by community and grid,
and of their households' work income against the monitoring line.

Definitions, for a calendar month (every figure is reproducible from the spells, deliveries,
enrollments and residents APIs):

- **Watched**: residents in at least one priority group.
- **In work** that month, any of: a spell covering at least one day of the month (**hired**);
  accepted piecework delivered in the month (**piecework**); ``employment_status``
  ``self_employed``, as staff record it (**self-employed**; the status has no history, so a
  past month shows today's). A resident counts once in ``in_work`` and in each way it worked.
- **Trained**: not in work, and enrolled in a cohort running in the month or having
  completed one by the month's end.
- **Unemployed**: the rest. **Change**: in work this month less in work the month before.
- **Lost work**: in work the month before, not this month.
- **Household**: residents sharing a ``household_no`` with a watched member (all members
  count). Its **work income** is its members' wages and piecework that month (see
  income.py); it is **below the line** when income per member is under the line.
"""

from collections import defaultdict

from sqlalchemy import func, or_, select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.models import User
from jobmatch.communities.models import Community, Grid
from jobmatch.employment.dates import month_bounds, previous_month
from jobmatch.employment.income import (
    piecework_by_resident,
    spells_in,
    wages_by_resident,
    yuan,
)
from jobmatch.errors import Forbidden
from jobmatch.extensions import db
from jobmatch.residents.enums import EmploymentStatus
from jobmatch.residents.models import Resident, ResidentGroup
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment


def _watched() -> list[Resident]:
    in_a_group = select(ResidentGroup.resident_id).distinct()
    return list(
        db.session.scalars(
            select(Resident).where(Resident.id.in_(in_a_group)).order_by(Resident.id)
        )
    )


def _work(resident_ids: set[int], year: int, month: int, residents: dict) -> dict[int, set[str]]:
    """Resident id -> the ways it worked in the month (hired, piecework, self_employed)."""
    start, end = month_bounds(year, month)
    ways: dict[int, set[str]] = defaultdict(set)
    for spell in spells_in(start, end, resident_ids=resident_ids):
        ways[spell.resident_id].add("hired")
    for resident_id in piecework_by_resident(start, end):
        if resident_id in resident_ids:
            ways[resident_id].add("piecework")
    for resident_id in resident_ids:
        if residents[resident_id].employment_status == EmploymentStatus.SELF_EMPLOYED:
            ways[resident_id].add("self_employed")
    return ways


def _trained(resident_ids: set[int], year: int, month: int) -> set[int]:
    start, end = month_bounds(year, month)
    completed_on = func.coalesce(Enrollment.completed_on, Cohort.ends_on)
    running = (
        (Enrollment.status == EnrollmentStatus.ENROLLED)
        & (Cohort.starts_on <= end)
        & (Cohort.ends_on >= start)
    )
    done = (Enrollment.status == EnrollmentStatus.COMPLETED) & (completed_on <= end)
    return (
        set(
            db.session.scalars(
                select(Enrollment.resident_id)
                .join(Cohort, Cohort.id == Enrollment.cohort_id)
                .where(or_(running, done), Enrollment.resident_id.in_(resident_ids))
            )
        )
        & resident_ids
    )


def monitoring_report(user: User, year: int, month: int, line: int) -> dict:
    if not is_staff(user):
        raise Forbidden("只有人社局经办人可以查看监测报表。")
    watched = _watched()
    residents = {r.id: r for r in watched}
    ids = set(residents)
    now = _work(ids, year, month, residents)
    before = _work(ids, *previous_month(year, month), residents)
    trained = _trained(ids, year, month)
    return {
        "month": f"{year:04d}-{month:02d}",
        "monitoring_line": line,
        "areas": _areas(watched, now, before, trained),
        "lost_work": _lost_work(watched, now, before),
        "households": _households(watched, year, month, line),
    }


def _area_names() -> tuple[dict, dict]:
    communities = dict(db.session.execute(select(Community.id, Community.name)).all())
    grids = dict(db.session.execute(select(Grid.id, Grid.name)).all())
    return communities, grids


def _areas(watched, now, before, trained) -> list[dict]:
    communities, grids = _area_names()
    rows: dict = {}
    for resident in watched:
        key = (resident.community_id, resident.grid_id)
        row = rows.setdefault(
            key,
            {
                "community_id": key[0],
                "community_name": communities.get(key[0], "未登记社区"),
                "grid_id": key[1],
                "grid_name": grids.get(key[1], "未登记网格"),
                "watched": 0,
                "in_work": 0,
                "hired": 0,
                "piecework": 0,
                "self_employed": 0,
                "trained": 0,
                "unemployed": 0,
                "in_work_last_month": 0,
                "change": 0,
                "lost_work": 0,
            },
        )
        row["watched"] += 1
        ways = now.get(resident.id, set())
        for way in ways:
            row[way] += 1
        if ways:
            row["in_work"] += 1
        elif resident.id in trained:
            row["trained"] += 1
        else:
            row["unemployed"] += 1
        if before.get(resident.id):
            row["in_work_last_month"] += 1
            if not ways:
                row["lost_work"] += 1
    for row in rows.values():
        row["change"] = row["in_work"] - row["in_work_last_month"]
    return sorted(rows.values(), key=lambda r: (r["community_id"] or 0, r["grid_id"] or 0))


def _lost_work(watched, now, before) -> list[dict]:
    communities, grids = _area_names()
    return [
        {
            "resident_id": resident.id,
            "name": resident.name,
            "community_name": communities.get(resident.community_id, "未登记社区"),
            "grid_name": grids.get(resident.grid_id, "未登记网格"),
            "household_no": resident.household_no,
            "worked_last_month": sorted(before[resident.id]),
        }
        for resident in watched
        if before.get(resident.id) and not now.get(resident.id)
    ]


def _households(watched, year: int, month: int, line: int) -> list[dict]:
    numbers = {r.household_no for r in watched if r.household_no}
    if not numbers:
        return []
    members = list(
        db.session.scalars(
            select(Resident).where(Resident.household_no.in_(numbers)).order_by(Resident.id)
        )
    )
    start, end = month_bounds(year, month)
    ids = {member.id for member in members}
    wages = wages_by_resident(spells_in(start, end, resident_ids=ids), start, end)
    piecework = piecework_by_resident(start, end)
    communities, _ = _area_names()
    by_number: dict[str, list[Resident]] = defaultdict(list)
    for member in members:
        by_number[member.household_no].append(member)
    rows = []
    for number in sorted(by_number):
        people = by_number[number]
        wage_total = sum((wages.get(p.id, 0) for p in people), yuan(0))
        piece_total = sum((piecework.get(p.id, 0) for p in people), yuan(0))
        income = wage_total + piece_total
        per_member = yuan(income / len(people))
        rows.append(
            {
                "household_no": number,
                "community_name": communities.get(people[0].community_id, "未登记社区"),
                "members": len(people),
                "member_names": "、".join(p.name for p in people),
                "wages": wage_total,
                "piecework": piece_total,
                "income": income,
                "income_per_member": per_member,
                "below_line": per_member < line,
            }
        )
    return rows
