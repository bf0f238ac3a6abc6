"""Training data from recorded outcomes, grouped evaluation, and the fitted model.

Outcomes: hired (relevance 1), interview (0.5), rejected or withdrawn (0); recommended and
applied are still open and left out. Residents are split once, by a stable hash of their id,
into training residents and held-out residents: the held-out ones never train any version, so
that every new version and the current one are compared on the same people.

Two protocols, each per resident (the query): "all_posts" ranks every post the resident was
eligible for (apart from the post's present status), an unapplied post counting as not
relevant, which is what serving does; "applications" ranks only the posts they applied to.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
from sklearn.model_selection import GroupKFold

from jobmatch.applications.enums import FINISHED_STATUSES
from jobmatch.applications.enums import ApplicationStatus as S
from jobmatch.matching.baselines import RandomRanker, RulesRanker, SkillOverlapRanker
from jobmatch.matching.eligibility import eligible
from jobmatch.matching.evaluation import evaluate
from jobmatch.matching.features import FEATURE_INDEX, History, pair_features, smoothed_rate
from jobmatch.matching.model import MODEL_KINDS, PipelineRanker, fit_explainer, fit_pipeline
from jobmatch.matching.tables import PostTable, ResidentTable, day_key

RELEVANCE = {S.HIRED: 1.0, S.INTERVIEW: 0.5, S.REJECTED: 0.0, S.WITHDRAWN: 0.0}
PRIMARY = ("all_posts", "ndcg@10")
HELD_OUT_SHARE = 5  # one resident in five


def is_held_out(resident_ids) -> np.ndarray:
    """Stable across retrains and data growth: a multiplicative hash of the id, modulo 5."""
    ids = np.asarray(resident_ids, dtype=np.uint64)
    return (ids * np.uint64(2654435761) % np.uint64(2**32)) % np.uint64(HELD_OUT_SHARE) == 0


def _earlier_sum(group: np.ndarray, position: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each row, the sum of ``values`` over rows of its group that came strictly before."""
    order = np.lexsort((position, group))
    v = values[order].astype(np.float64)
    exclusive = np.cumsum(v) - v
    starts = np.r_[True, group[order][1:] != group[order][:-1]]
    base = np.maximum.accumulate(np.where(starts, np.arange(len(v)), 0))
    result = np.empty_like(v)
    result[order] = exclusive - exclusive[base]
    return result


@dataclass
class Outcomes:
    residents: ResidentTable
    posts: PostTable
    resident_ids: np.ndarray
    post_ids: np.ndarray
    statuses: np.ndarray
    day_keys: np.ndarray  # applications in the order they were made (ties: by id)
    as_of: ResidentTable | None = None  # one row per application: the resident on that day

    @property
    def seen_posts(self) -> np.ndarray:
        """Rows of posts a resident could have applied to: open now, or applied to at least
        once (a post closed before anyone applied was never on offer)."""
        applied = np.isin(self.posts.ids, self.post_ids)
        return np.flatnonzero(self.posts.status_open | applied)

    @property
    def relevance(self) -> np.ndarray:
        return np.array([RELEVANCE[s] for s in self.statuses])

    @property
    def ri(self) -> np.ndarray:
        return np.array([self.residents.index[int(r)] for r in self.resident_ids], dtype=np.int64)

    @property
    def pi(self) -> np.ndarray:
        return np.array([self.posts.index[int(p)] for p in self.post_ids], dtype=np.int64)

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


def application_features(outcomes: Outcomes) -> np.ndarray:
    """Features of each recorded application with the history known when it was made."""
    position = np.lexsort((np.arange(len(outcomes.day_keys)), outcomes.day_keys))
    position = np.argsort(position)
    hired = outcomes.statuses == S.HIRED
    decided = hired | np.isin(outcomes.statuses, [S.REJECTED, S.WITHDRAWN])
    pi = outcomes.pi
    firms = outcomes.posts.firm_ids[pi]
    history = History(
        on_key=outcomes.day_keys,
        prior_applications=_earlier_sum(outcomes.resident_ids, position, np.ones(len(pi))),
        prior_hires=_earlier_sum(outcomes.resident_ids, position, hired),
        firm_hire_rate=smoothed_rate(
            _earlier_sum(firms, position, hired), _earlier_sum(firms, position, decided)
        ),
    )
    if outcomes.as_of is not None:
        rows = np.arange(len(pi))
        return pair_features(outcomes.as_of, outcomes.posts, rows, pi, 0, history=history)
    return pair_features(outcomes.residents, outcomes.posts, outcomes.ri, pi, 0, history=history)


NEGATIVES_PER_APPLICATION = 3
NEGATIVE_WEIGHT = 0.5


def with_unchosen_posts(outcomes: Outcomes, X_apps: np.ndarray, rows: np.ndarray, seed: int = 0):
    """The applications ``rows`` plus, for each, a few posts the resident was eligible for but
    did not apply to, as weighted non-hires: people apply where they fit, so a post passed over
    says something too, and the served ranking is over all posts, not only those applied to."""
    residents = outcomes.as_of if outcomes.as_of is not None else outcomes.residents
    r_rows = rows if outcomes.as_of is not None else outcomes.ri[rows]
    rng = np.random.default_rng(seed)
    seen = outcomes.seen_posts
    picks = seen[rng.integers(0, len(seen), size=(len(rows), NEGATIVES_PER_APPLICATION))]
    applied = set(zip(outcomes.resident_ids.tolist(), outcomes.post_ids.tolist(), strict=True))
    ri = np.repeat(r_rows, NEGATIVES_PER_APPLICATION)
    pi = picks.ravel()
    source = np.repeat(rows, NEGATIVES_PER_APPLICATION)
    ok = eligible(residents, outcomes.posts, ri, pi, date.today(), None, False)
    ok &= np.array(
        [
            (int(r), int(p)) not in applied
            for r, p in zip(outcomes.resident_ids[source], outcomes.posts.ids[pi], strict=True)
        ],
        dtype=bool,
    )
    ri, pi, source = ri[ok], pi[ok], source[ok]
    # The negatives share their application's history columns (counts, firm rate at that time
    # would differ by firm; the firm's current rate is close enough for a passed-over post).
    X_neg = pair_features(residents, outcomes.posts, ri, pi, 0, history=History(
        on_key=outcomes.day_keys[source],
        prior_applications=np.expm1(X_apps[source, FEATURE_INDEX["prior_applications"]]),
        prior_hires=X_apps[source, FEATURE_INDEX["prior_hires"]],
        firm_hire_rate=outcomes.posts.firm_hire_rate[pi],
    ))  # fmt: skip
    X = np.concatenate([X_apps[rows], X_neg])
    relevance = np.concatenate([outcomes.relevance[rows], np.zeros(len(X_neg))])
    weight = np.concatenate([np.ones(len(rows)), np.full(len(X_neg), NEGATIVE_WEIGHT)])
    return X, relevance, weight


@dataclass
class RankingPairs:
    """Every (resident, post) pair a set of residents was eligible for, with its relevance."""

    resident_ids: np.ndarray
    X: np.ndarray
    relevance: np.ndarray


def ranking_pairs(outcomes: Outcomes, resident_ids, today: date) -> RankingPairs:
    residents, posts = outcomes.residents, outcomes.posts
    rows = np.array([residents.index[int(r)] for r in resident_ids], dtype=np.int64)
    seen = outcomes.seen_posts
    grid = eligible(residents, posts, rows[:, None], seen[None, :], today, None, False)
    r_at, p_at = np.nonzero(grid)
    ri, pi = rows[r_at], seen[p_at]
    rid, pid = residents.ids[ri], posts.ids[pi]

    pair_key = outcomes.resident_ids * 10_000_000 + outcomes.post_ids
    relevance = dict(zip(pair_key.tolist(), outcomes.relevance.tolist(), strict=True))
    rel = np.array([relevance.get(k, 0.0) for k in (rid * 10_000_000 + pid).tolist()])

    # The firm's hire rate without the resident's own outcomes, which are what is being ranked.
    app_firms = posts.firm_ids[outcomes.pi]
    hired = (outcomes.statuses == S.HIRED).astype(float)
    decided = np.isin(outcomes.statuses, FINISHED_STATUSES).astype(float)
    firm_hires, firm_decided = {}, {}
    own_hires, own_decided = {}, {}
    for f, r, h, d in zip(
        app_firms.tolist(), outcomes.resident_ids.tolist(), hired, decided, strict=True
    ):
        firm_hires[f] = firm_hires.get(f, 0.0) + h
        firm_decided[f] = firm_decided.get(f, 0.0) + d
        own_hires[(r, f)] = own_hires.get((r, f), 0.0) + h
        own_decided[(r, f)] = own_decided.get((r, f), 0.0) + d
    firms = posts.firm_ids[pi].tolist()
    pairs = list(zip(rid.tolist(), firms, strict=True))
    hires = np.array(
        [firm_hires.get(f, 0.0) - own_hires.get(k, 0.0) for f, k in zip(firms, pairs, strict=True)]
    )
    dec = np.array(
        [
            firm_decided.get(f, 0.0) - own_decided.get(k, 0.0)
            for f, k in zip(firms, pairs, strict=True)
        ]
    )
    counts = dict(zip(*np.unique(outcomes.resident_ids, return_counts=True), strict=True))
    history = History(
        on_key=np.full(len(ri), day_key(today)),
        prior_applications=np.array([counts.get(r, 0) for r in rid.tolist()], dtype=float),
        prior_hires=np.zeros(len(ri)),  # the hires are what is ranked: never a feature here
        firm_hire_rate=smoothed_rate(hires, dec),
    )
    X = pair_features(residents, posts, ri, pi, 0, history=history)
    return RankingPairs(rid, X, rel)


def baseline_rankers() -> list:
    return [RandomRanker(), SkillOverlapRanker(), RulesRanker()]


def cross_validate(outcomes: Outcomes, today: date, n_splits: int = 5, kinds=MODEL_KINDS) -> dict:
    """GroupKFold by resident over the training residents: metrics per ranker and protocol."""
    X_apps = application_features(outcomes)
    rel_apps = outcomes.relevance
    train = ~is_held_out(outcomes.resident_ids)
    idx = np.flatnonzero(train)
    train_residents = np.unique(outcomes.resident_ids[idx])
    pairs = ranking_pairs(outcomes, train_residents, today)
    names = list(kinds) + [b.name for b in baseline_rankers()]
    scores = {
        p: {n: np.zeros(len(x)) for n in names}
        for p, x in (("applications", idx), ("all_posts", pairs.X))
    }
    folds = GroupKFold(n_splits=min(n_splits, len(train_residents)))
    for fit_at, test_at in folds.split(idx, groups=outcomes.resident_ids[idx]):
        fit_rows, test_rows = idx[fit_at], idx[test_at]
        in_test = np.isin(pairs.resident_ids, outcomes.resident_ids[test_rows])
        X_fit, rel_fit, w_fit = with_unchosen_posts(outcomes, X_apps, fit_rows)
        rankers = [
            PipelineRanker({"pipeline": pipe, "explainer": None, "kind": kind})
            for kind, pipe in ((k, fit_pipeline(k, X_fit, rel_fit, w_fit)) for k in kinds)
        ] + baseline_rankers()
        for name, ranker in zip(names, rankers, strict=True):
            scores["applications"][name][test_at] = ranker.score(X_apps[test_rows])
            scores["all_posts"][name][in_test] = ranker.score(pairs.X[in_test])
    groups = outcomes.groups_of()
    return {
        "applications": {
            n: evaluate(outcomes.resident_ids[idx], s, rel_apps[idx], groups)
            for n, s in scores["applications"].items()
        },
        "all_posts": {
            n: evaluate(pairs.resident_ids, s, pairs.relevance, groups)
            for n, s in scores["all_posts"].items()
        },
    }


def choose_kind(cv: dict, tolerance: float = 0.005) -> str:
    """The better model on the primary metric; logistic regression unless boosting is clearly
    better, because it is smaller, faster to serve and explains itself."""
    protocol, metric = PRIMARY
    logistic = cv[protocol]["logistic"]["overall"][metric] or 0.0
    boosting = cv[protocol].get("boosting", {}).get("overall", {}).get(metric) or 0.0
    return "boosting" if boosting > logistic + tolerance else "logistic"


def fit_final(outcomes: Outcomes, kind: str) -> dict:
    """The payload saved as the artifact: the pipeline fitted on every training resident."""
    X_apps = application_features(outcomes)
    train = np.flatnonzero(~is_held_out(outcomes.resident_ids))
    X, relevance, weight = with_unchosen_posts(outcomes, X_apps, train)
    pipeline = fit_pipeline(kind, X, relevance, weight)
    return {"pipeline": pipeline, "explainer": fit_explainer(pipeline, X), "kind": kind}


def held_out_evaluation(outcomes: Outcomes, rankers: dict, today: date) -> dict:
    """Metrics of each named ranker on the held-out residents, on identical pairs."""
    held = np.unique(outcomes.resident_ids[is_held_out(outcomes.resident_ids)])
    if not len(held):
        return {}
    pairs = ranking_pairs(outcomes, held, today)
    groups = outcomes.groups_of()
    return {
        name: evaluate(pairs.resident_ids, ranker.score(pairs.X), pairs.relevance, groups)
        for name, ranker in rankers.items()
    }
