"""Accounts: creating users and signing in. Used by the API and the command line alike."""

import re

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jobmatch.accounts.auth import issue_token
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import ROLES, User
from jobmatch.accounts.throttle import authenticate_throttled
from jobmatch.errors import Conflict, Invalid
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.residents.models import Resident

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
MIN_PASSWORD_LENGTH = 8


def sign_in(username: str, password: str) -> dict:
    """A bearer token for valid credentials (401 otherwise, never saying which part was wrong;
    429 while failures from this address on this account, or from this address, are many)."""
    return token_for(authenticate_throttled(username, password))


def token_for(user: User) -> dict:
    return {
        "access_token": issue_token(user),
        "token_type": "Bearer",
        "role": user.role,
        "expires_in": current_app.config["TOKEN_MAX_AGE_SECONDS"],
    }


def create_user(
    role: str,
    username: str,
    password: str,
    firm_id: int | None = None,
    resident_id: int | None = None,
) -> User:
    """Create an account; a firm user belongs to one firm, a resident user to one resident."""
    errors: dict[str, list[str]] = {}
    if role not in ROLES:
        errors["role"] = [f"角色应为：{'、'.join(ROLES)}。"]
    if not USERNAME_PATTERN.match(username):
        errors["username"] = ["用户名应为3至64个字母、数字或 _ . @ - 。"]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"密码至少{MIN_PASSWORD_LENGTH}个字符。"]
    errors.update(_owner_errors(role, firm_id, resident_id))
    if errors:
        raise Invalid("账号信息有误。", errors)

    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名“{username}”已被使用。", {"username": ["已被使用。"]})
    if role == Role.RESIDENT and db.session.scalar(
        select(User.id).where(User.resident_id == resident_id)
    ):
        raise Conflict(f"居民 {resident_id} 已有账号。", {"resident_id": ["已有账号。"]})

    user = User(username=username, role=role, firm_id=firm_id, resident_id=resident_id)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Another process took the username between the check and the insert.
        db.session.rollback()
        raise Conflict(f"用户名“{username}”已被使用。", {"username": ["已被使用。"]}) from None
    return user


def _owner_errors(role: str, firm_id: int | None, resident_id: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    if role == Role.FIRM:
        if firm_id is None:
            errors["firm_id"] = ["企业账号必须指定所属企业（firm_id）。"]
        elif db.session.get(Firm, firm_id) is None:
            errors["firm_id"] = [f"企业 {firm_id} 不存在。"]
    elif firm_id is not None:
        errors["firm_id"] = ["只有企业账号（firm）可以指定所属企业。"]
    if role == Role.RESIDENT:
        if resident_id is None:
            errors["resident_id"] = ["居民账号必须指定对应的居民（resident_id）。"]
        elif db.session.get(Resident, resident_id) is None:
            errors["resident_id"] = [f"居民 {resident_id} 不存在。"]
    elif resident_id is not None:
        errors["resident_id"] = ["只有居民账号（resident）可以指定对应的居民。"]
    return errors
