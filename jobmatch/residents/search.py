"""Finding a resident at the desk: by any part of the name, the exact ID number or mobile.

An ID number or a mobile number is looked up through its keyed hash, so the number itself
never appears in a query (nor in a query log); a mobile may be typed with spaces, dashes or
+86. A name matches anywhere in it, not only at the start. Results are paged and counted in
full: a desk never shows "found 50" when there are more.
"""

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, undefer_group

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.models import User
from jobmatch.crypto import cipher
from jobmatch.database import page_offset
from jobmatch.errors import Forbidden
from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from jobmatch.residents.service import present
from jobmatch.validators import parse_mobile

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")


def _mobile(text: str) -> str | None:
    """The mobile number ``text`` is, as stored; None when it is no mobile number."""
    try:
        return parse_mobile(text)
    except ValueError:
        return None


def search_conditions(text: str, community_id: int | None) -> list:
    conditions = []
    text = text.strip()
    if ID_NUMBER.match(text):
        conditions.append(Resident.id_number_hash == cipher().lookup_hash(text.upper()))
    elif mobile := _mobile(text):
        conditions.append(Resident.phone_hash == cipher().phone_hash(mobile))
    elif text:
        conditions.append(Resident.name.contains(text, autoescape=True))
    if community_id is not None:
        conditions.append(Resident.community_id == community_id)
    return conditions


def search_residents(
    viewer: User, text: str, community_id: int | None, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of the residents found, as staff see them, and how many were found in all."""
    if not is_staff(viewer):
        raise Forbidden("只有人社局工作人员可以查找居民。")
    conditions = search_conditions(text, community_id)
    total = db.session.scalar(select(func.count(Resident.id)).where(*conditions))
    found = db.session.scalars(
        select(Resident)
        .where(*conditions)
        .options(
            undefer_group("pii"),
            selectinload(Resident.skill_links),
            selectinload(Resident.group_links),
        )
        .order_by(Resident.id)
        .limit(page_size)
        .offset(page_offset(page, page_size))
    ).all()
    return [present(resident, viewer) for resident in found], total
