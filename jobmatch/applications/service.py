"""Applications: opening one, reading them as each role may, and moving them along.

Every move is a conditional UPDATE on the application's current status, and a hire is a
conditional UPDATE on the post's ``filled < openings`` in the same transaction: whatever
number of requests race, an application moves once and a post never fills beyond its openings.
"""

from datetime import date, datetime

from sqlalchemy import Select, false, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from jobmatch import clock
from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.applications import closing, notices
from jobmatch.applications.enums import ApplicationStatus
from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.applications.workflow import (
    CORRECTION_ROLES,
    NEEDS_REASON,
    OPENING_STATUS,
    is_finished,
    may_reopen,
    role_may_move_to,
    workflow_allows,
)
from jobmatch.database import MAX_ID, UtcDateTime, paginate
from jobmatch.employment import service as employment
from jobmatch.errors import Conflict, Forbidden, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.matching.service import post_rank_for_resident
from jobmatch.notifications.senders import send
from jobmatch.posts.enums import PostStatus
from jobmatch.posts.models import Post
from jobmatch.residents.models import Resident

# How deep into a resident's ranked posts to look for the referred post's rank.
REFERRAL_RANK_LIMIT = 100


def _visible_to(user: User) -> Select:
    """Applications the user may see: staff all, a firm its posts', a resident its own."""
    query = select(Application)
    if is_staff(user):
        return query
    if user.role == Role.FIRM:
        return query.join(Post, Post.id == Application.post_id).where(Post.firm_id == user.firm_id)
    if user.role == Role.RESIDENT:
        return query.where(Application.resident_id == user.resident_id)
    return query.where(false())


def get_application(user: User, application_id: int) -> Application:
    if not 1 <= application_id <= MAX_ID:
        raise NotFound("没有这份申请。")
    application = _with_history(_visible_to(user).where(Application.id == application_id))
    if application is None:
        raise NotFound("没有这份申请。")
    return application


def _with_history(query: Select) -> Application | None:
    """The one application ``query`` names, with its history joined in (one query)."""
    return db.session.scalars(query.options(joinedload(Application.history))).unique().first()


def list_applications(
    user: User, filters: dict, *, page: int, page_size: int
) -> tuple[list[Application], int]:
    query = _visible_to(user)
    for field in ("post_id", "resident_id", "status"):
        if field in filters:
            query = query.where(getattr(Application, field) == filters[field])
    query = query.options(selectinload(Application.history)).order_by(Application.id)
    return paginate(query, page, page_size)


def referral_rank(resident_id: int, post_id: int) -> tuple[int | None, float | None]:
    """The post's rank and score among the resident's matches now; None when not ranked."""
    return post_rank_for_resident(resident_id, post_id, REFERRAL_RANK_LIMIT) or (None, None)


def _refuse_closed_post(post: Post, today: date) -> None:
    if post.status == PostStatus.PAUSED:
        raise Conflict("该岗位已暂停招聘。")
    if post.status == PostStatus.CLOSED:
        raise Conflict("该岗位已关闭。")
    if post.expires_on is not None and post.expires_on < today:
        raise Conflict("该岗位已过招聘有效期。")
    if post.filled >= post.openings:
        raise Conflict("该岗位已招满。")


def create_application(user: User, resident_id: int, post_id: int) -> Application:
    """Staff refer a resident (status recommended); a resident applies itself (applied)."""
    status = OPENING_STATUS.get(user.role)
    if status is None:
        raise Forbidden("只有人社局经办人或居民本人可以提交申请。")
    if user.role == Role.RESIDENT and resident_id != user.resident_id:
        raise Forbidden("只能为自己报名。")
    resident = db.session.get(Resident, resident_id)
    if resident is None:
        raise Invalid("输入有误，请按提示修改。", {"resident_id": ["没有这位居民。"]})
    # The firm along (one query): the notices name it.
    post = db.session.get(Post, post_id, options=[joinedload(Post.firm)])
    if post is None:
        raise Invalid("输入有误，请按提示修改。", {"post_id": ["没有这个岗位。"]})
    _refuse_closed_post(post, clock.today())
    duplicate = select(Application.id).where(
        Application.resident_id == resident_id, Application.post_id == post_id
    )
    if db.session.scalar(duplicate) is not None:
        raise Conflict("该居民已申请过这个岗位。")

    rank, score = (
        referral_rank(resident_id, post_id)
        if status == ApplicationStatus.RECOMMENDED
        else (None, None)
    )
    application = Application(
        resident_id=resident_id,
        post_id=post_id,
        status=status,
        referred_rank=rank,
        referred_score=score,
    )
    application.history.append(
        ApplicationEvent(to_status=status, actor_user_id=user.id, actor_role=user.role)
    )
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request opened the same application between our check and our insert.
        db.session.rollback()
        raise Conflict("该居民已申请过这个岗位。") from None
    send(notices.on_open(application, resident, by_staff=status == ApplicationStatus.RECOMMENDED))
    application_id = application.id  # the commit expires the objects; the id is all we need
    db.session.commit()
    return _read_back(application_id)


def _check_move(
    user: User, from_status: str, to_status: str, correction: bool, reason: str | None = None
) -> None:
    if correction:
        if user.role not in CORRECTION_ROLES:
            raise Forbidden("只有管理员可以更正已结束的申请。")
        if not is_finished(from_status):
            raise Conflict("申请尚未结束，请按正常流程操作，不需要更正。")
        if to_status == from_status:
            raise Conflict(f"申请已是该状态（{ApplicationStatus(to_status).label}）。")
        return
    if may_reopen(user.role, from_status, reason, to_status):
        return
    if not role_may_move_to(user.role, to_status):
        raise Forbidden(f"当前账号不能把申请改为“{ApplicationStatus(to_status).label}”。")
    if not workflow_allows(from_status, to_status):
        if is_finished(from_status):
            raise Conflict(
                f"申请已结束（{ApplicationStatus(from_status).label}），只能由管理员更正。"
            )
        raise Conflict(
            f"不能从“{ApplicationStatus(from_status).label}”直接改为“{ApplicationStatus(to_status).label}”。"
        )


def move_application(
    user: User,
    application_id: int,
    *,
    status: str,
    reason: str | None = None,
    note: str | None = None,
    correction: bool = False,
    interview_at: datetime | None = None,
    interview_place: str | None = None,
    interview_contact: str | None = None,
) -> Application:
    """Move an application to ``status``: 404 unseen, 403 not the role's move, 409 not the
    workflow's (or the post is full, or someone else moved it first). A move to interview
    records when, where and whom to ask for; a hire closes the resident's other open
    applications (withdrawn, hired_elsewhere)."""
    application = get_application(user, application_id)
    from_status, role = application.status, user.role
    _check_move(user, from_status, status, correction, application.reason)
    details = {
        "interview_at": interview_at,
        "interview_place": interview_place,
        "interview_contact": interview_contact,
    }
    if status == ApplicationStatus.INTERVIEW and not correction:
        missing = {name: ["安排面试时必须填写。"] for name, value in details.items() if not value}
        if missing:
            raise Invalid("安排面试要写明时间、地点和联系人。", missing)

    now = clock.now()
    if status == ApplicationStatus.HIRED:
        # Hires of one resident queue here, before any of them moves: the first closes the
        # resident's other open applications, and a hire racing it then finds its own closed.
        db.session.execute(
            select(Resident.id)
            .where(Resident.id == application.resident_id)
            .with_for_update(key_share=True)
        )
    written = {
        "status": status,
        "reason": reason if status in NEEDS_REASON else None,
        "note": note,
        "hired_at": now if status == ApplicationStatus.HIRED else None,
        "updated_at": now,
    }
    if status == ApplicationStatus.INTERVIEW:
        written |= {**details, "interview_outcome": None}
    moved = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == from_status)
        .values(**written)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.rollback()
        raise Conflict("申请刚被其他人更改过，请刷新后再试。")
    if status == ApplicationStatus.HIRED:
        filled = db.session.execute(
            update(Post)
            .where(Post.id == application.post_id, Post.filled < Post.openings)
            .values(filled=Post.filled + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if filled.rowcount != 1:
            db.session.rollback()
            raise Conflict("该岗位的空缺已全部招满，不能再录用。")
    elif from_status == ApplicationStatus.HIRED:
        # A hire undone (say, the resident left during probation) frees its opening.
        db.session.execute(
            update(Post)
            .where(Post.id == application.post_id, Post.filled > 0)
            .values(filled=Post.filled - 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.add(
        ApplicationEvent(
            application_id=application.id,
            from_status=from_status,
            to_status=status,
            reason=reason,
            note=note,
            actor_user_id=user.id,
            actor_role=user.role,
            correction=correction,
        )
    )
    db.session.flush()
    # The UPDATEs bypassed the objects loaded above: the application takes what was written,
    # as it is stored (no query), the post is read afresh, and nothing else is (the actor stays).
    for key, value in written.items():
        set_committed_value(application, key, _as_stored(value))
    post = db.session.get(Post, application.post_id, options=[joinedload(Post.firm)])
    db.session.expire(post, ["filled", "updated_at"])
    employment.on_application_moved(application_id, from_status, status)
    messages = notices.on_move(application, from_status, role, correction)
    if status == ApplicationStatus.HIRED:
        messages += closing.close_others_after_hire(application, now)
        messages += notices.on_hire(application)
    send(messages)
    db.session.commit()
    return _read_back(application_id)


def _as_stored(value):
    """A written value as the column gives it back: a moment in UTC (database.UtcDateTime)."""
    return _UTC.process_bind_param(value, None) if isinstance(value, datetime) else value


_UTC = UtcDateTime()


def _read_back(application_id: int) -> Application:
    """The application just written, with its history, as the answer: the caller was shown it
    (or made it) in this request, so it is read by id, without the visibility join again."""
    return _with_history(select(Application).where(Application.id == application_id))
