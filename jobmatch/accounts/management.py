"""What staff and admins do to accounts, and what a user does to their own password.

Staff issue a resident's first login and reset residents' and firm users' logins; admins
also create firm users and disable or enable any account. Each action is audited, and each
that takes a login away (a reset, a disable, a new password) ends every page session and
token of the account at once.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from jobmatch.accounts import activation
from jobmatch.accounts.auth import STAFF_ROLES, authenticate
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.accounts.service import USERNAME_PATTERN
from jobmatch.accounts.sessions import end_every_session
from jobmatch.audit.service import record_account
from jobmatch.database import paginate
from jobmatch.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.notifications.senders import Message, send
from jobmatch.residents.models import Resident

# Accounts whose login staff may reset; an admin may reset these too. Staff and admin
# accounts have no ID number to activate with: they are made on the command line.
RESETTABLE_ROLES = (Role.RESIDENT, Role.FIRM)


@dataclass
class IssuedCode:
    """A code as shown once to the clerk who hands it over: never stored in this form."""

    user: User
    code: str
    expires_at: datetime

    @property
    def user_id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def role(self) -> str:
        return self.user.role


def _code_message(user: User, code: str) -> Message:
    # Texted when an SMS channel is configured; never put in the in-app inbox (the holder
    # cannot sign in yet, and a code must not outlive its use in anyone's inbox).
    return Message(
        "account_code",
        f"您的就业服务登录激活码：{code}，用户名 {user.username}，"
        f"{activation.ACTIVATION_HOURS}小时内有效，仅限使用一次。",
        "/activate",
        user_id=user.id,
        inbox=False,
    )


def _issue(actor: User, user: User, action: str) -> IssuedCode:
    code, row = activation.new_code(user, actor)
    record_account(actor, action, user)
    send([_code_message(user, code)])
    db.session.commit()
    return IssuedCode(user=user, code=code, expires_at=row.expires_at)


def _resident_username(resident_id: int) -> str:
    """A short name that fits a slip: jm and the resident's number (a suffix if taken)."""
    base = f"jm{resident_id}"
    taken = set(db.session.scalars(select(User.username).where(User.username.like(f"{base}%"))))
    suffix = 0
    while (name := base if suffix == 0 else f"{base}-{suffix}") in taken:
        suffix += 1
    return name


def issue_resident_login(actor: User, resident_id: int) -> IssuedCode:
    """The first login of a resident: an account awaiting activation, and its code."""
    if actor.role not in STAFF_ROLES:
        raise Forbidden("只有人社局经办人可以为居民开通登录。")
    if db.session.get(Resident, resident_id) is None:
        raise NotFound(f"居民 {resident_id} 不存在。")
    existing = db.session.scalar(select(User).where(User.resident_id == resident_id))
    if existing is not None:
        raise Conflict("该居民已有账号；忘记密码请用“重置登录”。", {"user_id": [str(existing.id)]})
    user = User(
        username=_resident_username(resident_id), role=Role.RESIDENT, resident_id=resident_id
    )
    user.set_unusable_password()
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("该居民的账号刚被其他人开通，请刷新后再试。") from None
    return _issue(actor, user, "account.issue")


def create_firm_user(actor: User, firm_id: int, username: str) -> IssuedCode:
    """An admin makes a login for a firm, handed over as a code like a resident's."""
    if actor.role != Role.ADMIN:
        raise Forbidden("只有管理员可以开通企业账号。")
    errors = {}
    if db.session.get(Firm, firm_id) is None:
        errors["firm_id"] = [f"企业 {firm_id} 不存在。"]
    if not USERNAME_PATTERN.match(username):
        errors["username"] = ["用户名应为3至64个字母、数字或 _ . @ - 。"]
    if errors:
        raise Invalid("账号信息有误。", errors)
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise Conflict(f"用户名“{username}”已被使用。", {"username": ["已被使用。"]})
    user = User(username=username, role=Role.FIRM, firm_id=firm_id)
    user.set_unusable_password()
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"用户名“{username}”已被使用。", {"username": ["已被使用。"]}) from None
    record_account(actor, "account.create", user)
    return _issue(actor, user, "account.issue")


def get_user(actor: User, user_id: int) -> User:
    if actor.role not in STAFF_ROLES:
        raise Forbidden("只有人社局经办人可以管理账号。")
    user = db.session.get(User, user_id) if 1 <= user_id <= 2**31 - 1 else None
    if user is None:
        raise NotFound(f"账号 {user_id} 不存在。")
    return user


def reset_login(actor: User, user_id: int) -> IssuedCode:
    """A new code; the old password, every token and every page session end now."""
    user = get_user(actor, user_id)
    if user.role not in RESETTABLE_ROLES:
        if actor.role != Role.ADMIN:
            raise Forbidden("经办人只能重置居民和企业账号。")
        raise Conflict("经办人和管理员账号没有身份证号可供激活，请用命令行 create-user 重建。")
    if not user.is_active:
        raise Conflict("账号已停用：请管理员先启用，再重置。")
    user.set_unusable_password()
    end_every_session(user)
    return _issue(actor, user, "account.reset")


def set_active(actor: User, user_id: int, is_active: bool) -> User:
    """An admin disables an account (ending its sessions at once) or enables it again."""
    if actor.role != Role.ADMIN:
        raise Forbidden("只有管理员可以停用或启用账号。")
    user = get_user(actor, user_id)
    if user.id == actor.id and not is_active:
        raise Conflict("不能停用自己的账号。")
    if user.is_active != is_active:
        user.is_active = is_active
        # Ended on enabling too: a token from before the disable never comes back to life.
        end_every_session(user)
        record_account(actor, "account.enable" if is_active else "account.disable", user)
        db.session.commit()
    return user


def change_password(user: User, old_password: str, new_password: str) -> User:
    """A user's own new password (the old one required); every other session ends."""
    try:
        authenticate(user.username, old_password)
    except Unauthorized:
        raise Invalid("原密码不正确。", {"old_password": ["原密码不正确。"]}) from None
    if len(new_password) < activation.MIN_PASSWORD_LENGTH:
        raise Invalid(
            "新密码太短。",
            {"new_password": [f"密码至少{activation.MIN_PASSWORD_LENGTH}个字符。"]},
        )
    if new_password == old_password:
        raise Invalid("新密码不能与原密码相同。", {"new_password": ["与原密码相同。"]})
    user.set_password(new_password)
    end_every_session(user)
    record_account(user, "account.password", user)
    db.session.commit()
    return user


def list_users(actor: User, filters: dict, *, page: int, page_size: int) -> tuple[list, int]:
    if actor.role not in STAFF_ROLES:
        raise Forbidden("只有人社局经办人可以查看账号。")
    query = select(User)
    for field in ("role", "firm_id", "resident_id"):
        if field in filters:
            query = query.where(getattr(User, field) == filters[field])
    if "is_active" in filters:
        query = query.where(User.is_active.is_(filters["is_active"]))
    return paginate(query.order_by(User.id), page, page_size)


def resident_account(resident_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.resident_id == resident_id))


def residents_awaiting_login(actor: User, since: datetime, limit: int = 200) -> list[Resident]:
    """Residents registered since ``since`` (one by one or by a roster) without an account,
    newest first: the clerk's list for handing out slips after an import."""
    if actor.role not in STAFF_ROLES:
        raise Forbidden("只有人社局经办人可以为居民开通登录。")
    has_account = select(User.resident_id).where(User.resident_id.is_not(None))
    return list(
        db.session.scalars(
            select(Resident)
            .where(Resident.created_at >= since, Resident.id.not_in(has_account))
            .order_by(Resident.id.desc())
            .limit(limit)
        )
    )


def issue_resident_logins(actor: User, resident_ids: list[int]) -> list[IssuedCode]:
    """Issue a login for each resident still without one; each stands alone."""
    issued = []
    for resident_id in resident_ids:
        try:
            issued.append(issue_resident_login(actor, resident_id))
        except Conflict:
            continue  # given an account meanwhile: its slip was printed then
    return issued
