"""Scoring eligible pairs, and the best of them: what both ranked lists are made of.

``score_eligible`` filters broadcast pairs by hard eligibility (eligibility.py) and scores the
survivors; ``top_k`` orders by score, ties to the smaller id. ``best_candidates`` is a post's
side at any size: at a million residents most of them pass a general post's hard filters, so
filtering alone still leaves some 850,000 pairs, whose one feature matrix (~200 MB, and every
temporary of its columns) is written and read back far beyond the CPU's caches. It scans the
residents a block at a time instead and keeps, of each block, its best ``keep`` pairs in
``top_k``'s own order: the best ``keep`` of every block's best are then exactly the best
``keep`` of all, with the same features and scores, in a fraction of the time and memory.
"""

from dataclasses import dataclass, fields
from datetime import date

import numpy as np

from jobmatch.matching.eligibility import commute_km, eligible
from jobmatch.matching.features import pair_features
from jobmatch.matching.snapshot import Snapshot
from jobmatch.matching.tables import day_key

BLOCK = 32_768  # residents scored at a time for one post: each block's columns stay in cache


@dataclass
class Scored:
    ri: np.ndarray
    pi: np.ndarray
    distance: np.ndarray
    X: np.ndarray
    model_score: np.ndarray

    def take(self, rows: np.ndarray) -> "Scored":
        return Scored(
            self.ri[rows], self.pi[rows], self.distance[rows], self.X[rows], self.model_score[rows]
        )


def score_eligible(snapshot: Snapshot, ranker, ri, pi, today: date) -> Scored:
    """Eligible pairs among the broadcast (ri, pi), their features and model scores."""
    residents, posts = snapshot.residents, snapshot.posts
    one_resident, one_post = np.size(ri) == 1, np.size(pi) == 1
    distance = commute_km(residents, posts, ri, pi)
    mask = eligible(residents, posts, ri, pi, today, distance)
    ri_all, pi_all, distance = np.broadcast_arrays(ri, pi, distance)
    ri, pi, distance = ri_all[mask], pi_all[mask], distance[mask]
    # One post (or resident) stays one row that broadcasts, rather than n gathered copies.
    X = pair_features(
        residents,
        posts,
        ri[:1] if one_resident else ri,
        pi[:1] if one_post else pi,
        day_key(today),
        distance=distance,
    )
    return Scored(ri, pi, distance, X, ranker.score(X) if len(X) else np.zeros(0))


def top_k(scores: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, ties broken by the smaller id, deterministically."""
    if len(scores) > k:
        threshold = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = np.flatnonzero(scores >= threshold)
    else:
        keep = np.arange(len(scores))
    return keep[np.lexsort((ids[keep], -scores[keep]))][:k]


def best_candidates(snapshot: Snapshot, ranker, p: int, today: date, keep: int) -> Scored:
    """The ``keep`` best eligible residents for post row ``p``, best first (top_k's order)."""
    residents, post = snapshot.residents, np.array([p])
    kept = []
    for start in range(0, len(residents), BLOCK):
        rows = np.arange(start, min(start + BLOCK, len(residents)))
        scored = score_eligible(snapshot, ranker, rows, post, today)
        kept.append(scored.take(top_k(scored.model_score, residents.ids[scored.ri], keep)))
    if not kept:
        return score_eligible(snapshot, ranker, np.zeros(0, dtype=np.int64), post, today)
    merged = Scored(*(np.concatenate([getattr(s, f.name) for s in kept]) for f in fields(Scored)))
    return merged.take(top_k(merged.model_score, residents.ids[merged.ri], keep))
