"""Load test: the bureau's mix of requests against gunicorn, at 8, 32 and 64 users (locust).

Seeds a scratch database (SQLite by default; with DATABASE_URL naming a PostgreSQL server, a
database of its own there, dropped afterwards), starts gunicorn on a free 127.0.0.1 port and
first times each kind of request alone against /api/health (the targets are ratios to its
median). Then it runs locust headless, in this process, at each level for BENCH_SECONDS (and
at most BENCH_MAX_REQUESTS requests), with the mix:

  residents reading their matches 40%, the public post list 25% (API and / page), firms
  reading candidates for their posts 15%, applying 10% (self-applications and staff
  referrals), moving applications 5%, registering residents 5%

and once more with the reads only at the top level, printing req/s, p50/p95/p99 and errors.
Run: .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/load.py
Settings: BENCH_SECONDS (30), BENCH_LEVELS ("8,32,64"), BENCH_RESIDENTS (3000 extra),
BENCH_WORKERS (2 gunicorn sync workers), BENCH_MAX_REQUESTS (50000 a level).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_USERS = 128
MAX_SECONDS = 120


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "prepare":
        # Seeding runs in a child process: locust patches the standard library with gevent,
        # which the app's own start-up (threads, sockets, SQLAlchemy) must not run under.
        from load_setup import prepare

        prepare(Path(sys.argv[2]))
        return
    from load_run import run

    levels = [int(n) for n in os.environ.get("BENCH_LEVELS", "8,32,64").split(",")]
    seconds = float(os.environ.get("BENCH_SECONDS", 30))
    if not all(0 < n <= MAX_USERS for n in levels) or not 0 < seconds <= MAX_SECONDS:
        sys.exit(f"levels must be 1..{MAX_USERS} users and seconds 1..{MAX_SECONDS}")
    run(levels, seconds, lambda workdir: _prepare_in_child(workdir))


def _prepare_in_child(workdir: Path) -> dict:
    subprocess.run([sys.executable, __file__, "prepare", str(workdir)], check=True)
    return json.loads((workdir / "fixture.json").read_text())


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
