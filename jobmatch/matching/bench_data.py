"""``flask --app jobmatch bench-data --residents N``: a city of residents for the benchmarks.

Residents (with encrypted ID and phone numbers, as the app writes them), their declared skills
and priority groups, spread over ten counties' communities (made if the database has fewer).
PostgreSQL gets them by COPY, SQLite by executemany. Ids are given here, so every id sequence
is set past them at once (``reset_sequences``): otherwise the next registration draws an id
already taken, and the integrity error reads as "ID number already registered". One
matching_changes row tells every process to reload its snapshot.
"""

import random
import time
from datetime import UTC, date, datetime, timedelta

import click
from flask import Flask
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from jobmatch.catalogue.models import Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.crypto import cipher
from jobmatch.extensions import db
from jobmatch.matching.models import MatchingChange
from jobmatch.residents.models import PRIORITY_GROUPS, Resident, ResidentGroup, ResidentSkill
from jobmatch.validators import id_check_char

COUNTIES = 10
COMMUNITIES_PER_COUNTY = 8
BATCH = 10_000
RESIDENT_COLUMNS = (
    "id", "name", "id_number", "id_number_hash", "phone", "phone_hash", "gender", "birth_date",
    "education",
    "community_id", "grid_id", "desired_wage", "shift_preference", "max_commute_km",
    "employment_status", "created_at", "updated_at",
)  # fmt: skip
EDUCATIONS = ["primary", "junior_high", "junior_high", "senior_high", "secondary_vocational"]


def reset_sequences(session: Session, tables=("residents",)) -> None:
    """Set each table's id sequence past its largest id (PostgreSQL; SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )
        )


def _places(session: Session, rng: random.Random) -> list[tuple[int, int | None]]:
    if session.scalar(select(db.func.count(Community.id))) < COUNTIES:
        for county in range(COUNTIES):
            for n in range(COMMUNITIES_PER_COUNTY):
                session.add(
                    Community(
                        name=f"基准{county + 1}县{n + 1}社区",
                        lat=39.0 + county * 0.4 + rng.uniform(-0.1, 0.1),
                        lon=113.0 + county * 0.3 + rng.uniform(-0.1, 0.1),
                    )
                )
        session.flush()
    grids = [(g.community_id, g.id) for g in session.execute(select(Grid.community_id, Grid.id))]
    communities = [(c, None) for c in session.scalars(select(Community.id))]
    return grids + communities


def _rows(count: int, start: int, places, skills, rng: random.Random, encrypt):
    """Rows as the database holds them: ``encrypt`` is the cipher for COPY, which bypasses
    the column type, and the identity for executemany, which goes through it."""
    box, now = cipher(), datetime.now(UTC)
    for rid in range(start, start + count):
        born = date(1966, 1, 1) + timedelta(days=rng.randrange(38 * 365))
        # Area, birth date, sequence: unique by (rid // 1000, rid % 1000), and well formed.
        first17 = f"9{(rid // 1000) % 100_000:05d}{born:%Y%m%d}{rid % 1000:03d}"
        number = first17 + id_check_char(first17)
        community, grid = rng.choice(places)
        phone = f"139{rid:08d}"
        resident = {
            "id": rid, "name": f"居民{rid}", "id_number": encrypt(number),
            "id_number_hash": box.lookup_hash(number), "phone": encrypt(phone),
            "phone_hash": box.phone_hash(phone),
            "gender": "male" if int(first17[-1]) % 2 else "female", "birth_date": born,
            "education": rng.choice(EDUCATIONS), "community_id": community, "grid_id": grid,
            "desired_wage": rng.randrange(25, 55) * 100,
            "shift_preference": rng.choice(["any", "day", "day", "night"]),
            "max_commute_km": rng.choice([None, None, 10.0, 20.0, 30.0]),
            "employment_status": rng.choice(["unemployed", "unemployed", "employed"]),
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        links = [
            (rid, code, "declared")
            for code in rng.sample(skills, min(len(skills), rng.randrange(0, 3)))
        ]
        groups = [(rid, rng.choice(PRIORITY_GROUPS))] if rng.random() < 0.3 else []
        yield resident, links, groups


def _copy(session: Session, table: str, columns, rows) -> None:
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _executemany(session: Session, model, columns, rows) -> None:
    session.execute(insert(model.__table__), [dict(zip(columns, r, strict=True)) for r in rows])


def add_bench_residents(session: Session, count: int, seed: int = 1) -> tuple[int, int]:
    """Add ``count`` residents after the largest id; answer (first id, last id)."""
    rng = random.Random(seed)
    places = _places(session, rng)
    skills = list(session.scalars(select(Skill.code))) or []
    start = (session.scalar(select(db.func.max(Resident.id))) or 0) + 1
    write = _copy if session.get_bind().dialect.name == "postgresql" else None
    encrypt = cipher().encrypt if write else str
    for offset in range(0, count, BATCH):
        people, links, groups = [], [], []
        for resident, skill_rows, group_rows in _rows(
            min(BATCH, count - offset), start + offset, places, skills, rng, encrypt
        ):
            people.append(tuple(resident[c] for c in RESIDENT_COLUMNS))
            links += skill_rows
            groups += group_rows
        for table, model, columns, rows in (
            ("residents", Resident, RESIDENT_COLUMNS, people),
            ("resident_skills", ResidentSkill, ("resident_id", "skill_code", "source"), links),
            ("resident_groups", ResidentGroup, ("resident_id", "group"), groups),
        ):
            if not rows:
                continue
            if write is None:
                _executemany(session, model, columns, rows)
            else:
                quoted = [f'"{c}"' if c == "group" else c for c in columns]
                write(session, table, quoted, rows)
    reset_sequences(session)
    # Written around the session's listeners: one row says "every resident".
    session.execute(insert(MatchingChange.__table__), [{"scope": "resident", "entity_id": None}])
    session.commit()
    return start, start + count - 1


@click.command("bench-data")
@click.option("--residents", type=click.IntRange(1, 5_000_000), required=True)
@click.option("--seed", type=int, default=1)
def bench_data_command(residents: int, seed: int) -> None:
    """Add N synthetic residents for benchmarks (COPY on PostgreSQL), sequences set after."""
    started = time.monotonic()
    first, last = add_bench_residents(db.session, residents, seed)
    click.echo(f"residents {first}..{last} added in {time.monotonic() - started:.1f} s")


def register(app: Flask) -> None:
    app.cli.add_command(bench_data_command)
