"""Matching at scale: snapshot build, memory, ranking latency, training and the cost of writes.

For each size a fresh database (SQLite in a temporary folder, or a scratch PostgreSQL database
with --postgres) is seeded (``flask seed``) and grown with ``flask bench-data`` to N residents;
or ``--database URL`` measures a database built before (a million residents take minutes to
build; ``--read-only`` then writes nothing to it). In this one process (one "worker") it
prints: the snapshot build and the process's memory after it; a resident's matches and a post's
candidates, p50/p95 (cache cleared, so each is computed); ``flask train`` run as a subprocess,
its time and peak memory; and, unless read-only, after each kind of write the background apply
(what the refresh thread spends) and the next match request (what a request spends); a
10,000-row roster import; and match p95 while another thread writes 5 times a second. Every
section prints the machine's load average: on a shared machine the figures move with it.

    .venv/bin/python bench/scale.py --sizes 3000,100000 \
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
    .venv/bin/python bench/scale.py --database postgresql+psycopg://.../city_1m --read-only
"""

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_roster import COMMUNITIES, messy_roster, postgres_database, roster_file  # noqa: E402
from match_data import FIELD_KEY  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def percentiles(samples: list[float]) -> str:
    p50, p95 = np.percentile(samples, [50, 95])
    return f"p50 {ms(p50)}  p95 {ms(p95)}  (n={len(samples)})"


def make_app(database_url: str, workdir: Path):
    os.environ["JOBMATCH_INSTANCE_PATH"] = str(workdir / "instance")
    from jobmatch import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "JOBMATCH_FIELD_KEY": FIELD_KEY,
            "JOBMATCH_MODEL_DIR": str(ROOT / "models"),
            "RATELIMIT_ENABLED": False,
            "MATCHING_REFRESH": "background",
        }
    )


def prepare(app, residents: int) -> None:
    from sqlalchemy import func, select

    from jobmatch.communities.models import Community
    from jobmatch.extensions import db
    from jobmatch.matching.bench_data import add_bench_residents
    from jobmatch.residents.models import Resident

    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        have = set(db.session.scalars(select(Community.name)))
        db.session.add_all(
            Community(name=n, lat=40.42, lon=114.09) for n in COMMUNITIES if n not in have
        )
        db.session.commit()
        more = residents - db.session.scalar(select(func.count(Resident.id)))
        if more > 0:
            started = time.perf_counter()
            add_bench_residents(db.session, more)
            print(f"  bench-data {more} residents: {time.perf_counter() - started:.1f} s")


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure(app, rng: random.Random, read_only: bool) -> None:
    from jobmatch.extensions import db
    from jobmatch.matching import service

    with app.app_context():
        matching = service.engine()
        try:
            match, residents = measure_reads(matching, rng)
            if not read_only:
                measure_writes(app, matching, rng, match, residents)
        finally:
            matching.cache.stop()
            db.session.remove()
            db.engine.dispose()


def measure_reads(matching, rng: random.Random):
    """Snapshot build, then matches and candidates computed afresh (the cache cleared)."""
    from jobmatch.matching import service

    before = rss_mb()
    build = timed(matching.cache.current)
    snapshot = matching.cache.snapshot
    print(
        f"  snapshot build {ms(build)}, {len(snapshot.residents)} residents, "
        f"{len(snapshot.posts)} posts; RSS {rss_mb():.0f} MB (+{rss_mb() - before:.0f}), "
        f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    residents = snapshot.residents.ids.tolist()
    open_posts = snapshot.posts.ids[snapshot.posts.status_open].tolist()

    def match(rid):
        matching.results.clear()
        return timed(lambda: service.rank_posts_for_resident(rid))

    samples = [match(rng.choice(residents)) for _ in range(200)]
    print(f"  matches     {percentiles(samples)}")
    samples = []
    for _ in range(100):
        matching.results.clear()
        post = rng.choice(open_posts)
        samples.append(timed(lambda post=post: service.rank_residents_for_post(post)))
    print(f"  candidates  {percentiles(samples)}  ({load()})")
    return match, residents


def measure_writes(app, matching, rng: random.Random, match, residents) -> None:
    """After each kind of write: the background apply and the next match; an import; matches
    under 5 writes a second."""
    from sqlalchemy import select

    from jobmatch import clock
    from jobmatch.accounts.models import User
    from jobmatch.applications.models import Application
    from jobmatch.applications.service import move_application
    from jobmatch.crypto import cipher
    from jobmatch.extensions import db
    from jobmatch.posts.models import Post
    from jobmatch.residents.importer import import_roster
    from jobmatch.residents.models import Resident

    interview = {
        "interview_at": clock.now() + timedelta(days=1),
        "interview_place": "县人社局三楼",
        "interview_contact": "王老师 13900000000",
    }
    staff = User(username="scale-staff", role="staff", password_hash="-")
    db.session.add(staff)
    db.session.commit()
    waiting = db.session.scalars(
        select(Application)
        .join(Post, Post.id == Application.post_id)
        .where(Application.status == "applied", Post.filled < Post.openings)
        .limit(50)
    ).all()
    waiting = [(a.id, a.resident_id) for a in waiting]

    def after_write(label, write, rid):
        cache = matching.cache
        counts = (cache.full_loads, cache.residents_reloaded, cache.post_reloads)
        write()
        apply = timed(cache.refresh_now)
        request = match(rid)
        loads, residents_read, post_reloads = (
            now - then
            for now, then in zip(
                (cache.full_loads, cache.residents_reloaded, cache.post_reloads),
                counts,
                strict=True,
            )
        )
        print(
            f"  after {label:<22} apply {ms(apply)}   next match {ms(request)}   "
            f"(full loads {loads}, residents read {residents_read}, post reloads "
            f"{post_reloads})"
        )

    app_id, rid = waiting.pop()
    after_write(
        "an application move",
        lambda: move_application(staff, app_id, status="interview", **interview),
        rid,
    )
    hire = lambda: move_application(staff, app_id, status="hired")  # noqa: E731
    after_write("a hire (post filled)", hire, rid)
    rid = rng.choice(residents)

    def edit():
        db.session.get(Resident, rid).desired_wage = 4100
        db.session.commit()

    after_write("a resident edited", edit, rid)

    def register():
        donor = db.session.get(Resident, rid)
        db.session.add(
            Resident(
                name="新登记", id_number="990000199001010011", id_number_hash="scale-new",
                phone="13900000000", phone_hash=cipher().phone_hash("13900000000"),
                gender="male", birth_date=donor.birth_date,
                community_id=donor.community_id,
            )
        )  # fmt: skip
        db.session.commit()

    after_write("a resident registered", register, rid)

    filename, roster = roster_file(messy_roster(10_000), "csv")
    imported = timed(lambda: import_roster(staff, filename, roster))
    apply = timed(matching.cache.refresh_now)
    print(f"  10,000-row import: request {imported:.1f} s, then apply {ms(apply)}")
    print(f"  next match after it {ms(match(rng.choice(residents)))}")

    # Matches while another thread writes 5 times a second (moves and edits), with the
    # refresh thread applying them: what a reader sees under a steady write load.
    stop = threading.Event()

    def writer():
        with app.app_context():
            wrng = random.Random(5)
            while not stop.is_set():
                started = time.perf_counter()
                if waiting and wrng.random() < 0.5:
                    app_id, _ = waiting.pop()
                    move_application(staff, app_id, status="interview", **interview)
                else:
                    db.session.get(Resident, wrng.choice(residents)).desired_wage = (
                        wrng.randrange(25, 55) * 100
                    )
                    db.session.commit()
                db.session.remove()
                stop.wait(max(0.0, 0.2 - (time.perf_counter() - started)))

    thread = threading.Thread(target=writer)
    thread.start()
    swaps = matching.cache.swaps
    samples, until = [], time.perf_counter() + 10
    while time.perf_counter() < until:
        samples.append(match(rng.choice(residents)))
    stop.set()
    thread.join()
    print(
        f"  matches with 5 writes/s {percentiles(samples)}; "
        f"{matching.cache.swaps - swaps} swaps  ({load()})"
    )


def train(url: str, workdir: Path) -> None:
    """``flask train`` in a process of its own, into a copy of the shipped models (never into
    them): its time and its peak memory, the child's own max RSS, and the card's verdict."""
    models = workdir / "models"
    shutil.copytree(ROOT / "models", models, dirs_exist_ok=True)
    env = os.environ | {
        "DATABASE_URL": url, "JOBMATCH_ENV": "development", "SECRET_KEY": "bench",
        "JOBMATCH_FIELD_KEY": FIELD_KEY, "JOBMATCH_INSTANCE_PATH": str(workdir / "instance"),
        "JOBMATCH_MODEL_DIR": str(models), "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "jobmatch", "train"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    with child.stdout:
        output = child.stdout.read().strip().splitlines()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    print(
        f"  flask train {time.perf_counter() - started:.1f} s, peak RSS "
        f"{usage.ru_maxrss / 1024:.0f} MB, exit {child.returncode}  ({load()})"
    )
    for line in output[-2:]:  # the card's verdict and the command's own time
        print(f"    {line[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="3000,100000")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database)")
    parser.add_argument("--database", help="measure this database, seeded and grown before")
    parser.add_argument("--read-only", action="store_true", help="with --database: no writes")
    args = parser.parse_args()
    if args.database:
        workdir = Path(tempfile.mkdtemp(prefix="jobmatch-scale-"))
        print(f"{args.database.split('@')[-1]}{' (read only)' if args.read_only else ''}")
        app = make_app(args.database, workdir)
        if not args.read_only:
            prepare(app, 0)
        measure(app, random.Random(0), args.read_only)
        train(args.database, workdir)
        return
    for size in [int(s) for s in args.sizes.split(",")]:
        workdir = Path(tempfile.mkdtemp(prefix="jobmatch-scale-"))
        if args.postgres:
            url, drop = postgres_database(args.postgres)
        else:
            url, drop = f"sqlite:///{workdir / 'scale.db'}", lambda: None
        print(f"{size:,} residents on {url.split(':')[0]}")
        try:
            app = make_app(url, workdir)
            prepare(app, size)
            measure(app, random.Random(size), read_only=False)
            train(url, workdir)
        finally:
            drop()


if __name__ == "__main__":
    main()
