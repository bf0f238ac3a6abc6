"""Batch allocation: spread referrals so every post with openings gets suitable candidates.

Each job-seeking resident is referred to at most one post in a batch, and a post to at most
``multiple`` x its openings left. Among the eligible pairs (each post's best ``2 x cap``
candidates in the order the candidate list shows, priority re-rank included), scipy's
linear_sum_assignment picks the referrals that maximise: 1 + score for each of a post's first
``openings_left`` referrals (so covering one more opening outweighs any gain in scores), score
alone for the rest of its cap. Above MAX_CELLS matrix cells a documented greedy is used instead:
posts with the fewest candidates choose first, round-robin, each taking its best free candidate.

A pair that already has an application (any status) is never proposed again; each proposed
pair carries the reasons the candidate list would show for it.

The answer compares the openings covered with plain top-k (each post its own best ``cap``,
residents repeated across posts), where at most one opening per resident can be filled: the
openings top-k can cover is a maximum flow from residents to posts.
"""

import numpy as np
from flask import current_app
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow
from sqlalchemy import select

from jobmatch import clock
from jobmatch.accounts.auth import is_staff
from jobmatch.applications.models import Application
from jobmatch.errors import Forbidden, Invalid
from jobmatch.extensions import db
from jobmatch.matching.reasons import ReasonWriter
from jobmatch.matching.scoring import score_eligible
from jobmatch.matching.service import engine

MAX_CELLS = 30_000_000
FORBIDDEN = 1e6


def _applied_pairs(post_ids) -> dict[int, set[int]]:
    """The residents who already have an application to each post, whatever its status."""
    pairs: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(Application.post_id, Application.resident_id).where(
            Application.post_id.in_([int(pid) for pid in post_ids])
        )
    )
    for post_id, resident_id in rows:
        pairs.setdefault(post_id, set()).add(resident_id)
    return pairs


def _candidate_lists(snapshot, ranker, policy, post_rows, pool, today, multiple):
    lists, scored_by_post = {}, {}
    applied = _applied_pairs(snapshot.posts.ids[post_rows])
    for p in post_rows:
        scored = score_eligible(snapshot, ranker, pool, np.array([p]), today)
        cap = multiple * int(snapshot.posts.openings_left[p])
        taken = applied.get(int(snapshot.posts.ids[p]), set())
        fresh = ~np.isin(snapshot.residents.ids[scored.ri], list(taken))
        ranked = np.lexsort((snapshot.residents.ids[scored.ri], -scored.model_score))
        ranked = ranked[fresh[ranked]][: 2 * cap + policy.places]
        lifted, _ = policy.reorder(snapshot.residents.groups[scored.ri[ranked]])
        order = ranked[lifted][: 2 * cap]
        lists[p] = (scored.ri[order], scored.model_score[order], cap)
        scored_by_post[p] = (scored, order)
    return lists, scored_by_post


def _reasons(snapshot, ranker, scored_by_post, chosen) -> dict[int, dict[int, list[str]]]:
    """Why each chosen resident suits their post, as the candidate list would say it."""
    writer = ReasonWriter(snapshot.residents, snapshot.posts)
    reasons = {}
    for p, picks in chosen.items():
        scored, order = scored_by_post[p]
        wanted = {r for r, _ in picks}
        at = order[np.isin(scored.ri[order], list(wanted))]
        if not len(at):
            reasons[p] = {}
            continue
        why = writer.explain(
            scored.ri[at], scored.pi[at], scored.X[at],
            ranker.contributions(scored.X[at]), scored.distance[at],
        )  # fmt: skip
        ids = snapshot.residents.ids[scored.ri[at]]
        reasons[p] = {int(rid): lines for rid, lines in zip(ids, why, strict=True)}
    return reasons


def _assignment(lists, posts) -> dict[int, list[tuple[int, float]]]:
    if not lists:  # no open post: nothing to assign (and nothing to concatenate)
        return {}
    residents = np.unique(np.concatenate([rows for rows, _, _ in lists.values()]))
    column = {}
    slots = []
    for p, (_, _, cap) in lists.items():
        for j in range(cap):
            slots.append((p, j < posts.openings_left[p]))
    if not len(residents) or not slots:
        return {p: [] for p in lists}
    cost = np.full((len(residents), len(slots)), FORBIDDEN)
    start = 0
    for p, (rows, scores, cap) in lists.items():
        at = np.searchsorted(residents, rows)
        bonus = np.array([1.0 if opening else 0.0 for _, opening in slots[start : start + cap]])
        cost[at, start : start + cap] = -(scores[:, None] + bonus[None, :])
        column[p] = start
        start += cap
    r_idx, c_idx = linear_sum_assignment(cost)
    chosen = {p: [] for p in lists}
    for r, c in zip(r_idx, c_idx, strict=True):
        if cost[r, c] < FORBIDDEN:
            chosen[slots[c][0]].append((int(residents[r]), -float(cost[r, c])))
    return chosen


def _greedy(lists) -> dict[int, list[tuple[int, float]]]:
    taken: set[int] = set()
    chosen = {p: [] for p in lists}
    cursor = dict.fromkeys(lists, 0)
    active = sorted(lists, key=lambda p: len(lists[p][0]))
    while active:
        still = []
        for p in active:
            rows, scores, cap = lists[p]
            while cursor[p] < len(rows) and int(rows[cursor[p]]) in taken:
                cursor[p] += 1
            if cursor[p] < len(rows) and len(chosen[p]) < cap:
                taken.add(int(rows[cursor[p]]))
                chosen[p].append((int(rows[cursor[p]]), float(scores[cursor[p]])))
                still.append(p)
        active = still
    return chosen


def _top_k_coverage(lists, posts, n_rows) -> int:
    """Openings top-k could fill if each referred resident took one post: a maximum flow."""
    post_ids = list(lists)
    source, sink = 0, 1 + n_rows + len(post_ids)
    heads, tails, caps = [], [], []
    residents = set()
    for k, p in enumerate(post_ids):
        rows, _, cap = lists[p]
        for r in rows[:cap]:
            residents.add(int(r))
            heads.append(1 + int(r))
            tails.append(1 + n_rows + k)
            caps.append(1)
        heads.append(1 + n_rows + k)
        tails.append(sink)
        caps.append(int(posts.openings_left[p]))
    for r in residents:
        heads.append(source)
        tails.append(1 + r)
        caps.append(1)
    graph = csr_array((np.array(caps, dtype=np.int32), (heads, tails)), shape=(sink + 1, sink + 1))
    return int(maximum_flow(graph, source, sink).flow_value)


def allocate(user, post_ids=None, multiple=None, include_employed=False, method="auto"):
    """A batch allocation proposed to ``user`` (bureau staff only); nothing is written."""
    if not is_staff(user):
        raise Forbidden("只有人社局工作人员可以批量分配。")
    config = current_app.config
    matching = engine()
    snapshot, ranker, today = matching.snapshot(), matching.ranker(), clock.today()
    posts, residents = snapshot.posts, snapshot.residents
    multiple = int(multiple or config.get("MATCHING_ALLOCATION_MULTIPLE", 3))
    open_rows = np.flatnonzero(posts.open_mask(today))
    if post_ids:
        unknown = [
            pid
            for pid in post_ids
            if pid not in posts.index or posts.index[pid] not in set(open_rows)
        ]
        if unknown:
            raise Invalid(
                "有岗位不存在或未开放招聘。", {"post_ids": [f"不可分配的岗位：{unknown}"]}
            )
        open_rows = np.array(sorted(posts.index[pid] for pid in set(post_ids)), dtype=np.int64)
    seekers = residents.alive & (True if include_employed else residents.unemployed)
    pool = np.flatnonzero(seekers)
    lists, scored_by_post = _candidate_lists(
        snapshot, ranker, matching.policy, open_rows, pool, today, multiple
    )
    cells = len(pool) * sum(cap for _, _, cap in lists.values())
    if method == "auto":
        method = "assignment" if cells <= MAX_CELLS else "greedy"
    chosen = _assignment(lists, posts) if method == "assignment" else _greedy(lists)
    reasons = _reasons(snapshot, ranker, scored_by_post, chosen)

    openings = int(sum(posts.openings_left[p] for p in lists))
    covered = int(sum(min(len(chosen[p]), posts.openings_left[p]) for p in lists))
    top_k_referrals = np.concatenate(
        [rows[:cap] for rows, _, cap in lists.values()] or [np.zeros(0, int)]
    )
    top_k_covered = _top_k_coverage(lists, posts, len(residents)) if lists else 0
    repeats = np.bincount(top_k_referrals).max() if len(top_k_referrals) else 0

    def share(n):
        return round(n / openings, 4) if openings else None

    return {
        "method": method,
        "multiple": multiple,
        "posts": [
            {
                "post_id": int(posts.ids[p]),
                "openings_left": int(posts.openings_left[p]),
                "cap": lists[p][2],
                "eligible_candidates": len(lists[p][0]),
                "resident_ids": [int(residents.ids[r]) for r, _ in chosen[p]],
                "reasons": {
                    str(int(residents.ids[r])): reasons[p].get(int(residents.ids[r]), [])
                    for r, _ in chosen[p]
                },
            }
            for p in lists
        ],
        "summary": {
            "openings": openings,
            "allocation": {
                "covered_openings": covered,
                "coverage_share": share(covered),
                "residents_referred": sum(len(v) for v in chosen.values()),
                "max_referrals_per_resident": 1,
            },
            "top_k": {
                "covered_openings": top_k_covered,
                "coverage_share": share(top_k_covered),
                "residents_referred": int(len(np.unique(top_k_referrals))),
                "max_referrals_per_resident": int(repeats),
            },
        },
    }
