"""Load seed_data/ into the database: all of it in one transaction, or nothing.

Each file is read and checked row by row, then bulk-inserted, in the order foreign keys need;
the first bad row raises SeedError (naming file and row) and everything is rolled back.
A database that already holds the seed's communities and firms is left untouched. Seed ids are
shifted past any rows already present, so a database with other data can still be seeded.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from time import perf_counter

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from jobmatch import clock
from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.catalogue.models import Occupation, Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.crypto import cipher
from jobmatch.employment.models import EmploymentSpell, FollowUp
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.orders.models import Delivery, Order
from jobmatch.posts.models import Post, post_certificates, post_skills
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.seed import employment_records, records, reference
from jobmatch.seed.files import SeedError
from jobmatch.training.models import Cohort, Enrollment, Program, program_skills

# Every table the seed fills, in insert order (the order counts are reported in).
TABLES = {
    "occupations": Occupation,
    "skills": Skill,
    "programs": Program,
    "program_skills": program_skills,
    "communities": Community,
    "grids": Grid,
    "firms": Firm,
    "posts": Post,
    "post_skills": post_skills,
    "post_certificates": post_certificates,
    "residents": Resident,
    "resident_groups": ResidentGroup,
    "cohorts": Cohort,
    "enrollments": Enrollment,
    "resident_skills": ResidentSkill,
    "orders": Order,
    "deliveries": Delivery,
    "applications": Application,
    "application_events": ApplicationEvent,
    "employment_spells": EmploymentSpell,
    "employment_follow_ups": FollowUp,
}
# Tables whose integer ids come from the seed files; a foreign key column names its table.
ID_TABLES = ("communities", "grids", "firms", "posts", "residents", "cohorts", "enrollments",
             "orders", "deliveries", "applications", "employment_spells",
             "employment_follow_ups")  # fmt: skip
# The file each table's rows come from, to name it when the database refuses them.
SOURCE_FILES = {
    "occupations": reference.OCCUPATIONS_FILE,
    "program_skills": "programs.csv",
    "post_skills": "posts.csv",
    "post_certificates": "posts.csv",
    "resident_groups": "residents.csv",
    "resident_skills": "enrollments.csv",
}
REFERENCES = {
    "community_id": "communities",
    "grid_id": "grids",
    "firm_id": "firms",
    "post_id": "posts",
    "resident_id": "residents",
    "cohort_id": "cohorts",
    "order_id": "orders",
    "application_id": "applications",
    "spell_id": "employment_spells",
}


@dataclass
class SeedReport:
    loaded: bool  # False when the database was already seeded
    counts: dict[str, int]  # rows inserted, or (already seeded) rows present
    seconds: float


def load_seed(directory: Path, today: date | None = None) -> SeedReport:
    """Load every seed file in one transaction; raise SeedError and keep nothing on a bad row."""
    started = perf_counter()
    try:
        loaded, counts = _load(Path(directory), today or clock.today())
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return SeedReport(loaded, counts, perf_counter() - started)


def table_counts() -> dict[str, int]:
    counts = {}
    for name, target in TABLES.items():
        table = getattr(target, "__table__", target)
        counts[name] = db.session.scalar(select(func.count()).select_from(table))
    return counts


class _Inserter:
    """Bulk inserts with seed ids shifted past existing rows; counts what went in."""

    def __init__(self):
        self.offsets = {
            name: db.session.scalar(select(func.coalesce(func.max(TABLES[name].id), 0)))
            for name in ID_TABLES
        }
        self.counts: Counter = Counter()

    def __call__(self, name: str, rows: list[dict]) -> None:
        self.counts[name] += len(rows)
        if not rows:
            return
        if any(self.offsets.values()):
            rows = [self._shift(name, row) for row in rows]
        # Core executemany on the table: the ORM's bulk mode would insert row by row wherever
        # it wants generated keys back, which the seed never needs. Column types (encryption)
        # and Python-side defaults apply all the same.
        target = TABLES[name]
        try:
            db.session.execute(insert(getattr(target, "__table__", target)), rows)
        except IntegrityError as error:
            file = SOURCE_FILES.get(name, f"{name}.csv")
            raise SeedError(file, None, f"数据库拒绝写入{name}：{error.orig}") from None

    def _shift(self, name: str, row: dict) -> dict:
        row = dict(row)
        for column, table in (("id", name), *REFERENCES.items()):
            if row.get(column) is not None and (column != "id" or table in ID_TABLES):
                row[column] += self.offsets[table]
        return row

    def shift_id(self, table: str, seed_id: int) -> int:
        return seed_id + self.offsets[table]


def _already_seeded(communities: list[dict], firms: list[dict]) -> bool:
    """True when every seed community and firm is present; SeedError when only some are."""
    names = set(
        db.session.scalars(
            select(Community.name).where(Community.name.in_([c["name"] for c in communities]))
        )
    )
    codes = set(
        db.session.scalars(
            select(Firm.credit_code).where(Firm.credit_code.in_([f["credit_code"] for f in firms]))
        )
    )
    if len(names) == len(communities) and len(codes) == len(firms):
        return True
    for number, community in enumerate(communities, start=2):
        if community["name"] in names:
            raise SeedError("communities.csv", number, "该社区已在数据库中，种子数据只能整体载入。")
    for number, firm in enumerate(firms, start=2):
        if firm["credit_code"] in codes:
            raise SeedError("firms.csv", number, "该企业已在数据库中，种子数据只能整体载入。")
    return False


def _new_only(rows: list[dict], existing, key: str = "code") -> list[dict]:
    return [row for row in rows if row[key] not in existing]


def _load(directory: Path, today: date) -> tuple[bool, dict[str, int]]:
    communities = reference.read_communities(directory)
    firms = reference.read_firms(directory)
    if _already_seeded(communities, firms):
        return False, table_counts()
    put = _Inserter()

    # The catalogue is shared reference data: add only the codes the database lacks.
    occupations = reference.read_occupations(directory)
    present = set(db.session.scalars(select(Occupation.code)))
    put("occupations", _new_only(occupations, present))
    occupation_codes = present | {o["code"] for o in occupations}
    skills = reference.read_skills(directory, occupation_codes)
    present = set(db.session.scalars(select(Skill.code)))
    put("skills", _new_only(skills, present))
    skill_codes = present | {s["code"] for s in skills}
    programs, confers = reference.read_programs(directory, occupation_codes, skill_codes)
    present = set(db.session.scalars(select(Program.code)))
    new_programs = _new_only(programs, present)
    put("programs", new_programs)
    put("program_skills", [{"program_code": p["code"], "skill_code": s}
                           for p in new_programs for s in confers[p["code"]]])  # fmt: skip
    program_codes = present | set(confers)

    put("communities", communities)
    community_ids = {c["id"] for c in communities}
    grids = reference.read_grids(directory, community_ids)
    put("grids", grids)
    put("firms", firms)
    firm_ids = {f["id"] for f in firms}
    posts, links, certificates = reference.read_posts(
        directory, firm_ids, occupation_codes, skill_codes, program_codes
    )
    put("posts", posts)
    put("post_skills", links)
    put("post_certificates", certificates)

    residents, groups, declared = records.read_residents(
        directory,
        {g["id"]: g["community_id"] for g in grids},
        community_ids,
        skill_codes,
        cipher(),
        today,
    )
    _refuse_known_residents(residents)
    put("residents", residents)
    put("resident_groups", groups)
    resident_ids = {r["id"] for r in residents}

    cohorts = records.read_cohorts(directory, program_codes, firm_ids, community_ids)
    put("cohorts", cohorts)
    cohort_by_id = {c["id"]: c for c in cohorts}
    enrollments, passed = records.read_enrollments(directory, cohort_by_id, resident_ids)
    put("enrollments", enrollments)
    put("resident_skills", _resident_skills(declared, passed, confers))

    orders = {o["id"]: o for o in records.read_orders(directory, firm_ids, set(cohort_by_id))}
    deliveries = records.read_deliveries(directory, orders, resident_ids)
    put("orders", list(orders.values()))
    put("deliveries", deliveries)

    post_by_id = {p["id"]: p for p in posts}
    applications, hired = records.read_applications(directory, resident_ids, post_by_id)
    events = records.read_events(directory, applications)
    put("applications", [{k: v for k, v in a.items() if k != "row"}
                         for a in applications.values()])  # fmt: skip
    put("application_events", events)
    spells = employment_records.read_spells(directory, applications, post_by_id)
    put("employment_spells", list(spells.values()))
    put("employment_follow_ups", employment_records.read_follow_ups(directory, spells))
    if hired:
        db.session.execute(
            update(Post),
            # "version": the rows were just inserted at version 1 (jobmatch.database.Versioned).
            [
                {"id": put.shift_id("posts", post_id), "filled": n, "version": 1}
                for post_id, n in hired.items()
            ],
        )
    _advance_sequences()
    return True, dict(put.counts)


def _refuse_known_residents(residents: list[dict]) -> None:
    # One pass over the column beats an IN list of thousands of parameters.
    known = set(db.session.scalars(select(Resident.id_number_hash)))
    for number, resident in enumerate(residents, start=2):
        if resident["id_number_hash"] in known:
            raise SeedError("residents.csv", number, "该身份证号码已在数据库中登记。", "id_number")


def _resident_skills(declared, passed, confers) -> list[dict]:
    """Declared skills, and those conferred by passed training (which win on overlap)."""
    source: dict[tuple[int, str], str] = {}
    for resident_id, codes in declared.items():
        for code in codes:
            source[resident_id, code] = "declared"
    for resident_id, program_code in passed:
        for code in confers.get(program_code, ()):
            source[resident_id, code] = "training"
    return [
        {"resident_id": resident_id, "skill_code": code, "source": how}
        for (resident_id, code), how in source.items()
    ]


def _advance_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the largest id."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in ID_TABLES:
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )
