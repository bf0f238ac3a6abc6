"""Work income in a period: wages from spells and pay for accepted piecework.

- **Wages**: a spell's monthly ``wage`` (the latest known) times the share of each calendar
  month it covered (days from its start to its end or the period's end, over the month's
  days), summed over the months of the period; rounded to the yuan at the end.
- **Piecework**: accepted pieces delivered in the period (corrections included, by the day
  they were entered) times the order's unit rate, as the orders ledger pays them.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from jobmatch.employment.dates import month_bounds
from jobmatch.employment.models import EmploymentSpell
from jobmatch.extensions import db
from jobmatch.orders.models import Delivery, Order


def yuan(amount: Decimal | float) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _months(start: date, end: date) -> Iterable[tuple[date, date]]:
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        first, last = month_bounds(year, month)
        yield max(first, start), min(last, end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def spell_wages(spell: EmploymentSpell, start: date, end: date) -> Decimal:
    """What the spell paid within [start, end], pro rata by the days of each month."""
    total = Decimal(0)
    for first, last in _months(start, end):
        covered_from = max(first, spell.started_on)
        covered_to = min(last, spell.ended_on or last)
        if covered_to < covered_from:
            continue
        days_in_month = month_bounds(first.year, first.month)[1].day
        days = (covered_to - covered_from + timedelta(days=1)).days
        total += Decimal(spell.wage) * days / days_in_month
    return total


def spells_in(start: date, end: date, resident_ids=None, firm_ids=None) -> list[EmploymentSpell]:
    query = select(EmploymentSpell).where(
        EmploymentSpell.started_on <= end,
        (EmploymentSpell.ended_on.is_(None)) | (EmploymentSpell.ended_on >= start),
    )
    if resident_ids is not None:
        query = query.where(EmploymentSpell.resident_id.in_(resident_ids))
    if firm_ids is not None:
        query = query.where(EmploymentSpell.firm_id.in_(firm_ids))
    return list(db.session.scalars(query.order_by(EmploymentSpell.id)))


def wages_by_resident(spells: list[EmploymentSpell], start: date, end: date) -> dict[int, Decimal]:
    wages: dict[int, Decimal] = defaultdict(Decimal)
    for spell in spells:
        wages[spell.resident_id] += spell_wages(spell, start, end)
    return {resident_id: yuan(amount) for resident_id, amount in wages.items()}


def piecework_by_resident(start: date, end: date, *conditions) -> dict[int, Decimal]:
    """Pay for accepted pieces delivered in [start, end]; ``conditions`` narrow the orders."""
    rows = db.session.execute(
        select(Delivery.resident_id, Order.unit_rate, func.sum(Delivery.accepted))
        .join(Order, Order.id == Delivery.order_id)
        .where(Delivery.delivered_on >= start, Delivery.delivered_on <= end, *conditions)
        .group_by(Delivery.resident_id, Order.id, Order.unit_rate)
    ).all()
    pay: dict[int, Decimal] = defaultdict(Decimal)
    for resident_id, unit_rate, accepted in rows:
        pay[resident_id] += Decimal(unit_rate) * int(accepted or 0)
    return {resident_id: yuan(amount) for resident_id, amount in pay.items() if amount}
