"""The communities served: a reference list anyone reads."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jobmatch.communities.models import Community
from jobmatch.database import paginate
from jobmatch.extensions import db


def list_communities(page: int = 1, page_size: int | None = None) -> tuple[list[Community], int]:
    """Communities by id with their grids, and how many there are; no page size means all."""
    statement = select(Community).options(selectinload(Community.grids)).order_by(Community.id)
    if page_size is not None:
        return paginate(statement, page, page_size)
    communities = list(db.session.scalars(statement))
    return communities, len(communities)
