"""Who is told what, and the inbox each user reads."""

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.clock import now
from jobmatch.database import MAX_ID, paginate
from jobmatch.errors import NotFound
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.notifications.senders import Message


def _users(*conditions) -> list[int]:
    query = select(User.id).where(User.is_active.is_(True), *conditions).order_by(User.id)
    return list(db.session.scalars(query))


def _of_firm(firm_id: int) -> ColumnElement[bool]:
    return and_(User.role == Role.FIRM, User.firm_id == firm_id)


def _of_resident(resident_id: int) -> ColumnElement[bool]:
    return and_(User.role == Role.RESIDENT, User.resident_id == resident_id)


def parties(firm_id: int, resident_id: int) -> tuple[list[int], list[int]]:
    """The active users of a firm and of a resident, in one query: an application's two
    parties, for to_firm and to_resident (``user_ids``) when both are told."""
    rows = db.session.execute(
        select(User.id, User.role)
        .where(User.is_active.is_(True), or_(_of_firm(firm_id), _of_resident(resident_id)))
        .order_by(User.id)
    ).all()
    firm_users = [user_id for user_id, role in rows if role == Role.FIRM]
    return firm_users, [user_id for user_id, role in rows if role != Role.FIRM]


def to_firm(
    firm_id: int, kind: str, text: str, link: str | None = None, user_ids: list[int] | None = None
) -> list[Message]:
    """One message for each active user of the firm (``user_ids``: as parties() read them)."""
    user_ids = _users(_of_firm(firm_id)) if user_ids is None else user_ids
    return [Message(kind, text, link, user_id=user_id) for user_id in user_ids]


def to_resident(
    resident_id: int,
    kind: str,
    text: str,
    link: str | None = None,
    user_ids: list[int] | None = None,
) -> list[Message]:
    """A message for the resident's own account, if the resident has one."""
    user_ids = _users(_of_resident(resident_id)) if user_ids is None else user_ids
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
    return paginate(query.order_by(Notification.id.desc()), page, page_size)


def mark_read(user: User, notification_id: int) -> Notification:
    if not 1 <= notification_id <= MAX_ID:
        raise NotFound("没有这条通知。")
    notification = db.session.scalar(_visible_to(user).where(Notification.id == notification_id))
    if notification is None:
        raise NotFound("没有这条通知。")
    if notification.read_at is None:
        notification.read_at = now()
        db.session.commit()
    return notification


def unread_notice_exists(kind: str, link: ColumnElement) -> ColumnElement:
    """An SQL condition: an unread notice of ``kind`` pointing at ``link`` is waiting."""
    return exists().where(
        Notification.kind == kind, Notification.read_at.is_(None), Notification.link == link
    )
