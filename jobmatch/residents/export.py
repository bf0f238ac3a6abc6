"""A resident's own data export: everything held about one person, unmasked, in one document.

PIPL gives a person the right to see and copy their personal information; the export reads
every feature's tables that hold rows about the resident. The export itself is audited, and
the audit entry is part of what it returns.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jobmatch.accounts.models import User
from jobmatch.audit import service as audit
from jobmatch.catalogue.models import Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.database import utcnow
from jobmatch.extensions import db
from jobmatch.models import Application, Cohort, Delivery, Enrollment, Firm, Order, Post, Program
from jobmatch.residents.models import Resident
from jobmatch.residents.service import authorise, load_resident


def export_personal_data(viewer: User, resident_id: int) -> dict[str, Any]:
    authorise(viewer, resident_id)
    resident = load_resident(resident_id)
    audit.record(viewer, "resident.export", [resident.id])
    db.session.flush()
    document = {
        "exported_at": utcnow(),
        "resident": _record(resident),
        "skills": _skills(resident),
        "groups": resident.groups,
        "accounts": _accounts(resident.id),
        "enrollments": _enrollments(resident.id),
        "deliveries": _deliveries(resident.id),
        "applications": _applications(resident.id),
        "audit": [
            {
                "created_at": entry.created_at,
                "action": entry.action,
                "username": entry.username,
                "role": entry.role,
                "method": entry.method,
                "path": entry.path,
                "request_id": entry.request_id,
            }
            for entry in audit.entries_about(resident.id)
        ],
    }
    db.session.commit()
    return document


def _record(resident: Resident) -> dict[str, Any]:
    community = db.session.get(Community, resident.community_id) if resident.community_id else None
    grid = db.session.get(Grid, resident.grid_id) if resident.grid_id else None
    return {
        "id": resident.id,
        "name": resident.name,
        "id_number": resident.id_number,
        "phone": resident.phone,
        "gender": resident.gender,
        "birth_date": resident.birth_date,
        "education": resident.education,
        "community_id": resident.community_id,
        "community_name": community.name if community else None,
        "grid_id": resident.grid_id,
        "grid_name": grid.name if grid else None,
        "desired_wage": resident.desired_wage,
        "shift_preference": resident.shift_preference,
        "max_commute_km": resident.max_commute_km,
        "employment_status": resident.employment_status,
        "created_at": resident.created_at,
        "updated_at": resident.updated_at,
    }


def _skills(resident: Resident) -> list[dict[str, Any]]:
    names = dict(
        db.session.execute(
            select(Skill.code, Skill.name).where(
                Skill.code.in_([link.skill_code for link in resident.skill_links])
            )
        ).all()
    )
    return [
        {"code": link.skill_code, "name": names.get(link.skill_code), "source": link.source}
        for link in resident.skill_links
    ]


def _accounts(resident_id: int) -> list[dict[str, Any]]:
    users = db.session.scalars(
        select(User).where(User.resident_id == resident_id).order_by(User.id)
    )
    return [
        {"username": user.username, "role": user.role, "created_at": user.created_at}
        for user in users
    ]


def _enrollments(resident_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Enrollment, Cohort, Program)
        .join(Cohort, Enrollment.cohort_id == Cohort.id)
        .join(Program, Cohort.program_code == Program.code)
        .where(Enrollment.resident_id == resident_id)
        .order_by(Enrollment.id)
    )
    return [
        {
            "id": enrollment.id,
            "cohort_id": cohort.id,
            "cohort_name": cohort.name,
            "program_code": program.code,
            "program_name": program.name,
            "starts_on": cohort.starts_on,
            "ends_on": cohort.ends_on,
            "status": enrollment.status,
            "hours_attended": float(enrollment.hours_attended),
            "passed": enrollment.passed,
            "certificate_no": enrollment.certificate_no,
            "certificate_issued_on": enrollment.certificate_issued_on,
            "completed_on": enrollment.completed_on,
        }
        for enrollment, cohort, program in rows
    ]


def _deliveries(resident_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Delivery, Order)
        .join(Order, Delivery.order_id == Order.id)
        .where(Delivery.resident_id == resident_id)
        .order_by(Delivery.id)
    )
    return [
        {
            "id": delivery.id,
            "order_id": order.id,
            "product": order.product,
            "quantity": delivery.quantity,
            "accepted": delivery.accepted,
            "reject_reason": delivery.reject_reason,
            "delivered_on": delivery.delivered_on,
        }
        for delivery, order in rows
    ]


def _applications(resident_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Application, Post, Firm)
        .join(Post, Application.post_id == Post.id)
        .join(Firm, Post.firm_id == Firm.id)
        .where(Application.resident_id == resident_id)
        .options(selectinload(Application.history))
        .order_by(Application.id)
    )
    return [
        {
            "id": application.id,
            "post_id": post.id,
            "post_title": post.title,
            "firm_name": firm.name,
            "status": application.status,
            "reason": application.reason,
            "note": application.note,
            "created_at": application.created_at,
            "updated_at": application.updated_at,
            "history": [
                {
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "reason": event.reason,
                    "note": event.note,
                    "created_at": event.created_at,
                }
                for event in application.history
            ],
        }
        for application, post, firm in rows
    ]
