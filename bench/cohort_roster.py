"""Benchmark a class's list uploaded into a cohort: the largest file the upload takes (300 rows,
the import's messy rows, 3% bad) into a cohort of 300 seats, then the same file again.

SQLite always, PostgreSQL too when JOBMATCH_BENCH_POSTGRES names a server (the benchmark makes a
database of its own there, named with --db-prefix, and drops it). It prints the seconds each
upload took (the whole request: the import, then one enrolment per saved resident, each
committed), this process's CPU time, and what the rows came to.

    .venv/bin/python bench/cohort_roster.py [--rows 300] [--db-prefix jobmatch_bench]
"""

import argparse
import io
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from import_roster import (
    cpu_seconds,
    make_app,
    messy_roster,
    postgres_database,
    roster_file,
    seed,
)

from jobmatch.extensions import db
from jobmatch.training.cohort_roster import MAX_ROWS
from jobmatch.training.models import Cohort, Program


def measure(database_url: str, workdir: Path, filename: str, content: bytes) -> list[str]:
    app = make_app(database_url, workdir)
    lines = []
    with app.app_context():
        headers = seed(app)
        db.session.add(Program(code="chinese_knot", name="中国结编织", hours=40))
        cohort = Cohort(
            program_code="chinese_knot", name="中国结编织第1期", starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 27), capacity=MAX_ROWS, hours=40,
        )  # fmt: skip
        db.session.add(cohort)
        db.session.commit()
        client = app.test_client()
        for attempt in ("first", "again"):
            started, cpu = time.perf_counter(), cpu_seconds()
            response = client.post(
                f"/api/cohorts/{cohort.id}/roster",
                data={"file": (io.BytesIO(content), filename)},
                headers=headers,
            )
            elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            totals = response.json["totals"]
            lines.append(
                f"{attempt:5} {elapsed:5.2f} s (cpu {cpu:5.2f} s): "
                + ", ".join(f"{key} {value}" for key, value in totals.items())
            )
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=MAX_ROWS)
    parser.add_argument("--db-prefix", default="jobmatch_bench")
    args = parser.parse_args()
    filename, content = roster_file(messy_roster(args.rows), "xlsx")
    print(f"{args.rows} rows, {len(content) / 1e3:.0f} kB .xlsx, into a cohort of {MAX_ROWS}")
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("JOBMATCH_BENCH_POSTGRES") else [])
    for backend in backends:
        with tempfile.TemporaryDirectory() as work:
            drop = None
            if backend == "sqlite":
                url = f"sqlite:///{Path(work) / 'bench.sqlite'}"
            else:
                url, drop = postgres_database(os.environ["JOBMATCH_BENCH_POSTGRES"], args.db_prefix)
            try:
                for line in measure(url, Path(work), filename, content):
                    print(f"{backend:10} {line}")
            finally:
                if drop:
                    drop()


if __name__ == "__main__":
    main()
