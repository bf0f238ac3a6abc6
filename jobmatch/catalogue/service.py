"""The skill catalogue: a reference list anyone reads."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from jobmatch.catalogue.models import Skill
from jobmatch.database import paginate
from jobmatch.extensions import db


def list_skills(page: int = 1, page_size: int | None = None) -> tuple[list[Skill], int]:
    """Skills by code with their occupation, and how many there are; no page size means all."""
    statement = select(Skill).options(joinedload(Skill.occupation)).order_by(Skill.code)
    if page_size is not None:
        return paginate(statement, page, page_size)
    skills = list(db.session.scalars(statement))
    return skills, len(skills)
