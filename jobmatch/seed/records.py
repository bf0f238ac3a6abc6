"""Seed files about people: residents, training, piecework and the application history."""

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from jobmatch.applications.models import APPLICATION_STATUSES, REASONS
from jobmatch.crypto import FieldCipher
from jobmatch.education import parse_education
from jobmatch.residents.models import EMPLOYMENT_STATUSES, PRIORITY_GROUPS, SHIFT_PREFERENCES
from jobmatch.seed.files import SeedError, local_time, read, unique
from jobmatch.training.models import COHORT_MODES, ENROLLMENT_STATUSES
from jobmatch.validators import MIN_WORKING_AGE, parse_id_number, parse_mobile

RESIDENT_COLUMNS = (
    "id", "name", "id_number", "phone", "education", "community_id", "grid_id", "skills",
    "groups", "desired_wage", "shift_preference", "max_commute_km", "employment_status",
    "registered_on", "household_no",
)  # fmt: skip
ENDED = ("rejected", "withdrawn")


def read_residents(
    directory: Path,
    grid_community: dict[int, int],
    communities: set[int],
    skills: set[str],
    box: FieldCipher,
    today: date,
):
    """Residents (ID and phone in clear: the column type encrypts them), groups, declared skills."""
    residents, groups, declared = [], [], {}
    ids: set[int] = set()
    numbers: set[str] = set()
    for row in read(directory, "residents.csv", RESIDENT_COLUMNS):
        resident_id = row.integer("id", minimum=1)
        unique(row, "id", resident_id, ids)
        person = row.parse("id_number", lambda v: parse_id_number(v, today))
        unique(row, "id_number", person.number, numbers)
        phone = row.parse("phone", parse_mobile)
        registered_on = row.day("registered_on", optional=True) or today
        if person.age_on(registered_on) < MIN_WORKING_AGE:
            raise row.fail(f"登记时未满{MIN_WORKING_AGE}周岁。", "id_number")
        community_id = row.ref("community_id", communities, optional=True)
        grid_id = row.ref("grid_id", grid_community, optional=True)
        if grid_id is not None and grid_community[grid_id] != community_id:
            raise row.fail("网格不属于所填社区。", "grid_id")
        residents.append(
            {
                "id": resident_id,
                "name": row.text("name", 64),
                "id_number": person.number,
                "id_number_hash": box.lookup_hash(person.number),
                "phone": phone,
                "phone_hash": box.phone_hash(phone),
                "gender": person.gender,
                "birth_date": person.birth_date,
                "education": row.parse("education", parse_education),
                "community_id": community_id,
                "grid_id": grid_id,
                "desired_wage": row.integer("desired_wage", minimum=0, optional=True),
                "shift_preference": row.choice("shift_preference", SHIFT_PREFERENCES),
                "max_commute_km": row.number("max_commute_km", 0.1, 1000, optional=True),
                "employment_status": row.choice("employment_status", EMPLOYMENT_STATUSES),
                "household_no": row.text("household_no", 32, optional=True),
                "created_at": local_time(registered_on),
                "updated_at": local_time(registered_on),
            }
        )
        groups += [
            {"resident_id": resident_id, "group": g} for g in row.codes("groups", PRIORITY_GROUPS)
        ]
        declared[resident_id] = row.codes("skills", skills)
    return residents, groups, declared


COHORT_COLUMNS = (
    "id", "program_code", "name", "mode", "firm_id", "community_id", "location", "instructor",
    "starts_on", "ends_on", "capacity", "hours",
)  # fmt: skip


def read_cohorts(directory: Path, programs: set[str], firms: set[int], communities: set[int]):
    cohorts = []
    ids: set[int] = set()
    for row in read(directory, "cohorts.csv", COHORT_COLUMNS):
        cohort_id = row.integer("id", minimum=1)
        unique(row, "id", cohort_id, ids)
        mode = row.choice("mode", COHORT_MODES)
        firm_id = row.ref("firm_id", firms, optional=mode != "on_the_job")
        starts_on, ends_on = row.day("starts_on"), row.day("ends_on")
        if ends_on < starts_on:
            raise row.fail("结束日期早于开始日期。", "ends_on")
        cohorts.append(
            {
                "id": cohort_id,
                "program_code": row.choice("program_code", programs),
                "name": row.text("name", 128),
                "mode": mode,
                "firm_id": firm_id,
                "community_id": row.ref("community_id", communities, optional=True),
                "location": row.text("location", 128, optional=True),
                "instructor": row.text("instructor", 64, optional=True),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "capacity": row.integer("capacity", minimum=1),
                "hours": row.integer("hours", minimum=1),
                "created_at": local_time(starts_on),
                "updated_at": local_time(ends_on),
            }
        )
    return cohorts


ENROLLMENT_COLUMNS = (
    "id", "cohort_id", "resident_id", "status", "hours_attended", "passed", "certificate_no",
    "certificate_issued_on", "completed_on",
)  # fmt: skip


def read_enrollments(directory: Path, cohorts: dict[int, dict], residents: set[int]):
    """Enrollments, and (resident_id, program_code) for every completed and passed one."""
    enrollments, passed_programs = [], []
    ids: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    certificates: set[str] = set()
    per_cohort: Counter = Counter()
    for row in read(directory, "enrollments.csv", ENROLLMENT_COLUMNS):
        enrollment_id = row.integer("id", minimum=1)
        unique(row, "id", enrollment_id, ids)
        cohort_id = row.ref("cohort_id", cohorts)
        resident_id = row.ref("resident_id", residents)
        unique(row, "resident_id", (cohort_id, resident_id), pairs)
        per_cohort[cohort_id] += 1
        if per_cohort[cohort_id] > cohorts[cohort_id]["capacity"]:
            raise row.fail("该班次报名人数超过容量。", "cohort_id")
        status = row.choice("status", ENROLLMENT_STATUSES)
        passed = row.boolean("passed", optional=True)
        certificate_no = row.text("certificate_no", 32, optional=True)
        if certificate_no:
            if status != "completed" or not passed:
                raise row.fail("只有结业且考核合格才有证书编号。", "certificate_no")
            unique(row, "certificate_no", certificate_no, certificates)
        issued_on = row.day("certificate_issued_on", optional=True)
        if issued_on and not certificate_no:
            raise row.fail("没有证书编号却填写了发证日期。", "certificate_issued_on")
        completed_on = row.day("completed_on", optional=True)
        if completed_on and status != "completed":
            raise row.fail("未结业的报名不应有结业日期。", "completed_on")
        enrollments.append(
            {
                "id": enrollment_id,
                "cohort_id": cohort_id,
                "resident_id": resident_id,
                "status": status,
                "hours_attended": row.decimal("hours_attended"),
                "passed": passed,
                "certificate_no": certificate_no,
                "certificate_issued_on": issued_on,
                "completed_on": completed_on,
                "created_at": local_time(cohorts[cohort_id]["starts_on"]),
                "updated_at": local_time(completed_on or cohorts[cohort_id]["starts_on"]),
            }
        )
        if status == "completed" and passed:
            passed_programs.append((resident_id, cohorts[cohort_id]["program_code"]))
    return enrollments, passed_programs


def read_orders(directory: Path, firms: set[int], cohorts: set[int]) -> list[dict]:
    orders = []
    ids: set[int] = set()
    columns = ("id", "firm_id", "product", "quantity", "unit_rate", "due_on", "cohort_id")
    for row in read(directory, "orders.csv", (*columns, "workshop", "placed_on")):
        order_id = row.integer("id", minimum=1)
        unique(row, "id", order_id, ids)
        placed_on = row.day("placed_on")
        orders.append(
            {
                "id": order_id,
                "firm_id": row.ref("firm_id", firms),
                "product": row.text("product", 64),
                "quantity": row.integer("quantity", minimum=1),
                "unit_rate": row.decimal("unit_rate", Decimal(0)),
                "due_on": row.day("due_on", optional=True),
                "cohort_id": row.ref("cohort_id", cohorts, optional=True),
                "workshop": row.text("workshop", 128, optional=True),
                "delivered": 0,
                "accepted": 0,
                "completed_on": None,
                "created_at": local_time(placed_on),
                "updated_at": local_time(placed_on),
            }
        )
    return orders


def read_deliveries(directory: Path, orders: dict[int, dict], residents: set[int]):
    """Deliveries; also sets each order's ``delivered`` and ``accepted`` sums and, for an order
    delivered in full, ``completed_on`` (the day of its last delivery)."""
    deliveries, last_day = [], {}
    ids: set[int] = set()
    columns = ("id", "order_id", "resident_id", "quantity", "accepted", "reject_reason")
    for row in read(directory, "deliveries.csv", (*columns, "delivered_on")):
        delivery_id = row.integer("id", minimum=1)
        unique(row, "id", delivery_id, ids)
        order = orders[row.ref("order_id", orders)]
        quantity = row.integer("quantity", minimum=1)
        accepted = row.integer("accepted", minimum=0)
        if accepted > quantity:
            raise row.fail("验收合格数不能大于交货数。", "accepted")
        order["delivered"] += quantity
        order["accepted"] += accepted
        if order["delivered"] > order["quantity"]:
            raise row.fail(f"累计交货超过订单数量{order['quantity']}。", "quantity")
        delivered_on = row.day("delivered_on")
        if accepted < quantity and not row.raw("reject_reason"):
            raise row.fail("有不合格品时须写明原因。", "reject_reason")
        last_day[order["id"]] = max(last_day.get(order["id"], delivered_on), delivered_on)
        deliveries.append(
            {
                "id": delivery_id,
                "order_id": order["id"],
                "resident_id": row.ref("resident_id", residents),
                "quantity": quantity,
                "accepted": accepted,
                "reject_reason": row.text("reject_reason", 128, optional=True),
                "delivered_on": delivered_on,
                "created_at": local_time(delivered_on),
                "updated_at": local_time(delivered_on),
            }
        )
    for order in orders.values():
        if order["delivered"] == order["quantity"]:
            order["completed_on"] = last_day[order["id"]]
    return deliveries


def read_applications(directory: Path, residents: set[int], posts: dict[int, dict]):
    """Applications; raises at the first hire beyond a post's openings."""
    applications: dict[int, dict] = {}
    ids: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    hired: Counter = Counter()
    columns = ("id", "resident_id", "post_id", "status", "reason", "note")
    for row in read(directory, "applications.csv", columns):
        application_id = row.integer("id", minimum=1)
        unique(row, "id", application_id, ids)
        resident_id = row.ref("resident_id", residents)
        post_id = row.ref("post_id", posts)
        unique(row, "post_id", (resident_id, post_id), pairs)
        status = row.choice("status", APPLICATION_STATUSES)
        reason = row.choice("reason", REASONS, optional=status not in ENDED)
        if reason and status not in ENDED:
            raise row.fail("只有被拒绝或撤回的申请才填写原因。", "reason")
        if status == "hired":
            hired[post_id] += 1
            if hired[post_id] > posts[post_id]["openings"]:
                raise row.fail("录用人数超过岗位招聘人数。", "status")
        applications[application_id] = {
            "id": application_id,
            "resident_id": resident_id,
            "post_id": post_id,
            "status": status,
            "reason": reason,
            "note": row.text("note", 500, optional=True),
            "hired_at": None,
            "row": row.row_no,
        }
    return applications, hired


def read_events(directory: Path, applications: dict[int, dict]) -> list[dict]:
    """Status history; every chain starts from nothing and ends at the application's status."""
    events, last = [], {}
    columns = ("application_id", "at", "from_status", "to_status", "reason", "note")
    for row in read(directory, "application_events.csv", columns):
        application_id = row.ref("application_id", applications)
        from_status = row.choice("from_status", APPLICATION_STATUSES, optional=True)
        to_status = row.choice("to_status", APPLICATION_STATUSES)
        at = row.moment("at")
        previous = last.get(application_id)
        if from_status != (previous["to_status"] if previous else None):
            raise row.fail("状态变更与上一条记录接不上。", "from_status")
        if previous and at < previous["created_at"]:
            raise row.fail("时间早于上一条记录。", "at")
        reason = row.choice("reason", REASONS, optional=to_status not in ENDED)
        event = {
            "application_id": application_id,
            "from_status": from_status,
            "to_status": to_status,
            "reason": reason,
            "note": row.text("note", 500, optional=True),
            "created_at": at,
            "updated_at": at,
        }
        events.append(event)
        last[application_id] = event
        application = applications[application_id]
        application.setdefault("created_at", at)
        application["updated_at"] = at
        application["hired_at"] = at if to_status == "hired" else None
    for application in applications.values():
        final = last.get(application["id"])
        if final is None or final["to_status"] != application["status"]:
            raise SeedError(
                "applications.csv", application["row"], "状态与变更记录的最后一条不一致。", "status"
            )
    return events
