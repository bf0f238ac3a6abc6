"""Running one job: the entry point RQ calls, and inline runs when no queue is at hand.

A job function takes a ``JobRun`` (its payload, who asked, a progress reporter) and returns a
JSON-able result. It runs inside an app context of its own. It must be idempotent: RQ may run
it again after a crash or a retry, so it writes the same outcome each time (or a new version
of it, as a retrain does) and never half of one.
"""

import contextlib
import json
import logging
import time
from importlib import import_module
from typing import Any

from flask import Flask, current_app, has_app_context
from rq import get_current_job
from sqlalchemy import update

from jobmatch.database import utcnow
from jobmatch.errors import DomainError, safe_rollback
from jobmatch.extensions import db
from jobmatch.jobs.models import BackgroundJob

logger = logging.getLogger(__name__)
# Shown to staff for an unexpected failure: the traceback goes to the worker's log only.
FAILED_MESSAGE = "任务执行出错，已重试{attempts}次仍未成功，请查看服务日志。"
RETRYING_MESSAGE = "第{attempts}次执行出错，稍后自动重试。"
PROGRESS_INTERVAL_SECONDS = 0.5

_worker_app: Flask | None = None


def worker_app() -> Flask:
    """The app a worker process runs jobs in: made once per process, on its first job."""
    global _worker_app
    if _worker_app is None:
        from jobmatch import create_app

        _worker_app = create_app()
    return _worker_app


def resolve(function_path: str):
    """``package.module:function`` (or ``package.module.function``) to the function itself."""
    module_name, _, name = function_path.replace(":", ".").rpartition(".")
    function = getattr(import_module(module_name), name, None)
    if not callable(function):
        raise ValueError(f"{function_path} is not a function")
    return function


class JobRun:
    """What a job function is handed: its payload, who queued it, and a progress reporter."""

    def __init__(self, record: BackgroundJob):
        self.job_id = record.id
        self.kind = record.kind
        self.payload: dict[str, Any] = dict(record.payload or {})
        self.actor_id = record.created_by_id
        self.attempt = record.attempts
        self._last_report = 0.0

    @property
    def actor(self):
        from jobmatch.accounts.models import User

        return db.session.get(User, self.actor_id) if self.actor_id is not None else None

    def progress(self, done: float, total: int | None = None, *, force: bool = False) -> None:
        """Report ``done`` of ``total`` items (or a fraction 0..1 when total is None).

        On PostgreSQL written on a connection of its own and committed at once, so that staff
        see it while the job's own transaction is open; at most every PROGRESS_INTERVAL_SECONDS
        unless forced.
        """
        now = time.monotonic()
        if not force and now - self._last_report < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_report = now
        fraction = done / total if total else done
        values = {"progress": min(max(float(fraction), 0.0), 1.0), "updated_at": utcnow()}
        if total is not None:
            values |= {"progress_done": int(done), "progress_total": int(total)}
        if db.engine.dialect.name == "sqlite":
            # One writer at a time: a second connection would wait on the job's own open
            # transaction. The figure goes out with the job's next commit instead.
            record = db.session.get(BackgroundJob, self.job_id)
            for name, value in values.items():
                setattr(record, name, value)
            return
        table = BackgroundJob.__table__
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == self.job_id).values(**values))


def run_job(job_id: str) -> None:
    """The function RQ runs: the job's record names the work. Raises to have RQ retry."""
    app = current_app._get_current_object() if has_app_context() else worker_app()
    with app.app_context():
        _run(job_id, retries_left=_rq_retries_left())


def run_inline(job_id: str) -> None:
    """Run a job now, in this process, once: its failure is recorded, not raised."""
    # A failure is recorded on the job and logged already.
    app = current_app._get_current_object()
    with app.app_context(), contextlib.suppress(Exception):
        _run(job_id, retries_left=0)


def _rq_retries_left() -> int:
    rq_job = get_current_job()
    return (rq_job.retries_left or 0) if rq_job is not None else 0


def _run(job_id: str, retries_left: int) -> None:
    record = db.session.get(BackgroundJob, job_id)
    if record is None:
        logger.warning("jobs: job %s has no record; nothing to run", job_id)
        return
    if record.state == "done":
        logger.info("jobs: job %s (%s) is done already; not run again", job_id, record.kind)
        return
    record.state, record.started_at, record.error = "running", utcnow(), None
    record.attempts += 1
    db.session.commit()
    run = JobRun(record)
    logger.info("jobs: running %s (%s), attempt %d", job_id, record.kind, record.attempts)
    try:
        result = resolve(record.function)(run)
        result = json.loads(current_app.json.dumps(result)) if result is not None else None
    except DomainError as error:
        # The records refuse the work (too few outcomes, say): running it again changes nothing.
        safe_rollback()
        logger.info("jobs: %s (%s) refused: %s", job_id, run.kind, error.message)
        _finish(job_id, "failed", error=error.message)
    except Exception:
        safe_rollback()
        logger.exception("jobs: %s (%s) failed on attempt %d", job_id, run.kind, run.attempt)
        if retries_left > 0:
            _finish(job_id, "queued", error=RETRYING_MESSAGE.format(attempts=run.attempt))
        else:
            _finish(job_id, "failed", error=FAILED_MESSAGE.format(attempts=run.attempt))
        raise
    else:
        _finish(job_id, "done", result=result)
        logger.info("jobs: %s (%s) done", job_id, run.kind)


def _finish(job_id: str, state: str, *, error: str | None = None, result: Any = None) -> None:
    record = db.session.get(BackgroundJob, job_id)
    record.state, record.error = state, error
    if state == "done":
        record.result, record.progress = result, 1.0
        if record.progress_total is not None:
            record.progress_done = record.progress_total
    if state in ("done", "failed"):
        record.finished_at = utcnow()
    db.session.commit()
