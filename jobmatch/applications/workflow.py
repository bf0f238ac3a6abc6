"""The application workflow as data: which moves exist, and which role may make them.

A move is judged in two steps, and the order is part of the API (docs/api.md):

1. may this role move an application to this status at all?  If not: 403.
2. does the workflow lead from the current status to that one?  If not: 409.

So a resident asking to hire itself is refused for its role (403) whatever the status, while
staff asking to hire from ``applied`` (skipping the interview) are refused by the workflow (409).
A finished application (hired, rejected, withdrawn) has no ordinary move left; only an admin
correction, with a written reason, moves it again (see ``CORRECTION_ROLES``).

The table, with who moves what and why, is written out for people in docs/applications.md.
"""

from jobmatch.accounts.enums import Role
from jobmatch.applications.enums import FINISHED_STATUSES, Reason
from jobmatch.applications.enums import ApplicationStatus as S

# From each status, the statuses the ordinary workflow leads to.
TRANSITIONS: dict[str, frozenset[str]] = {
    # A bureau referral: the resident takes it up (applied) or the firm invites them at once.
    S.RECOMMENDED: frozenset({S.APPLIED, S.INTERVIEW, S.REJECTED, S.WITHDRAWN}),
    S.APPLIED: frozenset({S.INTERVIEW, S.REJECTED, S.WITHDRAWN}),
    S.INTERVIEW: frozenset({S.HIRED, S.REJECTED, S.WITHDRAWN}),
    S.HIRED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# The statuses each role may move an application to. The firm is the owning firm (another
# firm's application is not found at all). Staff record a referral being taken up ("applied")
# and may record a withdrawal for a resident who phones the bureau rather than using the app;
# the resident itself accepts a referral (applied) or withdraws.
ROLE_TARGETS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({S.APPLIED, S.INTERVIEW, S.HIRED, S.REJECTED, S.WITHDRAWN}),
    Role.STAFF: frozenset({S.APPLIED, S.INTERVIEW, S.HIRED, S.REJECTED, S.WITHDRAWN}),
    Role.FIRM: frozenset({S.INTERVIEW, S.HIRED, S.REJECTED}),
    Role.RESIDENT: frozenset({S.APPLIED, S.WITHDRAWN}),
}

# Who may correct a finished application, moving it to any other status.
CORRECTION_ROLES = frozenset({Role.ADMIN})

# An application the system withdrew because the resident was hired elsewhere was not the
# resident's choice: a resident may hold two jobs (staff are told), so the owning firm or staff
# may still take it up again, to an interview or a hire.
REOPENED_BY_SYSTEM_REASONS = frozenset({Reason.HIRED_ELSEWHERE})
REOPEN_TARGETS = frozenset({S.INTERVIEW, S.HIRED})
REOPEN_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.FIRM})

# Moves that need a reason code (the note is free text beside it).
NEEDS_REASON = frozenset({S.REJECTED, S.WITHDRAWN})

# An invitation to interview says when, where and whom to ask for: all three are needed.
INTERVIEW_DETAILS = ("interview_at", "interview_place", "interview_contact")

# Who records how an interview went (attended or no-show), on an application at interview.
OUTCOME_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.FIRM})

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


def may_reopen(role: str, from_status: str, reason: str | None, to_status: str) -> bool:
    """A withdrawal the system made (hired elsewhere) taken up again by the firm or staff."""
    return (
        from_status == S.WITHDRAWN
        and reason in REOPENED_BY_SYSTEM_REASONS
        and to_status in REOPEN_TARGETS
        and role in REOPEN_ROLES
    )


def is_finished(status: str) -> bool:
    return status in FINISHED_STATUSES
