"""Matching without the database: features, eligibility, metrics, re-rank, reasons."""

import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobmatch.education import EDUCATION_RANK
from jobmatch.matching.baselines import RulesRanker
from jobmatch.matching.eligibility import commute_km, eligible
from jobmatch.matching.evaluation import evaluate
from jobmatch.matching.features import FEATURE_INDEX, FEATURE_NAMES, History, pair_features
from jobmatch.matching.reasons import ReasonWriter
from jobmatch.matching.rerank import PriorityPolicy
from jobmatch.matching.scoring import score_eligible, top_k
from jobmatch.matching.snapshot import Snapshot
from jobmatch.matching.tables import (
    PostRecord,
    PostTable,
    ResidentRecord,
    ResidentTable,
    Vocabulary,
    day_key,
)

TODAY = date(2026, 1, 10)
VOCABULARY = Vocabulary(
    skills=["a", "b", "c"],
    skill_names={"a": "缝纫", "b": "包装", "c": "电工"},
    skill_occupations={"a": "6-05-01-03", "b": "6-05-01-03", "c": "6-31-03-05"},
    programs=["p1", "p2"],
    program_names={"p1": "缝纫工", "p2": "电工"},
    program_occupations={"p1": "6-05-01-03", "p2": "6-31-03-05"},
)


def resident(**fields) -> ResidentRecord:
    values = {"id": 1, "name": "张三", "birth_date": date(1985, 6, 15), "lat": 40.40, "lon": 114.1}
    values.update(fields)
    return ResidentRecord(**values)


def post(**fields) -> PostRecord:
    values = {"id": 1, "firm_id": 1, "title": "车工", "lat": 40.45, "lon": 114.1}
    values.update(fields)
    return PostRecord(**values)


def tables(residents, posts):
    return ResidentTable(residents, VOCABULARY), PostTable(posts, VOCABULARY)


def test_features_match_a_hand_computed_vector():
    someone = resident(
        skills=frozenset({"a", "c"}),
        completed_programs=frozenset({"p1"}),
        education="junior_high",
        desired_wage=4000,
        shift_preference="day",
        max_commute_km=10.0,
        has_transport=False,
        caregiver=True,
        night_shift_ok=None,
    )
    job = post(
        required_skills=("a", "b"),
        occupation_code="6-05-01-03",
        wage_min=3000,
        wage_max=4000,
        shift="rotating",
        min_education="primary",
        min_age=18,
        max_age=50,
        meals_provided=True,
        category="skilled",
        firm_rate_lift=0.03,
    )
    residents, posts = tables([someone], [job])
    km = 6371.0088 * math.radians(0.05)  # 0.05 degrees due north
    expected = {
        "skill_coverage": 0.5,
        "skills_missing": 1,
        "related_skill": 1,
        "skilled_coverage": 0.5,
        "training_relevance": 1.0,
        "distance_km": km,
        "distance_unknown": 0,
        "commute_ratio": km / 10,
        "transport_yes": 0,
        "transport_no": 1,
        "wage_gap": (3500 - 4000) / 4000,
        "wage_below": 0,
        "wage_shortfall": 0,
        "desired_unknown": 0,
        "shift_fit": 0.5,
        "post_night": 0,
        "post_rotating": 1,
        "night_caregiver": 0,
        "night_refused": 0,
        "rotating_caregiver": 1,
        "caregiver": 1,
        "age_under_25": 0,
        "age_45_54": 0,
        "age_55_plus": 0,
        "age_margin": 10,  # 40 years old on TODAY; the post takes 18..50
        "education_margin": 1,
        "skilled_post": 1,
        "perks": 1,
        "firm_rate_lift": 0.03,
    }
    X = pair_features(residents, posts, np.array([0]), np.array([0]), day_key(TODAY))
    assert X.shape == (1, len(FEATURE_NAMES))
    assert dict(zip(FEATURE_NAMES, X[0], strict=True)) == pytest.approx(expected, rel=1e-9)


def test_features_of_a_stranger_without_wishes_or_address():
    residents, posts = tables(
        [resident(lat=None, lon=None, education="other")],
        [post(shift="night", occupation_code="6-31-03-05", required_skills=())],
    )
    x = pair_features(residents, posts, np.array([0]), np.array([0]), day_key(TODAY))[0]
    named = dict(zip(FEATURE_NAMES, x, strict=True))
    assert named["skill_coverage"] == 1.0  # nothing required: nothing missing
    assert named["related_skill"] == 0 and named["training_relevance"] == 0
    assert named["distance_km"] == 15.0 and named["distance_unknown"] == 1
    assert named["commute_ratio"] == pytest.approx(15 / 20)
    assert named["wage_gap"] == 0 and named["desired_unknown"] == 1
    assert named["shift_fit"] == 1.0  # "any" fits a night shift
    assert named["post_night"] == 1 and named["night_refused"] == 0  # nothing said: no penalty
    assert named["transport_yes"] == named["transport_no"] == named["caregiver"] == 0
    assert named["age_margin"] == 40 - 16


def test_training_relevance_grades_by_occupation_group():
    residents, posts = tables(
        [resident(completed_programs=frozenset({"p1"}))],
        [
            post(id=1, occupation_code="6-05-01-03"),
            post(id=2, occupation_code="6-05-01-99"),
            post(id=3, occupation_code="6-05-02-01"),
            post(id=4, occupation_code="4-01-06-02"),
        ],
    )
    X = pair_features(residents, posts, np.array([0]), np.arange(4), day_key(TODAY))
    assert X[:, FEATURE_INDEX["training_relevance"]].tolist() == [1.0, 0.5, 0.25, 0.0]


def test_one_builder_for_every_shape_of_pairs():
    """One resident x posts, residents x one post, aligned pairs and a grid agree."""
    rng = np.random.default_rng(3)
    people = [
        resident(id=i, lat=40.4 + rng.random() / 10, skills=frozenset({"a"} if i % 2 else {}))
        for i in range(1, 6)
    ]
    jobs = [post(id=j, required_skills=("a",), wage_min=2500 + 100 * j) for j in range(1, 4)]
    residents, posts = tables(people, jobs)
    key = day_key(TODAY)
    grid = pair_features(residents, posts, np.arange(5)[:, None], np.arange(3)[None, :], key)
    rows = pair_features(residents, posts, np.array([2]), np.arange(3), key)
    column = pair_features(residents, posts, np.arange(5), np.array([1]), key)
    aligned = pair_features(residents, posts, np.array([4, 0]), np.array([2, 1]), key)
    assert np.array_equal(grid.reshape(5, 3, -1)[2], rows)
    assert np.array_equal(grid.reshape(5, 3, -1)[:, 1], column)
    assert np.array_equal(aligned, grid.reshape(5, 3, -1)[[4, 0], [2, 1]])


def test_history_replaces_the_day_and_the_firms_record():
    residents, posts = tables([resident(birth_date=date(2000, 6, 1))], [post(firm_rate_lift=0.9)])
    history = History(np.array([day_key(date(2024, 1, 1))]), np.array([0.1]))
    x = pair_features(residents, posts, np.array([0]), np.array([0]), 0, history=history)[0]
    assert x[FEATURE_INDEX["firm_rate_lift"]] == 0.1
    assert x[FEATURE_INDEX["age_under_25"]] == 1  # 23 on the example's day, 25 on TODAY


def test_a_firms_record_counts_only_outcomes_before_the_day():
    from jobmatch.matching.features import OutcomeLog

    day = [day_key(date(2025, 3, d)) for d in (1, 2, 3, 3)]
    log = OutcomeLog([7, 7, 7, 8], day, ["hired", "rejected", "hired", "rejected"])
    on = [day_key(date(2025, 3, d)) for d in (1, 2, 3, 4)]
    lift = log.rate_lift([7, 7, 7, 7], on)
    assert lift[0] == 0.0  # nothing known yet: exactly the county's rate
    assert lift[1] > 0 and lift[2] < lift[1]  # a hire, then a rejection
    assert log.rate_lift([99], [on[3]])[0] == 0.0  # a firm without a record: the county's rate
    county = (2 + 0.2 * 10) / (4 + 10)  # two hires in four outcomes, shrunk to one in five
    assert log.county_rate([on[3]])[0] == pytest.approx(county)


# Eligibility, written out plainly from docs/domain.md, against the vectorised version.


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _haversine(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def plainly_eligible(r: ResidentRecord, p: PostRecord, today: date) -> bool | None:
    """The documented rule; None where a commute sits within float noise of the limit."""
    if p.status != "open" or p.openings - p.filled < 1:
        return False
    if p.expires_on is not None and p.expires_on < today:
        return False
    age = _age(r.birth_date, today)
    if age < p.min_age or (p.max_age is not None and age > p.max_age):
        return False
    if p.min_education and EDUCATION_RANK[r.education] < EDUCATION_RANK[p.min_education]:
        return False
    if not set(p.required_certificates) <= set(r.certificates):
        return False
    if r.max_commute_km is not None:
        if None in (r.lat, p.lat):
            return False
        distance = _haversine((r.lat, r.lon), (p.lat, p.lon))
        if abs(distance - r.max_commute_km) < 1e-9:
            return None
        return distance <= r.max_commute_km
    return True


PLACES = st.sampled_from([(40.42, 114.09), (40.50, 114.20), (40.30, 113.95), (None, None)])
EDUCATION = st.sampled_from(list(EDUCATION_RANK))
CERTS = st.frozensets(st.sampled_from(["p1", "p2"]))


@st.composite
def resident_records(draw, rid):
    place = draw(PLACES)
    return resident(
        id=rid,
        birth_date=draw(st.dates(date(1950, 1, 1), date(2012, 12, 31))),
        education=draw(EDUCATION),
        lat=place[0],
        lon=place[1],
        max_commute_km=draw(st.none() | st.floats(0.5, 40)),
        certificates=draw(CERTS),
        skills=draw(st.frozensets(st.sampled_from(["a", "b", "c"]))),
        desired_wage=draw(st.none() | st.integers(0, 8000)),
        shift_preference=draw(st.sampled_from(["any", "day", "night"])),
        groups=draw(st.frozensets(st.sampled_from(["relocated", "disabled"]))),
    )


@st.composite
def post_records(draw, pid):
    place = draw(PLACES)
    openings = draw(st.integers(1, 5))
    min_age = draw(st.integers(16, 40))
    return post(
        id=pid,
        status=draw(st.sampled_from(["open", "open", "paused", "closed"])),
        openings=openings,
        filled=draw(st.integers(0, openings)),
        expires_on=draw(st.none() | st.dates(TODAY - timedelta(days=3), TODAY + timedelta(days=3))),
        min_age=min_age,
        max_age=draw(st.none() | st.integers(min_age, 70)),
        min_education=draw(st.none() | EDUCATION),
        required_certificates=tuple(sorted(draw(CERTS))),
        required_skills=tuple(sorted(draw(st.frozensets(st.sampled_from(["a", "b"]))))),
        lat=place[0],
        lon=place[1],
        shift=draw(st.sampled_from(["day", "night", "rotating"])),
    )


@st.composite
def worlds(draw):
    n_residents, n_posts = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    people = [draw(resident_records(i)) for i in range(1, n_residents + 1)]
    jobs = [draw(post_records(j)) for j in range(1, n_posts + 1)]
    return people, jobs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_eligibility_is_exactly_the_documented_rule(world):
    people, jobs = world
    residents, posts = tables(people, jobs)
    mask = eligible(residents, posts, np.arange(len(people))[:, None], np.arange(len(jobs)), TODAY)
    for i, r in enumerate(people):
        for j, p in enumerate(jobs):
            expected = plainly_eligible(r, p, TODAY)
            if expected is not None:
                assert bool(mask[i, j]) == expected, (r, p)


@settings(max_examples=60, deadline=None)
@given(worlds(), st.integers(1, 5))
def test_rankings_never_hold_an_ineligible_pair(world, limit):
    people, jobs = world
    residents, posts = tables(people, jobs)
    snapshot = Snapshot(VOCABULARY, residents, posts, 0.0, TODAY)
    ranker = RulesRanker()
    for r in range(len(people)):  # each resident's list of posts
        scored = score_eligible(snapshot, ranker, np.array([r]), np.arange(len(jobs)), TODAY)
        for i in top_k(scored.model_score, posts.ids[scored.pi], limit):
            assert plainly_eligible(people[r], jobs[scored.pi[i]], TODAY) is not False
    for p in range(len(jobs)):  # each post's list of candidates
        scored = score_eligible(snapshot, ranker, np.arange(len(people)), np.array([p]), TODAY)
        for i in top_k(scored.model_score, residents.ids[scored.ri], limit):
            assert plainly_eligible(people[scored.ri[i]], jobs[p], TODAY) is not False


def test_commute_is_measured_between_the_two_places():
    residents, posts = tables([resident(lat=40.0, lon=114.0)], [post(lat=40.0, lon=115.0)])
    km = commute_km(residents, posts, np.array([0]), np.array([0]))[0]
    assert km == pytest.approx(_haversine((40.0, 114.0), (40.0, 115.0)))
    assert 85 < km < 86


def test_a_removed_resident_is_never_eligible():
    residents, posts = tables([resident(id=7)], [post()])
    residents.remove([7])
    assert not eligible(residents, posts, np.array([0]), np.array([0]), TODAY).any()


def test_metrics_on_a_hand_ranked_example():
    # Resident 1: the hire is ranked second of three. Resident 2: the hire first, interview next.
    result = evaluate(
        np.array([1, 1, 1, 2, 2]),
        np.array([0.9, 0.8, 0.1, 0.2, 0.7]),
        np.array([0.0, 1.0, 0.0, 0.5, 1.0]),
        {1: frozenset({"relocated"}), 2: frozenset()},
    )
    first_ndcg = 1 / math.log2(3)
    assert result["overall"]["ndcg@10"] == pytest.approx((first_ndcg + 1) / 2, abs=1e-4)
    assert result["overall"]["map"] == pytest.approx((0.5 + 1) / 2)
    assert result["overall"]["recall@10"] == 1.0
    assert result["by_group"]["relocated"]["ndcg@10"] == pytest.approx(first_ndcg, abs=1e-4)
    assert result["by_group"]["none"]["residents"] == 1


def test_priority_re_rank_moves_up_at_most_k_places():
    policy = PriorityPolicy(places=3)
    groups = np.zeros((12, 7), dtype=bool)
    groups[[6, 7], 0] = True
    groups[11, :] = True  # in every group: still at most three places
    order, moved = policy.reorder(groups)
    # 6 passes 3, 4 and 5; 7 passes 4 and 5 but never 6; 11 passes 8, 9 and 10.
    assert order.tolist() == [0, 1, 2, 6, 3, 7, 4, 5, 11, 8, 9, 10]
    assert moved.tolist() == [0] * 6 + [3, 2, 0, 0, 0, 3]
    assert (moved <= 3).all() and len(set(order.tolist())) == 12
    assert PriorityPolicy(places=0).reorder(groups)[0].tolist() == list(range(12))
    with pytest.raises(ValueError):
        PriorityPolicy(places=11)
    with pytest.raises(ValueError):
        PriorityPolicy(groups=("vip",))


def test_reasons_are_two_to_four_chinese_phrases_naming_what_is_missing():
    people = [
        resident(skills=frozenset({"a"}), desired_wage=5000, shift_preference="day"),
        resident(id=2, lat=None, lon=None),
    ]
    job = post(required_skills=("a", "c"), wage_min=3000, wage_max=4000, shift="night")
    residents, posts = tables(people, [job])
    writer = ReasonWriter(residents, posts)
    ranker = RulesRanker()
    X = pair_features(residents, posts, np.arange(2), np.array([0]), day_key(TODAY))
    distance = commute_km(residents, posts, np.arange(2), np.array([0]))
    (first, first_cautions, commute), (second, second_cautions, unknown) = writer.explain(
        [0, 1], [0, 0], X, ranker.contributions(X), distance
    )
    assert "缺少电工技能" in first_cautions and "缺少电工技能" not in first
    assert {"月薪低于期望", "夜班与意向不符"} <= set(first_cautions)
    assert "缺少缝纫、电工技能" in second_cautions
    assert not ({"缺少缝纫、电工技能", "月薪低于期望"} & set(first + second))
    assert all(len(x) <= 3 for x in (first, second, first_cautions, second_cautions))
    assert commute.startswith("距住所") and "分钟" in commute and "未登记" in unknown
