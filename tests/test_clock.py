"""The bureau's day is China's day, whatever zone the server keeps."""

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from jobmatch import clock
from tests.factories import auth_headers, make_order, make_quick_user, make_resident

# 07:00 on 2 March in Beijing is still 1 March in UTC (23:00).
SEVEN_IN_BEIJING = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)


@pytest.fixture
def server_in_utc(monkeypatch):
    """The process's local zone set to UTC, as on most servers."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_today_is_the_china_date_at_both_ends_of_the_utc_day():
    with clock.frozen_at(datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)):
        assert clock.today() == date(2026, 3, 1)
    with clock.frozen_at(datetime(2026, 3, 1, 16, 0, tzinfo=UTC)):
        assert clock.today() == date(2026, 3, 2)
    with clock.frozen_at(datetime(2026, 3, 2, 7, 0, tzinfo=timezone(timedelta(hours=8)))):
        assert clock.today() == date(2026, 3, 2)
        assert clock.now() == datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
        assert clock.now().tzinfo == UTC


def test_the_clock_runs_again_after_a_frozen_block():
    with clock.frozen_at(datetime(2000, 1, 1, tzinfo=UTC)):
        assert clock.now().year == 2000
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_frozen_instant_must_say_its_zone():
    with pytest.raises(ValueError), clock.frozen_at(datetime(2026, 3, 1, 7, 0)):
        pass


def test_stored_moments_read_on_chinas_calendar():
    assert clock.china_date(SEVEN_IN_BEIJING) == date(2026, 3, 2)
    assert clock.china_date(SEVEN_IN_BEIJING.replace(tzinfo=None)) == date(2026, 3, 2)  # SQLite
    assert clock.china_time(SEVEN_IN_BEIJING).hour == 7


def test_a_delivery_at_seven_in_beijing_is_dated_that_beijing_day(client, server_in_utc):
    assert datetime(2026, 3, 1, 23, 0).astimezone().utcoffset() == timedelta(0)
    staff = auth_headers(make_quick_user("staff"))
    order = make_order(quantity=100)
    worker = make_resident()
    with clock.frozen_at(SEVEN_IN_BEIJING):
        response = client.post(
            f"/api/orders/{order.id}/deliveries",
            json={"resident_id": worker.id, "quantity": 10, "accepted": 10},
            headers=staff,
        )
    assert response.status_code == 201, response.json
    assert response.json["delivered_on"] == "2026-03-02"
