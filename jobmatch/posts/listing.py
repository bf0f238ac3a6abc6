"""A page of posts as the lists show them: one statement, plain rows, the API's JSON built once.

The lists (GET /api/posts and the public / page) read a page as ORM objects with their firm,
skills and certificates (three statements) and dumped each field through marshmallow, which
cost more than the reading. Here one statement reads the page: the posts' own columns, the
firm's name joined, each post's skill and certificate codes aggregated in a correlated
subquery, and the count of every match as a window function. ``PostRow.as_json`` is exactly
PostOut's dump (tests/test_posts.py compares the two), so the API's answer is unchanged.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Select, func, select

from jobmatch.database import page_offset
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.posts.models import Post, post_certificates, post_skills

# Between codes in an aggregate: codes are written through schemas.Text, which refuses
# control characters, so none holds this one.
_SEPARATOR = "\x1f"
_COLUMNS = tuple(column.key for column in Post.__table__.columns)


class FirmName(NamedTuple):
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PostRow:
    """What a list shows of a post: its columns, its firm's name, its codes (sorted)."""

    id: int
    version: int
    firm_id: int
    title: str
    category: str
    occupation_code: str | None
    openings: int
    filled: int
    wage_min: int
    wage_max: int
    shift: str
    min_education: str | None
    min_age: int
    max_age: int | None
    meals_provided: bool
    housing_provided: bool
    description: str | None
    status: str
    expires_on: date | None
    created_at: datetime
    updated_at: datetime
    firm: FirmName
    required_skills: tuple[str, ...]
    required_certificates: tuple[str, ...]

    @property
    def openings_left(self) -> int:
        return self.openings - self.filled

    def as_json(self) -> dict:
        """PostOut's dump of this post, field for field."""
        return {
            "id": self.id,
            "version": self.version,
            "firm_id": self.firm_id,
            "firm": {"id": self.firm.id, "name": self.firm.name},
            "title": self.title,
            "category": self.category,
            "occupation_code": self.occupation_code,
            "openings": self.openings,
            "filled": self.filled,
            "openings_left": self.openings_left,
            "wage_min": self.wage_min,
            "wage_max": self.wage_max,
            "shift": self.shift,
            "required_skills": list(self.required_skills),
            "required_certificates": list(self.required_certificates),
            "min_education": self.min_education,
            "min_age": self.min_age,
            "max_age": self.max_age,
            "meals_provided": self.meals_provided,
            "housing_provided": self.housing_provided,
            "description": self.description,
            "status": self.status,
            "expires_on": None if self.expires_on is None else self.expires_on.isoformat(),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def _codes(column, key, in_order: bool) -> object:
    """One post's codes from an association table, joined into one string; in the database's
    order of the codes where it can aggregate in order (the relationships' order_by)."""
    codes = func.aggregate_strings(column, _SEPARATOR)
    if in_order:
        codes = codes.aggregate_order_by(column)
    return select(codes).where(key == Post.id).correlate(Post).scalar_subquery()


def rows_statement() -> Select:
    """The posts with what a list shows of them; filter and order it like ``select(Post)``.
    Built once per kind of database (a Select is never changed, only copied by .where)."""
    in_order = _aggregates_in_order()
    if in_order not in _STATEMENTS:
        _STATEMENTS[in_order] = _rows_statement(in_order)
    return _STATEMENTS[in_order]


_STATEMENTS: dict[bool, Select] = {}


def _rows_statement(in_order: bool) -> Select:
    return select(
        *(Post.__table__.c[key] for key in _COLUMNS),
        Firm.name.label("firm_name"),
        _codes(post_skills.c.skill_code, post_skills.c.post_id, in_order).label("skill_codes"),
        _codes(post_certificates.c.program_code, post_certificates.c.post_id, in_order).label(
            "certificate_codes"
        ),
    ).join(Firm, Firm.id == Post.firm_id)


def _aggregates_in_order() -> bool:
    """PostgreSQL aggregates in ORDER BY order (its collation); SQLite before 3.44 cannot, and
    its binary order is Python's, so the codes are sorted after reading instead."""
    return db.session.get_bind().dialect.name == "postgresql"


def page_of_rows(
    statement: Select, order: tuple, page: int, page_size: int, *extra
) -> tuple[list[PostRow], int, tuple]:
    """One page of ``statement`` (from rows_statement) as PostRows, the count of all matches,
    and the values of ``extra`` (scalar subqueries read along, in the same statement)."""
    offset = page_offset(page, page_size)
    paged = statement.add_columns(func.count().over().label("total"), *extra)
    rows = db.session.execute(paged.order_by(*order).limit(page_size).offset(offset)).all()
    if rows:
        sort = not _aggregates_in_order()
        values = tuple(rows[0][len(rows[0]) - len(extra) :])
        return [_row(row, sort) for row in rows], rows[0].total, values
    # A page past the last carries no count: count apart (the page is empty anyway).
    total = 0
    if page > 1:
        total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    values = db.session.execute(select(*extra)).one() if extra else ()
    return [], total, tuple(values)


def _row(row, sort: bool) -> PostRow:
    values = {key: row[index] for index, key in enumerate(_COLUMNS)}
    return PostRow(
        **values,
        firm=FirmName(values["firm_id"], row.firm_name),
        required_skills=_split(row.skill_codes, sort),
        required_certificates=_split(row.certificate_codes, sort),
    )


def _split(codes: str | None, sort: bool) -> tuple[str, ...]:
    if not codes:
        return ()
    split = codes.split(_SEPARATOR)
    return tuple(sorted(split) if sort else split)
