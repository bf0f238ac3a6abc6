"""Write jobmatch's seed data into seed_data/ (deterministic: two runs write the same files).

    python seed_data/generate.py

Reproduces the bureau's figures (docs/domain.md): 16 firms, 1,000 general and 300 skilled openings,
650 residents trained (103 knot makers and 20 livestream sellers from the Wanjiale class, 6
on-the-job bag learners), a 100,000-knot order fully delivered, a 50,000-bag order partly
delivered, 16 communities with 32 grids; plus about 3,000 residents and an application history
drawn from the hidden utility described in seedgen/history.py and README.md.
"""

import csv
import random
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from seedgen import catalogue, employment, history, people, places, posts, training  # noqa: E402
from seedgen.common import RNG_SEED, SNAPSHOT, join, sixteenth_birthday, write_csv  # noqa: E402

OCCUPATIONS = HERE / "occupations_csco22.csv"


def _occupation_codes() -> set[str]:
    with OCCUPATIONS.open(encoding="utf-8", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle) if row["level"] == "4"}


def _check_occupations(skills, programs, post_rows) -> None:
    known = _occupation_codes()
    used = {s["occupation_code"] for s in skills} | {p["occupation_code"] for p in programs}
    used |= {p["occupation_code"] for p in post_rows}
    missing = sorted(used - known)
    if missing:
        raise SystemExit(f"occupation codes not in {OCCUPATIONS.name}: {missing}")


def _fix_registration(residents, cohorts, enrollments, rng) -> None:
    """Everyone registered before their first class (and at 16 or older)."""
    starts = {c["id"]: c["starts_on"] for c in cohorts}
    first_class: dict[int, date] = {}
    for e in enrollments:
        day = starts[e["cohort_id"]]
        first_class[e["resident_id"]] = min(first_class.get(e["resident_id"], day), day)
    for r in residents:
        if r["id"] in first_class:
            latest = first_class[r["id"]] - timedelta(days=rng.randint(7, 45))
            r["registered_on"] = max(
                min(r["registered_on"], latest),
                date(2024, 3, 1),
                sixteenth_birthday(r["birth_date"]),
            )


def _employment(residents, plan, hires, applied_ids, rng) -> None:
    pieceworkers = {d["resident_id"] for d in plan["deliveries"]}
    for r in residents:
        if hires.get(r["id"]):
            r["employment_status"] = "employed"
        elif r["employment_status"] == "in_training":
            continue
        elif r["id"] in pieceworkers and rng.random() < 0.6:
            r["employment_status"] = "self_employed"  # piecework at home (居家灵活就业)
        elif r["id"] not in applied_ids and r["age"] >= 58 and rng.random() < 0.6:
            r["employment_status"] = "not_seeking"
        elif r["id"] not in applied_ids and rng.random() < 0.08:
            r["employment_status"] = "self_employed"


def main() -> None:
    rng = random.Random(RNG_SEED)
    communities, grids = places.make_communities(rng)
    firms = places.make_firms(rng)
    skills = catalogue.skill_rows()
    programs = catalogue.program_rows()
    post_rows = posts.make_posts(firms, rng)
    _check_occupations(skills, programs, post_rows)
    residents = people.make_residents(communities, grids, rng)
    plan = training.make_training(residents, communities, firms, programs, rng)
    _fix_registration(residents, plan["cohorts"], plan["enrollments"], rng)
    persons = history.build_people(residents, programs, plan["cohorts"], plan["enrollments"])
    past = history.make_history(persons, post_rows, firms, communities, rng)
    applied_ids = {a["resident_id"] for a in past["applications"]}
    _employment(residents, plan, past["hires"], applied_ids, rng)
    # Drawn last, each with a generator of its own: the files above keep their draws.
    past.update(
        employment.make_employment(past["applications"], past["events"], post_rows, residents)
    )
    employment.assign_households(residents)
    _write(communities, grids, firms, skills, programs, post_rows, residents, plan, past)
    _summary(post_rows, residents, plan, past)


def _write(communities, grids, firms, skills, programs, post_rows, residents, plan, past):
    write_csv(HERE / "communities.csv", ["id", "name", "lat", "lon"], communities)
    write_csv(HERE / "grids.csv", ["id", "community_id", "name", "party_branch", "lat", "lon"],
              grids)  # fmt: skip
    write_csv(HERE / "firms.csv",
              ["id", "name", "credit_code", "industry", "address", "lat", "lon"],
              firms)  # fmt: skip
    write_csv(HERE / "skills.csv", ["code", "name", "occupation_code"], skills)
    write_csv(
        HERE / "programs.csv",
        ["code", "name", "occupation_code", "hours", "certificate_type", "skills"],
        [{**p, "skills": join(p["skills"])} for p in programs],
    )
    write_csv(
        HERE / "posts.csv",
        ["id", "firm_id", "title", "category", "occupation_code", "openings", "wage_min",
         "wage_max", "shift", "required_skills", "required_certificates", "min_education",
         "min_age", "max_age", "meals_provided", "housing_provided", "status", "posted_on",
         "expires_on", "description"],
        [{**p, "required_skills": join(p["required_skills"]),
          "required_certificates": join(p["required_certificates"])} for p in post_rows],
    )  # fmt: skip
    write_csv(
        HERE / "residents.csv",
        ["id", "name", "id_number", "phone", "education", "community_id", "grid_id", "skills",
         "groups", "desired_wage", "shift_preference", "max_commute_km", "employment_status",
         "registered_on", "household_no"],
        [{**r, "skills": join(r["skills"]), "groups": join(r["groups"])} for r in residents],
    )  # fmt: skip
    write_csv(
        HERE / "cohorts.csv",
        ["id", "program_code", "name", "mode", "firm_id", "community_id", "location",
         "instructor", "starts_on", "ends_on", "capacity", "hours"],
        plan["cohorts"],
    )  # fmt: skip
    write_csv(
        HERE / "enrollments.csv",
        ["id", "cohort_id", "resident_id", "status", "hours_attended", "passed",
         "certificate_no", "certificate_issued_on", "completed_on"],
        plan["enrollments"],
    )  # fmt: skip
    write_csv(
        HERE / "orders.csv",
        [
            "id",
            "firm_id",
            "product",
            "quantity",
            "unit_rate",
            "due_on",
            "cohort_id",
            "workshop",
            "placed_on",
        ],
        plan["orders"],
    )
    write_csv(
        HERE / "deliveries.csv",
        ["id", "order_id", "resident_id", "quantity", "accepted", "reject_reason",
         "delivered_on"],
        plan["deliveries"],
    )  # fmt: skip
    write_csv(HERE / "applications.csv",
              ["id", "resident_id", "post_id", "status", "reason", "note"],
              past["applications"])  # fmt: skip
    write_csv(HERE / "application_events.csv",
              ["application_id", "at", "from_status", "to_status", "reason", "note"],
              past["events"])  # fmt: skip
    write_csv(HERE / "employment_spells.csv",
              ["id", "application_id", "resident_id", "post_id", "firm_id", "started_on", "wage",
               "ended_on", "end_reason"],
              past["spells"])  # fmt: skip
    write_csv(HERE / "employment_follow_ups.csv",
              ["id", "spell_id", "months", "due_on", "outcome", "wage", "ended_on", "end_reason",
               "recorded_on"],
              past["follow_ups"])  # fmt: skip


def _summary(post_rows, residents, plan, past) -> None:
    completed = {e["resident_id"] for e in plan["enrollments"] if e["status"] == "completed"}
    openings = Counter()
    filled = Counter()
    for p in post_rows:
        openings[p["category"]] += p["openings"]
        filled[p["category"]] += past["filled"][p["id"]]
    statuses = Counter(a["status"] for a in past["applications"])
    applicants = len({a["resident_id"] for a in past["applications"]})
    by_order = Counter()
    for d in plan["deliveries"]:
        by_order[d["order_id"], "delivered"] += d["quantity"]
        by_order[d["order_id"], "accepted"] += d["accepted"]
    size = sum(f.stat().st_size for f in HERE.glob("*.csv"))
    print(f"snapshot {SNAPSHOT}; residents {len(residents)}; trained {len(completed)}")
    print(f"openings {dict(openings)}; filled {dict(filled)}")
    print(f"applications {len(past['applications'])} by {applicants} residents; "
          f"events {len(past['events'])}; {dict(statuses)}")  # fmt: skip
    print(f"searches {past['searches']}, skipped {past['skipped']}")
    print(f"orders: {dict(by_order)}")
    ended = sum(1 for s in past["spells"] if s["ended_on"])
    print(f"spells {len(past['spells'])}, ended {ended}; follow-ups {len(past['follow_ups'])}")
    print(f"seed_data CSV files: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
