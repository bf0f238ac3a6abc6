"""Hires racing for the last openings, over real parallel HTTP requests to a real server.

The server is werkzeug's threaded server on a free loopback port, serving an app on the test
database (SQLite or PostgreSQL); the requests come from a pool of client threads released at
once by a barrier, each on its own connection.
"""

import http.client
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.posts.models import Post
from tests.conftest import make_test_app
from tests.factories import (
    auth_headers,
    make_application,
    make_post,
    make_quick_user,
    make_resident,
)

# The requests race on connections of their own: what the test makes must really be committed.
pytestmark = pytest.mark.committing


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture
def live_server(app, database_url, tmp_path):
    """A threaded HTTP server on 127.0.0.1, serving a second app on the test's database."""
    # Its own pool, wide enough that every request holds a connection at the same time.
    server_app = make_test_app(
        database_url,
        tmp_path,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 25, "pool_timeout": 60},
    )
    server = make_server("127.0.0.1", 0, server_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    with server_app.app_context():
        db.engine.dispose()


def race(port: int, requests: list[tuple[str, str, dict]], headers: dict) -> list[tuple[int, dict]]:
    """Send every (method, path, body) at once, each from its own thread and connection."""
    barrier = threading.Barrier(len(requests))

    def send(method: str, path: str, body: dict) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            payload = json.dumps(body)
            connection.connect()
            barrier.wait(timeout=60)
            connection.request(
                method, path, payload, headers | {"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        futures = [pool.submit(send, *request) for request in requests]
        return [future.result() for future in futures]


def hired_events(post_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ApplicationEvent)
        .join(Application)
        .where(Application.post_id == post_id, ApplicationEvent.to_status == "hired")
    )


def test_forty_hires_for_five_openings(app, live_server):
    post = make_post(openings=5)
    applications = [make_application(make_resident(), post, "interview") for _ in range(40)]
    firm_user = make_quick_user("firm", firm_id=post.firm_id)
    requests = [("PATCH", f"/api/applications/{a.id}", {"status": "hired"}) for a in applications]

    started = time.perf_counter()
    answers = race(live_server, requests, auth_headers(firm_user))
    elapsed = time.perf_counter() - started

    codes = Counter(code for code, _ in answers)
    assert codes == {200: 5, 409: 35}, (codes, [body for code, body in answers if code >= 500])
    assert all("招满" in body["message"] for code, body in answers if code == 409)
    db.session.expire_all()
    assert db.session.get(Post, post.id).filled == 5
    statuses = Counter(
        db.session.scalars(select(Application.status).where(Application.post_id == post.id))
    )
    assert statuses == {"hired": 5, "interview": 35}
    assert hired_events(post.id) == 5
    print(f"\n40 hires for 5 openings on {db.engine.dialect.name}: {dict(codes)} in {elapsed:.2f}s")


def test_one_application_hired_by_many_at_once_fills_one_opening(app, live_server):
    post = make_post(openings=5)
    application = make_application(make_resident(), post, "interview")
    staff, firm_user = make_quick_user("staff"), make_quick_user("firm", firm_id=post.firm_id)
    path = f"/api/applications/{application.id}"
    requests = [("PATCH", path, {"status": "hired"})] * 12

    answers = race(live_server, requests[:6], auth_headers(staff))
    answers += race(live_server, requests[6:], auth_headers(firm_user))

    codes = Counter(code for code, _ in answers)
    assert codes == {200: 1, 409: 11}, codes
    db.session.expire_all()
    assert db.session.get(Post, post.id).filled == 1
    assert hired_events(post.id) == 1


def test_the_same_hire_raced_with_its_rejection_moves_once(app, live_server):
    """A hire and a rejection of the same application at once: exactly one of them wins."""
    post = make_post(openings=5)
    applications = [make_application(make_resident(), post, "interview") for _ in range(10)]
    staff = make_quick_user("staff")
    requests = []
    for a in applications:
        requests.append(("PATCH", f"/api/applications/{a.id}", {"status": "hired"}))
        requests.append(
            ("PATCH", f"/api/applications/{a.id}", {"status": "rejected", "reason": "skills"})
        )

    answers = race(live_server, requests, auth_headers(staff))

    assert Counter(code for code, _ in answers) == {200: 10, 409: 10}
    db.session.expire_all()
    statuses = Counter(
        db.session.scalars(select(Application.status).where(Application.post_id == post.id))
    )
    assert statuses["hired"] + statuses["rejected"] == 10
    assert db.session.get(Post, post.id).filled == statuses["hired"] <= 5
    events = db.session.scalar(
        select(func.count())
        .select_from(ApplicationEvent)
        .join(Application)
        .where(Application.post_id == post.id, ApplicationEvent.from_status == "interview")
    )
    assert events == 10


def test_two_hires_of_one_resident_at_once_end_with_one(app, live_server):
    """Each resident hired at two posts in the same instant: one hire wins and withdraws the
    other application (hired_elsewhere), which then cannot be hired."""
    first, second = make_post(openings=5), make_post(openings=5)
    residents = [make_resident() for _ in range(5)]
    requests = [
        (
            "PATCH",
            f"/api/applications/{make_application(r, post, 'interview').id}",
            {"status": "hired"},
        )
        for r in residents
        for post in (first, second)
    ]

    answers = race(live_server, requests, auth_headers(make_quick_user("staff")))

    assert Counter(code for code, _ in answers) == {200: 5, 409: 5}
    db.session.expire_all()
    for resident in residents:
        outcomes = sorted(
            db.session.execute(
                select(Application.status, Application.reason).where(
                    Application.resident_id == resident.id
                )
            ).all(),
            key=str,
        )
        assert outcomes == [("hired", None), ("withdrawn", "hired_elsewhere")]
    assert db.session.get(Post, first.id).filled + db.session.get(Post, second.id).filled == 5
    hired_twice = select(func.count()).where(Notification.kind == "hired_twice")
    assert db.session.scalar(hired_twice) == 0
