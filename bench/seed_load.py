"""How long `flask seed` takes: load seed_data/ into a fresh database and report the rate.

    python bench/seed_load.py

Uses a temporary SQLite file; when JOBMATCH_BENCH_POSTGRES names a server
(postgresql://user@host:5432/postgres), also a fresh PostgreSQL database it creates and drops.
"""

import os
import sys
import tempfile
import uuid
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobmatch import create_app  # noqa: E402
from jobmatch.extensions import db  # noqa: E402
from jobmatch.seed.loader import load_seed  # noqa: E402


def bench(label: str, database_url: str, workdir: Path) -> None:
    os.environ["JOBMATCH_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "JOBMATCH_FIELD_KEY": Fernet.generate_key().decode(),
        }
    )
    with app.app_context():
        db.create_all()
        first = load_seed(ROOT / "seed_data")
        again = load_seed(ROOT / "seed_data")
        db.session.remove()
        db.engine.dispose()
    rows = sum(first.counts.values())
    print(
        f"{label:<10} load {first.seconds:6.2f} s  {rows} rows  {rows / first.seconds:8.0f} rows/s"
        f"   second run (already seeded) {again.seconds:.2f} s"
    )
    assert first.loaded and not again.loaded


def _postgres(server_url: str, workdir: Path) -> None:
    import psycopg

    server = make_url(server_url).set(drivername="postgresql")
    name = f"jobmatch_bench_{uuid.uuid4().hex[:10]}"
    admin = server.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = server.set(drivername="postgresql+psycopg", database=name)
        bench("postgresql", url.render_as_string(hide_password=False), workdir)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bench("sqlite", f"sqlite:///{workdir / 'bench.sqlite'}", workdir)
        if os.environ.get("JOBMATCH_BENCH_POSTGRES"):
            _postgres(os.environ["JOBMATCH_BENCH_POSTGRES"], workdir)


if __name__ == "__main__":
    main()
