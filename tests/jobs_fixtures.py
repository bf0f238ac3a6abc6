"""Job functions the queue tests run, and a Redis of the tests' own (imported explicitly).

Redis comes from JOBMATCH_TEST_REDIS (CI starts one); without it, or when it does not answer,
the tests that need it skip and say why. Every test gets a queue name and key prefix of its
own, and its keys are deleted afterwards, so that parallel runs on one Redis never meet.
"""

import os
import uuid

import pytest
from sqlalchemy import select

from jobmatch.errors import Conflict
from jobmatch.extensions import db
from jobmatch.jobs.models import BackgroundJob

FLAKY_DETAIL = "connection string postgresql://secret@db"  # must never reach staff


def count_to(run):
    """Report progress item by item; the result says how far it counted."""
    total = int(run.payload["n"])
    for done in range(1, total + 1):
        run.progress(done, total, force=True)
    return {"counted": total}


def observe(run):
    """What the job's own record says while the job runs, read on a connection of its own."""
    with db.engine.connect() as connection:
        table = BackgroundJob.__table__
        state, attempts = connection.execute(
            select(table.c.state, table.c.attempts).where(table.c.id == run.job_id)
        ).one()
    return {"state_while_running": state, "attempts": attempts, "actor": run.actor.username}


def flaky(run):
    """Fails until its attempt reaches ``succeed_on``."""
    if run.attempt < run.payload["succeed_on"]:
        raise RuntimeError(FLAKY_DETAIL)
    return {"succeeded_on": run.attempt}


def refuse(run):
    raise Conflict("记录不足，不能执行。")


def redis_url_or_skip() -> str:
    url = os.environ.get("JOBMATCH_TEST_REDIS")
    if not url:
        pytest.skip("no Redis for tests: set JOBMATCH_TEST_REDIS (e.g. redis://127.0.0.1:6379/15)")
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except RedisError as error:
        pytest.skip(f"JOBMATCH_TEST_REDIS={url} does not answer: {error}")
    return url


@pytest.fixture
def redis_url():
    return redis_url_or_skip()


@pytest.fixture
def run_prefix():
    """A name no other test run uses: the queue name and the limiter's key prefix."""
    return f"jobmatch-test-{uuid.uuid4().hex[:12]}"


def delete_keys(url: str, *fragments: str) -> None:
    from redis import Redis

    connection = Redis.from_url(url)
    for fragment in fragments:
        keys = list(connection.scan_iter(match=f"*{fragment}*", count=1000))
        if keys:
            connection.delete(*keys)
        # RQ lists every queue it has seen in one set: take this run's out of it.
        queues = [q for q in connection.smembers("rq:queues") if fragment.encode() in q]
        if queues:
            connection.srem("rq:queues", *queues)
