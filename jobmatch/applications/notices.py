"""What each party is told when an application opens or moves (texts in Chinese)."""

from sqlalchemy import func, select

from jobmatch import clock
from jobmatch.accounts.enums import Role
from jobmatch.applications.enums import ApplicationStatus, Reason
from jobmatch.applications.models import Application
from jobmatch.extensions import db
from jobmatch.notifications.senders import Message
from jobmatch.notifications.service import parties, to_firm, to_resident, to_staff
from jobmatch.residents.models import Resident


def _link(application: Application) -> str:
    return f"/api/applications/{application.id}"


def on_open(application: Application, resident: Resident, by_staff: bool) -> list[Message]:
    """The firm learns of every new application; a referred resident learns of the referral."""
    post = application.post
    if by_staff:
        firm_text = f"人社局向岗位“{post.title}”推荐了 {resident.name}，请查看。"
    else:
        firm_text = f"{resident.name} 报名了岗位“{post.title}”，请查看。"
    if not by_staff:
        return to_firm(post.firm_id, "application_new", firm_text, _link(application))
    firm_users, resident_users = parties(post.firm_id, resident.id)  # both told: one query
    return to_firm(
        post.firm_id, "application_new", firm_text, _link(application), firm_users
    ) + to_resident(
        resident.id,
        "application_status",
        f"人社局为您推荐了{post.firm.name}的岗位“{post.title}”，可联系经办人了解详情。",
        _link(application),
        resident_users,
    )


def on_move(
    application: Application, from_status: str, actor_role: str, correction: bool
) -> list[Message]:
    """The resident learns of every move it did not make itself; the firm of a withdrawal."""
    post = application.post
    to_status = application.status
    label = ApplicationStatus(to_status).label
    if application.reason:
        label += f"（{Reason(application.reason).label}）"
    text = f"您在{post.firm.name}“{post.title}”的申请状态：{label}。"
    if to_status == ApplicationStatus.INTERVIEW and application.interview_at and not correction:
        text += (
            f"面试时间：{application.interview_at.astimezone(clock.CHINA):%Y-%m-%d %H:%M}，"
            f"地点：{application.interview_place}，联系人：{application.interview_contact}。"
        )
    elif (
        to_status == ApplicationStatus.APPLIED
        and from_status == ApplicationStatus.RECOMMENDED
        and actor_role == Role.RESIDENT
    ):
        # The resident took the referral up: the firm hears of it.
        return to_firm(
            post.firm_id,
            "application_new",
            f"被推荐的居民已接受岗位“{post.title}”的推荐，请安排面试。",
            _link(application),
        )
    if correction:
        text = f"人社局更正了您在{post.firm.name}“{post.title}”的申请状态：{label}。"
    messages = []
    if actor_role != Role.RESIDENT:
        messages += to_resident(
            application.resident_id, "application_status", text, _link(application)
        )
    if to_status == ApplicationStatus.WITHDRAWN and not correction:
        messages += to_firm(
            post.firm_id,
            "application_withdrawn",
            f"申请人已撤回对岗位“{post.title}”的申请（{Reason(application.reason).label}）。",
            _link(application),
        )
    return messages


def on_hire(application: Application) -> list[Message]:
    """Staff are told when the resident now holds hires at two or more posts (allowed)."""
    hires = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(
            Application.resident_id == application.resident_id,
            Application.status == ApplicationStatus.HIRED,
        )
    )
    if hires < 2:
        return []
    name = db.session.scalar(select(Resident.name).where(Resident.id == application.resident_id))
    return to_staff(
        "hired_twice",
        f"{name}（居民编号 {application.resident_id}）已在 {hires} 个岗位被录用，"
        "请核实其就业情况。",
        f"/api/applications?resident_id={application.resident_id}&status=hired",
    )


def on_closed(application: Application, tell_resident: bool = True) -> list[Message]:
    """The firm (and, for a stale one, the resident) learn the system closed an application."""
    post = application.post
    reason = Reason(application.reason).label
    if application.reason == Reason.HIRED_ELSEWHERE:
        firm_text = f"申请人已在其他岗位被录用，对岗位“{post.title}”的申请已自动撤回。"
    else:
        firm_text = f"岗位“{post.title}”的一份申请长期没有进展，已自动关闭（{reason}）。"
    messages = to_firm(post.firm_id, "application_withdrawn", firm_text, _link(application))
    if tell_resident:
        messages += to_resident(
            application.resident_id,
            "application_status",
            f"您在{post.firm.name}“{post.title}”的申请长期没有进展，已自动关闭。"
            "如仍有意向，请联系人社局经办人。",
            _link(application),
        )
    return messages
