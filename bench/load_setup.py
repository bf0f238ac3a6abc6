"""The load test's data: a seeded database, signed-in users of each kind, and work to hand out.

Writes fixture.json in the work folder: gunicorn's environment, tokens (residents, firms,
staff), and for the writes disjoint lists, so that no request is refused for repeating another:
(resident, post) pairs to apply or refer, applications to move, and ID numbers to register.
"""

import json
import os
import random
import time
from pathlib import Path

import psycopg
from match_data import FIELD_KEY, ROOT, add_residents, environment

RESIDENT_USERS = 400
MOVABLE = 3000
PAIRS = 6000
REGISTRATIONS = 4000


def database_url(workdir: Path) -> tuple[str, str | None]:
    """(the URL to use, the PostgreSQL database made for this run or None)."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgresql"):
        return f"sqlite:///{workdir / 'bench.db'}", None
    name = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'jobmatch_load')}_{os.getpid()}"
    with psycopg.connect(server.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0]
    scheme = base if "+psycopg" in base else base.replace("postgresql", "postgresql+psycopg", 1)
    return f"{scheme}/{name}", name


def prepare(workdir: Path) -> None:
    server = os.environ.get("DATABASE_URL", "").replace("+psycopg", "")
    url, made = database_url(workdir)
    os.environ["BENCH_SERVER_URL"] = server
    env = environment(workdir) | {"DATABASE_URL": url, "AUTH_CACHE_SECONDS": "5"}
    os.environ.update(env)
    try:
        fixture = _seeded()
    except BaseException:
        _drop_database(made)
        raise
    fixture |= {"env": env, "made_database": made, "field_key": FIELD_KEY, "root": str(ROOT)}
    (workdir / "fixture.json").write_text(json.dumps(fixture))


def _drop_database(name: str | None) -> None:
    if name:
        server = os.environ["BENCH_SERVER_URL"]
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seeded() -> dict:
    from jobmatch import create_app
    from jobmatch.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        add_residents(int(os.environ.get("BENCH_RESIDENTS", 3000)))
        if db.engine.dialect.name == "postgresql":
            _sequences_past_rows(db)
        fixture = _users_and_work(db)
        db.session.remove()
        db.engine.dispose()
    return fixture


def _sequences_past_rows(db) -> None:
    """Rows written with explicit ids leave PostgreSQL's sequences behind: move them on."""
    from sqlalchemy import Integer, text

    for table in db.metadata.sorted_tables:
        if "id" in table.c and isinstance(table.c.id.type, Integer) and table.c.id.primary_key:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
    db.session.commit()


def _users_and_work(db) -> dict:
    from sqlalchemy import func, select

    from jobmatch import clock
    from jobmatch.accounts.auth import issue_token
    from jobmatch.accounts.models import User
    from jobmatch.applications.models import Application, ApplicationEvent
    from jobmatch.posts.models import Post
    from jobmatch.residents.models import Resident
    from jobmatch.validators import id_check_char

    rng = random.Random(7)
    today = clock.today()
    posts = db.session.execute(
        select(Post.id, Post.firm_id).where(
            Post.status == "open",
            Post.filled < Post.openings,
            (Post.expires_on.is_(None)) | (Post.expires_on >= today),
        )
    ).all()
    residents = list(db.session.scalars(select(Resident.id).order_by(func.random())))
    staff = User(username="load-staff", role="staff", password_hash="unused")
    people = [
        User(username=f"load-r{rid}", role="resident", resident_id=rid, password_hash="unused")
        for rid in residents[:RESIDENT_USERS]
    ]
    firms = sorted({firm for _, firm in posts})
    firm_users = {
        firm: User(username=f"load-f{firm}", role="firm", firm_id=firm, password_hash="unused")
        for firm in firms
    }
    db.session.add_all([staff, *people, *firm_users.values()])
    db.session.flush()

    taken = set(db.session.execute(select(Application.resident_id, Application.post_id)).tuples())
    pairs = {(rng.choice(residents), rng.choice(posts)[0]) for _ in range(MOVABLE + PAIRS)}
    pairs = sorted(pairs - taken)
    rng.shuffle(pairs)
    movable, spare = pairs[:MOVABLE], pairs[MOVABLE:]
    applications = [
        Application(
            resident_id=rid,
            post_id=pid,
            status="applied",
            history=[
                ApplicationEvent(to_status="applied", actor_user_id=staff.id, actor_role="staff")
            ],
        )
        for rid, pid in movable
    ]
    db.session.add_all(applications)
    db.session.commit()
    # Self-applications need a resident with a user (pairs of their own, enough for 64 users
    # at full speed); referrals name anyone else.
    with_user = {user.resident_id: user for user in people}
    used = taken | set(movable)
    own = sorted({(rid, rng.choice(posts)[0]) for rid in with_user for _ in range(12)} - used)
    rng.shuffle(own)
    referrals = [(rid, pid) for rid, pid in spare if rid not in with_user]
    numbers = []
    for n in range(REGISTRATIONS):
        first17 = f"140222{1970 + n % 30:04d}{1 + n % 12:02d}{1 + n % 28:02d}{900 + n // 336:03d}"
        numbers.append([first17 + id_check_char(first17), f"137{n:08d}"])
    return {
        "staff": issue_token(staff),
        "residents": [[user.resident_id, issue_token(user)] for user in people],
        "firms": [[pid, issue_token(firm_users[firm])] for pid, firm in posts],
        "own_applications": [[rid, pid, issue_token(with_user[rid])] for rid, pid in own],
        "referrals": referrals,
        "movable": [application.id for application in applications],
        "id_numbers": numbers,
        "post_pages": max(len(posts) // 20, 1),
    }


def interview() -> dict:
    """A move to interview, with the when, where and whom that move needs."""
    when = time.strftime("%Y-%m-%dT10:00:00+08:00", time.gmtime(time.time() + 3 * 86400))
    return {
        "status": "interview",
        "interview_at": when,
        "interview_place": "园区综合楼一层",
        "interview_contact": "人事 王老师 13800000000",
    }
