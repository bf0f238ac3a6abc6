"""Applications the system closes itself: a resident's others when they are hired, and those
left idle too long (the daily ``close-stale`` command). Both close as withdrawn, with the
reason hired_elsewhere or stale, an event without an actor, and notices to those concerned."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from jobmatch.applications import notices
from jobmatch.applications.enums import IN_PROGRESS_STATUSES, ApplicationStatus, Reason
from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.extensions import db
from jobmatch.notifications.senders import Message, send

DEFAULT_STALE_DAYS = 30
CLOSING_NOTES = {
    Reason.HIRED_ELSEWHERE: "已在其他岗位被录用，系统自动撤回。",
    Reason.STALE: "长期没有进展，系统自动关闭。",
}


def _close(application: Application, reason: Reason, now: datetime) -> bool:
    """Close one open application (in the caller's transaction); False when it moved first."""
    from_status = application.status
    closed = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == from_status)
        .values(
            status=ApplicationStatus.WITHDRAWN,
            reason=reason,
            note=CLOSING_NOTES[reason],
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        return False
    db.session.add(
        ApplicationEvent(
            application_id=application.id,
            from_status=from_status,
            to_status=ApplicationStatus.WITHDRAWN,
            reason=reason,
            note=CLOSING_NOTES[reason],
        )
    )
    return True


def close_others_after_hire(hired: Application, now: datetime) -> list[Message]:
    """Withdraw the hired resident's other open applications; their firms are told."""
    others = db.session.scalars(
        select(Application)
        .where(
            Application.resident_id == hired.resident_id,
            Application.id != hired.id,
            Application.status.in_(IN_PROGRESS_STATUSES),
        )
        .order_by(Application.id)
    ).all()
    closed = [other for other in others if _close(other, Reason.HIRED_ELSEWHERE, now)]
    db.session.flush()
    db.session.expire_all()
    return [
        message for other in closed for message in notices.on_closed(other, tell_resident=False)
    ]


def close_stale(days: int = DEFAULT_STALE_DAYS, now: datetime | None = None) -> list[int]:
    """Close open applications nothing has happened to for ``days`` days; the resident and
    the firm are both told. Answers the ids closed."""
    now = now or datetime.now(UTC)
    idle_since = now - timedelta(days=days)
    idle = db.session.scalars(
        select(Application)
        .where(Application.status.in_(IN_PROGRESS_STATUSES), Application.updated_at < idle_since)
        .order_by(Application.id)
    ).all()
    closed = [application for application in idle if _close(application, Reason.STALE, now)]
    db.session.flush()
    db.session.expire_all()
    send([message for application in closed for message in notices.on_closed(application)])
    db.session.commit()
    return [application.id for application in closed]
