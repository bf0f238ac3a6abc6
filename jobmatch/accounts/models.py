import secrets
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, event
from sqlalchemy.orm import Mapped, attributes, mapped_column, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from jobmatch.accounts.enums import Role
from jobmatch.database import Timestamps, UtcDateTime, one_of, utcnow
from jobmatch.extensions import db

ROLES = Role.values()


class User(Timestamps, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint(
            f"role <> '{Role.FIRM.value}' OR firm_id IS NOT NULL", name="firm_user_has_firm"
        ),
        CheckConstraint(
            f"role <> '{Role.RESIDENT.value}' OR resident_id IS NOT NULL",
            name="resident_user_has_resident",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised whenever every token of the user must end at once (a reset, a disable): tokens
    # carry the number they were issued under.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Raised whenever what a token vouches for changes (password, active, role, firm,
    # resident): a worker's remembered sign-in is good only while this still matches.
    credential_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def set_unusable_password(self) -> None:
        """No password opens the account until it is activated with a code: werkzeug refuses
        a hash without its method and salt, and the random text changes the fingerprint."""
        self.password_hash = "!" + secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class ActivationCode(db.Model):
    """A one-time code that lets the person it was handed to choose a password.

    Only a keyed hash of the code is kept: the database alone never gives a code away.
    """

    __tablename__ = "activation_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set when the code is used, or when a newer code replaces it.
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    issued_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class WebSession(db.Model):
    """One signed-in browser: the signed cookie names it, and ending it here ends the cookie.

    The id is a digest of the random value the cookie holds, so that the table alone opens
    no session.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


# What a signed-in user is: a change to any of these ends every remembered sign-in at once.
CREDENTIAL_FIELDS = (
    "password_hash",
    "is_active",
    "role",
    "firm_id",
    "resident_id",
    "session_version",
)
CHANGED_CREDENTIALS_KEY = "jobmatch.changed_credentials"


@event.listens_for(User, "before_update")
def _bump_credential_version(mapper, connection, user: User) -> None:
    state = attributes.instance_state(user)
    if any(state.attrs[name].history.has_changes() for name in CREDENTIAL_FIELDS):
        user.credential_version = (user.credential_version or 0) + 1
        session = object_session(user)
        if session is not None:
            # Published to the shared store once the change commits (accounts.auth).
            session.info.setdefault(CHANGED_CREDENTIALS_KEY, {})[user.id] = user.credential_version
