"""The application workflow as data: which moves exist, and which role may make them.

A move is judged in two steps, and the order is part of the API (docs/api.md):

1. may this role move an application to this status at all?  If not: 403.
2. does the workflow lead from the current status to that one?  If not: 409.

So a resident asking to hire itself is refused for its role (403) whatever the status, while
staff asking to hire from ``applied`` (skipping the interview) are refused by the workflow (409).
A finished application (hired, rejected, withdrawn) has no ordinary move left; only an admin
correction, with a written reason, moves it again (see ``CORRECTION_ROLES``).
"""

from jobmatch.accounts.enums import Role
from jobmatch.applications.enums import FINISHED_STATUSES
from jobmatch.applications.enums import ApplicationStatus as S

# From each status, the statuses the ordinary workflow leads to.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECOMMENDED: frozenset({S.APPLIED, S.REJECTED, S.WITHDRAWN}),
    S.APPLIED: frozenset({S.INTERVIEW, S.REJECTED, S.WITHDRAWN}),
    S.INTERVIEW: frozenset({S.HIRED, S.REJECTED, S.WITHDRAWN}),
    S.HIRED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# The statuses each role may move an application to. The firm is the owning firm (another
# firm's application is not found at all). Staff record a referral being taken up ("applied")
# and may record a withdrawal for a resident who phones the bureau rather than using the app;
# the resident itself may only withdraw.
ROLE_TARGETS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({S.APPLIED, S.INTERVIEW, S.HIRED, S.REJECTED, S.WITHDRAWN}),
    Role.STAFF: frozenset({S.APPLIED, S.INTERVIEW, S.HIRED, S.REJECTED, S.WITHDRAWN}),
    Role.FIRM: frozenset({S.INTERVIEW, S.HIRED, S.REJECTED}),
    Role.RESIDENT: frozenset({S.WITHDRAWN}),
}

# Who may correct a finished application, moving it to any other status.
CORRECTION_ROLES = frozenset({Role.ADMIN})

# Moves that need a reason code (the note is free text beside it).
NEEDS_REASON = frozenset({S.REJECTED, S.WITHDRAWN})

# Who opens an application, and the status it opens with.
OPENING_STATUS: dict[str, str] = {
    Role.ADMIN: S.RECOMMENDED,
    Role.STAFF: S.RECOMMENDED,
    Role.RESIDENT: S.APPLIED,
}


def role_may_move_to(role: str, status: str) -> bool:
    return status in ROLE_TARGETS.get(role, frozenset())


def workflow_allows(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS[from_status]


def is_finished(status: str) -> bool:
    return status in FINISHED_STATUSES
