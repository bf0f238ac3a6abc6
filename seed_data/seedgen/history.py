"""Past applications and their event history, drawn from a hidden utility a ranker can learn.

For an eligible (resident, post) pair on the day of the application:

    u = BASE + 2.0 * skill_share + 1.2 * training_match - 0.12 * commute_km
        + 0.8 * wage_ok - 0.5 * wage_short_k + 0.6 * shift_fit + Normal(0, 0.5)
    P(hired) = 1 / (1 + exp(-u))

skill_share: share of the post's required skills the resident holds that day (declared skills
plus those conferred by training passed before it; 1 when the post requires none);
training_match: 1 when a passed program's occupation code is the post's; commute_km: haversine
distance from the resident's community to the firm; wage_ok: 1 when the post's wage_max meets
the desired wage (or none is given); wage_short_k: the shortfall in thousands of yuan;
shift_fit: 1 when the resident's shift preference is ``any`` or the post's shift.
A failed application gets the reason its weakest term suggests (skills, distance, wage, shift)
or no_show/other; applications made during a resident's own class are mostly withdrawn with
``in_training``.
"""

import math
import random
from datetime import date, datetime, time, timedelta

from seedgen.common import SNAPSHOT, haversine_km

BASE = -4.0
EDUCATION_RANK = {"other": 0, "primary": 1, "junior_high": 2, "senior_high": 3,
                  "secondary_vocational": 3, "college": 4, "bachelor": 5,
                  "postgraduate": 6}  # fmt: skip
HISTORY_STARTS = date(2025, 2, 10)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Person:
    """What the generator knows about one resident while it replays the history."""

    def __init__(self, resident, completions, windows, certificates):
        self.row = resident
        self.completions = completions  # (completed_on, program) for passed programs
        self.windows = windows  # (starts_on, ends_on) of every class the resident sat in
        self.certificates = certificates  # program code -> day the certificate was issued

    def skills_on(self, day: date) -> set[str]:
        held = set(self.row["skills"])
        for completed_on, program in self.completions:
            if completed_on <= day:
                held.update(program["skills"])
        return held

    def trained_for(self, occupation: str, day: date) -> bool:
        return any(
            done <= day and program["occupation_code"] == occupation
            for done, program in self.completions
        )

    def in_class_on(self, day: date) -> bool:
        return any(starts <= day <= ends for starts, ends in self.windows)


def terms(person: Person, post: dict, km: float, day: date) -> dict:
    """The observable terms of the hidden utility for one pair on one day."""
    required = post["required_skills"]
    held = person.skills_on(day)
    desired = person.row["desired_wage"]
    preference = person.row["shift_preference"]
    return {
        "skill_share": sum(s in held for s in required) / len(required) if required else 1.0,
        "training_match": 1.0 if person.trained_for(post["occupation_code"], day) else 0.0,
        "commute_km": km,
        "wage_ok": 1.0 if desired is None or post["wage_max"] >= desired else 0.0,
        "wage_short_k": max(0, (desired or 0) - post["wage_max"]) / 1000,
        "shift_fit": 1.0 if preference == "any" or preference == post["shift"] else 0.0,
    }


def utility(t: dict) -> float:
    return (
        BASE
        + 2.0 * t["skill_share"]
        + 1.2 * t["training_match"]
        - 0.12 * t["commute_km"]
        + 0.8 * t["wage_ok"]
        - 0.5 * t["wage_short_k"]
        + 0.6 * t["shift_fit"]
    )


def eligible(person: Person, post: dict, km: float, day: date, filled: dict) -> bool:
    """The hard eligibility filters (docs/domain.md), applied on the day of the application."""
    row = person.row
    age = _age_on(row["birth_date"], day)
    return (
        post["status"] == "open"
        and post["posted_on"] <= day <= post["expires_on"]
        and filled[post["id"]] < post["openings"]
        and post["min_age"] <= age
        and (post["max_age"] is None or age <= post["max_age"])
        and (
            post["min_education"] is None
            or EDUCATION_RANK[row["education"]] >= EDUCATION_RANK[post["min_education"]]
        )
        and all(person.certificates.get(code, SNAPSHOT + timedelta(1)) <= day
                for code in post["required_certificates"])
        and (row["max_commute_km"] is None or km <= row["max_commute_km"])
    )  # fmt: skip


def build_people(residents, programs, cohorts, enrollments) -> dict[int, Person]:
    program_by_code = {p["code"]: p for p in programs}
    cohort_by_id = {c["id"]: c for c in cohorts}
    completions: dict[int, list] = {r["id"]: [] for r in residents}
    windows: dict[int, list] = {r["id"]: [] for r in residents}
    certificates: dict[int, dict] = {r["id"]: {} for r in residents}
    for e in enrollments:
        cohort = cohort_by_id[e["cohort_id"]]
        windows[e["resident_id"]].append((cohort["starts_on"], cohort["ends_on"]))
        if e["status"] == "completed" and e["passed"]:
            program = program_by_code[cohort["program_code"]]
            completions[e["resident_id"]].append((e["completed_on"], program))
            certificates[e["resident_id"]][program["code"]] = e["certificate_issued_on"]
    return {
        r["id"]: Person(r, completions[r["id"]], windows[r["id"]], certificates[r["id"]])
        for r in residents
    }


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _failure_reason(t: dict, rng: random.Random) -> str:
    weights = {
        "skills": 2.0 * (1 - t["skill_share"]) + 0.05,
        "distance": 0.12 * t["commute_km"],
        "wage": 0.8 * (1 - t["wage_ok"]) + 0.5 * t["wage_short_k"],
        "shift": 0.6 * (1 - t["shift_fit"]),
        "no_show": 0.25,
        "other": 0.2,
    }
    return rng.choices(list(weights), weights=list(weights.values()))[0]


OTHER_NOTES = ["个人原因", "家中有事", "岗位调整", "已在本地打零工"]


def _timeline(origin: str, outcome: str, reason: str | None, start: date, rng) -> list:
    """The moves of one application: (day, from, to, reason, note)."""
    day = start
    moves = [(day, None, origin, None, None)]
    status = origin

    def move(to, why=None, gap=(1, 6)):
        nonlocal day, status
        day += timedelta(days=rng.randint(*gap))
        note = rng.choice(OTHER_NOTES) if why == "other" else None
        moves.append((day, status, to, why, note))
        status = to

    if outcome == "withdrawn_early":
        move("withdrawn", reason)
        return moves
    if origin == "recommended":
        move("applied")
    if outcome == "rejected_screen":
        move("rejected", reason, gap=(2, 8))
        return moves
    if outcome == "withdrawn_applied":
        move("withdrawn", reason)
        return moves
    move("interview", gap=(2, 9))
    if outcome == "hired":
        move("hired", gap=(1, 7))
    elif outcome == "withdrawn_interview":
        move("withdrawn", reason, gap=(1, 5))
    else:
        move("rejected", reason, gap=(1, 7))
    return moves


def _outcome(person, t, origin, day, p_hire, rng) -> tuple[str, str | None]:
    if person.in_class_on(day) and rng.random() < 0.6:
        return (
            "withdrawn_early" if origin == "recommended" else "withdrawn_applied"
        ), "in_training"
    if rng.random() < p_hire:
        return "hired", None
    reason = _failure_reason(t, rng)
    if reason == "skills":
        return ("rejected_screen" if rng.random() < 0.6 else "rejected_interview"), reason
    if reason == "no_show":
        return "rejected_interview", reason
    if reason in ("distance", "wage", "shift") and rng.random() < 0.8:
        stage = rng.choice(["early", "applied", "interview"] if origin == "recommended"
                           else ["applied", "interview"])  # fmt: skip
        return f"withdrawn_{stage}", reason
    if reason == "other" and rng.random() < 0.5:
        return "withdrawn_applied", reason
    return "rejected_interview", reason


def _search_days(person: Person, rng: random.Random) -> list[date]:
    row = person.row
    if person.completions and rng.random() < 0.7:
        start = min(done for done, _ in person.completions) + timedelta(days=rng.randint(3, 60))
    else:
        earliest = max(HISTORY_STARTS, row["registered_on"])
        start = earliest + timedelta(days=rng.randint(0, max(0, (SNAPSHOT - earliest).days - 10)))
    count = rng.choices(
        range(1, 19), weights=[3, 4, 5, 6, 7, 8, 9, 9, 9, 8, 8, 7, 6, 5, 4, 3, 2, 2]
    )[0]
    days = sorted(start + timedelta(days=rng.randint(0, 150)) for _ in range(count))
    return [d for d in days if d < SNAPSHOT]


def make_history(people: dict, posts: list, firms: list, communities: list, rng) -> dict:
    firm_at = {f["id"]: (f["lat"], f["lon"]) for f in firms}
    km = {
        (c["id"], f_id): haversine_km(c["lat"], c["lon"], *firm_at[f_id])
        for c in communities
        for f_id in firm_at
    }
    open_posts = [p for p in posts if p["status"] == "open"]
    filled = {p["id"]: 0 for p in posts}
    tasks = []
    for person in people.values():
        age = _age_on(person.row["birth_date"], SNAPSHOT)
        chance = 0.88 if person.completions else (0.8 if age <= 55 else 0.45 if age <= 62 else 0)
        if rng.random() < chance:
            tasks += [(day, person.row["id"]) for day in _search_days(person, rng)]
    tasks.sort()

    applications, events, hires = [], [], {}
    applied: dict[int, set] = {}
    skipped = {"already_hired": 0, "nothing_eligible": 0}
    for day, resident_id in tasks:
        person = people[resident_id]
        if hires.get(resident_id) and rng.random() < 0.92:
            skipped["already_hired"] += 1  # residents are usually hired once
            continue
        seen = applied.setdefault(resident_id, set())
        community = person.row["community_id"]
        options = [
            (post, terms(person, post, km[community, post["firm_id"]], day))
            for post in open_posts
            if post["id"] not in seen
            and eligible(person, post, km[community, post["firm_id"]], day, filled)
        ]
        if not options:
            skipped["nothing_eligible"] += 1
            continue
        # People apply where they fit better, but not only there.
        weights = [math.exp(0.6 * (utility(t) - BASE)) for _, t in options]
        post, t = rng.choices(options, weights=weights)[0]
        seen.add(post["id"])
        origin = "recommended" if rng.random() < 0.35 else "applied"
        p_hire = _sigmoid(utility(t) + rng.gauss(0, 0.5))
        outcome, reason = _outcome(person, t, origin, day, p_hire, rng)
        moves = [m for m in _timeline(origin, outcome, reason, day, rng) if m[0] <= SNAPSHOT]
        final = moves[-1]
        if final[2] == "hired":
            filled[post["id"]] += 1
            hires[resident_id] = hires.get(resident_id, 0) + 1
        application_id = len(applications) + 1
        applications.append(
            {"id": application_id, "resident_id": resident_id, "post_id": post["id"],
             "status": final[2], "reason": final[3], "note": final[4]}
        )  # fmt: skip
        for moved_on, from_status, to_status, why, note in moves:
            at = datetime.combine(moved_on, time(rng.randint(8, 17), rng.randint(0, 59)))
            events.append(
                {"application_id": application_id, "at": at.strftime("%Y-%m-%d %H:%M"),
                 "from_status": from_status, "to_status": to_status, "reason": why, "note": note}
            )  # fmt: skip
    return {
        "applications": applications,
        "events": events,
        "filled": filled,
        "hires": hires,
        "searches": len(tasks),
        "skipped": skipped,
    }
