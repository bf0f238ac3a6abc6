"""One snapshot per server: gunicorn --preload, two workers, at N residents.

Makes a database of N residents (SQLite in a temporary folder, or a scratch PostgreSQL
database with --postgres, dropped afterwards; seed data plus ``flask bench-data``), or uses an
existing one (--database; with --read-only nothing is written to it, the write check skipped).
Starts gunicorn as gunicorn.conf.py says (the master builds the snapshot before forking) and
prints: the master's snapshot build; each process's memory (RSS, PSS and USS from
/proc/<pid>/smaps_rollup) after start and after serving matches and candidates; the time from
a worker's fork to its first answered match (one worker killed with SIGKILL while the other is
paused, so that the replacement answers); and, after an edit served by one worker, how soon the
other answers with it. Targets at 1,000,000 residents: PSS per worker at most 600 MB, a new
worker answering within 1 s of its fork.

    .venv/bin/python bench/workers.py --residents 100000 \
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres | --database URL [--read-only]]
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fresh_http import patch  # noqa: E402
from match_data import FIELD_KEY  # noqa: E402
from match_http import free_port, get  # noqa: E402

SECRET = "bench-workers"
TICKS = os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> str:
    """RSS, PSS and USS (private clean + dirty) of one process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":")
        fields[name] = int(value.split()[0]) / 1024
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return f"RSS {fields['Rss']:6.0f}  PSS {fields['Pss']:6.0f}  USS {uss:6.0f} MB"


def started_at(pid: int) -> float:
    """When a process was forked, on the clock of time.time()."""
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return time.time() - uptime + ticks / TICKS


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def environment(url: str, workdir: Path) -> dict:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "JOBMATCH_FIELD_KEY": os.environ.get("BENCH_FIELD_KEY", FIELD_KEY),
        "JOBMATCH_ENV": "development",  # no Redis needed
        "JOBMATCH_INSTANCE_PATH": str(workdir / "instance"),
        "JOBMATCH_MODEL_DIR": os.environ.get("JOBMATCH_MODEL_DIR", str(ROOT / "models")),
        "RATELIMIT_ENABLED": "0",
    }


def make_database(url: str, residents: int, workdir: Path) -> None:
    """Seed data plus bench-data residents up to ``residents``, and a staff user."""
    os.environ.update(environment(url, workdir))
    from sqlalchemy import func, select

    from jobmatch import create_app
    from jobmatch.extensions import db
    from jobmatch.residents.models import Resident

    app = create_app({"MATCHING_REFRESH": "inline"})
    with app.app_context():
        db.create_all()
        runner = app.test_cli_runner()
        assert runner.invoke(args=["seed"]).exit_code == 0
        more = residents - db.session.scalar(select(func.count(Resident.id)))
        started = time.perf_counter()
        if more > 0:
            result = runner.invoke(args=["bench-data", "--residents", str(more)])
            assert result.exit_code == 0, result.output
        print(f"bench-data {more:,} residents: {time.perf_counter() - started:.0f} s")
        db.engine.dispose()
    add_staff(url, workdir)


def add_staff(url: str, workdir: Path) -> None:
    """A staff user to sign the requests' token for, unless the database has one."""
    os.environ.update(environment(url, workdir))
    from sqlalchemy import select

    from jobmatch import create_app
    from jobmatch.accounts.models import User
    from jobmatch.extensions import db

    app = create_app({"MATCHING_REFRESH": "inline"})
    with app.app_context():
        if not db.session.scalar(select(User.id).where(User.role == "staff").limit(1)):
            staff = User(username="workers-staff", role="staff")
            staff.set_password("workers bench password")
            db.session.add(staff)
            db.session.commit()
        db.engine.dispose()


def sample(url: str, workdir: Path) -> tuple[str, list[int], list[int]]:
    """A token of a staff user (signed here; nothing written), residents and open posts."""
    os.environ.update(environment(url, workdir))
    from sqlalchemy import select

    from jobmatch import create_app
    from jobmatch.accounts.auth import issue_token
    from jobmatch.accounts.models import User
    from jobmatch.extensions import db
    from jobmatch.posts.models import Post
    from jobmatch.residents.models import Resident

    app = create_app({"MATCHING_REFRESH": "inline"})
    with app.app_context():
        staff = db.session.scalars(
            select(User).where(User.role.in_(("staff", "admin")), User.is_active).limit(1)
        ).one()
        token = issue_token(staff)
        top = db.session.scalar(select(db.func.max(Resident.id)))
        print(f"{db.session.scalar(select(db.func.count(Resident.id))):,} residents")
        rng = random.Random(7)
        residents = [rng.randrange(1, top + 1) for _ in range(400)]
        posts = list(db.session.scalars(select(Post.id).where(Post.status == "open").limit(40)))
        db.session.rollback()
        db.engine.dispose()
    return token, residents, posts


def start(url: str, workdir: Path, port: int) -> tuple[subprocess.Popen, Path]:
    log = workdir / "gunicorn.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--preload", "--timeout", "300", "wsgi:app"],
        cwd=ROOT, env=os.environ | environment(url, workdir), stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )  # fmt: skip
    return server, log


def wait_serving(port: int, server: subprocess.Popen, limit: float = 900) -> None:
    until = time.monotonic() + limit
    while time.monotonic() < until:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        try:
            if get(port, "/api/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


def match(port: int, token: str, rid: int) -> tuple[int, list]:
    status, body, _ = get(port, f"/api/residents/{rid}/matches", token)
    return status, json.loads(body) if status == 200 else []


def serve(port: int, token: str, residents: list[int], posts: list[int]) -> str:
    """Matches and candidates, two clients at once so that both workers serve."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [f"/api/residents/{r}/matches" for r in residents]
    paths += [f"/api/posts/{p}/candidates" for p in posts]
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda path: get(port, path, token), paths))
    seconds = time.perf_counter() - started
    ok = sum(1 for status, _, _ in answers if status in (200, 404))
    ms = sorted(a[2] for a in answers)
    return (
        f"{len(paths)} requests ({len(residents)} matches, {len(posts)} candidates) in "
        f"{seconds:.1f} s, {ok} answered, median {ms[len(ms) // 2]:.0f} ms"
    )


def replacement(port: int, server, token: str, rid: int) -> None:
    """Kill one worker (SIGKILL) while the other is paused: the next match is the new one's."""
    first, second = workers_of(server.pid)
    os.kill(second, signal.SIGSTOP)
    try:
        killed = time.time()
        os.kill(first, signal.SIGKILL)
        status, _ = match(port, token, rid)
        answered = time.time()
        new = [pid for pid in workers_of(server.pid) if pid not in (first, second)]
        forked = started_at(new[0])
        print(
            f"worker {first} killed: replacement {new[0]} answered a match ({status}) "
            f"{answered - forked:.2f} s after its fork, {answered - killed:.2f} s after the kill"
        )
        print(f"  replacement {new[0]}: {memory(new[0])}")
    finally:
        os.kill(second, signal.SIGCONT)


def freshness(port: int, server, token: str, residents: list[int]) -> None:
    """An edit served by one worker (the other paused), then the other's answers timed."""
    for rid in residents:
        status, matches = match(port, token, rid)
        if status == 200 and len(matches) >= 3:
            break
    one, other = workers_of(server.pid)
    os.kill(other, signal.SIGSTOP)
    try:
        assert patch(port, f"/api/residents/{rid}", token, {"desired_wage": 99000}) == 200
        edited = time.perf_counter()
    finally:
        os.kill(other, signal.SIGCONT)
    os.kill(one, signal.SIGSTOP)
    try:
        tries = 0
        while True:
            tries += 1
            _, matches = match(port, token, rid)
            if matches and all("月薪低于期望" in m["cautions"] for m in matches):
                break
            if time.perf_counter() - edited > 10:
                raise SystemExit("the other worker did not answer the edit within 10 s")
        print(
            f"resident {rid} edited through worker {one}: worker {other} answered with it "
            f"{time.perf_counter() - edited:.3f} s later (request {tries})"
        )
    finally:
        os.kill(one, signal.SIGCONT)


def reload(port: int, server, token: str, rid: int, log: Path) -> None:
    """SIGHUP: the master brings its snapshot up to date and forks a new generation."""
    old = set(workers_of(server.pid))
    sent = time.perf_counter()
    os.kill(server.pid, signal.SIGHUP)
    while set(workers_of(server.pid)) & old or len(workers_of(server.pid)) < 2:
        time.sleep(0.05)
    status, _ = match(port, token, rid)
    builds = re.findall(r"snapshot ready in the master in ([0-9.]+) s", log.read_text())
    print(
        f"SIGHUP: master's catch-up {builds[-1]} s; both new workers running and a match "
        f"answered ({status}) {time.perf_counter() - sent:.2f} s after the signal"
    )
    for pid in workers_of(server.pid):
        print(f"  worker {pid}: {memory(pid)}")


def rebuild_in_workers(url: str, server, log: Path) -> None:
    """A change of scope "all" (what a catalogue change writes): each worker builds its own
    snapshot, a private copy; its memory once both say they loaded it (gunicorn's log)."""
    from sqlalchemy import create_engine, insert

    from jobmatch.matching.models import MatchingChange

    loaded = log.read_text().count("matching snapshot loaded by process")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(MatchingChange.__table__).values(scope="all", entity_id=None))
    engine.dispose()
    started = time.perf_counter()
    while log.read_text().count("matching snapshot loaded by process") < loaded + 2:
        if time.perf_counter() - started > 900:
            raise SystemExit("the workers did not rebuild within 900 s")
        time.sleep(0.2)
    print(
        "a catalogue change: both workers rebuilt their own snapshot, "
        f"{time.perf_counter() - started:.1f} s after the change"
    )
    for pid in workers_of(server.pid):
        print(f"  worker {pid} (its own copy now): {memory(pid)}")


def run(url: str, workdir: Path, read_only: bool) -> None:
    token, residents, posts = sample(url, workdir)
    port = free_port()
    launched = time.perf_counter()
    server, log = start(url, workdir, port)
    try:
        wait_serving(port, server)
        status, _ = match(port, token, residents[0])
        print(
            f"gunicorn -w 2 --preload: first match ({status}) "
            f"{time.perf_counter() - launched:.1f} s after launch"
        )
        built = re.search(r"snapshot ready in the master in ([0-9.]+) s", log.read_text())
        print(f"master's snapshot build (and model load): {built.group(1) if built else '?'} s")
        print(f"  master {server.pid}: {memory(server.pid)}")
        for pid in workers_of(server.pid):
            print(f"  worker {pid}: {memory(pid)}")
        print(serve(port, token, residents, posts))
        print(f"  master {server.pid}: {memory(server.pid)}")
        for pid in workers_of(server.pid):
            print(f"  worker {pid}: {memory(pid)}")
        replacement(port, server, token, residents[1])
        if read_only:
            print("read-only database: no write, no freshness check")
        else:
            freshness(port, server, token, residents)
            for pid in workers_of(server.pid):
                print(f"  worker {pid} after the edit: {memory(pid)}")
        reload(port, server, token, residents[2], log)
        if not read_only:
            rebuild_in_workers(url, server, log)
    finally:
        server.terminate()
        server.wait(timeout=60)


def scratch_postgres(server: str, prefix: str) -> tuple[str, callable]:
    import psycopg
    from sqlalchemy import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database)")
    parser.add_argument("--prefix", default="jobmatch_bench", help="the scratch database's name")
    parser.add_argument("--database", help="an existing database (a staff user is added)")
    parser.add_argument(
        "--read-only", action="store_true", help="write nothing to --database (needs a staff user)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="jobmatch-workers-"))
    drop = None
    if args.database:
        url = args.database
    elif args.postgres:
        url, drop = scratch_postgres(args.postgres, args.prefix)
    else:
        url = f"sqlite:///{workdir / 'workers.db'}"
    try:
        if not args.database:
            make_database(url, args.residents, workdir)
        elif not args.read_only:
            add_staff(url, workdir)
        print(f"{url.split(':')[0]}; load {os.getloadavg()}")
        run(url, workdir, read_only=args.read_only)
    finally:
        if drop:
            drop()


if __name__ == "__main__":
    main()
