"""Ranking services: posts for a resident, residents for a post, with scores and reasons.

``rank_posts_for_resident`` and ``rank_residents_for_post`` are the interface other features
use (applications records referred_rank and referred_score from the first). They rank only
eligible pairs (eligibility.py), score with the served model (or the rules ranker when no
trusted model is loaded), apply the bounded priority lift (rerank.py) and explain the top ones.
The access-checking wrappers used by the routes follow at the end.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from flask import Flask, current_app

from jobmatch import clock
from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.errors import Forbidden, NotFound
from jobmatch.matching.features import pair_features
from jobmatch.matching.reasons import ReasonWriter
from jobmatch.matching.refresh import SnapshotCache
from jobmatch.matching.registry import ServedModel
from jobmatch.matching.rerank import PriorityPolicy
from jobmatch.matching.scoring import best_candidates, score_eligible, top_k
from jobmatch.matching.snapshot import Snapshot
from jobmatch.matching.tables import day_key

EXTENSION = "jobmatch_matching"
MAX_LIMIT = 100
RESULTS_KEPT = 4096


@dataclass
class Match:
    """One ranked pair, whichever side asked: a resident's post or a post's candidate.

    ``post`` (a summary) is filled on a resident's list, ``name`` on a post's list. What each
    reader may see of it is decided by the schema that dumps it (schemas.py), not here."""

    resident_id: int
    post_id: int
    rank: int
    score: float
    model_score: float
    priority_lift: float
    reasons: list[str]  # 推荐理由: what raised the score, never a negative
    cautions: list[str] = field(default_factory=list)  # 需要注意: what lowered it
    commute: str = ""  # distance and an estimate of the commute, always
    applied: bool = False  # the resident has applied to this post already
    crowded: bool = False  # the post has as many waiting applications as it takes (see below)
    post: dict | None = None
    name: str = ""


class MatchingEngine:
    """What one app keeps for matching: the data snapshot, the served model, the policy."""

    def __init__(self, config):
        self.cache = SnapshotCache(
            float(config.get("MATCHING_SNAPSHOT_MAX_AGE", 3600)),
            background=config.get("MATCHING_REFRESH", "background") == "background",
            interval=float(config.get("MATCHING_REFRESH_SECONDS", 0.1)),
        )
        self.model = ServedModel(
            config["JOBMATCH_MODEL_DIR"], float(config.get("MATCHING_MODEL_CHECK_SECONDS", 1.0))
        )
        self.policy = PriorityPolicy.from_config(config)
        self.multiple = int(config.get("MATCHING_ALLOCATION_MULTIPLE", 3))
        self.results: OrderedDict = OrderedDict()
        self.results_lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        return self.cache.current()

    def ranker(self):
        self.model.refresh()
        return self.model.ranker

    def forget_data(self) -> None:
        """Drop the snapshot and the remembered results: the next use loads from the database.
        For a caller that undid writes the change log cannot report, such as a rolled-back
        outer transaction (each test of the suite runs in one)."""
        old = self.cache
        old.stop()
        self.cache = SnapshotCache(old.max_age, old.background, old.interval)
        with self.results_lock:
            self.results.clear()

    def remembered(self, key: tuple, snapshot: Snapshot, compute):
        """A ranked list, kept under the versions of what it read (``key`` names them: a
        resident's own row, or every resident's) with the post table's, the model's and the
        day: the same list asked for again costs a dictionary look-up until one of those moves.
        A list computed while the refresher wrote rows is answered but not kept."""
        stamp = _stamp(snapshot)
        key = (*key, snapshot.posts.version, self.model.loads, clock.today())
        with self.results_lock:
            if key in self.results:
                self.results.move_to_end(key)
                return list(self.results[key])
        value = compute()
        if stamp[0] % 2 == 0 and _stamp(snapshot) == stamp:
            with self.results_lock:
                self.results[key] = value
                while len(self.results) > RESULTS_KEPT:
                    self.results.popitem(last=False)
        return list(value)


def _stamp(snapshot: Snapshot) -> tuple:
    return snapshot.residents.version, snapshot.posts.version


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = MatchingEngine(app.config)


def engine() -> MatchingEngine:
    return current_app.extensions[EXTENSION]


def post_summary(snapshot: Snapshot, p: int) -> dict:
    post = snapshot.posts.records[p]
    return {
        "id": post.id,
        "title": post.title,
        "firm_id": post.firm_id,
        "firm_name": post.firm_name,
        "category": post.category,
        "occupation_code": post.occupation_code,
        "wage_min": post.wage_min,
        "wage_max": post.wage_max,
        "shift": post.shift,
        "openings_left": post.openings - post.filled,
        "meals_provided": post.meals_provided,
        "housing_provided": post.housing_provided,
    }


def _check_limit(limit: int) -> int:
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ValueError(f"limit must be within 1..{MAX_LIMIT}")
    return int(limit)


def rank_posts_for_resident(resident_id: int, limit: int = 20) -> list[Match]:
    """The best eligible open posts for one resident, best first; NotFound if no such resident."""
    limit, matching = _check_limit(limit), engine()
    snapshot, ranker = matching.snapshot(), matching.ranker()
    r = snapshot.residents.index.get(int(resident_id))
    if r is None or not snapshot.residents.alive[r]:
        raise NotFound("未找到该居民。")
    version = (snapshot.residents.serial, int(snapshot.residents.row_version[r]))
    return matching.remembered(
        ("posts", int(resident_id), limit, version),
        snapshot,
        lambda: _rank(matching, snapshot, ranker, np.array([r]), None, limit, for_firm=False),
    )


def rank_residents_for_post(post_id: int, limit: int = 20, for_firm: bool = False) -> list[Match]:
    """The best eligible residents for one post, best first (none if the post is not open)."""
    limit, matching = _check_limit(limit), engine()
    snapshot, ranker = matching.snapshot(), matching.ranker()
    p = snapshot.posts.index.get(int(post_id))
    if p is None:
        raise NotFound("未找到该岗位。")
    version = (snapshot.residents.serial, snapshot.residents.version)
    return matching.remembered(
        ("residents", int(post_id), limit, for_firm, version),
        snapshot,
        lambda: _rank(matching, snapshot, ranker, None, np.array([p]), limit, for_firm=for_firm),
    )


def _rank(matching, snapshot, ranker, ri, pi, limit: int, for_firm: bool) -> list[Match]:
    """The one ranking core: one resident against every open post (``pi`` None) or every
    resident against one post (``ri`` None); eligible pairs, scored, ordered, cut, explained.

    A post's candidates: model order, then the priority re-rank (rerank.py), which moves a
    candidate up by at most ``places``, so the model's best ``limit + places`` are enough.
    A resident's posts: model order, except that a crowded post (waiting applications at least
    MATCHING_ALLOCATION_MULTIPLE x its openings left) goes after every post that still has
    room, so that a post with few openings left is not pushed to everyone; posts already
    applied to are kept, and marked."""
    today = clock.today()
    residents, posts = snapshot.residents, snapshot.posts
    for_resident = pi is None
    open_posts = posts.open_mask(today)
    if pi is None:
        pi = np.flatnonzero(open_posts)
    elif not open_posts[pi].all():
        return []
    if ri is None:  # every resident, a block at a time: only the best few are kept
        keep = limit + matching.policy.places
        scored = best_candidates(snapshot, ranker, int(pi[0]), today, keep)
    else:
        scored = score_eligible(snapshot, ranker, ri, pi, today)
    score = scored.model_score
    moved = np.zeros(len(score), dtype=np.int64)
    crowded = _crowded(matching, posts, scored.pi)
    if for_resident:
        best = top_k(_crowded_last(score, crowded), posts.ids[scored.pi], limit)
    else:
        ranked = top_k(score, residents.ids[scored.ri], limit + matching.policy.places)
        order, lifted = matching.policy.reorder(residents.groups[scored.ri[ranked]])
        moved[ranked] = lifted
        best = ranked[order][:limit]
    writer = ReasonWriter(residents, posts, for_firm=for_firm)
    explained = writer.explain(
        scored.ri[best], scored.pi[best], scored.X[best],
        ranker.contributions(scored.X[best]), scored.distance[best],
    )  # fmt: skip
    applied = residents.applied[int(ri[0])] if for_resident else frozenset()
    matches = []
    for rank, (i, (reasons, cautions, commute)) in enumerate(zip(best, explained, strict=True), 1):
        post_id = int(posts.ids[scored.pi[i]])
        if for_resident and crowded[i]:
            cautions = [*cautions, "已有较多人申请，名额紧张"]
        matches.append(
            Match(
                resident_id=int(residents.ids[scored.ri[i]]),
                post_id=post_id,
                rank=rank,
                score=round(float(score[i]), 6),
                model_score=round(float(score[i]), 6),
                priority_lift=float(moved[i]),
                reasons=reasons,
                cautions=cautions,
                commute=commute,
                applied=post_id in applied,
                crowded=bool(crowded[i]),
                post=post_summary(snapshot, scored.pi[i]) if for_resident else None,
                name="" if for_resident else residents.names[scored.ri[i]],
            )
        )
    return matches


def _crowded(matching, posts, pi) -> np.ndarray:
    return posts.pending[pi] >= matching.multiple * posts.openings_left[pi]


def _crowded_last(score: np.ndarray, crowded: np.ndarray) -> np.ndarray:
    """A resident's sort key: crowded posts after the rest (a score below any real one), their
    order kept among them."""
    return np.where(crowded, score - 2.0, score)


def post_rank_for_resident(resident_id: int, post_id: int, limit: int) -> tuple[int, float] | None:
    """The post's rank and score in ``rank_posts_for_resident(resident_id, limit)`` (None when
    not among them), without writing every listed post's reasons: a referral records only these
    two, and explaining a hundred posts cost more than ranking them."""
    limit, matching = _check_limit(limit), engine()
    snapshot, ranker = matching.snapshot(), matching.ranker()
    r = snapshot.residents.index.get(int(resident_id))
    if r is None or not snapshot.residents.alive[r]:
        raise NotFound("未找到该居民。")
    today, posts = clock.today(), snapshot.posts
    pi = np.flatnonzero(posts.open_mask(today))
    scored = score_eligible(snapshot, ranker, np.array([r]), pi, today)
    key = _crowded_last(scored.model_score, _crowded(matching, posts, scored.pi))
    for rank, i in enumerate(top_k(key, posts.ids[scored.pi], limit), 1):
        if int(posts.ids[scored.pi[i]]) == post_id:
            return rank, round(float(scored.model_score[i]), 6)
    return None


# Access-checked wrappers for the routes.


def resident_matches(user: User, resident_id: int, limit: int) -> list[Match]:
    if not (is_staff(user) or (user.role == Role.RESIDENT and user.resident_id == resident_id)):
        raise Forbidden("只能查看本人的推荐岗位。")
    return rank_posts_for_resident(resident_id, limit)


def post_candidates(user: User, post_id: int, limit: int) -> list[Match]:
    """Staff, or the firm that owns the post (whose reasons speak of the resident only). What
    a firm may see of each candidate is FirmCandidateOut's fields (schemas.candidate_schema)."""
    if is_staff(user):
        return rank_residents_for_post(post_id, limit)
    if user.role != Role.FIRM:
        raise Forbidden("只有人社局工作人员或发布该岗位的企业可以查看候选人。")
    snapshot = engine().snapshot()
    p = snapshot.posts.index.get(int(post_id))
    if p is None or int(snapshot.posts.firm_ids[p]) != user.firm_id:
        raise NotFound("未找到该岗位。")
    return rank_residents_for_post(post_id, limit, for_firm=True)


def served_model_card() -> dict:
    model = engine().model
    model.refresh()
    return {
        "serving": model.version or "rules",
        "trusted": model.trusted,
        "problem": model.problem,
        "card": model.card,
    }


def score_all_pairs(chunk_size: int = 4096):
    """Model scores of every resident against every post, a chunk of residents at a time
    (bulk re-scoring; memory stays bounded). Yields (chunk, n_posts) arrays in resident order."""
    matching = engine()
    snapshot, ranker = matching.snapshot(), matching.ranker()
    residents, posts = snapshot.residents, snapshot.posts
    every_post = np.arange(len(posts))
    today_key = day_key(clock.today())
    for start in range(0, len(residents), chunk_size):
        rows = np.arange(start, min(start + chunk_size, len(residents)))
        X = pair_features(residents, posts, rows[:, None], every_post[None, :], today_key)
        yield ranker.score(X).reshape(len(rows), len(posts))
