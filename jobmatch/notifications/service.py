"""Who is told what, the inbox each user reads, and the check for posts nobody is going for."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, String, cast, exists, func, literal, or_, select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.applications.enums import IN_PROGRESS_STATUSES
from jobmatch.applications.models import Application
from jobmatch.errors import NotFound
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.notifications.senders import Message, send
from jobmatch.posts.enums import PostStatus
from jobmatch.posts.models import Post


def _users(*conditions) -> list[int]:
    query = select(User.id).where(User.is_active.is_(True), *conditions).order_by(User.id)
    return list(db.session.scalars(query))


def to_firm(firm_id: int, kind: str, text: str, link: str | None = None) -> list[Message]:
    """One message for each active user of the firm."""
    user_ids = _users(User.role == Role.FIRM, User.firm_id == firm_id)
    return [Message(kind, text, link, user_id=user_id) for user_id in user_ids]


def to_resident(resident_id: int, kind: str, text: str, link: str | None = None) -> list[Message]:
    """A message for the resident's own account, if the resident has one."""
    user_ids = _users(User.role == Role.RESIDENT, User.resident_id == resident_id)
    return [Message(kind, text, link, user_id=user_id) for user_id in user_ids]


def to_staff(kind: str, text: str, link: str | None = None) -> list[Message]:
    return [Message(kind, text, link, recipient_role=Role.STAFF)]


def _visible_to(user: User) -> Select:
    mine = Notification.user_id == user.id
    if is_staff(user):
        mine = or_(mine, Notification.recipient_role == Role.STAFF)
    return select(Notification).where(mine)


def list_notifications(
    user: User, *, unread: bool | None, page: int, page_size: int
) -> tuple[list[Notification], int]:
    query = _visible_to(user)
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page_query = (
        query.order_by(Notification.id.desc()).limit(page_size).offset((page - 1) * page_size)
    )
    return list(db.session.scalars(page_query)), total


def mark_read(user: User, notification_id: int) -> Notification:
    if not 1 <= notification_id <= 2**31 - 1:  # ids are 32-bit; SQLite cannot bind larger
        raise NotFound("没有这条通知。")
    notification = db.session.scalar(_visible_to(user).where(Notification.id == notification_id))
    if notification is None:
        raise NotFound("没有这条通知。")
    if notification.read_at is None:
        notification.read_at = datetime.now(UTC)
        db.session.commit()
    return notification


def notify_unfilled_posts(*, min_age_days: int = 7, today: date | None = None) -> list[int]:
    """Tell staff of open posts, listed at least ``min_age_days`` ago, that have openings left
    and nobody recommended, applied or at interview. A post already flagged in an unread
    notice is not flagged again. Answers the ids of the posts flagged now."""
    today = today or date.today()
    listed_before = datetime.now(UTC) - timedelta(days=min_age_days)
    someone_in_progress = exists().where(
        Application.post_id == Post.id, Application.status.in_(IN_PROGRESS_STATUSES)
    )
    already_flagged = exists().where(
        Notification.kind == "post_unfilled",
        Notification.read_at.is_(None),
        Notification.link == literal("/api/posts/") + cast(Post.id, String),
    )
    posts = db.session.scalars(
        select(Post)
        .where(
            Post.status == PostStatus.OPEN,
            Post.filled < Post.openings,
            or_(Post.expires_on.is_(None), Post.expires_on >= today),
            Post.created_at <= listed_before,
            ~someone_in_progress,
            ~already_flagged,
        )
        .order_by(Post.id)
    ).all()
    messages = [
        message
        for post in posts
        for message in to_staff(
            "post_unfilled",
            f"岗位“{post.title}”（编号 {post.id}）还有 {post.openings - post.filled} 个空缺，"
            "目前没有推荐或报名的人选，请安排推荐。",
            f"/api/posts/{post.id}",
        )
    ]
    send(messages)
    db.session.commit()
    return [post.id for post in posts]
