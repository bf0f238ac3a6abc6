"""Employment spells behind the seed's hires, their follow-ups, and household numbers.

Drawn with a random generator of their own, after everything else, so that adding them
changed no other file's draws. Each hire opens a spell on its hire day at the post's floor
wage. A placed worker leaves with a chance of about 10% in the first month, 12% in months
2-3 and 10% in months 4-6 (quitting most often, then contract ends, moving away, dismissal).
Staff call at 1, 3 and 6 months, a few days after the checkpoint; a call that has just come
due is left unmade about half the time (the task list on the snapshot day), and once a call is
missed the later ones are not made either. The call after a departure records it, and ends
the spell; a resident whose every spell has ended is unemployed again.

Households: residents of a grid are grouped in households of one to four (户号 is the area
code, the community and a serial); a household never spans grids.
"""

import random
from datetime import date, timedelta

from jobmatch.employment.dates import add_months
from seedgen.common import AREA_CODE, RNG_SEED, SNAPSHOT, random_day

LEAVE_CHANCE = {1: 0.10, 3: 0.12, 6: 0.10}  # within the stretch ending at that checkpoint
REASONS = (("quit", 0.5), ("contract_ended", 0.2), ("moved_away", 0.2), ("dismissed", 0.1))
CALL_DELAY_DAYS = (0, 9)
JUST_DUE_DAYS = 30


def make_employment(applications, events, post_rows, residents) -> dict:
    rng = random.Random(RNG_SEED + 6)
    hired_on = {
        e["application_id"]: date.fromisoformat(e["at"][:10])
        for e in events
        if e["to_status"] == "hired"
    }
    wages = {p["id"]: (p["wage_min"], p["wage_max"]) for p in post_rows}
    firm_of = {p["id"]: p["firm_id"] for p in post_rows}
    spells, follow_ups = [], []
    for application in applications:
        if application["status"] != "hired":
            continue
        spell = {
            "id": len(spells) + 1,
            "application_id": application["id"],
            "resident_id": application["resident_id"],
            "post_id": application["post_id"],
            "firm_id": firm_of[application["post_id"]],
            "started_on": hired_on[application["id"]],
            "wage": wages[application["post_id"]][0],
            "ended_on": None,
            "end_reason": None,
        }
        spells.append(spell)
        follow_ups += _calls(spell, wages[application["post_id"]], rng)
    for number, call in enumerate(follow_ups, start=1):
        call["id"] = number
    _statuses(spells, residents)
    return {"spells": spells, "follow_ups": follow_ups}


def _calls(spell: dict, wage_range: tuple[int, int], rng: random.Random) -> list[dict]:
    calls = []
    stretch_start = spell["started_on"]
    left_on = None
    for months, chance in LEAVE_CHANCE.items():
        due = add_months(spell["started_on"], months)
        if left_on is None and rng.random() < chance:
            left_on = random_day(rng, stretch_start, due - timedelta(days=1))
        stretch_start = due
        if due > SNAPSHOT:
            break
        recorded_on = min(SNAPSHOT, due + timedelta(days=rng.randint(*CALL_DELAY_DAYS)))
        if (SNAPSHOT - due).days < JUST_DUE_DAYS and rng.random() < 0.5:
            break
        call = {
            "spell_id": spell["id"],
            "months": months,
            "due_on": due,
            "recorded_on": recorded_on,
            "outcome": "employed",
            "wage": None,
            "ended_on": None,
            "end_reason": None,
        }
        if left_on is not None:
            reason = rng.choices([r for r, _ in REASONS], weights=[w for _, w in REASONS])[0]
            call.update(outcome="ended", ended_on=left_on, end_reason=reason)
            spell["ended_on"], spell["end_reason"] = left_on, reason
            calls.append(call)
            break
        high = wage_range[1]
        call["wage"] = min(high, spell["wage"] + 100 * rng.randint(0, 4))
        spell["wage"] = call["wage"]
        calls.append(call)
    return calls


def _statuses(spells: list[dict], residents: list[dict]) -> None:
    still_working = {s["resident_id"] for s in spells if s["ended_on"] is None}
    hired = {s["resident_id"] for s in spells}
    for resident in residents:
        if resident["id"] in hired and resident["id"] not in still_working:
            resident["employment_status"] = "unemployed"


def assign_households(residents: list[dict]) -> None:
    rng = random.Random(RNG_SEED + 7)
    by_grid: dict = {}
    for resident in residents:
        by_grid.setdefault((resident["community_id"], resident["grid_id"]), []).append(resident)
    serial: dict = {}
    for (community_id, _grid), people in sorted(by_grid.items(), key=lambda item: item[0]):
        people = sorted(people, key=lambda r: r["id"])
        rng.shuffle(people)
        while people:
            size = rng.choices([1, 2, 3, 4], weights=[3, 4, 2, 1])[0]
            members, people = people[:size], people[size:]
            serial[community_id] = serial.get(community_id, 0) + 1
            number = f"{AREA_CODE}{community_id:03d}{serial[community_id]:04d}"
            for member in members:
                member["household_no"] = number
