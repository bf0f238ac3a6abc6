"""The communities served: a reference list anyone reads."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from jobmatch.communities.models import Community
from jobmatch.extensions import db


def list_communities(page: int = 1, page_size: int | None = None) -> tuple[list[Community], int]:
    """Communities by id with their grids, and how many there are; no page size means all."""
    total = db.session.scalar(select(func.count()).select_from(Community))
    statement = select(Community).options(selectinload(Community.grids)).order_by(Community.id)
    if page_size is not None:
        statement = statement.offset((page - 1) * page_size).limit(page_size)
    return list(db.session.scalars(statement).all()), total
