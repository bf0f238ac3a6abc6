"""Employment spells and their follow-ups: who may see and record them, and what follows.

- A hire opens a spell (started the hire's day in China, at the post's floor wage); an admin
  correction that undoes the hire removes it, as the reports stop counting that hire.
- A follow-up is due at 1, 3 and 6 months after the start (the same day of the month, or the
  month's last day). Each open spell has at most one task: the latest checkpoint that has come
  due with no follow-up at it or later (a later call supersedes a missed earlier one).
- A follow-up that finds the work ended closes the spell with its end date and reason.
- The resident's ``employment_status`` follows: ``employed`` while any spell is open; back to
  ``unemployed`` when the last one ends (a status staff set otherwise is left alone).
- Staff see every spell; a firm only its own (another firm's is not found); no one else any.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, delete, false, func, select
from sqlalchemy.orm import selectinload

from jobmatch import clock
from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.applications.enums import ApplicationStatus
from jobmatch.applications.models import Application
from jobmatch.database import MAX_ID, paginate
from jobmatch.employment.dates import add_months
from jobmatch.employment.enums import FOLLOW_UP_MONTHS, FollowUpOutcome
from jobmatch.employment.models import EmploymentSpell, FollowUp
from jobmatch.errors import Conflict, Forbidden, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.notifications.senders import send
from jobmatch.notifications.service import to_staff
from jobmatch.posts.models import Post
from jobmatch.residents.enums import EmploymentStatus
from jobmatch.residents.models import Resident

# A call may be logged up to a week before its date: calls are booked a few days ahead.
EARLY_DAYS = 7


def on_application_moved(application_id: int, from_status: str, to_status: str) -> None:
    """Keep spells in step with hires, inside the caller's transaction (the caller commits)."""
    if to_status == ApplicationStatus.HIRED:
        open_spell_for_hire(application_id)
    elif from_status == ApplicationStatus.HIRED:
        resident_id = db.session.scalar(
            select(EmploymentSpell.resident_id).where(
                EmploymentSpell.application_id == application_id
            )
        )
        db.session.execute(
            delete(EmploymentSpell).where(EmploymentSpell.application_id == application_id)
        )
        if resident_id is not None:
            sync_employment_status(resident_id)


def open_spell_for_hire(application_id: int) -> EmploymentSpell:
    application = db.session.get(Application, application_id)
    post = db.session.get(Post, application.post_id)
    hired_at = application.hired_at or application.updated_at
    spell = EmploymentSpell(
        resident_id=application.resident_id,
        post_id=post.id,
        firm_id=post.firm_id,
        application_id=application.id,
        started_on=clock.china_date(hired_at) if hired_at else clock.today(),
        wage=post.wage_min,
    )
    db.session.add(spell)
    db.session.flush()
    sync_employment_status(application.resident_id)
    return spell


def sync_employment_status(resident_id: int) -> None:
    open_spells = db.session.scalar(
        select(func.count())
        .select_from(EmploymentSpell)
        .where(EmploymentSpell.resident_id == resident_id, EmploymentSpell.ended_on.is_(None))
    )
    resident = db.session.get(Resident, resident_id)
    if open_spells:
        resident.employment_status = EmploymentStatus.EMPLOYED
    elif resident.employment_status == EmploymentStatus.EMPLOYED:
        resident.employment_status = EmploymentStatus.UNEMPLOYED


def _visible_to(user: User) -> Select:
    query = select(EmploymentSpell)
    if is_staff(user):
        return query
    if user.role == Role.FIRM:
        return query.where(EmploymentSpell.firm_id == user.firm_id)
    return query.where(false())


def _require_staff_or_firm(user: User) -> None:
    if not (is_staff(user) or user.role == Role.FIRM):
        raise Forbidden("只有人社局经办人或用工企业可以查看就业回访。")


def get_spell(user: User, spell_id: int) -> EmploymentSpell:
    _require_staff_or_firm(user)
    spell = None
    if 1 <= spell_id <= MAX_ID:
        spell = db.session.scalar(
            _visible_to(user)
            .where(EmploymentSpell.id == spell_id)
            .options(selectinload(EmploymentSpell.follow_ups))
        )
    if spell is None:
        raise NotFound("没有这段就业记录。")
    return spell


def list_spells(
    user: User, filters: dict, *, page: int, page_size: int
) -> tuple[list[EmploymentSpell], int]:
    _require_staff_or_firm(user)
    query = _visible_to(user)
    for field in ("resident_id", "firm_id", "post_id"):
        if field in filters:
            query = query.where(getattr(EmploymentSpell, field) == filters[field])
    if "open" in filters:
        is_open = EmploymentSpell.ended_on.is_(None)
        query = query.where(is_open if filters["open"] else ~is_open)
    return paginate(
        query.options(selectinload(EmploymentSpell.follow_ups)).order_by(EmploymentSpell.id),
        page,
        page_size,
    )


def due_on(spell: EmploymentSpell, months: int) -> date:
    return add_months(spell.started_on, months)


def record_follow_up(user: User, spell_id: int, data: dict, today: date | None = None) -> FollowUp:
    """Record the call at ``data["months"]``; 409 when already recorded, the spell has ended,
    or the checkpoint is more than a week away; 422 for an end without date and reason."""
    today = today or clock.today()
    spell = get_spell(user, spell_id)
    months = data["months"]
    if any(follow_up.months == months for follow_up in spell.follow_ups):
        raise Conflict(f"第{months}个月的回访已记录。")
    if not spell.is_open:
        raise Conflict("这段就业已结束，不需要再回访。")
    due = due_on(spell, months)
    if (due - today).days > EARLY_DAYS:
        raise Conflict(f"第{months}个月的回访日期是 {due.isoformat()}，还没到。")
    errors = _check_outcome(spell, data, today)
    if errors:
        raise Invalid("输入有误，请按提示修改。", errors)
    ended = data["outcome"] == FollowUpOutcome.ENDED
    follow_up = FollowUp(
        months=months,
        due_on=due,
        outcome=data["outcome"],
        wage=data.get("wage"),
        ended_on=data.get("ended_on") if ended else None,
        end_reason=data.get("end_reason") if ended else None,
        note=data.get("note"),
        recorded_on=today,
        recorded_by_user_id=user.id,
    )
    spell.follow_ups.append(follow_up)
    if data.get("wage") is not None:
        spell.wage = data["wage"]
    if ended:
        spell.ended_on, spell.end_reason = follow_up.ended_on, follow_up.end_reason
    db.session.flush()
    sync_employment_status(spell.resident_id)
    db.session.commit()
    return follow_up


def _check_outcome(spell: EmploymentSpell, data: dict, today: date) -> dict:
    errors: dict[str, list[str]] = {}
    if data["outcome"] == FollowUpOutcome.ENDED:
        ended_on = data.get("ended_on")
        if ended_on is None:
            errors["ended_on"] = ["离岗时需填写离岗日期。"]
        elif ended_on < spell.started_on:
            errors["ended_on"] = ["离岗日期不能早于上岗日期。"]
        elif ended_on > today:
            errors["ended_on"] = ["离岗日期不能晚于今天。"]
        if not data.get("end_reason"):
            errors["end_reason"] = ["离岗时需选择离岗原因。"]
    else:
        for field in ("ended_on", "end_reason"):
            if data.get(field) is not None:
                errors[field] = ["仍在岗时不填离岗信息。"]
    return errors


@dataclass(frozen=True)
class DueFollowUp:
    spell: EmploymentSpell
    months: int
    due_on: date
    overdue_days: int


def due_follow_ups(user: User, today: date | None = None) -> list[DueFollowUp]:
    """Every open spell's follow-up that has come due, oldest due first."""
    _require_staff_or_firm(user)
    return _due_tasks(_visible_to(user), today or clock.today())


def _due_tasks(visible: Select, today: date) -> list[DueFollowUp]:
    spells = db.session.scalars(
        visible.where(
            EmploymentSpell.ended_on.is_(None),
            # A loose bound (the shortest month): the exact due day is judged below.
            EmploymentSpell.started_on <= today - timedelta(days=28 * FOLLOW_UP_MONTHS[0]),
        )
        .options(
            selectinload(EmploymentSpell.follow_ups),
            selectinload(EmploymentSpell.resident),
            selectinload(EmploymentSpell.post),
            selectinload(EmploymentSpell.firm),
        )
        .order_by(EmploymentSpell.id)
    )
    tasks = []
    for spell in spells:
        come_due = [m for m in FOLLOW_UP_MONTHS if due_on(spell, m) <= today]
        if not come_due:
            continue
        months = come_due[-1]
        if any(follow_up.months >= months for follow_up in spell.follow_ups):
            continue
        due = due_on(spell, months)
        tasks.append(DueFollowUp(spell, months, due, (today - due).days))
    return sorted(tasks, key=lambda task: (task.due_on, task.spell.id))


def notify_due_follow_ups(today: date | None = None) -> list[DueFollowUp]:
    """Tell the staff inbox of each due follow-up not told before; answers those told now."""
    tasks = _due_tasks(select(EmploymentSpell), today or clock.today())
    told = set(
        db.session.scalars(select(Notification.link).where(Notification.kind == "followup_due"))
    )
    fresh = [task for task in tasks if follow_up_link(task) not in told]
    messages = [
        message
        for task in fresh
        for message in to_staff(
            "followup_due",
            f"{task.spell.resident.name}（居民编号 {task.spell.resident_id}）在"
            f"{task.spell.firm.name}“{task.spell.post.title}”上岗满{task.months}个月，"
            f"请在 {task.due_on.isoformat()} 前后回访并记录。",
            follow_up_link(task),
        )
    ]
    send(messages)
    db.session.commit()
    return fresh


def follow_up_link(task: DueFollowUp) -> str:
    return f"/api/employment/spells/{task.spell.id}?months={task.months}"
