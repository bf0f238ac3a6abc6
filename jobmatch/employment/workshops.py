"""帮扶车间 compliance: for each workshop, the 脱贫 workers it engaged this year and what each
earned there against the yearly threshold, with what is missing.

Definitions (reproducible from the firms, orders, deliveries and spells APIs):

- A **workshop** is a firm marked ``is_workshop``, or a named workshop that piecework orders
  are handed to (an order's ``workshop``; orders naming the same workshop are one).
- A **脱贫 worker** is a resident in the ``poverty_alleviated`` group who, in the year up to
  the day, had a spell at the workshop firm or delivered accepted pieces to its orders.
- **Income** is what the worker earned *from that workshop* in the year up to the day:
  wages of its spells there (pro rata, see income.py) and pay for accepted pieces of its
  orders. A worker **meets** the threshold when income >= threshold.
- **Missing**, for each worker: the shortfall to the threshold, and wages taken from the
  post's floor because no follow-up has recorded the real wage.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.models import User
from jobmatch.employment.income import piecework_by_resident, spells_in, wages_by_resident, yuan
from jobmatch.errors import Forbidden
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.orders.models import Order
from jobmatch.residents.enums import PriorityGroup
from jobmatch.residents.models import Resident, ResidentGroup


def _poverty_alleviated() -> set[int]:
    return set(
        db.session.scalars(
            select(ResidentGroup.resident_id).where(
                ResidentGroup.group == PriorityGroup.POVERTY_ALLEVIATED
            )
        )
    )


def workshop_report(user: User, year: int, as_of: date, threshold: int) -> list[dict]:
    if not is_staff(user):
        raise Forbidden("只有人社局经办人可以查看帮扶车间报表。")
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), as_of)
    if end < start:
        return []
    targets = _poverty_alleviated()
    units = []
    for firm in db.session.scalars(select(Firm).where(Firm.is_workshop).order_by(Firm.id)):
        spells = spells_in(start, end, firm_ids=[firm.id])
        units.append(
            {
                "kind": "firm",
                "firm_id": firm.id,
                "name": firm.name,
                "order_ids": list(
                    db.session.scalars(select(Order.id).where(Order.firm_id == firm.id))
                ),
                "spells": spells,
            }
        )
    named: dict[str, list[Order]] = defaultdict(list)
    for order in db.session.scalars(
        select(Order).where(Order.workshop.is_not(None)).order_by(Order.id)
    ):
        named[order.workshop].append(order)
    for name, orders in sorted(named.items()):
        units.append(
            {
                "kind": "named",
                "firm_id": None,
                "name": name,
                "order_ids": [order.id for order in orders],
                "spells": [],
            }
        )
    return [_unit_row(unit, start, end, threshold, targets) for unit in units]


def _unit_row(unit: dict, start: date, end: date, threshold: int, targets: set[int]) -> dict:
    spells = [s for s in unit["spells"] if s.resident_id in targets]
    wages = wages_by_resident(spells, start, end)
    piecework = (
        piecework_by_resident(start, end, Order.id.in_(unit["order_ids"]))
        if unit["order_ids"]
        else {}
    )
    worker_ids = sorted(set(wages) | (set(piecework) & targets))
    unverified = {s.resident_id for s in spells if not any(f.wage for f in s.follow_ups)}
    names = dict(
        db.session.execute(
            select(Resident.id, Resident.name).where(Resident.id.in_(worker_ids))
        ).all()
    )
    workers = []
    for resident_id in worker_ids:
        income = wages.get(resident_id, yuan(0)) + piecework.get(resident_id, yuan(0))
        missing = []
        if income < threshold:
            missing.append(f"距{threshold}元还差{yuan(Decimal(threshold) - income)}元")
        if resident_id in unverified:
            missing.append("工资按岗位起薪估算，尚无回访核实的工资")
        workers.append(
            {
                "resident_id": resident_id,
                "name": names.get(resident_id, ""),
                "wages": wages.get(resident_id, yuan(0)),
                "piecework": piecework.get(resident_id, yuan(0)),
                "income": income,
                "meets_threshold": income >= threshold,
                "shortfall": max(yuan(0), yuan(Decimal(threshold) - income)),
                "missing": missing,
            }
        )
    return {
        "kind": unit["kind"],
        "firm_id": unit["firm_id"],
        "name": unit["name"],
        "order_ids": unit["order_ids"],
        "period_start": start,
        "period_end": end,
        "threshold": threshold,
        "workers": len(workers),
        "meeting_threshold": sum(w["meets_threshold"] for w in workers),
        "missing": [] if workers else ["今年尚未吸纳脱贫劳动力"],
        "worker_list": workers,
    }
