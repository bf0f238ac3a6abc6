"""What a firm's page may show of a resident, and the ranked lists the pages draw.

A firm sees a candidate's name, age, education and skills: never the ID number, the phone
number or the priority groups (sensitive personal information the bureau alone handles).
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jobmatch import clock
from jobmatch.accounts.models import User
from jobmatch.applications.enums import ApplicationStatus
from jobmatch.catalogue import service as catalogue
from jobmatch.education import Education
from jobmatch.extensions import db
from jobmatch.matching import service as matching
from jobmatch.matching.schemas import candidate_schema
from jobmatch.matching.service import Match
from jobmatch.residents.models import Resident, ResidentSkill
from jobmatch.validators import age_on

MATCH_LIMIT = 20


def skill_names() -> dict[str, str]:
    skills, _ = catalogue.list_skills()
    return {skill.code: skill.name for skill in skills}


def skill_options() -> list[tuple[str, str]]:
    return sorted(skill_names().items())


def cards(resident_ids: set[int]) -> dict[int, dict[str, Any]]:
    """A card of each resident: only what a firm may see."""
    if not resident_ids:
        return {}
    names = skill_names()
    today = clock.today()
    residents = db.session.scalars(
        select(Resident)
        .where(Resident.id.in_(resident_ids))
        .options(selectinload(Resident.skill_links).load_only(ResidentSkill.skill_code))
    )
    return {
        resident.id: {
            "name": resident.name,
            "age": age_on(resident.birth_date, today),
            "education": Education.label_of(resident.education),
            "skills": [names.get(code, code) for code in resident.skills],
        }
        for resident in residents
    }


def candidates_for(user: User, post_id: int) -> list[dict[str, Any]]:
    """The post's ranked candidates, best first, as the matching service shows them to ``user``
    (a firm gets only the fields it may see)."""
    return candidate_schema(user).dump(matching.post_candidates(user, post_id, MATCH_LIMIT))


def matches_for(user: User, resident_id: int) -> list[Match]:
    """The resident's ranked posts, best first, with the reasons for each."""
    return matching.resident_matches(user, resident_id, MATCH_LIMIT)


def status_label(status: str) -> str:
    return ApplicationStatus.label_of(status)
