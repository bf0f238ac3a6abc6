"""The load test's run: gunicorn, each request alone against /api/health, then locust levels."""

import gevent  # noqa: I001  (locust patches the standard library first)
from locust import FastHttpUser, between, events, task  # noqa: F401
from locust.env import Environment

import http.client
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from load_setup import interview as _interview

WORK: dict = {}  # the fixture, and iterators handing out each write's own rows


def _take(name: str):
    return next(WORK[name])


class Reader(FastHttpUser):
    """The reads of the mix; weights are shares of every request the mix makes."""

    wait_time = between(0, 0.01)
    host = ""

    def _get(self, path: str, token: str | None, name: str) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client.get(path, headers=headers, name=name)

    @task(40)
    def matches(self):
        rid, token = random.choice(WORK["residents"])
        self._get(f"/api/residents/{rid}/matches?limit=20", token, "resident matches")

    @task(13)
    def post_list_api(self):
        page = random.randint(1, WORK["post_pages"])
        self._get(f"/api/posts?page={page}", None, "GET /api/posts")

    @task(12)
    def post_list_page(self):
        self._get(f"/?page={random.randint(1, WORK['post_pages'])}", None, "GET /")

    @task(15)
    def candidates(self):
        pid, token = random.choice(WORK["firms"])
        self._get(f"/api/posts/{pid}/candidates?limit=20", token, "firm candidates")


class Mixed(Reader):
    """The reads plus the writes: applying 10%, moving applications 5%, registering 5%."""

    def _send(self, method: str, path: str, body: dict, token: str, name: str, ok: int):
        with self.client.request(
            method,
            path,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != ok:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(5)
    def apply_self(self):
        rid, pid, token = _take("own_applications")
        body = {"resident_id": rid, "post_id": pid}
        self._send("POST", "/api/applications", body, token, "resident applies", 201)

    @task(5)
    def refer(self):
        rid, pid = _take("referrals")
        body = {"resident_id": rid, "post_id": pid}
        self._send("POST", "/api/applications", body, WORK["staff"], "staff referral", 201)

    @task(5)
    def move(self):
        aid = _take("movable")
        body = _interview()
        self._send("PATCH", f"/api/applications/{aid}", body, WORK["staff"], "move", 200)

    @task(5)
    def register(self):
        number, phone = _take("id_numbers")
        body = {"name": "压测居民", "id_number": number, "phone": phone}
        body["education"] = "junior_high"
        self._send("POST", "/api/residents", body, WORK["staff"], "register resident", 201)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(port: int, method: str, path: str, token: str | None = None, body=None) -> float:
    import json

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status < 300, (method, path, response.status)
    return (time.perf_counter() - started) * 1000


def _own_matches(port: int) -> float:
    rid, token = random.choice(WORK["residents"])
    return timed(port, "GET", f"/api/residents/{rid}/matches?limit=20", token)


def alone(port: int, rounds: int = 60) -> None:
    """Each kind of request alone against /api/health's median: the reads interleaved with
    health, then the writes (each write may make the next matches reload their data)."""
    page = lambda: random.randint(1, WORK["post_pages"])  # noqa: E731
    referral = lambda: dict(zip(("resident_id", "post_id"), _take("referrals"), strict=True))  # noqa: E731
    groups = {
        "reads": {
            "/api/health": lambda: timed(port, "GET", "/api/health"),
            "resident matches": lambda: _own_matches(port),
            "GET /api/posts": lambda: timed(port, "GET", f"/api/posts?page={page()}"),
            "GET /": lambda: timed(port, "GET", f"/?page={page()}"),
        },
        "writes": {
            "/api/health": lambda: timed(port, "GET", "/api/health"),
            "staff referral": lambda: timed(
                port, "POST", "/api/applications", WORK["staff"], referral()
            ),
            "move": lambda: timed(
                port, "PATCH", f"/api/applications/{_take('movable')}", WORK["staff"],
                _interview(),
            ),
        },
    }  # fmt: skip
    targets = {"resident matches": 1.5, "staff referral": 3, "move": 3}
    targets |= {"GET /api/posts": 3, "GET /": 3}
    for group, kinds in groups.items():
        times: dict[str, list[float]] = {}
        for _ in range(rounds):
            for name, call in kinds.items():
                times.setdefault(name, []).append(call())
        health = statistics.median(times["/api/health"])
        print(f"alone ({group}), {rounds} each interleaved: /api/health median {health:.2f} ms")
        for name in kinds:
            if name in targets:
                median, target = statistics.median(times[name]), targets[name]
                verdict = "ok" if median <= target * health else "OVER TARGET"
                print(
                    f"  {name:18} median {median:7.2f} ms = {median / health:5.2f}x health "
                    f"(target <= {target}x) {verdict}"
                )


def level(port: int, user_class, users: int, seconds: float) -> dict:
    env = Environment(user_classes=[user_class], host=f"http://127.0.0.1:{port}", events=events)
    runner = env.create_local_runner()
    limit = int(os.environ.get("BENCH_MAX_REQUESTS", 50_000))
    runner.start(users, spawn_rate=users)
    started = time.time()
    while time.time() - started < seconds and env.stats.total.num_requests < limit:
        gevent.sleep(0.2)
    elapsed = time.time() - started
    runner.quit()
    _drain(port)
    total = env.stats.total
    row = {
        "users": users,
        "requests": total.num_requests,
        "rps": total.num_requests / elapsed,
        "p50": total.get_response_time_percentile(0.5),
        "p95": total.get_response_time_percentile(0.95),
        "p99": total.get_response_time_percentile(0.99),
        "errors": total.num_failures,
        "by_name": {
            name: (
                entry.num_requests,
                entry.get_response_time_percentile(0.5),
                entry.get_response_time_percentile(0.95),
                entry.num_failures,
            )
            for (name, _), entry in sorted(env.stats.entries.items())
        },  # fmt: skip
        "failures": [f"{e.name}: {e.error} x{e.occurrences}" for e in env.stats.errors.values()][
            :5
        ],
    }
    return row


def _drain(port: int) -> None:
    """Wait until requests left queued in gunicorn are served, so that the next level starts
    on an idle server: /api/health answers in under 50 ms (at most 60 s)."""
    deadline = time.time() + 60
    while time.time() < deadline and timed(port, "GET", "/api/health") > 50:
        gevent.sleep(0.5)


def show(label: str, row: dict) -> None:
    print(
        f"{label:10} {row['users']:3d} users  {row['rps']:7.1f} req/s  p50 {row['p50']:6.0f} ms  "
        f"p95 {row['p95']:6.0f} ms  p99 {row['p99']:6.0f} ms  "
        f"errors {row['errors']}/{row['requests']}"
    )
    for name, (count, p50, p95, failed) in row["by_name"].items():
        print(f"    {name:18} {count:6d}  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  errors {failed}")
    for failure in row["failures"]:
        print(f"    ! {failure}")


def run(levels: list[int], seconds: float, prepare) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="jobmatch-load-"))
    models = workdir / "models"
    fixture = prepare(workdir)
    root = Path(fixture["root"])
    shutil.copytree(root / "models", models)
    WORK.update(fixture)
    for name in ("own_applications", "referrals", "movable", "id_numbers"):
        WORK[name] = iter(fixture[name])
    port = free_port()
    workers = os.environ.get("BENCH_WORKERS", "2")
    env = os.environ | fixture["env"] | {"JOBMATCH_MODEL_DIR": str(models)}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "--workers", workers, "--timeout", "120", "--backlog", "2048", "wsgi:app"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_until_up(port)
        for _ in range(40):  # every worker builds its snapshot before timing
            _own_matches(port)
        database = "PostgreSQL" if fixture["made_database"] else "SQLite"
        print(f"gunicorn, {workers} sync workers, {database}, {seconds:.0f} s a level")
        alone(port)
        rows = []
        for users in levels:
            rows.append(level(port, Mixed, users, seconds))
            show("mix", rows[-1])
        reads = level(port, Reader, max(levels), seconds)
        show("reads-only", reads)
        top = rows[-1]
        ok = top["errors"] == 0 and top["rps"] >= reads["rps"] / 2
        print(
            f"target at {top['users']} users: 0 errors and >= half the reads-only throughput "
            f"({reads['rps'] / 2:.1f} req/s): {top['errors']} errors, {top['rps']:.1f} req/s "
            f"{'ok' if ok else 'NOT MET'}; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        _drop(fixture)
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_up(port: int) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            timed(port, "GET", "/api/health")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _drop(fixture: dict) -> None:
    if not fixture.get("made_database"):
        return
    import psycopg

    server = os.environ["DATABASE_URL"].replace("+psycopg", "")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{fixture["made_database"]}" WITH (FORCE)')
