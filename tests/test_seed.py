"""`flask seed`: what it loads, that a second run changes nothing, and that a bad file loads
nothing at all."""

import csv
import hashlib
import math
import shutil
from collections import Counter
from datetime import UTC, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobmatch.accounts.models import User
from jobmatch.applications.enums import SYSTEM_REASONS
from jobmatch.applications.models import APPLICATION_STATUSES, REASONS
from jobmatch.communities.models import Community, Grid
from jobmatch.crypto import cipher
from jobmatch.education import meets_education
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.models import (
    Application,
    ApplicationEvent,
    Cohort,
    Enrollment,
    Post,
    Resident,
    ResidentSkill,
    post_certificates,
    program_skills,
)
from jobmatch.residents.search import search_residents
from jobmatch.seed.loader import table_counts
from jobmatch.validators import age_on, parse_credit_code, parse_id_number, parse_mobile
from tests.factories import make_firm, make_skill

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
CHINA = timezone(timedelta(hours=8))


def _checksum() -> str:
    """Every row of every table, in primary-key order."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest.update(f"{table.name}:{len(rows)};".encode())
        for row in rows:
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_seed_loads_communities_grids_and_firms(seeded):
    counts = table_counts()
    assert counts["communities"] == 16
    assert counts["grids"] == 32
    assert counts["firms"] == 16
    assert 2500 <= counts["residents"] <= 3500
    # The full occupational classification, all four levels.
    assert counts["occupations"] > 2000
    per_community = db.session.execute(
        select(Grid.community_id, func.count()).group_by(Grid.community_id)
    ).all()
    assert sorted(n for _, n in per_community) == [2] * 16
    branches = db.session.scalars(select(Grid.party_branch)).all()
    assert all(b.endswith("网格党支部") for b in branches)
    assert db.session.scalar(select(Community).where(Community.name == "万家乐移民新区"))
    for code in db.session.scalars(select(Firm.credit_code)):
        assert parse_credit_code(code) == code


def test_every_resident_has_a_valid_id_number_and_phone(seeded):
    box = cipher()
    # Columns, not Resident objects: the numbers are deferred and would load one row at a time.
    residents = db.session.execute(
        select(Resident.id_number, Resident.id_number_hash, Resident.phone, Resident.phone_hash,
               Resident.gender, Resident.birth_date, Resident.created_at)
    ).all()  # fmt: skip
    numbers = set()
    for resident in residents:
        parsed = parse_id_number(resident.id_number)
        assert parsed.area_code == "140222"
        assert (parsed.gender, parsed.birth_date) == (resident.gender, resident.birth_date)
        assert resident.id_number_hash == box.lookup_hash(parsed.number)
        assert parse_mobile(resident.phone) == resident.phone
        assert resident.phone_hash == box.phone_hash(resident.phone)
        assert 16 <= age_on(resident.birth_date, resident.created_at.date()) <= 65
        numbers.add(parsed.number)
    assert len(numbers) == len(residents)


def test_a_seeded_resident_is_found_at_the_desk_by_mobile(seeded):
    resident = db.session.execute(
        select(Resident.id, Resident.phone).order_by(Resident.id.desc()).limit(1)
    ).one()
    typed = f"+86 {resident.phone[:3]}-{resident.phone[3:7]}-{resident.phone[7:]}"
    people, total = search_residents(User(role="staff"), typed, None, 1, 50)
    sharing = db.session.scalar(
        select(func.count(Resident.id)).where(Resident.phone_hash == cipher().phone_hash(typed))
    )
    assert resident.id in [person["id"] for person in people] and total == sharing >= 1


def test_passed_training_confers_the_program_s_skills(seeded):
    conferred = set(
        db.session.execute(
            select(Enrollment.resident_id, program_skills.c.skill_code)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .join(program_skills, program_skills.c.program_code == Cohort.program_code)
            .where(Enrollment.status == "completed", Enrollment.passed.is_(True))
        ).all()
    )
    held = set(
        db.session.execute(
            select(ResidentSkill.resident_id, ResidentSkill.skill_code).where(
                ResidentSkill.source == "training"
            )
        ).all()
    )
    assert conferred and held == conferred


def test_a_second_run_changes_nothing(seeded):
    before = _checksum()
    result = seeded.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "already seeded" in result.output
    assert "residents" in result.output
    assert _checksum() == before


def _rewrite(path: Path, row_number: int, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    record = dict(zip(header, rows[row_number - 1], strict=True))
    change(record)
    rows[row_number - 1] = [record[column] for column in header]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _wrong_check_digit(record):
    number = record["id_number"]
    record["id_number"] = number[:17] + ("0" if number[17] != "0" else "1")


def _wrong_credit_check(record):
    code = record["credit_code"]
    record["credit_code"] = code[:17] + ("A" if code[17] != "A" else "B")


def _unknown_firm(record):
    record["firm_id"] = "999"


def _too_many_accepted(record):
    record["accepted"] = str(int(record["quantity"]) + 1)


@pytest.mark.parametrize(
    ("file", "row", "change"),
    [
        ("firms.csv", 5, _wrong_credit_check),
        ("posts.csv", 7, _unknown_firm),
        ("residents.csv", 1501, _wrong_check_digit),
        ("deliveries.csv", 1001, _too_many_accepted),
    ],
)
def test_a_bad_row_loads_nothing_and_is_named(app, runner, tmp_path, file, row, change):
    data = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, data, ignore=shutil.ignore_patterns("*.py", "seedgen"))
    _rewrite(data / file, row, change)

    result = runner.invoke(args=["seed", "--data-dir", str(data)])

    assert result.exit_code != 0
    assert f"{file} 第{row}行" in result.output
    assert set(table_counts().values()) == {0}


def test_a_row_the_database_refuses_loads_nothing(app, runner):
    # Passes the file checks, but its name is taken by a skill the database already has.
    make_skill("knot_craft", name="中国结编织")
    result = runner.invoke(args=["seed"])
    assert result.exit_code != 0
    assert "skills.csv" in result.output
    counts = table_counts()
    assert (counts.pop("occupations"), counts.pop("skills")) == (1, 1)
    assert set(counts.values()) == {0}


def test_seed_beside_data_already_there(app, runner):
    earlier = make_firm(name="先登记的企业")
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Firm.id))) == 17
    # Seed ids moved past the firm already there, and references moved with them.
    post = db.session.scalar(select(Post).order_by(Post.id).limit(1))
    assert post.firm_id != earlier.id
    assert post.firm.name == "天镇县鑫源箱包有限公司"
    # New rows after the seed get fresh ids (PostgreSQL's sequences were moved on).
    later = make_firm(name="后登记的企业")
    assert later.id > post.firm_id


def _km(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


def test_the_application_history_can_train_a_ranker(seeded):
    applications = db.session.execute(
        select(Application.id, Application.resident_id, Application.post_id,
               Application.status, Application.reason, Application.created_at,
               Application.hired_at)
    ).all()  # fmt: skip
    assert len(applications) >= 8000
    assert len({a.resident_id for a in applications}) >= 1500
    assert set(Counter(a.status for a in applications)) == set(APPLICATION_STATUSES)
    # Every reason a person gives; the system's own (hired elsewhere, stale) came later.
    assert {a.reason for a in applications} - {None} == set(REASONS) - set(SYSTEM_REASONS)
    assert all((a.status == "hired") == (a.hired_at is not None) for a in applications)

    hired = Counter(a.post_id for a in applications if a.status == "hired")
    for post_id, openings, filled in db.session.execute(
        select(Post.id, Post.openings, Post.filled)
    ):
        assert filled == hired[post_id] <= openings

    last_status = {}
    for application_id, from_status, to_status in db.session.execute(
        select(ApplicationEvent.application_id, ApplicationEvent.from_status,
               ApplicationEvent.to_status).order_by(ApplicationEvent.id)
    ):  # fmt: skip
        assert from_status == last_status.get(application_id)
        last_status[application_id] = to_status
    assert last_status == {a.id: a.status for a in applications}


def test_every_past_application_was_an_eligible_pair(seeded):
    posts = {p.id: p for p in db.session.scalars(select(Post))}
    firms = {f.id: (f.lat, f.lon) for f in db.session.scalars(select(Firm))}
    places = {c.id: (c.lat, c.lon) for c in db.session.scalars(select(Community))}
    residents = {
        r.id: r
        for r in db.session.execute(
            select(Resident.id, Resident.birth_date, Resident.education,
                   Resident.community_id, Resident.max_commute_km)
        )
    }  # fmt: skip
    required = {}
    for post_id, program in db.session.execute(select(post_certificates)):
        required.setdefault(post_id, set()).add(program)
    certificates = {}
    for resident_id, program, issued_on in db.session.execute(
        select(Enrollment.resident_id, Cohort.program_code, Enrollment.certificate_issued_on)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.certificate_no.is_not(None))
    ):
        certificates.setdefault(resident_id, {})[program] = issued_on

    rows = db.session.execute(
        select(Application.resident_id, Application.post_id, Application.created_at)
    ).all()
    for resident_id, post_id, created_at in rows:
        post, resident = posts[post_id], residents[resident_id]
        day = created_at.replace(tzinfo=created_at.tzinfo or UTC).astimezone(CHINA).date()
        age = age_on(resident.birth_date, day)
        assert post.status == "open" and (post.expires_on is None or day <= post.expires_on)
        assert post.min_age <= age and (post.max_age is None or age <= post.max_age)
        assert meets_education(resident.education, post.min_education)
        held = certificates.get(resident_id, {})
        assert all(code in held and held[code] <= day for code in required.get(post_id, ()))
        if resident.max_commute_km is not None:
            assert _km(places[resident.community_id], firms[post.firm_id]) <= (
                resident.max_commute_km
            )
