"""Training figures for the bureau: trained per program, completion and pass rates, certificates,
subsidy claimable and claimed. Counts are aggregate SQL; the subsidy needs the per-person rules
of subsidy.py, so it is summed from those rows."""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import case, distinct, func, select

from jobmatch.accounts.models import User
from jobmatch.extensions import db
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment, Program, SubsidyClaim
from jobmatch.training.service import require_staff
from jobmatch.training.subsidy import compute_rows


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _count_where(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def training_summary(actor: User) -> dict:
    require_staff(actor)
    completed = Enrollment.status == EnrollmentStatus.COMPLETED
    per_program = db.session.execute(
        select(
            Program.code,
            Program.name,
            func.count(distinct(Cohort.id)),
            func.count(Enrollment.id),
            func.count(distinct(case((completed, Enrollment.resident_id)))),
            _count_where(completed),
            _count_where(Enrollment.status == EnrollmentStatus.DROPPED),
            func.count(Enrollment.passed),
            _count_where(Enrollment.passed.is_(True)),
            func.count(Enrollment.certificate_no),
        )
        .select_from(Program)
        .outerjoin(Cohort, Cohort.program_code == Program.code)
        .outerjoin(Enrollment, Enrollment.cohort_id == Cohort.id)
        .group_by(Program.code, Program.name)
        .order_by(Program.code)
    ).all()
    trained_total = db.session.scalar(
        select(func.count(distinct(Enrollment.resident_id))).where(completed)
    )
    claimed_by_program = dict(
        db.session.execute(
            select(Cohort.program_code, func.sum(SubsidyClaim.amount))
            .join(Enrollment, Enrollment.id == SubsidyClaim.enrollment_id)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .group_by(Cohort.program_code)
        ).all()
    )
    claimable_by_program: dict[str, Decimal] = defaultdict(Decimal)
    for row in compute_rows():
        claimable_by_program[row.program_code] += row.amount

    programs = []
    for (
        code,
        name,
        cohorts,
        enrollments,
        trained,
        done,
        dropped,
        assessed,
        passed,
        certs,
    ) in per_program:
        programs.append(
            {
                "code": code,
                "name": name,
                "cohorts": cohorts,
                "enrollments": enrollments,
                "trained": trained,
                "completed": done,
                "dropped": dropped,
                "completion_rate": _rate(done, enrollments),
                "assessed": assessed,
                "passed": passed,
                "pass_rate": _rate(passed, assessed),
                "certificates": certs,
                "subsidy_claimable": claimable_by_program.get(code, Decimal("0.00")),
                "subsidy_claimed": Decimal(claimed_by_program.get(code) or 0).quantize(
                    Decimal("0.01")
                ),
            }
        )
    return {
        "trained_total": trained_total,
        "certificates": sum(program["certificates"] for program in programs),
        "subsidy_claimable": sum((p["subsidy_claimable"] for p in programs), Decimal("0.00")),
        "subsidy_claimed": sum((p["subsidy_claimed"] for p in programs), Decimal("0.00")),
        "programs": programs,
    }
