"""The skill catalogue: a reference list anyone reads."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from jobmatch.catalogue.models import Skill
from jobmatch.extensions import db


def list_skills(page: int = 1, page_size: int | None = None) -> tuple[list[Skill], int]:
    """Skills by code with their occupation, and how many there are; no page size means all."""
    total = db.session.scalar(select(func.count()).select_from(Skill))
    statement = select(Skill).options(joinedload(Skill.occupation)).order_by(Skill.code)
    if page_size is not None:
        statement = statement.offset((page - 1) * page_size).limit(page_size)
    return list(db.session.scalars(statement).all()), total
