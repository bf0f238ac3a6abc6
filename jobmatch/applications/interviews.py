"""How an interview went: the firm (or staff) records that the resident attended or did not
show. The status stays ``interview``: hiring or rejecting (no_show is a reason) is the next move."""

from datetime import UTC, datetime

from sqlalchemy import update

from jobmatch.accounts.models import User
from jobmatch.applications.enums import ApplicationStatus, InterviewOutcome
from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.applications.service import get_application
from jobmatch.applications.workflow import OUTCOME_ROLES
from jobmatch.errors import Conflict, Forbidden
from jobmatch.extensions import db


def record_outcome(user: User, application_id: int, outcome: str) -> Application:
    """403 for a role that does not hold interviews; 409 unless the application is at interview."""
    application = get_application(user, application_id)
    if user.role not in OUTCOME_ROLES:
        raise Forbidden("只有企业或人社局经办人可以记录面试结果。")
    if application.status != ApplicationStatus.INTERVIEW:
        raise Conflict("只有待面试的申请才能记录面试结果。")
    now = datetime.now(UTC)
    recorded = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == ApplicationStatus.INTERVIEW)
        .values(interview_outcome=outcome, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if recorded.rowcount != 1:
        db.session.rollback()
        raise Conflict("申请刚被其他人更改过，请刷新后再试。")
    db.session.add(
        ApplicationEvent(
            application_id=application.id,
            from_status=ApplicationStatus.INTERVIEW,
            to_status=ApplicationStatus.INTERVIEW,
            note=f"面试结果：{InterviewOutcome(outcome).label}",
            actor_user_id=user.id,
            actor_role=user.role,
        )
    )
    db.session.commit()
    db.session.expire_all()
    return get_application(user, application.id)
