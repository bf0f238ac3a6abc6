"""Allocation plans kept for the desk: proposed once, then referred from post by post or all
at once, each referral standing alone (one refused does not stop the others)."""

from sqlalchemy import select, tuple_

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.models import User
from jobmatch.applications import service as applications
from jobmatch.applications.models import Application
from jobmatch.errors import DomainError, Forbidden, NotFound
from jobmatch.extensions import db
from jobmatch.matching.models import AllocationPlan


def save_plan(user: User, plan: dict) -> AllocationPlan:
    if not is_staff(user):
        raise Forbidden("只有人社局经办人可以分配。")
    kept = AllocationPlan(user_id=user.id, body=plan)
    db.session.add(kept)
    db.session.commit()
    return kept


def get_plan(user: User, plan_id: int) -> AllocationPlan:
    if not is_staff(user):
        raise Forbidden("只有人社局经办人可以查看分配结果。")
    plan = db.session.get(AllocationPlan, plan_id) if 1 <= plan_id <= 2**31 - 1 else None
    if plan is None:
        raise NotFound("没有这次分配结果，请重新分配。")
    return plan


def pairs(plan: AllocationPlan, post_id: int | None = None) -> list[tuple[int, int]]:
    """The plan's (post, resident) pairs, of one post or all, in the plan's order."""
    return [
        (item["post_id"], resident_id)
        for item in plan.body["posts"]
        if post_id is None or item["post_id"] == post_id
        for resident_id in item["resident_ids"]
    ]


def referred(plan: AllocationPlan) -> set[tuple[int, int]]:
    """The plan's pairs that now have an application (referred since, or otherwise)."""
    wanted = pairs(plan)
    if not wanted:
        return set()
    found = db.session.execute(
        select(Application.post_id, Application.resident_id).where(
            tuple_(Application.post_id, Application.resident_id).in_(wanted)
        )
    )
    return {(post_id, resident_id) for post_id, resident_id in found}


def refer(user: User, plan_id: int, post_id: int | None = None) -> tuple[int, list[str]]:
    """Refer every pair of the plan (or of one post) not referred yet: how many were
    referred, and why the others were refused."""
    plan = get_plan(user, plan_id)
    done = referred(plan)
    count, refused = 0, []
    for pair_post, resident_id in pairs(plan, post_id):
        if (pair_post, resident_id) in done:
            continue
        try:
            applications.create_application(user, resident_id, pair_post)
        except DomainError as error:
            refused.append(error.message)
        else:
            count += 1
    return count, refused
