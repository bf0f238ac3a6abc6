"""Retention: of the spells that started long enough ago, how many were still going at 30, 90
and 180 days, overall and by firm, training program, priority group and community.

Definitions (every figure is reproducible from ``GET /api/employment/spells``):

- A spell is **measured** at N days once N days have passed since it started
  (``started_on + N <= as_of``); spells younger than that are left out of that horizon.
- It is **retained** at N days when it had not ended before day N: no ``ended_on``, or
  ``ended_on >= started_on + N``.
- The rate is retained / measured, empty when none was measured.
- **Program**: every program in which the resident completed a cohort on or before the day
  the spell started (completion day: the enrollment's ``completed_on``, else the cohort's
  ``ends_on``); spells of residents with none fall in a row of their own (key null).
- **Priority group**: each group of the resident (a spell counts in each); none: key null.
- **Community**: the resident's community now; none: key null.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.models import User
from jobmatch.communities.models import Community
from jobmatch.employment.models import EmploymentSpell
from jobmatch.errors import Forbidden
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.residents.enums import PriorityGroup
from jobmatch.residents.models import Resident, ResidentGroup
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment, Program

HORIZONS = (30, 90, 180)
DIMENSIONS = ("all", "firm", "program", "group", "community")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _programs_before_start(spells) -> dict[int, list[str]]:
    """Spell id -> codes of programs its resident completed on or before its start."""
    completed_on = func.coalesce(Enrollment.completed_on, Cohort.ends_on)
    completions = defaultdict(list)
    for resident_id, program_code, day in db.session.execute(
        select(Enrollment.resident_id, Cohort.program_code, completed_on)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.status == EnrollmentStatus.COMPLETED)
    ):
        completions[resident_id].append((program_code, day))
    return {
        spell.id: sorted(
            {code for code, day in completions[spell.resident_id] if day <= spell.started_on}
        )
        for spell in spells
    }


def retention_report(user: User, as_of: date, dimension: str | None = None) -> list[dict]:
    """One row per dimension and key, in DIMENSIONS order (``dimension`` keeps only one)."""
    if not is_staff(user):
        raise Forbidden("只有人社局经办人可以查看留存报表。")
    spells = list(db.session.scalars(select(EmploymentSpell).order_by(EmploymentSpell.id)))
    residents = dict(
        db.session.execute(
            select(Resident.id, Resident.community_id).where(
                Resident.id.in_({spell.resident_id for spell in spells} or {0})
            )
        ).all()
    )
    groups: dict[int, list[str]] = defaultdict(list)
    for resident_id, group in db.session.execute(
        select(ResidentGroup.resident_id, ResidentGroup.group)
    ):
        groups[resident_id].append(group)
    programs = _programs_before_start(spells)
    keys_of = {
        "all": lambda spell: [None],
        "firm": lambda spell: [spell.firm_id],
        "program": lambda spell: programs[spell.id] or [None],
        "group": lambda spell: sorted(groups[spell.resident_id]) or [None],
        "community": lambda spell: [residents.get(spell.resident_id)],
    }
    names = _names()
    rows = []
    for name in DIMENSIONS:
        if dimension and name != dimension:
            continue
        buckets: dict = defaultdict(list)
        for spell in spells:
            for key in keys_of[name](spell):
                buckets[key].append(spell)
        for key in sorted(buckets, key=lambda k: (k is None, str(k) if k is not None else "")):
            rows.append(_row(name, key, names[name](key), buckets[key], as_of))
    return rows


def _row(dimension: str, key, name: str, spells: list[EmploymentSpell], as_of: date) -> dict:
    row = {
        "dimension": dimension,
        "key": None if key is None else str(key),
        "name": name,
        "spells": len(spells),
        "open": sum(spell.ended_on is None for spell in spells),
    }
    for days in HORIZONS:
        measured = [s for s in spells if s.started_on + timedelta(days=days) <= as_of]
        retained = [
            s
            for s in measured
            if s.ended_on is None or s.ended_on >= s.started_on + timedelta(days=days)
        ]
        row[f"measured_{days}"] = len(measured)
        row[f"retained_{days}"] = len(retained)
        row[f"rate_{days}"] = _rate(len(retained), len(measured))
    return row


def _names() -> dict:
    firms = dict(db.session.execute(select(Firm.id, Firm.name)).all())
    programs = dict(db.session.execute(select(Program.code, Program.name)).all())
    communities = dict(db.session.execute(select(Community.id, Community.name)).all())
    return {
        "all": lambda key: "全部",
        "firm": lambda key: firms.get(key, ""),
        "program": lambda key: programs.get(key, "") if key else "未参加培训",
        "group": lambda key: PriorityGroup.label_of(key) if key else "非重点人群",
        "community": lambda key: communities.get(key, "") if key else "未登记社区",
    }
