"""Training examples and evaluation tables, every feature as of its own day.

Outcomes: hired (relevance 1), interview (0.5), rejected or withdrawn (0); recommended and
applied are still open and left out. The split, fixed before anything is fitted:

- **test**: every outcome of the held-out residents (one in five, by a stable hash of the id:
  they never train any version) and every outcome of the latest ``LATEST_WEEKS`` weeks;
- **validation**: another fifth of the residents, before those weeks: candidates are chosen
  and the chosen one calibrated on it;
- **fit**: the rest.

A training example is an application with its features as of the day it was made (the
resident's skills and training then, the firm's record from earlier outcomes only), plus a few
posts that were open that day, that the resident could have applied to and did not, as weighted
non-hires. An evaluation table has one query per resident and day: every post open that day
and eligible for them, ranked; the posts they applied to that day carry their outcome, the
rest count as not relevant. Models, the current version and the baselines are all scored on
one such table, built once by the served feature code (``pair_features``).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from jobmatch import clock
from jobmatch.applications.enums import ApplicationStatus as S
from jobmatch.matching.baselines import RandomRanker, RulesRanker, SkillOverlapRanker
from jobmatch.matching.eligibility import eligible
from jobmatch.matching.features import History, OutcomeLog, pair_features
from jobmatch.matching.tables import PostTable, ResidentTable, day_key

RELEVANCE = {S.HIRED: 1.0, S.INTERVIEW: 0.5, S.REJECTED: 0.0, S.WITHDRAWN: 0.0}
PRIMARY = ("test", "ndcg@10")
BUCKETS = 5  # one resident in five held out, another fifth for validation
LATEST_WEEKS = 8
NEGATIVES_PER_APPLICATION = 4
NEGATIVE_WEIGHT = 0.5


def resident_bucket(resident_ids) -> np.ndarray:
    """Stable across retrains and data growth: a multiplicative hash of the id, modulo 5."""
    ids = np.asarray(resident_ids, dtype=np.uint64)
    return (ids * np.uint64(2654435761) % np.uint64(2**32)) % np.uint64(BUCKETS)


def is_held_out(resident_ids) -> np.ndarray:
    return resident_bucket(resident_ids) == 0


def _from_key(key: int) -> date:
    return date(key // 10000, key // 100 % 100, key % 100)


@dataclass
class Outcomes:
    residents: ResidentTable
    posts: PostTable
    resident_ids: np.ndarray
    post_ids: np.ndarray
    statuses: np.ndarray
    day_keys: np.ndarray  # applications in the order they were made (ties: by id)
    as_of: ResidentTable | None = None  # one row per application: the resident on that day

    def __post_init__(self):
        self.ri = np.array([self.residents.index[int(r)] for r in self.resident_ids], dtype=int)
        self.pi = np.array([self.posts.index[int(p)] for p in self.post_ids], dtype=int)
        self.relevance = np.array([RELEVANCE[s] for s in self.statuses], dtype=np.float64)
        self.log = OutcomeLog(self.posts.firm_ids[self.pi], self.day_keys, self.statuses)

    def resident_rows(self, rows: np.ndarray) -> tuple[ResidentTable, np.ndarray]:
        """The table and row of each application's resident as they stood that day."""
        if self.as_of is not None:
            return self.as_of, rows
        return self.residents, self.ri[rows]

    def groups_of(self) -> dict[int, frozenset[str]]:
        from jobmatch.residents.models import PRIORITY_GROUPS

        return {
            int(rid): frozenset(g for g, on in zip(PRIORITY_GROUPS, row, strict=True) if on)
            for rid, row in zip(self.residents.ids, self.residents.groups, strict=True)
        }


def make_outcomes(residents, posts, applications, vocabulary, as_of=None) -> Outcomes:
    """From records and (resident_id, post_id, status, day) tuples in the order they were made;
    ``as_of`` optionally holds each application's resident record as of its day."""
    keep = [i for i, a in enumerate(applications) if a[2] in RELEVANCE]
    kept = [applications[i] for i in keep]
    return Outcomes(
        residents=ResidentTable(residents, vocabulary),
        posts=PostTable(posts, vocabulary),
        resident_ids=np.array([a[0] for a in kept], dtype=np.int64),
        post_ids=np.array([a[1] for a in kept], dtype=np.int64),
        statuses=np.array([a[2] for a in kept]),
        day_keys=np.array([day_key(a[3]) for a in kept], dtype=np.int64),
        as_of=None if as_of is None else ResidentTable([as_of[i] for i in keep], vocabulary),
    )


@dataclass
class Split:
    fit: np.ndarray  # boolean masks over the outcomes
    validation: np.ndarray
    test: np.ndarray
    held_out: np.ndarray
    latest: np.ndarray
    cutoff: date | None  # first day of the latest weeks; None when the data spans too little


def split(outcomes: Outcomes, latest_weeks: int = LATEST_WEEKS) -> Split:
    """The split above. When the latest weeks would hold over half of the outcomes (data that
    spans little time), there is no time split and the card says so."""
    bucket = resident_bucket(outcomes.resident_ids)
    held = bucket == 0
    latest = np.zeros(len(bucket), dtype=bool)
    cutoff = None
    if len(bucket):
        cutoff = _from_key(int(outcomes.day_keys.max())) - timedelta(weeks=latest_weeks)
        latest = outcomes.day_keys >= day_key(cutoff)
        if latest.mean() > 0.5:
            latest[:], cutoff = False, None
    test = held | latest
    return Split(~test & (bucket != 1), ~test & (bucket == 1), test, held, latest, cutoff)


def application_features(outcomes: Outcomes, rows: np.ndarray) -> np.ndarray:
    """Features of the recorded applications ``rows`` as of the day each was made."""
    table, r = outcomes.resident_rows(rows)
    pi, on = outcomes.pi[rows], outcomes.day_keys[rows]
    history = History(on, outcomes.log.rate_lift(outcomes.posts.firm_ids[pi], on))
    return pair_features(table, outcomes.posts, r, pi, 0, history=history)


def _applied_pairs(outcomes: Outcomes) -> set[tuple[int, int]]:
    return set(zip(outcomes.resident_ids.tolist(), outcomes.post_ids.tolist(), strict=True))


def _eligible_then(outcomes: Outcomes, table, r, pi, on) -> np.ndarray:
    """Eligible for the resident as they were, on a post open that day, judged that day."""
    ok = eligible(table, outcomes.posts, r, pi, clock.today(), post_side=False, on_keys=on)
    return ok & outcomes.posts.open_on(pi, on)


def training_set(outcomes: Outcomes, rows: np.ndarray, seed: int = 0):
    """The applications ``rows`` and, for each, up to NEGATIVES_PER_APPLICATION posts open on
    its day that the resident was eligible for and never applied to, as weighted non-hires:
    people apply where they fit, so a post passed over says something too."""
    X_apps = application_features(outcomes, rows)
    rng = np.random.default_rng(seed)
    source = np.repeat(rows, NEGATIVES_PER_APPLICATION)
    pi = rng.integers(0, len(outcomes.posts), size=len(source))
    table, r = outcomes.resident_rows(source)
    on = outcomes.day_keys[source]
    ok = _eligible_then(outcomes, table, r, pi, on)
    applied = _applied_pairs(outcomes)
    ok &= np.array(
        [
            (rid, pid) not in applied
            for rid, pid in zip(
                outcomes.resident_ids[source].tolist(), outcomes.posts.ids[pi].tolist(), strict=True
            )
        ],
        dtype=bool,
    )
    r, pi, on = r[ok], pi[ok], on[ok]
    history = History(on, outcomes.log.rate_lift(outcomes.posts.firm_ids[pi], on))
    X_neg = pair_features(table, outcomes.posts, r, pi, 0, history=history)
    X = np.concatenate([X_apps, X_neg])
    relevance = np.concatenate([outcomes.relevance[rows], np.zeros(len(X_neg))])
    weight = np.concatenate([np.ones(len(rows)), np.full(len(X_neg), NEGATIVE_WEIGHT)])
    return X, relevance, weight


@dataclass
class RankingTable:
    """One query per (resident, day): every post open that day and eligible for them."""

    query: np.ndarray  # query number of each pair
    resident_ids: np.ndarray  # of each query
    day_keys: np.ndarray  # of each query
    held_out: np.ndarray  # of each query: a held-out resident
    latest: np.ndarray  # of each query: a day in the latest weeks
    post_rows: np.ndarray  # of each pair
    X: np.ndarray
    relevance: np.ndarray

    @property
    def pair_residents(self) -> np.ndarray:
        return self.resident_ids[self.query]


def ranking_table(outcomes: Outcomes, rows: np.ndarray, split_: Split | None = None):
    rows = np.asarray(rows)
    keys = outcomes.resident_ids[rows] * 100_000_000 + outcomes.day_keys[rows]
    unique, first, query_of_row = np.unique(keys, return_index=True, return_inverse=True)
    q_rows = rows[first]  # one application of each query stands for its resident that day
    table, r = outcomes.resident_rows(q_rows)
    on = outcomes.day_keys[q_rows]
    n_posts = len(outcomes.posts)
    every = np.arange(n_posts)
    grid = _eligible_then(outcomes, table, r[:, None], every[None, :], on[:, None])
    relevance = np.zeros((len(unique), n_posts))
    applied = np.zeros((len(unique), n_posts), dtype=bool)
    np.maximum.at(relevance, (query_of_row, outcomes.pi[rows]), outcomes.relevance[rows])
    applied[query_of_row, outcomes.pi[rows]] = True
    q_at, p_at = np.nonzero(grid | applied)
    history = History(on[q_at], outcomes.log.rate_lift(outcomes.posts.firm_ids[p_at], on[q_at]))
    X = pair_features(table, outcomes.posts, r[q_at], p_at, 0, history=history)
    sp = split_ or split(outcomes)
    return RankingTable(
        query=q_at,
        resident_ids=outcomes.resident_ids[q_rows],
        day_keys=on,
        held_out=sp.held_out[q_rows],
        latest=sp.latest[q_rows],
        post_rows=p_at,
        X=X,
        relevance=relevance[q_at, p_at],
    )


def baseline_rankers() -> list:
    return [RandomRanker(), SkillOverlapRanker(), RulesRanker()]
