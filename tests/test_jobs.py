"""Background jobs for real: RQ on Redis with a real worker, the inline fallback without it,
and the staff-only reads of a job's state."""

import logging
import os
import subprocess
import sys
import uuid

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from jobmatch.extensions import db
from jobmatch.jobs import service
from jobmatch.jobs.models import BackgroundJob
from jobmatch.jobs.runner import FAILED_MESSAGE
from tests.factories import auth_headers, make_quick_user
from tests.jobs_fixtures import FLAKY_DETAIL, delete_keys, redis_url, run_prefix  # noqa: F401
from tests.test_matching_api import _history, matching_app, town  # noqa: F401

FIXTURES = "tests.jobs_fixtures"
# A job reports progress, and reads its own record, on connections of its own; a worker may be
# an app or a process of its own: what a test makes must really be committed.
pytestmark = pytest.mark.committing


@pytest.fixture
def queued_app(app, redis_url, run_prefix):  # noqa: F811
    """The app with a queue of its own on the test Redis; jobs wait there for a worker."""
    app.config.update(
        REDIS_URL=redis_url,
        JOBS_QUEUE=run_prefix,
        JOBS_INLINE_WITHOUT_WORKER=False,
        JOBS_RETRY_MAX=2,
        JOBS_RETRY_INTERVALS=[0],  # retry at once: a burst worker keeps no scheduler
    )
    yield app
    job_ids = db.session.scalars(select(BackgroundJob.id)).all()
    delete_keys(redis_url, run_prefix, *job_ids)


def work(app) -> None:
    """A real RQ worker in this process: runs what waits on the app's queue, then stops."""
    connection = service.redis_connection(app)
    queue = service.job_queue(connection)
    SimpleWorker([queue], connection=connection, name=f"{queue.name}-{uuid.uuid4().hex[:6]}").work(
        burst=True, logging_level="WARNING"
    )
    db.session.expire_all()


def test_a_job_waits_queued_then_runs_on_the_worker_and_is_done(queued_app):
    staff = make_quick_user("staff")
    job = service.enqueue("observe", f"{FIXTURES}:observe", {}, actor=staff)
    assert job.state == "queued" and job.attempts == 0
    rq_job = service.job_queue(service.redis_connection()).fetch_job(job.id)
    assert rq_job is not None and rq_job.get_status() == "queued"

    work(queued_app)
    job = db.session.get(BackgroundJob, job.id)
    assert job.state == "done"
    assert job.result == {"state_while_running": "running", "attempts": 1, "actor": staff.username}
    assert job.progress == 1.0 and job.started_at and job.finished_at >= job.started_at


def test_progress_is_reported_as_done_of_total(queued_app):
    job = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 7}, actor=None)
    work(queued_app)
    job = db.session.get(BackgroundJob, job.id)
    assert (job.state, job.progress_done, job.progress_total, job.result) == (
        "done",
        7,
        7,
        {"counted": 7},
    )


def test_a_failing_job_is_retried_until_it_succeeds(queued_app):
    job = service.enqueue("flaky", f"{FIXTURES}:flaky", {"succeed_on": 2}, actor=None)
    work(queued_app)
    job = db.session.get(BackgroundJob, job.id)
    assert (job.state, job.attempts, job.error) == ("done", 2, None)
    assert job.result == {"succeeded_on": 2}


def test_a_job_failing_every_retry_is_failed_with_a_safe_message(queued_app, caplog):
    job = service.enqueue("flaky", f"{FIXTURES}:flaky", {"succeed_on": 99}, actor=None)
    with caplog.at_level(logging.ERROR, logger="jobmatch.jobs.runner"):
        work(queued_app)
    job = db.session.get(BackgroundJob, job.id)
    assert (job.state, job.attempts) == ("failed", 3)  # the first run and two retries
    assert job.error == FAILED_MESSAGE.format(attempts=3)
    assert "secret" not in job.error
    assert FLAKY_DETAIL in caplog.text  # the traceback is in the worker's log, for operators
    rq_job = service.job_queue(service.redis_connection()).fetch_job(job.id)
    assert rq_job.get_status() == "failed"


def test_a_job_the_records_refuse_fails_at_once_with_its_message(queued_app):
    job = service.enqueue("refuse", f"{FIXTURES}:refuse", {}, actor=None)
    work(queued_app)
    job = db.session.get(BackgroundJob, job.id)
    assert (job.state, job.attempts, job.error) == ("failed", 1, "记录不足，不能执行。")


def test_a_job_delivered_again_after_it_is_done_is_not_run_twice(queued_app):
    job = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 2}, actor=None)
    work(queued_app)
    # RQ hands the same job out again (a worker lost after the commit, say).
    service.job_queue(service.redis_connection()).enqueue(
        "jobmatch.jobs.runner.run_job", job.id, job_id=job.id
    )
    work(queued_app)
    job = db.session.get(BackgroundJob, job.id)
    assert (job.state, job.attempts) == ("done", 1)


def test_retrain_answers_202_and_the_worker_makes_the_new_card(queued_app, client, town):  # noqa: F811
    from jobmatch.matching import service as matching

    staff = make_quick_user("staff")
    _history(town)
    response = client.post("/api/model/train", headers=auth_headers(staff), json={})
    assert response.status_code == 202 and set(response.json) == {"job_id"}
    job_id = response.json["job_id"]
    assert client.get(f"/api/jobs/{job_id}", headers=auth_headers(staff)).json["state"] == "queued"
    # Asked again while it waits: the same job, not a second retrain.
    again = client.post("/api/model/train", headers=auth_headers(staff), json={"kind": "logistic"})
    assert again.status_code == 202 and again.json["job_id"] == job_id

    work(queued_app)
    job = client.get(f"/api/jobs/{job_id}", headers=auth_headers(staff)).json
    assert job["state"] == "done", job
    card = job["result"]
    assert card["status"] == "current" and card["artifact"]["sha256"]
    assert matching.engine().model.version == card["version"]
    served = client.get("/api/model", headers=auth_headers(staff)).json
    assert served["serving"] == card["version"]


def test_a_retrain_the_records_refuse_is_a_failed_job_on_the_worker(queued_app, client, town):  # noqa: F811
    staff = make_quick_user("staff")
    job_id = client.post("/api/model/train", headers=auth_headers(staff), json={}).json["job_id"]
    work(queued_app)
    job = client.get(f"/api/jobs/{job_id}", headers=auth_headers(staff)).json
    assert job["state"] == "failed" and "已记录的求职结果不足" in job["error"]


def test_the_flask_worker_command_runs_queued_jobs(queued_app, database_url, tmp_path):
    job = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 3}, actor=None)
    config = queued_app.config
    environment = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": config["SECRET_KEY"],
        "JOBMATCH_FIELD_KEY": config["JOBMATCH_FIELD_KEY"],
        "JOBMATCH_MODEL_DIR": config["JOBMATCH_MODEL_DIR"],
        "JOBMATCH_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "REDIS_URL": config["REDIS_URL"],
        "JOBMATCH_JOBS_QUEUE": config["JOBS_QUEUE"],
    }
    flask = [sys.executable, "-m", "flask", "--app", "jobmatch", "worker", "--burst"]
    done = subprocess.run(flask, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"queue {config['JOBS_QUEUE']!r}" in done.stdout
    db.session.expire_all()
    assert db.session.get(BackgroundJob, job.id).result == {"counted": 3}


def test_without_redis_a_job_runs_inline_and_says_so(app, caplog):
    with caplog.at_level(logging.WARNING, logger="jobmatch.jobs.service"):
        job = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 2}, actor=None)
    assert (job.state, job.result) == ("done", {"counted": 2})
    assert "inline" in caplog.text and "REDIS_URL is not set" in caplog.text


def test_with_redis_down_a_job_runs_inline(app, caplog):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="jobmatch.jobs.service"):
        job = service.enqueue("refuse", f"{FIXTURES}:refuse", {}, actor=None)
    assert (job.state, job.error) == ("failed", "记录不足，不能执行。")
    assert "Redis does not answer" in caplog.text


def test_with_redis_but_no_worker_a_job_runs_inline(app, redis_url, run_prefix, caplog):  # noqa: F811
    app.config.update(REDIS_URL=redis_url, JOBS_QUEUE=run_prefix)
    with caplog.at_level(logging.WARNING, logger="jobmatch.jobs.service"):
        job = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 1}, actor=None)
    assert job.state == "done"
    assert f"no worker listens on queue {run_prefix!r}" in caplog.text


def test_a_job_of_the_same_key_is_answered_again_unless_it_was_lost(queued_app):
    from datetime import timedelta

    from jobmatch.database import utcnow
    from jobmatch.jobs.service import LOST_MESSAGE

    first = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 1}, actor=None, dedupe_key="k")
    again = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 1}, actor=None, dedupe_key="k")
    assert again.id == first.id
    # Redis emptied under it: nothing will ever run it, and it must not block the next one.
    stale = utcnow() - timedelta(seconds=queued_app.config["JOBS_TIMEOUT_SECONDS"] + 1)
    db.session.execute(
        BackgroundJob.__table__.update()
        .where(BackgroundJob.id == first.id)
        .values(updated_at=stale)
    )
    db.session.commit()
    fresh = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 1}, actor=None, dedupe_key="k")
    assert fresh.id != first.id
    lost = db.session.get(BackgroundJob, first.id)
    db.session.refresh(lost)
    assert (lost.state, lost.error) == ("failed", LOST_MESSAGE)


def test_an_unknown_function_is_refused_when_queued(app):
    with pytest.raises((ImportError, ValueError)):
        service.enqueue("nothing", f"{FIXTURES}:no_such_function", {}, actor=None)
    assert db.session.scalars(select(BackgroundJob)).all() == []


def test_staff_read_and_list_jobs(client, app):
    staff = make_quick_user("staff")
    done = service.enqueue("count", f"{FIXTURES}:count_to", {"n": 1}, actor=staff)
    failed = service.enqueue("refuse", f"{FIXTURES}:refuse", {}, actor=staff)
    headers = auth_headers(staff)
    body = client.get(f"/api/jobs/{done.id}", headers=headers).json
    assert body["state"] == "done" and body["created_by"] == staff.id
    assert body["progress"] == {"fraction": 1.0, "done": 1, "total": 1}
    listed = client.get("/api/jobs", headers=headers)
    assert [j["id"] for j in listed.json] == [failed.id, done.id]
    assert "X-Pagination" in listed.headers
    only_failed = client.get("/api/jobs?state=failed", headers=headers).json
    assert [j["id"] for j in only_failed] == [failed.id]
    assert client.get("/api/jobs?state=lost", headers=headers).status_code == 422
    missing = client.get(f"/api/jobs/{uuid.uuid4().hex}", headers=headers)
    assert missing.status_code == 404 and set(missing.json) == {
        "code",
        "status",
        "message",
        "errors",
    }


@pytest.mark.parametrize("path", ["/api/jobs", "/api/jobs/0123456789abcdef"])
@pytest.mark.parametrize("role", ["firm", "resident"])
def test_jobs_are_for_staff_only(client, path, role):
    assert client.get(path).status_code == 401
    assert client.get(path, headers=auth_headers(make_quick_user(role))).status_code == 403
