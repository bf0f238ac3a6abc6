"""Matching under gunicorn: endpoint latency against /api/health, and a promotion's reach.

Builds a temporary SQLite database (seed data plus 5,000 residents), starts gunicorn with two
workers on a free loopback port, and times bounded request loops (a new connection each, as a
sync worker serves). Targets: median of /api/residents/{id}/matches at most 3x /api/health,
/api/posts/{id}/candidates at most 5x. Then it writes a new current model version and times how
long until every answer of GET /api/model names it (target 5 s).
Run: .venv/bin/python bench/match_http.py
"""

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from match_data import ROOT, environment, make_database  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", 400))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, token: str | None = None) -> tuple[int, bytes, float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, (time.perf_counter() - started) * 1000


def interleaved(port, token, match_paths, candidate_paths) -> tuple[list, list, list, list]:
    health, matches, candidates, signed_in = [], [], [], []
    for i in range(REQUESTS):
        for times, path, auth in (
            (health, "/api/health", None),
            (signed_in, "/api/model", token),
            (matches, match_paths[i % len(match_paths)], token),
            (candidates, candidate_paths[i % len(candidate_paths)], token),
        ):
            status, body, ms = get(port, path, auth)
            assert status == 200, (status, body[:200])
            times.append(ms)
    return health, matches, candidates, signed_in


def main() -> None:
    workdir = Path(os.environ.get("BENCH_DIR", "")) if os.environ.get("BENCH_DIR") else None
    models = Path(tempfile.mkdtemp(prefix="jobmatch-models-"))
    for item in (ROOT / "models").glob("*"):
        if item.is_file():
            shutil.copy2(item, models / item.name)
    os.environ["JOBMATCH_MODEL_DIR"] = str(models)
    app, workdir = make_database(5000, workdir)
    with app.app_context():
        from sqlalchemy import func, select

        from jobmatch.accounts.auth import issue_token
        from jobmatch.accounts.models import User
        from jobmatch.extensions import db
        from jobmatch.posts.models import Post
        from jobmatch.residents.models import Resident

        staff = User(username="bench-staff", role="staff")
        staff.set_password("bench password")
        db.session.add(staff)
        db.session.commit()
        token = issue_token(staff)
        residents = db.session.scalar(select(func.count()).select_from(Resident))
        # Distinct residents for every matches request (nothing served from the result cache);
        # the open posts are fewer than the requests, so candidates are asked for again.
        resident_ids = list(
            db.session.scalars(select(Resident.id).order_by(func.random()).limit(REQUESTS + 40))
        )
        post_ids = list(db.session.scalars(select(Post.id).where(Post.status == "open")))
    port = free_port()
    env = os.environ | environment(workdir) | {"JOBMATCH_MODEL_DIR": str(models)}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "120", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if get(port, "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        # Warm every worker's snapshot before timing.
        for i in range(40):
            get(port, f"/api/residents/{resident_ids[REQUESTS + i]}/matches?limit=20", token)
        cold = [
            get(port, f"/api/posts/{p}/candidates?limit=20", token)[2] for p in post_ids
        ]  # first request for each post in one worker: computed, not remembered
        # Interleaved, so that whatever else the machine does weighs on the three alike.
        health, matches, candidates, signed_in = interleaved(
            port,
            token,
            [f"/api/residents/{r}/matches?limit=20" for r in resident_ids[:REQUESTS]],
            [f"/api/posts/{p}/candidates?limit=20" for p in post_ids],
        )
        h, m, c = (statistics.median(t) for t in (health, matches, candidates))
        quiet = [sorted(t)[len(t) // 10] for t in (health, matches, candidates)]
        print(f"gunicorn, 2 workers, SQLite, {residents} residents, {REQUESTS} requests each")
        print(f"  /api/health                      median {h:6.2f} ms")
        print(
            f"  /api/residents/{{id}}/matches      median {m:6.2f} ms  = {m / h:4.2f}x health "
            f"(target <= 3x) {'ok' if m <= 3 * h else 'OVER TARGET'}"
        )
        print(f"  /api/posts/{{id}}/candidates       median {c:6.2f} ms  = {c / h:4.2f}x health "
              f"(target <= 5x) {'ok' if c <= 5 * h else 'OVER TARGET'}")  # fmt: skip
        auth = statistics.median(signed_in)
        print(f"  for scale: GET /api/model (token check, a user read, a small body) median "
              f"{auth:.2f} ms = {auth / h:.2f}x health")  # fmt: skip
        print(f"  candidates, first request per post (computed): median "
              f"{statistics.median(cold):.2f} ms over {len(cold)} open posts")  # fmt: skip
        print(f"  10th percentiles (a quieter machine): health {quiet[0]:.2f} ms, matches "
              f"{quiet[1]:.2f} ms ({quiet[1] / quiet[0]:.2f}x), candidates {quiet[2]:.2f} ms "
              f"({quiet[2] / quiet[0]:.2f}x); load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        promotion_reach(port, token, models)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(models, ignore_errors=True)


def promotion_reach(port: int, token: str, models: Path) -> None:
    """Copy the current version as a new one, point CURRENT at it, time until all answer it."""
    current = (models / "CURRENT").read_text().strip() if (models / "CURRENT").exists() else None
    versions = sorted(p.stem for p in models.glob("ranker-v*.json"))
    if not versions:
        print("  promotion reach: no model version to promote (skipped)")
        return
    source = current or versions[-1]
    new = f"ranker-v{int(versions[-1][8:]) + 1:04d}"
    card = json.loads((models / f"{source}.json").read_text())
    card["version"], card["artifact"]["file"] = new, f"{new}.joblib"
    shutil.copy2(models / f"{source}.joblib", models / f"{new}.joblib")
    (models / f"{new}.json").write_text(json.dumps(card))
    started = time.perf_counter()
    (models / "CURRENT.tmp").write_text(new + "\n")
    os.replace(models / "CURRENT.tmp", models / "CURRENT")
    streak = 0
    while streak < 20 and time.perf_counter() - started < 30:
        status, body, _ = get(port, "/api/model", token)
        streak = streak + 1 if json.loads(body)["serving"] == new else 0
    reach = time.perf_counter() - started
    print(f"  promotion reach: 20 answers in a row from both workers name {new} after "
          f"{reach:.2f} s (target 5 s) {'ok' if reach <= 5 else 'OVER TARGET'}")  # fmt: skip


if __name__ == "__main__":
    main()
