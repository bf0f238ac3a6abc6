"""The bureau's clock: China's one time zone, and the day and moment it is there.

The county dates everything (deliveries, certificates, ages, a post's closing day) by the
Beijing calendar, whatever zone the server runs in: ``date.today()`` on a server in UTC would
put a delivery made at 07:00 Beijing time on the day before. Every "today" in the service comes
from here.

Tests fix the instant with :func:`frozen_at` instead of patching ``datetime``.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# One zone for the whole country, no daylight saving since 1991.
CHINA = ZoneInfo("Asia/Shanghai")


def _system_now() -> datetime:
    return datetime.now(UTC)


# Where the current instant comes from; replaced only by frozen_at.
_source: Callable[[], datetime] = _system_now


def now() -> datetime:
    """The current instant, aware, in UTC (as every stored time is)."""
    return _source().astimezone(UTC)


def today() -> date:
    """The date it is now in China."""
    return _source().astimezone(CHINA).date()


def china_time(moment: datetime) -> datetime:
    """A stored moment on China's wall clock; a naive value is taken to be UTC (SQLite)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA)


def china_date(moment: datetime) -> date:
    """The China calendar day a stored moment falls on."""
    return china_time(moment).date()


@contextmanager
def frozen_at(instant: datetime) -> Iterator[None]:
    """Within the block, now() is ``instant`` (which must be aware) and today() its China day."""
    global _source
    if instant.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    previous = _source
    _source = lambda: instant  # noqa: E731
    try:
        yield
    finally:
        _source = previous
