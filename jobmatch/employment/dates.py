"""Calendar arithmetic for spells: the bureau's today, months ahead, a month's bounds."""

import calendar
from datetime import UTC, date, datetime, timedelta, timezone

# The county keeps Beijing time; "today" is the bureau's calendar day, not the server's.
CHINA = timezone(timedelta(hours=8))


def china_today() -> date:
    return datetime.now(UTC).astimezone(CHINA).date()


def china_date(moment: datetime) -> date:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it is shorter (31 Jan + 1 is
    28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)
