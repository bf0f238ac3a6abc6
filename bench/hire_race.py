"""Hires racing for the last openings, under gunicorn with several worker processes.

Builds a fresh database (a temporary SQLite file, or a new PostgreSQL database on the server
given by JOBMATCH_BENCH_POSTGRES, dropped at the end), a post with 5 openings and 40
applications at interview, starts gunicorn (4 workers x 4 threads) on a free loopback port and
sends the 40 hires at once from 40 client threads. Repeats for BENCH_ROUNDS rounds (a new post
each) and prints, per round, the answers, the post's filled count and the wall time.
Target: exactly 5 answers of 200 and 35 of 409, filled 5, every round.

Run: .venv/bin/python bench/hire_race.py
     JOBMATCH_BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python ...
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import make_url  # noqa: E402

from jobmatch import create_app  # noqa: E402
from jobmatch.extensions import db  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
HIRES, OPENINGS = 40, 5
FIELD_KEY = "yR8Jb6Vq0mV6p7oQ2k3a4W5x6C7d8E9f0G1h2J3k4L8="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_database(workdir: Path) -> tuple[str, Callable[[], None]]:
    server = os.environ.get("JOBMATCH_BENCH_POSTGRES")
    if not server:
        return f"sqlite:///{workdir / 'race.sqlite'}", lambda: None
    import psycopg

    name = f"jobmatch_hire_race_{uuid.uuid4().hex[:8]}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), drop


def build_round(app) -> tuple[int, list[int], str]:
    """A post with OPENINGS openings, HIRES applications at interview, and a staff token."""
    from jobmatch.accounts.auth import issue_token
    from tests.factories import make_application, make_post, make_quick_user, make_resident

    with app.app_context():
        post = make_post(openings=OPENINGS)
        ids = [make_application(make_resident(), post, "interview").id for _ in range(HIRES)]
        return post.id, ids, issue_token(make_quick_user("staff"))


def hire_all(port: int, application_ids: list[int], token: str) -> list[int]:
    barrier = threading.Barrier(len(application_ids))

    def hire(application_id: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.connect()
            barrier.wait(timeout=60)
            connection.request(
                "PATCH",
                f"/api/applications/{application_id}",
                json.dumps({"status": "hired"}),
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(application_ids)) as pool:
        return list(pool.map(hire, application_ids))


def wait_until_serving(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise SystemExit("gunicorn did not answer within 60 s")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="jobmatch-hire-race-"))
    database_url, drop = make_database(workdir)
    settings = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "hire race bench",
        "JOBMATCH_FIELD_KEY": FIELD_KEY,
        "JOBMATCH_INSTANCE_PATH": str(workdir / "instance"),
    }
    os.environ.update(settings)
    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    port = free_port()
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "4", "-k", "gthread", "--threads", "4"]
        + ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=os.environ | settings,
    )
    failures = 0
    try:
        wait_until_serving(port, gunicorn)
        backend = make_url(database_url).get_backend_name()
        print(f"{backend}: {HIRES} hires at once for {OPENINGS} openings, gunicorn 4x4")
        for round_number in range(1, ROUNDS + 1):
            post_id, application_ids, token = build_round(app)
            started = time.perf_counter()
            codes = Counter(hire_all(port, application_ids, token))
            elapsed = time.perf_counter() - started
            with app.app_context():
                from jobmatch.posts.models import Post

                filled = db.session.get(Post, post_id).filled
            ok = codes == {200: OPENINGS, 409: HIRES - OPENINGS} and filled == OPENINGS
            failures += not ok
            print(
                f"  round {round_number}: {dict(sorted(codes.items()))}, filled {filled}, "
                f"{elapsed:.2f} s {'ok' if ok else 'WRONG'}"
            )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        with app.app_context():
            db.engine.dispose()
        drop()
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
