from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, event
from sqlalchemy.orm import Mapped, attributes, mapped_column, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from jobmatch.accounts.enums import Role
from jobmatch.database import Timestamps, one_of
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
    # Raised whenever what a token vouches for changes (password, active, role, firm,
    # resident): a worker's remembered sign-in is good only while this still matches.
    credential_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


# What a signed-in user is: a change to any of these ends every remembered sign-in at once.
CREDENTIAL_FIELDS = ("password_hash", "is_active", "role", "firm_id", "resident_id")
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
