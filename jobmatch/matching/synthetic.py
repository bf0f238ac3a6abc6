"""A synthetic county whose true preferences are known: for tests and benchmarks, never served.

Residents apply to posts they are eligible for; whether a firm hires depends on a hidden utility
of skill coverage, training relevance, commute, wage against the wish and shift fit, so a ranker
that learns from outcomes should find it and one that only counts skills should not.
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


@dataclass
class World:
    vocabulary: Vocabulary
    residents: list[ResidentRecord]
    posts: list[PostRecord]
    applications: list[tuple[int, int, str, date]]  # resident id, post id, status, day


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


def hidden_utility(features: np.ndarray) -> np.ndarray:
    """What firms and residents truly weigh, in FEATURE_NAMES order (see features.py)."""
    coverage, training, km, wage_gap, shift_fit = (features[:, i] for i in (0, 3, 4, 7, 10))
    return 3.0 * coverage + 1.5 * training - 0.15 * km + 3.0 * wage_gap + 1.2 * shift_fit - 2.5


def make_world(n_residents=400, n_posts=40, applications_each=6, seed=0, today=None) -> World:
    from jobmatch.matching.eligibility import eligible
    from jobmatch.matching.features import pair_features
    from jobmatch.matching.tables import PostTable, ResidentTable, day_key

    rng = np.random.default_rng(seed)
    today = today or clock.today()
    vocab = vocabulary()
    firms = [(CENTRE[0] + rng.normal(0, 0.06), CENTRE[1] + rng.normal(0, 0.08)) for _ in range(12)]
    posts = []
    for pid in range(1, n_posts + 1):
        occ = int(rng.integers(len(OCCUPATIONS)))
        firm = int(rng.integers(len(firms)))
        wage_min = int(rng.integers(25, 50)) * 100
        skilled = rng.random() < 0.3
        posts.append(
            PostRecord(
                id=pid,
                firm_id=firm + 1,
                title=f"岗位{pid}",
                category="skilled" if skilled else "general",
                occupation_code=OCCUPATIONS[occ],
                openings=int(rng.integers(1, 30)),
                wage_min=wage_min,
                wage_max=wage_min + int(rng.integers(0, 15)) * 100,
                shift=str(rng.choice(["day", "day", "night", "rotating"])),
                min_education="junior_high" if skilled and rng.random() < 0.5 else None,
                min_age=16 if rng.random() < 0.7 else 18,
                max_age=int(rng.choice([None, 50, 55, 60], p=[0.4, 0.2, 0.2, 0.2]) or 0) or None,
                meals_provided=bool(rng.random() < 0.5),
                housing_provided=bool(rng.random() < 0.2),
                lat=firms[firm][0],
                lon=firms[firm][1],
                firm_name=f"企业{firm + 1}",
                required_skills=tuple(f"s{occ}{x}" for x in "ab"[: int(rng.choice([0, 1, 1, 2]))]),
                required_certificates=(f"p{occ}",) if skilled and rng.random() < 0.3 else (),
            )
        )
    residents = []
    for rid in range(1, n_residents + 1):
        born = date(1966, 1, 1) + timedelta(days=int(rng.integers(0, 38 * 365)))
        skills = {vocab.skills[i] for i in rng.choice(len(vocab.skills), rng.integers(0, 4))}
        completed = {vocab.programs[i] for i in rng.choice(len(vocab.programs), rng.integers(0, 2))}
        residents.append(
            ResidentRecord(
                id=rid,
                name=f"居民{rid}",
                birth_date=born,
                education=str(rng.choice(EDUCATIONS, p=[0.05, 0.2, 0.45, 0.15, 0.1, 0.05])),
                lat=CENTRE[0] + rng.normal(0, 0.05),
                lon=CENTRE[1] + rng.normal(0, 0.07),
                desired_wage=int(rng.integers(25, 55)) * 100 if rng.random() < 0.85 else None,
                shift_preference=str(rng.choice(["any", "day", "night"], p=[0.5, 0.4, 0.1])),
                max_commute_km=float(rng.integers(5, 30)) if rng.random() < 0.4 else None,
                skills=frozenset(skills),
                completed_programs=frozenset(completed),
                certificates=frozenset(c for c in completed if rng.random() < 0.8),
                groups=frozenset(str(g) for g in PRIORITY_GROUPS if rng.random() < 0.06),
            )
        )
    resident_table = ResidentTable(residents, vocab)
    post_table = PostTable(posts, vocab)
    applications = []
    start = today - timedelta(days=400)
    for row in range(len(resident_table)):
        ri = np.array([row])
        pi = np.flatnonzero(
            eligible(resident_table, post_table, ri, np.arange(len(posts)), today, post_side=False)
        )
        if not len(pi):
            continue
        chosen = rng.choice(pi, size=min(applications_each, len(pi)), replace=False)
        u = hidden_utility(pair_features(resident_table, post_table, ri, chosen, day_key(today)))
        u = u + rng.logistic(0, 0.6, size=len(u))
        for post_row, value in zip(chosen, u, strict=True):
            status = "hired" if value > 1.0 else "interview" if value > 0.3 else None
            status = status or str(rng.choice(["rejected", "withdrawn"], p=[0.8, 0.2]))
            day = start + timedelta(days=int(rng.integers(0, 390)))
            applications.append(
                (int(resident_table.ids[row]), int(posts[post_row].id), status, day)
            )
    return World(vocab, residents, posts, applications)
