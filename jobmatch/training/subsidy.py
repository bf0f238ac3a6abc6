"""Training subsidy: what each completed trainee may claim, the claim roster, and filing it.

The rules live in app config (``TRAINING_SUBSIDY_RULES``, one rule per cohort mode): a daily
rate for the first ``tier_days`` days attended and a lower one after, at most ``max_days`` paid,
nothing when less than ``min_attendance`` of the cohort's hours was attended, and one subsidy
of a kind per person per year. A day attended is a date with a sign-in; for enrollments
recorded without sign-ins (history brought in from old rosters) it is the hours attended
divided by ``hours_per_day``, rounded down.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import distinct, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from jobmatch import clock
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.audit import service as audit
from jobmatch.errors import Conflict
from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from jobmatch.spreadsheets import write_row
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import (
    Attendance,
    Cohort,
    Enrollment,
    Program,
    SubsidyClaim,
    TrainingSession,
)
from jobmatch.training.service import get_cohort
from jobmatch.validators import mask_id_number

KIND_NAMES = {"vocational_training": "职业技能培训补贴", "on_the_job_training": "岗位技能培训补贴"}
HEADERS = (
    "序号",
    "姓名",
    "身份证号码",
    "培训项目",
    "期次",
    "出勤天数",
    "补贴标准",
    "补贴金额",
    "备注",
)


@dataclass(frozen=True)
class SubsidyRule:
    kind: str
    daily_rate: Decimal
    later_daily_rate: Decimal
    tier_days: int
    max_days: int
    min_attendance: float
    hours_per_day: int

    @classmethod
    def for_mode(cls, mode: str) -> "SubsidyRule":
        settings = current_app.config["TRAINING_SUBSIDY_RULES"][mode]
        return cls(
            kind=settings["kind"],
            daily_rate=Decimal(str(settings["daily_rate"])),
            later_daily_rate=Decimal(str(settings["later_daily_rate"])),
            tier_days=int(settings["tier_days"]),
            max_days=int(settings["max_days"]),
            min_attendance=float(settings["min_attendance"]),
            hours_per_day=int(settings["hours_per_day"]),
        )

    def amount(self, days: int) -> Decimal:
        paid = min(days, self.max_days)
        early = min(paid, self.tier_days)
        return (early * self.daily_rate + (paid - early) * self.later_daily_rate).quantize(
            Decimal("0.01")
        )

    @property
    def standard(self) -> str:
        return (
            f"前{self.tier_days}天{self.daily_rate:f}元/天，"
            f"之后{self.later_daily_rate:f}元/天，最多{self.max_days}天"
        )


@dataclass
class SubsidyRow:
    enrollment_id: int
    resident_id: int
    cohort_id: int
    program_code: str
    kind: str
    year: int
    days: int
    attendance_rate: float
    standard: str
    amount: Decimal
    note: str
    claimed: bool
    name: str = ""
    id_number: str = ""
    program_name: str = ""
    cohort_name: str = ""


def _completed(scope: list) -> list:
    return db.session.execute(
        select(
            Enrollment.id.label("enrollment_id"),
            Enrollment.resident_id,
            Enrollment.cohort_id,
            Enrollment.hours_attended,
            func.coalesce(Enrollment.completed_on, Cohort.ends_on).label("finished_on"),
            Cohort.mode,
            Cohort.hours.label("cohort_hours"),
            Cohort.name.label("cohort_name"),
            Program.code.label("program_code"),
            Program.name.label("program_name"),
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Program, Program.code == Cohort.program_code)
        .where(Enrollment.status == EnrollmentStatus.COMPLETED, *scope)
        .order_by(Enrollment.id)
    ).all()


def _days_signed_in(scope: list) -> dict[int, int]:
    rows = db.session.execute(
        select(Attendance.enrollment_id, func.count(distinct(TrainingSession.held_on)))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
        .where(Enrollment.status == EnrollmentStatus.COMPLETED, *scope)
        .group_by(Attendance.enrollment_id)
    )
    return dict(rows.all())


def compute_rows(cohort_id: int | None = None) -> list[SubsidyRow]:
    """Rows for every completed enrollment, the one-a-year rule applied.

    With a cohort, only its trainees' enrollments are read: all of them, in any cohort, since
    any of them may hold the year's subsidy of a kind.
    """
    scope, claim_scope = [], []
    if cohort_id is not None:
        trainee = aliased(Enrollment)
        trainees = select(trainee.resident_id).where(
            trainee.cohort_id == cohort_id, trainee.status == EnrollmentStatus.COMPLETED
        )
        scope = [Enrollment.resident_id.in_(trainees)]
        claim_scope = [SubsidyClaim.resident_id.in_(trainees)]
    completed = _completed(scope)
    signed_days = _days_signed_in(scope)
    claims = {
        (claim.resident_id, claim.kind, claim.year): claim
        for claim in db.session.scalars(select(SubsidyClaim).where(*claim_scope))
    }
    rules = {mode: SubsidyRule.for_mode(mode) for mode in {record.mode for record in completed}}
    rows, by_person_kind_year = [], defaultdict(list)
    for record in completed:
        rule = rules[record.mode]
        hours = float(record.hours_attended or 0)
        days = signed_days.get(record.enrollment_id)
        if days is None:
            days = math.floor(hours / rule.hours_per_day)
        rate = hours / record.cohort_hours
        row = SubsidyRow(
            enrollment_id=record.enrollment_id,
            resident_id=record.resident_id,
            cohort_id=record.cohort_id,
            program_code=record.program_code,
            kind=rule.kind,
            year=record.finished_on.year,
            days=days,
            attendance_rate=round(rate, 3),
            standard=rule.standard,
            amount=rule.amount(days),
            note="",
            claimed=False,
            program_name=record.program_name,
            cohort_name=record.cohort_name,
        )
        if rate < rule.min_attendance:
            row.amount = Decimal("0.00")
            row.note = f"出勤率{rate:.0%}，未达{rule.min_attendance:.0%}"
        rows.append(row)
        by_person_kind_year[(row.resident_id, rule.kind, row.year)].append(row)
    by_id = {row.enrollment_id: row for row in rows}
    for key, group in by_person_kind_year.items():
        _one_a_year(group, claims.get(key), by_id)
    return rows


def _one_a_year(group: list[SubsidyRow], claim: SubsidyClaim | None, by_id: dict) -> None:
    """Within one person, kind and year: the claimed enrollment, else the first eligible one."""
    if claim is not None:
        winner = by_id.get(claim.enrollment_id)
        if winner is not None:
            winner.amount, winner.claimed = claim.amount, True
            winner.note = f"已于{claim.claimed_on}申报"
    else:
        eligible = [row for row in group if row.amount > 0]
        winner = eligible[0] if eligible else None
    kind_name = KIND_NAMES.get(group[0].kind, group[0].kind)
    for row in group:
        if row is winner or row.amount == 0:
            continue
        other = winner.cohort_name if winner is not None else "其他期次"
        row.amount = Decimal("0.00")
        row.note = f"{row.year}年已在「{other}」享受{kind_name}"


@dataclass
class Roster:
    cohort: Cohort
    rows: list[SubsidyRow]

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))


def _cohort_rows(cohort_id: int) -> list[SubsidyRow]:
    return [row for row in compute_rows(cohort_id) if row.cohort_id == cohort_id]


def cohort_roster(actor: User, cohort_id: int) -> Roster:
    """The cohort's claim roster; ID numbers in full for an admin only, and that read audited."""
    cohort = get_cohort(actor, cohort_id)
    rows = _cohort_rows(cohort_id)
    people = db.session.execute(
        select(Resident.id, Resident.name, Resident.id_number).where(
            Resident.id.in_([row.resident_id for row in rows])
        )
    )
    full = actor.role == Role.ADMIN
    people_by_id = {
        rid: (name, number if full else mask_id_number(number)) for rid, name, number in people
    }
    for row in rows:
        row.name, row.id_number = people_by_id[row.resident_id]
    if full and rows:
        audit.record(actor, "resident.export_roster", [row.resident_id for row in rows])
        db.session.commit()
    return Roster(cohort=cohort, rows=rows)


def file_claims(actor: User, cohort_id: int, claimed_on: date | None = None) -> Roster:
    """Record the cohort's claims with the bureau: every row with an amount not yet claimed."""
    get_cohort(actor, cohort_id)
    for row in _cohort_rows(cohort_id):
        if row.amount > 0 and not row.claimed:
            db.session.add(
                SubsidyClaim(
                    enrollment_id=row.enrollment_id,
                    resident_id=row.resident_id,
                    kind=row.kind,
                    year=row.year,
                    days=row.days,
                    amount=row.amount,
                    claimed_on=claimed_on or clock.today(),
                )
            )
    try:
        db.session.commit()
    except IntegrityError:  # another cohort's claim for the same person, kind and year won
        db.session.rollback()
        raise Conflict("有学员本年度已申报同类补贴，请刷新花名册后再申报。") from None
    return cohort_roster(actor, cohort_id)


def roster_workbook(roster: Roster) -> Workbook:
    """The claim roster as the bureau files it: a title, the header row, trainees, a total."""
    cohort = roster.cohort
    book = Workbook()
    sheet = book.active
    sheet.title = "补贴申领花名册"
    write_row(sheet, [f"{cohort.name} 培训补贴申领花名册（{cohort.starts_on}至{cohort.ends_on}）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    write_row(sheet, HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, row in enumerate(roster.rows, start=1):
        write_row(
            sheet,
            [
                number,
                row.name,
                row.id_number,
                row.program_name,
                row.cohort_name,
                row.days,
                row.standard,
                float(row.amount),
                row.note,
            ],
        )
    write_row(
        sheet,
        ["合计", "", "", "", "", sum(row.days for row in roster.rows), "", float(roster.total), ""],
    )
    for cell in sheet["H"][2:]:
        cell.number_format = "0.00"
    for column, width in zip("ABCDEFGHI", (6, 10, 22, 16, 24, 10, 34, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    return book
