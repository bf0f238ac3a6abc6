"""A post's candidates, scanned a block of residents at a time, are exactly the full scan's.

The world has many residents whom a post's hard filters turn away (too young or old, too little
schooling, no certificate, too far for their own commute limit, no address), and rankers with
many exact ties (skill overlap), so that the block boundaries, the tie-break by id and the
columns each post asks about are all exercised.
"""

import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from jobmatch.matching import scoring
from jobmatch.matching.baselines import RulesRanker, SkillOverlapRanker
from jobmatch.matching.eligibility import commute_km, eligible
from jobmatch.matching.features import FEATURE_INDEX, pair_features
from jobmatch.matching.reasons import ReasonWriter
from jobmatch.matching.registry import ModelStore
from jobmatch.matching.snapshot import Snapshot
from jobmatch.matching.tables import PostRecord, PostTable, ResidentRecord, ResidentTable, day_key
from tests.test_matching_features import TODAY, VOCABULARY

MODELS = Path(__file__).resolve().parent.parent / "models"
SHIPPED_MODEL = ModelStore(MODELS).load("ranker-v0002")[0]
EDUCATIONS = ["primary", "junior_high", "senior_high", "secondary_vocational", "bachelor"]


def city(n_residents: int = 3000, seed: int = 7) -> Snapshot:
    rng = random.Random(seed)
    people = [
        ResidentRecord(
            id=1000 + i,
            name=f"居民{i}",
            birth_date=date(1956, 1, 1) + timedelta(days=rng.randrange(50 * 365)),
            education=rng.choice(EDUCATIONS),
            lat=None if rng.random() < 0.05 else 40.0 + rng.choice([0.0, 0.1, 0.3, 0.6]),
            lon=114.0,
            desired_wage=rng.choice([None, 3000, 3500, 4000, 4500]),
            shift_preference=rng.choice(["any", "day", "night"]),
            max_commute_km=rng.choice([None, 5.0, 15.0, 40.0]),
            skills=frozenset(rng.sample(VOCABULARY.skills, rng.randrange(0, 3))),
            completed_programs=frozenset(rng.sample(VOCABULARY.programs, rng.randrange(0, 2))),
            certificates=frozenset(["p1"] if rng.random() < 0.1 else []),
            groups=frozenset(["disabled"] if rng.random() < 0.1 else []),
            has_transport=rng.choice([None, True, False]),
        )
        for i in range(n_residents)
    ]
    jobs = [
        PostRecord(id=1, firm_id=1, title="普工", lat=40.0, lon=114.0),
        PostRecord(
            id=2, firm_id=1, title="缝纫工", lat=40.2, lon=114.0, required_skills=("a", "b"),
            occupation_code="6-05-01-03", min_age=25, max_age=40, min_education="senior_high",
        ),
        PostRecord(
            id=3, firm_id=2, title="电工", lat=40.5, lon=114.0, required_skills=("c",),
            occupation_code="6-31-03-05", required_certificates=("p1",), category="skilled",
            shift="night", wage_min=4000, wage_max=5000,
        ),
        PostRecord(id=4, firm_id=2, title="包装", lat=40.1, lon=114.0, min_age=50, max_age=60),
    ]  # fmt: skip
    residents, posts = ResidentTable(people, VOCABULARY), PostTable(jobs, VOCABULARY)
    residents.remove([1000 + i for i in range(0, n_residents, 13)])
    return Snapshot(VOCABULARY, residents, posts, 0.0, TODAY)


def full_scan(snapshot, ranker, p, keep):
    everyone = np.arange(len(snapshot.residents))
    scored = scoring.score_eligible(snapshot, ranker, everyone, np.array([p]), TODAY)
    return scored.take(scoring.top_k(scored.model_score, snapshot.residents.ids[scored.ri], keep))


@pytest.mark.parametrize(
    "ranker", [RulesRanker(), SkillOverlapRanker(), SHIPPED_MODEL], ids=lambda r: r.name
)
@pytest.mark.parametrize("block", [1, 97, 1024, 100_000])
def test_blocks_find_exactly_what_the_full_scan_finds(monkeypatch, ranker, block):
    snapshot = city()
    monkeypatch.setattr(scoring, "BLOCK", block)
    writer = ReasonWriter(snapshot.residents, snapshot.posts)
    for p in range(len(snapshot.posts)):
        for keep in (1, 23, 5000):
            expected = full_scan(snapshot, ranker, p, keep)
            found = scoring.best_candidates(snapshot, ranker, p, TODAY, keep)
            assert found.ri.tolist() == expected.ri.tolist()
            assert found.model_score.tolist() == expected.model_score.tolist()
            assert np.array_equal(found.X, expected.X)
            assert np.array_equal(found.distance, expected.distance, equal_nan=True)
            explain = lambda s: writer.explain(  # noqa: E731
                s.ri, s.pi, s.X, ranker.contributions(s.X), s.distance
            )
            assert explain(found) == explain(expected)


def test_most_of_the_city_is_turned_away_by_the_hard_filters():
    """The world above means something only if the filters do bite."""
    snapshot = city()
    everyone, residents = np.arange(len(snapshot.residents)), snapshot.residents
    shares = [
        eligible(residents, snapshot.posts, everyone, np.array([p]), TODAY).mean()
        for p in range(len(snapshot.posts))
    ]
    assert max(shares) < 0.8 and min(shares) < 0.05
    found = scoring.best_candidates(snapshot, RulesRanker(), 2, TODAY, 10_000)
    assert 0 < len(found.ri) < 0.05 * len(residents)  # the certificate post: certificate holders
    assert residents.certificates[found.ri, VOCABULARY.program_column["p1"]].all()


def test_features_read_only_the_asked_columns_yet_count_every_one():
    """Skills, occupation skills and training read only the columns some post asks about;
    the counts, any and max are those over every column."""
    snapshot = city(400)
    residents, posts = snapshot.residents, snapshot.posts
    ri, pi = np.arange(len(residents))[:, None], np.arange(len(posts))[None, :]
    X = pair_features(residents, posts, ri, pi, day_key(TODAY)).reshape(len(residents), -1, 29)
    held = residents.skills[:, None, :]
    n_held = (held & posts.required_skills[None]).sum(-1)
    n_required = posts.required_count[None]
    coverage = np.where(n_required > 0, n_held / np.maximum(n_required, 1), 1.0)
    related = (held & posts.occupation_skills[None]).any(-1)
    training = (residents.completed[:, None, :] * posts.training_relevance[None]).max(-1)
    assert np.array_equal(X[..., FEATURE_INDEX["skill_coverage"]], coverage)
    assert np.array_equal(X[..., FEATURE_INDEX["related_skill"]], related)
    assert np.array_equal(X[..., FEATURE_INDEX["training_relevance"]], training)
    missing_certificate = (posts.certificates[None] & ~residents.certificates[:, None, :]).any(-1)
    distance = commute_km(residents, posts, ri, pi)
    mask = eligible(residents, posts, ri, pi, TODAY, distance)
    assert not (mask & missing_certificate).any() and missing_certificate.any()
