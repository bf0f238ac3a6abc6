"""Queueing long work and reading how it went.

``enqueue`` records a job and hands it to RQ on Redis when a queue is at hand (``REDIS_URL``
set, Redis answering, a worker listening); otherwise it runs the job at once, in the request,
and says so in the log. Either way the caller gets the job's record, and staff read its state
through ``get_job`` and ``list_jobs``.
"""

import logging
import uuid
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from sqlalchemy import select

from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.database import paginate, utcnow
from jobmatch.errors import Forbidden, NotFound
from jobmatch.extensions import db
from jobmatch.jobs.models import BackgroundJob
from jobmatch.jobs.runner import resolve, run_inline, run_job

logger = logging.getLogger(__name__)
LOST_MESSAGE = "任务长时间没有进展，已视为丢失；请重新提交。"
_REDIS_KEY = "jobmatch.redis"


def redis_connection(app: Flask | None = None) -> Redis | None:
    """The app's Redis client (one per app), or None when REDIS_URL is not set."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    if _REDIS_KEY not in app.extensions:
        # Short timeouts: a Redis that does not answer must not hold a request for long.
        app.extensions[_REDIS_KEY] = Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=5, health_check_interval=30
        )
    return app.extensions[_REDIS_KEY]


def job_queue(connection: Redis) -> Queue:
    return Queue(current_app.config["JOBS_QUEUE"], connection=connection)


def _available_queue() -> tuple[Queue | None, str]:
    """The queue to hand a job to, or None and why it runs inline instead."""
    connection = redis_connection()
    if connection is None:
        return None, "REDIS_URL is not set"
    try:
        connection.ping()
        queue = job_queue(connection)
        if current_app.config["JOBS_INLINE_WITHOUT_WORKER"] and not Worker.count(queue=queue):
            return None, f"no worker listens on queue {queue.name!r}"
    except RedisError as error:
        return None, f"Redis does not answer ({type(error).__name__})"
    return queue, ""


def _lost(job: BackgroundJob) -> bool:
    """A job untouched for longer than a run may take was lost (Redis emptied, say): it is
    marked failed, so that it neither blocks a new one of its kind nor looks alive to staff."""
    limit = timedelta(seconds=current_app.config["JOBS_TIMEOUT_SECONDS"])
    if job.updated_at > utcnow() - limit:
        return False
    logger.warning("jobs: %s (%s) was lost while %s; marked failed", job.id, job.kind, job.state)
    job.state, job.error, job.finished_at = "failed", LOST_MESSAGE, utcnow()
    db.session.commit()
    return True


def enqueue(
    kind: str,
    function_path: str,
    payload: dict[str, Any] | None = None,
    *,
    actor,
    dedupe_key: str | None = None,
) -> BackgroundJob:
    """Record a job of ``kind`` that runs ``function_path`` (``module:function``, taking a
    ``JobRun``) with a JSON-able ``payload``, and queue it (or run it inline).

    With a ``dedupe_key``, a job of the same kind and key still queued or running is answered
    instead of a second one. ``actor`` (a User, or None for the command line) is recorded.
    """
    resolve(function_path)  # a wrong path fails here, in the caller, not later in a worker
    if dedupe_key is not None:
        waiting = db.session.scalars(
            select(BackgroundJob)
            .where(BackgroundJob.kind == kind, BackgroundJob.dedupe_key == dedupe_key)
            .where(BackgroundJob.state.in_(("queued", "running")))
            .order_by(BackgroundJob.created_at.desc())
            .limit(1)
        ).first()
        if waiting is not None and not _lost(waiting):
            return waiting
    job = BackgroundJob(
        id=uuid.uuid4().hex,
        kind=kind,
        function=function_path,
        payload=payload or {},
        dedupe_key=dedupe_key,
        state="queued",
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(job)
    db.session.commit()
    queue, why_inline = _available_queue()
    if queue is not None:
        config = current_app.config
        try:
            queue.enqueue(
                run_job,
                job.id,
                job_id=job.id,
                description=f"{kind} {job.id}",
                retry=Retry(max=config["JOBS_RETRY_MAX"], interval=config["JOBS_RETRY_INTERVALS"]),
                job_timeout=config["JOBS_TIMEOUT_SECONDS"],
                result_ttl=config["JOBS_REDIS_TTL_SECONDS"],
                failure_ttl=config["JOBS_REDIS_TTL_SECONDS"],
            )
            logger.info("jobs: queued %s (%s) on %s", job.id, kind, queue.name)
            return job
        except RedisError as error:
            why_inline = f"Redis refused the job ({type(error).__name__})"
    logger.warning("jobs: running %s (%s) inline in this request: %s", job.id, kind, why_inline)
    run_inline(job.id)
    db.session.refresh(job)
    return job


def _check_staff(actor) -> None:
    if actor is None or actor.role not in STAFF_ROLES:
        raise Forbidden("只有工作人员可以查看后台任务。")


def get_job(actor, job_id: str) -> BackgroundJob:
    """One job's record (staff only)."""
    _check_staff(actor)
    job = db.session.get(BackgroundJob, job_id) if len(job_id) <= 32 else None
    if job is None:
        raise NotFound("没有这个后台任务。")
    return job


def list_jobs(
    actor,
    page: int,
    page_size: int,
    state: str | None = None,
    kind: str | None = None,
) -> tuple[list[BackgroundJob], int]:
    """A page of jobs, newest first, and how many match (staff only)."""
    _check_staff(actor)
    conditions = []
    if state is not None:
        conditions.append(BackgroundJob.state == state)
    if kind is not None:
        conditions.append(BackgroundJob.kind == kind)
    statement = (
        select(BackgroundJob)
        .where(*conditions)
        .order_by(BackgroundJob.created_at.desc(), BackgroundJob.id)
    )
    return paginate(statement, page, page_size)
