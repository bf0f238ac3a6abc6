"""Ranking metrics per resident (the query), overall and by priority group.

Relevance is graded: a hire 1, an interview 0.5, anything else 0. NDCG@10 uses the graded gain
2^rel - 1; recall@10 and MAP count hires as the relevant items. A resident with nothing relevant
is left out of a metric that cannot be defined for them. Ties are broken by a seeded shuffle,
never by input order, so a ranker that scores everything alike earns what chance earns.
"""

import numpy as np

from jobmatch.residents.models import PRIORITY_GROUPS

K = 10
METRICS = ("ndcg@10", "recall@10", "map")


def _per_query(query: np.ndarray, score: np.ndarray, relevance: np.ndarray, seed: int):
    """Per-query NDCG@10, recall@10 and AP (NaN where undefined), with the query ids."""
    tiebreak = np.random.default_rng(seed).permutation(len(query))
    order = np.lexsort((tiebreak, -score, query))
    q, rel = query[order], relevance[order]
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
    counts = np.diff(np.r_[starts, len(q)])
    rank = np.arange(len(q)) - np.repeat(starts, counts) + 1  # 1-based within the query

    discount = 1.0 / np.log2(rank + 1)
    gain = (2.0**rel - 1.0) * discount * (rank <= K)
    dcg = np.add.reduceat(gain, starts)
    ideal_rel = relevance[np.lexsort((-relevance, query))]  # same query blocks as ``q``
    ideal_gain = (2.0**ideal_rel - 1.0) * discount * (rank <= K)
    idcg = np.add.reduceat(ideal_gain, starts)

    hired = (rel >= 1.0).astype(np.float64)
    n_hired = np.add.reduceat(hired, starts)
    hits_at_k = np.add.reduceat(hired * (rank <= K), starts)
    running = np.cumsum(hired)
    cumulative_hits = running - np.repeat(running[starts] - hired[starts], counts)
    precision_sum = np.add.reduceat(hired * cumulative_hits / rank, starts)

    with np.errstate(invalid="ignore", divide="ignore"):
        ndcg = np.where(idcg > 0, dcg / idcg, np.nan)
        recall = np.where(n_hired > 0, hits_at_k / n_hired, np.nan)
        ap = np.where(n_hired > 0, precision_sum / n_hired, np.nan)
    return q[starts], ndcg, recall, ap


def _summary(ndcg, recall, ap, mask) -> dict:
    def mean(values):
        chosen = values[mask & ~np.isnan(values)]
        return round(float(chosen.mean()), 4) if len(chosen) else None

    return {
        "ndcg@10": mean(ndcg),
        "recall@10": mean(recall),
        "map": mean(ap),
        "residents": int((mask & ~np.isnan(ndcg)).sum()),
    }


def evaluate(
    query: np.ndarray,
    score: np.ndarray,
    relevance: np.ndarray,
    groups_of: dict[int, frozenset[str]] | None = None,
    seed: int = 0,
) -> dict:
    """{"overall": {...}, "by_group": {group: {...}}} of the metrics over residents."""
    query = np.asarray(query, dtype=np.float64)
    ids, ndcg, recall, ap = _per_query(query, np.asarray(score), np.asarray(relevance), seed)
    everyone = np.ones(len(ids), dtype=bool)
    result = {"overall": _summary(ndcg, recall, ap, everyone), "by_group": {}}
    if groups_of is not None:
        member = [groups_of.get(int(i), frozenset()) for i in ids]
        for group in PRIORITY_GROUPS:
            mask = np.array([group in m for m in member], dtype=bool)
            result["by_group"][group] = _summary(ndcg, recall, ap, mask)
        none = np.array([not m for m in member], dtype=bool)
        result["by_group"]["none"] = _summary(ndcg, recall, ap, none)
    return result


def per_query_ndcg(query: np.ndarray, score: np.ndarray, relevance: np.ndarray, seed: int = 0):
    """NDCG@10 of each query in order of query id (NaN where nothing is relevant)."""
    _, ndcg, _, _ = _per_query(
        np.asarray(query, dtype=np.float64), np.asarray(score), np.asarray(relevance), seed
    )
    return ndcg


BOOTSTRAP_ROUNDS = 2000


def bootstrap_interval(values: np.ndarray, seed: int = 0, level: float = 0.95) -> dict:
    """Mean over queries with a percentile bootstrap interval (queries resampled)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    if not len(values):
        return {"mean": None, "low": None, "high": None, "queries": 0}
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(BOOTSTRAP_ROUNDS, len(values)))].mean(1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return {
        "mean": round(float(values.mean()), 4),
        "low": round(float(low), 4),
        "high": round(float(high), 4),
        "queries": int(len(values)),
    }


def paired_difference(a: np.ndarray, b: np.ndarray, seed: int = 0) -> dict:
    """Mean of a - b over the same queries, with its paired bootstrap 95% interval."""
    return bootstrap_interval(np.asarray(a) - np.asarray(b), seed)
