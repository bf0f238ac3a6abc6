"""Synthetic counties whose true preferences are known: for tests and benchmarks, never served.

Residents apply, on days spread over a year, to posts open that day that they are eligible for;
whether an application ends in a hire depends on a hidden utility plus noise, so a ranker that
learns from outcomes should find it, and the oracle (the utility itself) bounds what any ranker
can reach on the same outcomes. Two worlds with different truths:

- ``skills``: skill coverage, training, commute, wage against the wish and shift fit;
- ``household``: distance matters sharply without transport and for older residents, parents
  and carers refuse night shifts, some cannot work nights, firms differ in whom they keep, a
  post below the reservation wage is refused; transport, caring and nights are said by only
  some residents (the rest leave them empty), so the model must do without them there.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from jobmatch import clock
from jobmatch.matching.tables import PostRecord, ResidentRecord, Vocabulary
from jobmatch.residents.models import PRIORITY_GROUPS

CENTRE = (40.42, 114.09)  # Tianzhen county seat
OCCUPATIONS = ("6-05-01-03", "6-05-02-01", "6-09-03-17", "4-01-06-02", "6-31-03-05", "6-31-05-00")
EDUCATIONS = ("other", "primary", "junior_high", "senior_high", "secondary_vocational", "college")
SPAN_DAYS = 400


@dataclass
class World:
    vocabulary: Vocabulary
    residents: list[ResidentRecord]
    posts: list[PostRecord]
    applications: list[tuple[int, int, str, date]]  # resident id, post id, status, day
    truth: object  # truth(resident_rows, post_rows, today) -> utility, over the world's tables
    hidden: dict  # what residents did not say: resident id -> (transport, caregiver, night_ok)


def vocabulary() -> Vocabulary:
    skills, programs = [], []
    for i, occupation in enumerate(OCCUPATIONS):
        skills += [(f"s{i}a", occupation), (f"s{i}b", occupation)]
        programs.append((f"p{i}", occupation))
    return Vocabulary(
        skills=[code for code, _ in skills],
        skill_names={code: f"技能{code}" for code, _ in skills},
        skill_occupations=dict(skills),
        programs=[code for code, _ in programs],
        program_names={code: f"培训{code}" for code, _ in programs},
        program_occupations=dict(programs),
    )


def skills_utility(features: np.ndarray) -> np.ndarray:
    """The ``skills`` world's truth, read from the served features by name."""
    from jobmatch.matching.features import FEATURE_INDEX as F

    return (
        3.0 * features[:, F["skill_coverage"]]
        + 1.5 * features[:, F["training_relevance"]]
        - 0.15 * features[:, F["distance_km"]]
        + 3.0 * features[:, F["wage_gap"]]
        + 1.2 * features[:, F["shift_fit"]]
        - 2.5
    )


def _posts(rng, n_posts, start, n_firms=12) -> list[PostRecord]:
    firms = [
        (CENTRE[0] + rng.normal(0, 0.08), CENTRE[1] + rng.normal(0, 0.1)) for _ in range(n_firms)
    ]
    posts = []
    for pid in range(1, n_posts + 1):
        occ = int(rng.integers(len(OCCUPATIONS)))
        firm = int(rng.integers(len(firms)))
        wage_min = int(rng.integers(25, 50)) * 100
        skilled = rng.random() < 0.3
        late = rng.random() < 0.3
        posts.append(
            PostRecord(
                id=pid, firm_id=firm + 1, title=f"岗位{pid}",
                category="skilled" if skilled else "general", occupation_code=OCCUPATIONS[occ],
                openings=int(rng.integers(1, 30)), wage_min=wage_min,
                wage_max=wage_min + int(rng.integers(0, 15)) * 100,
                shift=str(rng.choice(["day", "day", "night", "rotating"])),
                min_education="junior_high" if skilled and rng.random() < 0.5 else None,
                min_age=16 if rng.random() < 0.7 else 18,
                max_age=int(rng.choice([None, 50, 55, 60], p=[0.4, 0.2, 0.2, 0.2]) or 0) or None,
                meals_provided=bool(rng.random() < 0.5),
                housing_provided=bool(rng.random() < 0.2),
                lat=firms[firm][0], lon=firms[firm][1], firm_name=f"企业{firm + 1}",
                required_skills=tuple(f"s{occ}{x}" for x in "ab"[: int(rng.choice([0, 1, 1, 2]))]),
                required_certificates=(f"p{occ}",) if skilled and rng.random() < 0.3 else (),
                opened_on=start + timedelta(days=int(rng.integers(30, 250))) if late else start,
            )
        )  # fmt: skip
    return posts


def _residents(rng, n, vocab, household: bool):
    residents, hidden = [], {}
    for rid in range(1, n + 1):
        born = date(1966, 1, 1) + timedelta(days=int(rng.integers(0, 38 * 365)))
        skills = {vocab.skills[i] for i in rng.choice(len(vocab.skills), rng.integers(0, 4))}
        completed = {vocab.programs[i] for i in rng.choice(len(vocab.programs), rng.integers(0, 2))}
        truth = (bool(rng.random() < 0.5), bool(rng.random() < 0.35), bool(rng.random() < 0.7))
        hidden[rid] = truth
        said = [v if household and rng.random() < 0.7 else None for v in truth]
        residents.append(
            ResidentRecord(
                id=rid, name=f"居民{rid}", birth_date=born,
                education=str(rng.choice(EDUCATIONS, p=[0.05, 0.2, 0.45, 0.15, 0.1, 0.05])),
                lat=CENTRE[0] + rng.normal(0, 0.06), lon=CENTRE[1] + rng.normal(0, 0.08),
                desired_wage=int(rng.integers(25, 55)) * 100 if rng.random() < 0.85 else None,
                shift_preference=str(rng.choice(["any", "day", "night"], p=[0.5, 0.4, 0.1])),
                max_commute_km=float(rng.integers(5, 30)) if rng.random() < 0.4 else None,
                skills=frozenset(skills), completed_programs=frozenset(completed),
                certificates=frozenset(c for c in completed if rng.random() < 0.8),
                groups=frozenset(str(g) for g in PRIORITY_GROUPS if rng.random() < 0.06),
                has_transport=said[0], caregiver=said[1], night_shift_ok=said[2],
            )
        )  # fmt: skip
    return residents, hidden


def make_world(
    n_residents=400, n_posts=40, applications_each=6, seed=0, today=None, kind="skills"
) -> World:
    from jobmatch.matching.eligibility import commute_km, eligible
    from jobmatch.matching.features import pair_features
    from jobmatch.matching.tables import PostTable, ResidentTable, day_key

    rng = np.random.default_rng(seed)
    today = today or clock.today()
    start = today - timedelta(days=SPAN_DAYS)
    vocab = vocabulary()
    posts = _posts(rng, n_posts, start)
    residents, hidden = _residents(rng, n_residents, vocab, kind == "household")
    R, P = ResidentTable(residents, vocab), PostTable(posts, vocab)
    firm_effect = rng.normal(0, 0.8, size=max(p.firm_id for p in posts) + 1)
    transport, caregiver, night_ok = (
        np.array([hidden[int(i)][k] for i in R.ids]) for k in range(3)
    )

    def truth(ri, pi, on: date = today) -> np.ndarray:
        X = pair_features(R, P, ri, pi, day_key(on))
        if kind == "skills":
            return skills_utility(X)
        from jobmatch.matching.features import FEATURE_INDEX as F

        ri, pi = np.broadcast_arrays(ri, pi)
        km = commute_km(R, P, ri, pi)
        km = np.where(np.isnan(km), 15.0, km)
        age = (day_key(on) - R.birth_key[ri]) // 10000
        walk = np.where(transport[ri], 0.04 * km, 0.35 * np.maximum(km - 3.0, 0.0))
        walk = walk + np.where(age >= 50, 0.08 * km, 0.0)
        night = P.shift[pi] == 1
        below = P.wage_max[pi] < np.nan_to_num(R.desired_wage[ri], nan=0.0)
        return (
            2.5 * X[:, F["skill_coverage"]] * np.where(P.skilled[pi] > 0, 1.6, 0.6)
            + 1.2 * X[:, F["training_relevance"]]
            - walk
            - 4.0 * (night & caregiver[ri])
            - 4.0 * (night & ~night_ok[ri])
            + firm_effect[P.firm_ids[pi]]
            - 2.5 * below
            + 1.5 * np.where(below, 0.0, X[:, F["wage_gap"]])
            + 0.8
        )

    applications = []
    everything = np.arange(len(posts))
    for row in range(len(R)):
        ri = np.array([row])
        days = sorted(start + timedelta(days=int(d)) for d in rng.integers(0, SPAN_DAYS, 12))
        taken: set[int] = set()
        for day in days:
            if len(taken) >= applications_each:
                break
            ok = eligible(R, P, ri, everything, today, post_side=False, on_keys=day_key(day))
            ok &= P.open_on(everything, day_key(day))
            choices = [p for p in np.flatnonzero(ok) if p not in taken]
            if not choices:
                continue
            p = int(rng.choice(choices))
            taken.add(p)
            value = float(truth(ri, np.array([p]), day)[0]) + rng.logistic(0, 0.6)
            status = "hired" if value > 1.0 else "interview" if value > 0.3 else None
            status = status or str(rng.choice(["rejected", "withdrawn"], p=[0.8, 0.2]))
            applications.append((int(R.ids[row]), int(posts[p].id), status, day))
    applications.sort(key=lambda a: a[3])
    return World(vocab, residents, posts, applications, truth, hidden)


class OracleRanker:
    """Scores a ranking table by the world's own hidden utility (for evaluation only)."""

    name = "oracle"

    def __init__(self, world: World, outcomes):
        self.world, self.outcomes = world, outcomes

    def score_table(self, table) -> np.ndarray:
        residents = self.outcomes.residents
        ri = np.array([residents.index[int(r)] for r in table.pair_residents])
        return self.world.truth(ri, table.post_rows)
