"""Seed files of the catalogue, places, firms and posts: each read, checked, turned into rows."""

import re
from pathlib import Path

from jobmatch.education import parse_education
from jobmatch.posts.models import CATEGORIES, POST_STATUSES, SHIFTS
from jobmatch.seed.files import SeedError, local_time, read, unique
from jobmatch.training.models import CERTIFICATE_TYPES
from jobmatch.validators import parse_credit_code

OCCUPATIONS_FILE = "occupations_csco22.csv"
OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
SNAKE_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# The 2022 classification marks green occupations "L" and digital ones "S" after the name.
OCCUPATION_MARK = re.compile(r"(?<=[^\x00-\x7f])(?:L/S|L|S)$")


def _snake(value: str) -> str:
    if not SNAKE_CODE.match(value):
        raise ValueError("代码应为小写字母、数字和下划线（snake_case），不超过32个字符。")
    return value


def read_occupations(directory: Path) -> list[dict]:
    """Every level of the classification; where a code repeats, the most detailed entry wins."""
    by_code: dict[str, dict] = {}
    for row in read(directory, OCCUPATIONS_FILE, ("level", "code", "name")):
        level = row.integer("level", minimum=1)
        if level > 4:
            raise row.fail("层级应为1到4。", "level")
        code = row.raw("code")
        if not OCCUPATION_CODE.match(code):
            raise row.fail(f"职业编码“{code}”格式应为6-05-01-03。", "code")
        name = OCCUPATION_MARK.sub("", row.text("name"))
        if code not in by_code or by_code[code]["level"] < level:
            by_code[code] = {"code": code, "level": level, "name": name}
    return list(by_code.values())


def read_skills(directory: Path, occupations: set[str]) -> list[dict]:
    rows, codes, names = [], set(), set()
    for row in read(directory, "skills.csv", ("code", "name", "occupation_code")):
        code = row.parse("code", _snake)
        unique(row, "code", code, codes)
        name = row.text("name", 64)
        unique(row, "name", name, names)
        occupation = row.choice("occupation_code", occupations)
        rows.append({"code": code, "name": name, "occupation_code": occupation})
    return rows


def read_programs(directory: Path, occupations: set[str], skills: set[str]):
    """Programs and the skills each confers (program code -> skill codes)."""
    programs, confers, codes = [], {}, set()
    columns = ("code", "name", "occupation_code", "hours", "certificate_type", "skills")
    for row in read(directory, "programs.csv", columns):
        code = row.parse("code", _snake)
        unique(row, "code", code, codes)
        programs.append(
            {
                "code": code,
                "name": row.text("name", 64),
                "occupation_code": row.choice("occupation_code", occupations, optional=True),
                "hours": row.integer("hours", minimum=1),
                "certificate_type": row.choice("certificate_type", CERTIFICATE_TYPES),
            }
        )
        confers[code] = row.codes("skills", skills)
    return programs, confers


def read_communities(directory: Path) -> list[dict]:
    rows, ids, names = [], set(), set()
    for row in read(directory, "communities.csv", ("id", "name", "lat", "lon")):
        community_id = row.integer("id", minimum=1)
        unique(row, "id", community_id, ids)
        name = row.text("name", 64)
        unique(row, "name", name, names)
        rows.append(
            {
                "id": community_id,
                "name": name,
                "lat": row.number("lat", -90, 90),
                "lon": row.number("lon", -180, 180),
            }
        )
    return rows


def read_grids(directory: Path, communities: set[int]) -> list[dict]:
    rows, ids, names = [], set(), set()
    columns = ("id", "community_id", "name", "party_branch", "lat", "lon")
    for row in read(directory, "grids.csv", columns):
        grid_id = row.integer("id", minimum=1)
        unique(row, "id", grid_id, ids)
        community_id = row.ref("community_id", communities)
        name = row.text("name", 64)
        unique(row, "name", (community_id, name), names)
        rows.append(
            {
                "id": grid_id,
                "community_id": community_id,
                "name": name,
                "party_branch": row.text("party_branch", 128, optional=True),
                "lat": row.number("lat", -90, 90),
                "lon": row.number("lon", -180, 180),
            }
        )
    return rows


def read_firms(directory: Path) -> list[dict]:
    rows, ids, codes = [], set(), set()
    columns = ("id", "name", "credit_code", "industry", "address", "lat", "lon")
    for row in read(directory, "firms.csv", columns):
        firm_id = row.integer("id", minimum=1)
        unique(row, "id", firm_id, ids)
        credit_code = row.parse("credit_code", parse_credit_code)
        unique(row, "credit_code", credit_code, codes)
        rows.append(
            {
                "id": firm_id,
                "name": row.text("name", 128),
                "credit_code": credit_code,
                "industry": row.text("industry", 64, optional=True),
                "address": row.text("address", 500, optional=True),
                "lat": row.number("lat", -90, 90, optional=True),
                "lon": row.number("lon", -180, 180, optional=True),
            }
        )
    return rows


POST_COLUMNS = (
    "id", "firm_id", "title", "category", "occupation_code", "openings", "wage_min", "wage_max",
    "shift", "required_skills", "required_certificates", "min_education", "min_age", "max_age",
    "meals_provided", "housing_provided", "status", "posted_on", "expires_on", "description",
)  # fmt: skip


def read_posts(directory: Path, firms: set[int], occupations, skills, programs):
    """Posts, with their (post_id, skill_code) and (post_id, program_code) links."""
    posts, post_skills, post_certificates, ids = [], [], [], set()
    for row in read(directory, "posts.csv", POST_COLUMNS):
        post_id = row.integer("id", minimum=1)
        unique(row, "id", post_id, ids)
        wage_min = row.integer("wage_min", minimum=0)
        wage_max = row.integer("wage_max", minimum=0)
        if wage_max < wage_min:
            raise row.fail("最高工资不能低于最低工资。", "wage_max")
        min_age = row.integer("min_age", minimum=16)
        max_age = row.integer("max_age", minimum=min_age, optional=True)
        posted_on = row.day("posted_on")
        expires_on = row.day("expires_on", optional=True)
        if expires_on and expires_on < posted_on:
            raise row.fail("截止日期早于发布日期。", "expires_on")
        posts.append(
            {
                "id": post_id,
                "firm_id": row.ref("firm_id", firms),
                "title": row.text("title", 128),
                "category": row.choice("category", CATEGORIES),
                "occupation_code": row.choice("occupation_code", occupations, optional=True),
                "openings": row.integer("openings", minimum=1),
                "filled": 0,
                "wage_min": wage_min,
                "wage_max": wage_max,
                "shift": row.choice("shift", SHIFTS),
                "min_education": row.parse("min_education", parse_education, optional=True),
                "min_age": min_age,
                "max_age": max_age,
                "meals_provided": row.boolean("meals_provided"),
                "housing_provided": row.boolean("housing_provided"),
                "description": row.text("description", 2000, optional=True),
                "status": row.choice("status", POST_STATUSES),
                "expires_on": expires_on,
                "created_at": local_time(posted_on),
                "updated_at": local_time(posted_on),
            }
        )
        post_skills += [
            {"post_id": post_id, "skill_code": c} for c in row.codes("required_skills", skills)
        ]
        post_certificates += [
            {"post_id": post_id, "program_code": c}
            for c in row.codes("required_certificates", programs)
        ]
    if not posts:
        raise SeedError("posts.csv", None, "没有任何岗位。")
    return posts, post_skills, post_certificates
