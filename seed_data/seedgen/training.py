"""Cohorts and enrollments (exactly 650 distinct residents completed training), piecework orders
and each trainee's deliveries."""

import random
from datetime import date, timedelta

from seedgen.common import SNAPSHOT, random_day
from seedgen.posts import _split_exactly

TRAINED_TOTAL = 650
KNOT_MAKERS = 103
LIVESTREAM_SELLERS = 20
ON_THE_JOB_BAG = 6
KNOT_ORDER = 100_000
BAG_ORDER = 50_000
BASE = "天镇县人社培训基地"

# program, start, end, relative number of first-time completers (classroom at the base)
CLASSROOM = [
    ("sewing", date(2025, 3, 10), date(2025, 4, 18), 42),
    ("elderly_care", date(2025, 5, 12), date(2025, 6, 20), 34),
    ("electronics_assembly", date(2025, 5, 19), date(2025, 6, 27), 30),
    ("food_processing", date(2025, 6, 2), date(2025, 6, 20), 36),
    ("electrician", date(2025, 6, 9), date(2025, 7, 18), 26),
    ("ecommerce", date(2025, 7, 7), date(2025, 8, 8), 28),
    ("sewing", date(2025, 8, 4), date(2025, 9, 12), 40),
    ("forklift", date(2025, 9, 15), date(2025, 10, 17), 22),
    ("chinese_knot", date(2025, 10, 13), date(2025, 11, 7), 28),
    ("bag_assembly", date(2025, 11, 3), date(2025, 12, 12), 36),
    ("livestream", date(2025, 11, 17), date(2025, 12, 5), 22),
    ("domestic_service", date(2025, 12, 1), date(2026, 1, 9), 28),
    ("pastry", date(2026, 1, 5), date(2026, 2, 6), 26),
    ("electronics_assembly", date(2026, 2, 23), date(2026, 4, 3), 28),
    ("elderly_care", date(2026, 3, 9), date(2026, 4, 17), 32),
    ("sewing", date(2026, 4, 7), date(2026, 5, 15), 38),
    ("forklift", date(2026, 4, 20), date(2026, 5, 22), 20),
    ("bag_assembly", date(2026, 5, 11), date(2026, 6, 19), 30),
    ("food_processing", date(2026, 5, 25), date(2026, 6, 12), 30),
    ("electrician", date(2026, 6, 8), date(2026, 7, 17), 24),
    ("ecommerce", date(2026, 7, 6), date(2026, 8, 7), 25),
    ("domestic_service", date(2026, 9, 7), date(2026, 10, 16), 26),
]
# Running now (on the snapshot day): everyone in them is still enrolled.
RUNNING = [
    ("ecommerce", date(2026, 10, 26), date(2026, 12, 4), 24),
    ("sewing", date(2026, 11, 2), date(2026, 12, 11), 30),
    ("elderly_care", date(2026, 11, 9), date(2026, 12, 18), 28),
]

# Who tends to take each program: (female share, youngest, oldest, minimum education rank).
AUDIENCE = {
    "chinese_knot": (0.9, 25, 64, 0), "livestream": (0.6, 18, 45, 2),
    "bag_assembly": (0.7, 20, 55, 0), "sewing": (0.85, 22, 58, 0),
    "electrician": (0.05, 20, 50, 2), "elderly_care": (0.85, 30, 60, 0),
    "ecommerce": (0.6, 18, 42, 2), "food_processing": (0.65, 22, 62, 0),
    "forklift": (0.1, 22, 55, 1), "domestic_service": (0.9, 28, 60, 0),
    "electronics_assembly": (0.55, 18, 48, 1), "pastry": (0.7, 22, 58, 0),
}  # fmt: skip
EDUCATION_RANK = {"other": 0, "primary": 1, "junior_high": 2, "senior_high": 3,
                  "secondary_vocational": 3, "college": 4, "bachelor": 5}  # fmt: skip


def _age_on(resident: dict, day: date) -> int:
    birth = resident["birth_date"]
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _fits(resident: dict, program: str, starts: date) -> bool:
    _female_share, youngest, oldest, education = AUDIENCE[program]
    age = _age_on(resident, starts)
    return youngest <= age <= oldest and EDUCATION_RANK[resident["education"]] >= education


def _pick(pool: list[dict], program: str, starts: date, count: int, rng: random.Random):
    female_share = AUDIENCE[program][0]
    fitting = [r for r in pool if _fits(r, program, starts)]
    weights = [female_share if r["female"] else 1 - female_share for r in fitting]
    chosen: list[dict] = []
    while len(chosen) < count:
        pick = rng.choices(fitting, weights=weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


class Registry:
    """Builds cohorts, enrollments and certificate numbers as the plan is laid out."""

    def __init__(self, programs: dict, rng: random.Random):
        self.programs, self.rng = programs, rng
        self.cohorts: list[dict] = []
        self.enrollments: list[dict] = []
        self.serial_by_year: dict[int, int] = {}

    def cohort(self, program: str, name: str, starts: date, ends: date, **fields) -> dict:
        cohort = {
            "id": len(self.cohorts) + 1,
            "program_code": program,
            "name": name,
            "mode": "classroom",
            "firm_id": None,
            "community_id": None,
            "location": BASE,
            "instructor": None,
            "starts_on": starts,
            "ends_on": ends,
            "capacity": 0,
            "hours": self.programs[program]["hours"],
        }
        cohort.update(fields)
        self.cohorts.append(cohort)
        return cohort

    def enrol(self, cohort: dict, resident: dict, status: str, passed: bool | None = None):
        hours = cohort["hours"]
        row = {
            "id": len(self.enrollments) + 1,
            "cohort_id": cohort["id"],
            "resident_id": resident["id"],
            "status": status,
            "hours_attended": 0.0,
            "passed": passed,
            "certificate_no": None,
            "certificate_issued_on": None,
            "completed_on": None,
        }
        if status == "completed":
            row["hours_attended"] = round(hours * self.rng.uniform(0.88, 1.0) * 2) / 2
            row["completed_on"] = cohort["ends_on"]
            if passed:
                issued = cohort["ends_on"] + timedelta(days=self.rng.randint(7, 21))
                row["certificate_issued_on"] = min(issued, SNAPSHOT)
        elif status == "dropped":
            row["hours_attended"] = round(hours * self.rng.uniform(0.1, 0.5) * 2) / 2
        else:
            elapsed = (SNAPSHOT - cohort["starts_on"]).days
            total = (cohort["ends_on"] - cohort["starts_on"]).days + 1
            row["hours_attended"] = round(hours * elapsed / total * self.rng.uniform(0.8, 1.0))
        self.enrollments.append(row)
        return row

    def number_certificates(self) -> None:
        """Serial numbers in issue order: area code, year, five-digit serial of that year."""
        issued = [e for e in self.enrollments if e["certificate_issued_on"]]
        for row in sorted(issued, key=lambda e: (e["certificate_issued_on"], e["id"])):
            year = row["certificate_issued_on"].year
            self.serial_by_year[year] = self.serial_by_year.get(year, 0) + 1
            row["certificate_no"] = f"140222{year}{self.serial_by_year[year]:05d}"


INSTRUCTORS = ["王秀梅", "李建华", "张凤英", "刘志强", "赵丽娟", "郭海东", "贾玉兰", "武俊杰"]


def make_training(residents, communities, firms, programs, rng: random.Random) -> dict:
    registry = Registry({p["code"]: p for p in programs}, rng)
    wanjiale = next(c for c in communities if c["name"] == "万家乐移民新区")
    bag_firm = next(f for f in firms if f["kind"] == "bags")
    knot_firm = next(f for f in firms if f["kind"] == "knots")
    trained: list[dict] = []  # first-time completers, in order; exactly TRAINED_TOTAL

    # The Wanjiale "livestream + making" class: two groups held in the district itself.
    start, end = date(2025, 4, 8), date(2025, 5, 9)
    venue = "万家乐移民新区社区服务中心扶贫车间"
    class_name = "万家乐移民新区“直播+制作”中国结培训班"
    knot_cohort = registry.cohort("chinese_knot", f"{class_name}（编织组）", start, end,
                                  community_id=wanjiale["id"], location=venue,
                                  instructor="张凤英")  # fmt: skip
    live_cohort = registry.cohort("livestream", f"{class_name}（直播组）", start, end,
                                  community_id=wanjiale["id"], location=venue,
                                  instructor="刘志强")  # fmt: skip
    neighbours = [r for r in residents if r["community_id"] == wanjiale["id"]]
    knot_makers = _pick(neighbours, "chinese_knot", start, KNOT_MAKERS, rng)
    others = [r for r in neighbours if r not in knot_makers]
    sellers = _pick(others, "livestream", start, LIVESTREAM_SELLERS, rng)
    for resident in knot_makers:
        registry.enrol(knot_cohort, resident, "completed", passed=True)
    for resident in sellers:
        registry.enrol(live_cohort, resident, "completed", passed=True)
    trained += knot_makers + sellers

    # Six residents spent a month learning bag assembly inside a bag firm (驻企跟班).
    bag_start, bag_end = date(2025, 9, 1), date(2025, 9, 30)
    on_the_job = registry.cohort("bag_assembly", f"{bag_firm['name']}驻企跟班学习班", bag_start,
                                 bag_end, mode="on_the_job", firm_id=bag_firm["id"],
                                 location=bag_firm["address"], hours=176)  # fmt: skip
    pool = [r for r in residents if r not in trained]
    bag_learners = _pick(pool, "bag_assembly", bag_start, ON_THE_JOB_BAG, rng)
    for resident in bag_learners:
        registry.enrol(on_the_job, resident, "completed", passed=True)
    trained += bag_learners

    # Classroom cohorts at the training base take the rest of the 650.
    remaining = TRAINED_TOTAL - len(trained)
    sizes = _split_exactly(remaining, [size for *_, size in CLASSROOM], rng)
    classroom = []
    for (program, starts, ends, _size), size in zip(CLASSROOM, sizes, strict=True):
        cohort = registry.cohort(program, f"{registry.programs[program]['name']}培训班"
                                 f"（{starts:%Y年%-m月}期）", starts, ends,
                                 instructor=rng.choice(INSTRUCTORS))  # fmt: skip
        pool = [r for r in residents if r not in trained and r["registered_on"] <= starts]
        for resident in _pick(pool, program, starts, size, rng):
            registry.enrol(cohort, resident, "completed", passed=rng.random() < 0.94)
            trained.append(resident)
        classroom.append(cohort)
    assert len(trained) == TRAINED_TOTAL

    # Some graduates come back for a second program; they are still counted once.
    first_end = {e["resident_id"]: e["completed_on"] for e in registry.enrollments}
    for _ in range(45):
        cohort = rng.choice(classroom[4:])
        candidates = [
            r for r in trained
            if first_end[r["id"]] < cohort["starts_on"]
            and _fits(r, cohort["program_code"], cohort["starts_on"])
            and not any(e["resident_id"] == r["id"] and e["cohort_id"] == cohort["id"]
                        for e in registry.enrollments)
        ]  # fmt: skip
        if candidates:
            registry.enrol(cohort, rng.choice(candidates), "completed", passed=True)

    # A few drop out of every class; they are not counted as trained.
    untrained = [r for r in residents if r not in trained]
    for cohort in [knot_cohort, live_cohort, *classroom]:
        dropouts = _pick(untrained, cohort["program_code"], cohort["starts_on"],
                         rng.randint(1, 4), rng)  # fmt: skip
        for resident in dropouts:
            registry.enrol(cohort, resident, "dropped")
            untrained.remove(resident)

    # Classes running on the snapshot day.
    for program, starts, ends, size in RUNNING:
        cohort = registry.cohort(program, f"{registry.programs[program]['name']}培训班"
                                 f"（{starts:%Y年%-m月}期）", starts, ends,
                                 instructor=rng.choice(INSTRUCTORS))  # fmt: skip
        for resident in _pick(untrained, program, starts, size, rng):
            registry.enrol(cohort, resident, "enrolled")
            untrained.remove(resident)
            resident["employment_status"] = "in_training"

    for cohort in registry.cohorts:
        count = sum(e["cohort_id"] == cohort["id"] for e in registry.enrollments)
        cohort["capacity"] = -(-(count + rng.randint(0, 4)) // 5) * 5
    registry.number_certificates()

    orders, deliveries = _orders(knot_firm, bag_firm, knot_cohort, on_the_job, knot_makers,
                                 bag_learners, registry, rng)  # fmt: skip
    return {
        "cohorts": registry.cohorts,
        "enrollments": registry.enrollments,
        "orders": orders,
        "deliveries": deliveries,
        "knot_makers": knot_makers,
        "livestream_sellers": sellers,
        "bag_learners": bag_learners,
    }


def _orders(knot_firm, bag_firm, knot_cohort, bag_cohort, knot_makers, bag_learners, registry,
            rng):  # fmt: skip
    orders = [
        {"id": 1, "firm_id": knot_firm["id"], "product": "chinese_knot", "quantity": KNOT_ORDER,
         "unit_rate": "1.20", "due_on": date(2025, 12, 31), "cohort_id": knot_cohort["id"],
         "workshop": "万家乐移民新区社区扶贫车间", "placed_on": date(2025, 5, 6)},
        {"id": 2, "firm_id": bag_firm["id"], "product": "bag", "quantity": BAG_ORDER,
         "unit_rate": "3.50", "due_on": date(2026, 12, 31), "cohort_id": bag_cohort["id"],
         "workshop": None, "placed_on": date(2025, 10, 8)},
    ]  # fmt: skip
    deliveries: list[dict] = []

    def deliver(order_id, resident_id, quantity, accepted, reason, day):
        deliveries.append({"id": len(deliveries) + 1, "order_id": order_id,
                           "resident_id": resident_id, "quantity": quantity,
                           "accepted": accepted, "reject_reason": reason,
                           "delivered_on": day})  # fmt: skip

    # Knots: every maker's share, handed in every week or two, every piece accepted.
    shares = _split_exactly(KNOT_ORDER, [rng.uniform(0.4, 1.8) for _ in knot_makers], rng)
    for resident, share in zip(knot_makers, shares, strict=True):
        visits = rng.randint(8, 16)
        days = sorted(random_day(rng, date(2025, 5, 16), date(2025, 12, 20)) for _ in range(visits))
        for day, quantity in zip(days, _split_exactly(share, [1] * visits, rng), strict=True):
            deliver(1, resident["id"], quantity, quantity, None, day)

    # Bags: the six learners from October 2025, the classroom bag graduates after their class.
    makers = [(r["id"], date(2025, 10, 15)) for r in bag_learners]
    cohort_end = {c["id"]: c["ends_on"] for c in registry.cohorts}
    bag_cohorts = {c["id"] for c in registry.cohorts
                   if c["program_code"] == "bag_assembly" and c["mode"] == "classroom"}  # fmt: skip
    for e in registry.enrollments:
        if e["cohort_id"] in bag_cohorts and e["passed"] and rng.random() < 0.7:
            makers.append((e["resident_id"], cohort_end[e["cohort_id"]] + timedelta(days=10)))
    bag_rows = []
    for resident_id, since in makers:
        day = since + timedelta(days=rng.randint(0, 6))
        while day <= SNAPSHOT - timedelta(days=3):
            bag_rows.append((day, resident_id))
            day += timedelta(days=rng.randint(6, 12))
    delivered, target = 0, 32_640
    reasons = ["线迹不匀", "拉链不顺", "尺寸偏差", "面料污渍"]
    for day, resident_id in sorted(bag_rows):
        quantity = min(rng.randint(30, 110), target - delivered)
        if quantity <= 0:
            break
        rejected = sum(rng.random() < 0.02 for _ in range(quantity))
        deliver(2, resident_id, quantity, quantity - rejected,
                rng.choice(reasons) if rejected else None, day)  # fmt: skip
        delivered += quantity
    return orders, deliveries
