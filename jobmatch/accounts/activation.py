"""One-time activation codes: how a person handed a paper slip gets a password.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), valid for
ACTIVATION_HOURS and used once; issuing a new one retires the older. Only a keyed hash of a
code is stored. Activating needs the code and the last six characters of the holder's ID
number (for a firm user, of the firm's credit code); a wrong one of either gets the same answer.
"""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import ActivationCode, User
from jobmatch.accounts.sessions import end_every_session
from jobmatch.audit.service import record_account
from jobmatch.crypto import cipher
from jobmatch.errors import Invalid, Unauthorized
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.residents.models import Resident

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
ACTIVATION_HOURS = 72
MIN_PASSWORD_LENGTH = 8
WRONG_ID_OR_CODE = "身份证号后六位或激活码不正确，或激活码已过期、已使用。"


def normalise_code(typed: str) -> str:
    """The code as typed on a phone: any case, with spaces or dashes between groups."""
    return "".join(char for char in typed.upper() if char not in " -\u3000")


def _hash(code: str) -> str:
    return cipher().lookup_hash(f"activation code:{code}")


def new_code(user: User, issued_by: User) -> tuple[str, ActivationCode]:
    """A fresh code for ``user`` (older unused ones retired), added to the caller's
    transaction; answers the code itself, which is never stored, and its row."""
    now = datetime.now(UTC)
    db.session.execute(
        update(ActivationCode)
        .where(ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = ActivationCode(
        user_id=user.id,
        code_hash=_hash(code),
        created_at=now,
        expires_at=now + timedelta(hours=ACTIVATION_HOURS),
        issued_by_user_id=issued_by.id,
    )
    db.session.add(row)
    return code, row


def identity_tail(user: User) -> str | None:
    """The last six characters the holder proves they know: of the resident's ID number, or
    of the firm's credit code; None for staff accounts, which are not activated by code."""
    if user.role == Role.RESIDENT and user.resident_id is not None:
        number = db.session.scalar(
            select(Resident.id_number).where(Resident.id == user.resident_id)
        )
        return number[-6:].upper() if number else None
    if user.role == Role.FIRM and user.firm_id is not None:
        code = db.session.scalar(select(Firm.credit_code).where(Firm.id == user.firm_id))
        return code[-6:].upper() if code else None
    return None


def activate(id_last6: str, code: str, password: str) -> User:
    """Set the password of the account the code was issued for, and use the code up.

    Every refusal of the pair says the same (401): a caller learns nothing of which half was
    wrong. Every other session of the account ends.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("密码太短。", {"password": [f"密码至少{MIN_PASSWORD_LENGTH}个字符。"]})
    now = datetime.now(UTC)
    row = db.session.scalar(
        select(ActivationCode).where(
            ActivationCode.code_hash == _hash(normalise_code(code)),
            ActivationCode.used_at.is_(None),
            ActivationCode.expires_at > now,
        )
    )
    user = db.session.get(User, row.user_id) if row is not None else None
    if user is None or not user.is_active or identity_tail(user) != id_last6.strip().upper():
        raise Unauthorized(WRONG_ID_OR_CODE)
    # Used once, however many requests race with the same code.
    used = db.session.execute(
        update(ActivationCode)
        .where(ActivationCode.id == row.id, ActivationCode.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:
        db.session.rollback()
        raise Unauthorized(WRONG_ID_OR_CODE)
    user.set_password(password)
    end_every_session(user)
    record_account(user, "account.activate", user)
    db.session.commit()
    return user
