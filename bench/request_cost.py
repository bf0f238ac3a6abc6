"""Where each timed request of the load test spends its time, in process: no HTTP, no gunicorn.

Seeds the load test's database (bench/load_setup.py: SQLite, or with DATABASE_URL naming a
PostgreSQL server a database of its own, dropped afterwards; REDIS_URL as the app reads it),
then serves through Flask's test client the requests bench/load_run.py times alone: the health
check, a resident's matches, GET /api/posts, the / page, a staff referral and an application
move. For each it prints the median milliseconds, the milliseconds above the health check and
the SQL statements it sent (counted on the engine's before_cursor_execute).
Run: .venv/bin/python bench/request_cost.py
Settings: BENCH_ROUNDS (200 each), BENCH_PROFILE (kinds' names, e.g. "move,GET /": print their
cProfile, top 40 by cumulative time or BENCH_SORT), BENCH_SQL (1: print each kind's statements;
2: and where in jobmatch each was sent).
"""

import cProfile
import json
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    # Not load_run: locust patches the standard library with gevent, which would time
    # gevent's polling instead of the app's (bench/load.py seeds in a child for that reason).
    from load_setup import _drop_database, interview, prepare

    workdir = Path(tempfile.mkdtemp(prefix="jobmatch-cost-"))
    prepare(workdir)
    fixture = json.loads((workdir / "fixture.json").read_text())
    try:
        os.environ.update(fixture["env"])
        _measure(fixture, interview)
    finally:
        _drop_database(fixture.get("made_database"))
        shutil.rmtree(workdir, ignore_errors=True)


def _caller() -> str:
    """With BENCH_SQL=2, the project's frames that sent a statement."""
    if os.environ.get("BENCH_SQL") != "2":
        return ""
    frames = [f for f in traceback.extract_stack() if "/jobmatch/" in f.filename]
    return "  <- " + " < ".join(f"{Path(f.filename).stem}:{f.lineno}" for f in frames[::-1][:4])


def _measure(fixture: dict, interview) -> None:
    from sqlalchemy import event

    from jobmatch import create_app
    from jobmatch.extensions import db

    app = create_app()
    client = app.test_client()
    statements = []
    serving = threading.get_ident()  # the refresh thread's statements are not the request's

    def count(*args):
        if threading.get_ident() == serving:
            statements.append(args[2] + _caller())

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    referrals, movable = iter(fixture["referrals"]), iter(fixture["movable"])
    staff = {"Authorization": f"Bearer {fixture['staff']}"}
    pages = fixture["post_pages"]

    def matches():
        rid, token = random.choice(fixture["residents"])
        headers = {"Authorization": f"Bearer {token}"}
        return client.get(f"/api/residents/{rid}/matches?limit=20", headers=headers)

    def referral():
        rid, pid = next(referrals)
        body = {"resident_id": rid, "post_id": pid}
        return client.post("/api/applications", json=body, headers=staff)

    health = lambda: client.get("/api/health")  # noqa: E731
    groups = {  # as load_run.alone: the reads, then the writes (which move the snapshot)
        "reads": {
            "/api/health": health,
            "resident matches": matches,
            "GET /api/posts": lambda: client.get(f"/api/posts?page={random.randint(1, pages)}"),
            "GET /": lambda: client.get(f"/?page={random.randint(1, pages)}"),
        },
        "writes": {
            "/api/health": health,
            "staff referral": referral,
            "move": lambda: client.patch(
                f"/api/applications/{next(movable)}", json=interview(), headers=staff
            ),
        },
    }
    for _ in range(40):  # the snapshot built, the caches warm
        matches()
    rounds = int(os.environ.get("BENCH_ROUNDS", 200))
    with app.app_context():
        database = db.engine.dialect.name
    redis = "Redis" if app.config.get("REDIS_URL") else "no Redis"
    for group, kinds in groups.items():
        times: dict[str, list[float]] = {name: [] for name in kinds}
        counts: dict[str, list[int]] = {name: [] for name in kinds}
        last: dict[str, list[str]] = {}
        for _ in range(rounds):
            for name, call in kinds.items():
                statements.clear()
                started = time.perf_counter()
                response = call()
                times[name].append((time.perf_counter() - started) * 1000)
                response.close()  # as a server does once the body is sent
                counts[name].append(len(statements))
                last[name] = list(statements)
                assert response.status_code < 300, (name, response.status_code, response.text)
        floor = statistics.median(times["/api/health"])
        print(f"in process ({group}), {database}, {redis}, {rounds} each: health {floor:.2f} ms")
        for name in kinds:
            median = statistics.median(times[name])
            print(
                f"  {name:18} median {median:6.2f} ms, {median - floor:6.2f} ms above health, "
                f"{statistics.median(counts[name]):4.0f} SQL statements"
            )
            if os.environ.get("BENCH_SQL"):  # the statements of its last request
                for statement in last[name]:
                    text, _, where = " ".join(statement.split()).partition(" <- ")
                    print("      " + text[:60] + (f" <- {where}" if where else ""))
    for chosen in filter(None, os.environ.get("BENCH_PROFILE", "").split(",")):
        call = next(kinds[chosen] for kinds in groups.values() if chosen in kinds)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(min(rounds, 100)):
            call()
        profile.disable()
        print(f"profile of {chosen}:")
        pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(40)
    with app.app_context():  # no connection left open on the database dropped next
        app.extensions["jobmatch_matching"].cache.stop()
        db.engine.dispose()


if __name__ == "__main__":
    main()
