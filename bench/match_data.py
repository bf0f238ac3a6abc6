"""Shared by the matching benchmarks: a temporary SQLite database, seeded, plus extra residents.

Extra residents are written in bulk (encrypted ID and phone numbers included, as the app would),
spread over the seeded communities and skills, so that the service loads them like any others.
"""

import os
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIELD_KEY = "yR8Jb6Vq0mV6p7oQ2k3a4W5x6C7d8E9f0G1h2J3k4L8="


def environment(workdir: Path) -> dict:
    return {
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "SECRET_KEY": "bench-secret",
        "JOBMATCH_FIELD_KEY": FIELD_KEY,
        "JOBMATCH_INSTANCE_PATH": str(workdir / "instance"),
        "JOBMATCH_MODEL_DIR": os.environ.get("JOBMATCH_MODEL_DIR", str(ROOT / "models")),
    }


def make_database(extra_residents: int, workdir: Path | None = None):
    """Create, seed and grow the database; answer (app, workdir)."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="jobmatch-bench-"))
    os.environ.update(environment(workdir))
    from jobmatch import create_app
    from jobmatch.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        add_residents(extra_residents)
    return app, workdir


def add_residents(count: int, seed: int = 1) -> None:
    from sqlalchemy import insert, select

    from jobmatch.catalogue.models import Skill
    from jobmatch.communities.models import Grid
    from jobmatch.crypto import cipher
    from jobmatch.extensions import db
    from jobmatch.matching.bench_data import reset_sequences
    from jobmatch.residents.models import PRIORITY_GROUPS, Resident, ResidentGroup, ResidentSkill
    from jobmatch.validators import id_check_char

    rng = random.Random(seed)
    grids = db.session.execute(select(Grid.id, Grid.community_id)).all()
    skills = list(db.session.scalars(select(Skill.code)))
    start = (db.session.scalar(select(db.func.max(Resident.id))) or 0) + 1
    educations = ["primary", "junior_high", "junior_high", "senior_high", "secondary_vocational"]
    box = cipher()
    for offset in range(0, count, 5000):
        people, links, groups = [], [], []
        for rid in range(start + offset, start + min(offset + 5000, count)):
            born = date(1966, 1, 1) + timedelta(days=rng.randrange(38 * 365))
            first17 = f"140222{born:%Y%m%d}{rid % 1000:03d}"
            number = first17 + id_check_char(first17)
            grid, community = rng.choice(grids)
            people.append(
                {
                    "id": rid,
                    "name": f"居民{rid}",
                    "id_number": number,
                    "id_number_hash": box.lookup_hash(f"{number}-{rid}"),
                    "phone": f"139{rid:08d}",
                    "phone_hash": box.phone_hash(f"139{rid:08d}"),
                    "gender": "male" if int(first17[-1]) % 2 else "female",
                    "birth_date": born,
                    "education": rng.choice(educations),
                    "community_id": community,
                    "grid_id": grid,
                    "desired_wage": rng.randrange(25, 55) * 100,
                    "shift_preference": rng.choice(["any", "day", "day", "night"]),
                    "max_commute_km": rng.choice([None, None, 10.0, 20.0, 30.0]),
                    "employment_status": rng.choice(["unemployed", "unemployed", "employed"]),
                }
            )
            links += [
                {"resident_id": rid, "skill_code": code, "source": "declared"}
                for code in rng.sample(skills, rng.randrange(0, 3))
            ]
            if rng.random() < 0.3:
                groups.append({"resident_id": rid, "group": rng.choice(PRIORITY_GROUPS)})
        db.session.execute(insert(Resident), people)
        if links:
            db.session.execute(insert(ResidentSkill), links)
        if groups:
            db.session.execute(insert(ResidentGroup), groups)
        db.session.commit()
    # The ids above were given, not drawn: on PostgreSQL the sequence must be moved past them,
    # or the next registration collides (and answers 409 "ID number already registered").
    reset_sequences(db.session)
    db.session.commit()
