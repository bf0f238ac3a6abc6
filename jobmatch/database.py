"""Declarative base and column helpers shared by every feature's models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, Select, event, func, select, text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from jobmatch import clock

# Stable constraint names, so that Alembic migrations work the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's text: ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return clock.now()


class UtcDateTime(TypeDecorator):
    """A moment in UTC. PostgreSQL keeps the offset; SQLite stores none and hands back naive
    values, which are made aware again here so that every reader sees the same thing."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        # A naive value is taken to be UTC already, as utcnow() and the seed files write it.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


# Keys are PostgreSQL ``integer``s: a larger number names no row, and SQLite cannot even bind
# one past 2**63. URL converters and schema id fields stop such ids at the door.
MAX_ID = 2**31 - 1

# The largest OFFSET SQLite and PostgreSQL take (a signed 64-bit integer).
MAX_OFFSET = 2**63 - 1


def page_offset(page: int, page_size: int) -> int:
    """Where a page starts; a page whose offset no database can take is a 422."""
    from jobmatch.errors import Invalid  # imported here: errors imports this module for Base

    offset = (page - 1) * page_size
    if page < 1 or page_size < 1 or offset > MAX_OFFSET:
        raise Invalid("输入有误，请按提示修改。", {"page": ["页码超出范围，没有这一页。"]})
    return offset


def paginate(statement: Select, page: int, page_size: int) -> tuple[list, int]:
    """One page of ``statement``'s results and the count of all of them.

    A statement of one entity or column answers its scalars, others their rows. A page past the
    last is empty; a page whose offset no database can take is a 422, not a server error.
    """
    from jobmatch.extensions import db  # imported here: extensions imports this module

    offset = page_offset(page, page_size)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page_statement = statement.limit(page_size).offset(offset)
    if len(statement.column_descriptions) == 1:
        return list(db.session.scalars(page_statement)), total
    return list(db.session.execute(page_statement)), total


# An execution option set on a statement that only takes a row lock (lock_row): change
# tracking (matching/tracking.py) reads it and records no change for it.
ROW_LOCK = "jobmatch_row_lock"


def lock_row(model, row_id: int) -> bool:
    """Take ``model``'s row ``row_id`` lock for the rest of the transaction; whether it exists.

    The lock is an UPDATE stamping ``updated_at``: SQLite has no SELECT ... FOR UPDATE, and an
    UPDATE takes its write lock there as it takes the row's lock on PostgreSQL. Nothing else
    changes, and the statement says so (ROW_LOCK): counted as a change, a cohort's lock, taken by
    every enrolment, would make every server read its whole matching snapshot again.
    """
    from jobmatch.extensions import db  # imported here: extensions imports this module

    locked = db.session.execute(
        update(model).where(model.id == row_id).values(updated_at=utcnow()),
        execution_options={"synchronize_session": False, ROW_LOCK: True},
    )
    return locked.rowcount > 0


class Versioned:
    """A row's version, counted up by every ORM update of the row, which only applies while
    the row still has the version it was read with (SQLAlchemy's ``version_id_col``): a write
    from a stale read fails (StaleDataError) instead of silently undoing another's change. The
    API shows it as the ETag, and a PATCH with If-Match is checked against it first."""

    version: Mapped[int] = mapped_column(nullable=False, default=1, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


@event.listens_for(Session, "before_flush")
def _count_collection_changes(session, flush_context, instances) -> None:
    """SQLAlchemy counts a version up only when one of the row's own columns changes; a change
    of its collections alone (a resident's skills, a post's required skills) is a change too."""
    for item in session.dirty:
        if isinstance(item, Versioned) and session.is_modified(item):
            item.updated_at = utcnow()
