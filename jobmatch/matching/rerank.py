"""The priority re-rank: a lift bounded in positions, for the bureau's priority groups.

In a post's list of candidates, a resident in any group of MATCHING_PRIORITY_GROUPS (default:
all seven) moves up past at most MATCHING_PRIORITY_PLACES (default 3, at most 10) candidates the
model put ahead of them; never more, however many groups they belong to, and the order among
priority residents, and among everyone else, stays the model's. So the lift can decide a close
call near the top, never a list: a candidate at model rank 14 can reach rank 11, not rank 1.
The scores are not changed; the firm never sees the lift. A resident's own list of posts stays in
model order. Exposure of each group among every open post's top 10, before and after, is
computed at training time and written into the model card.
"""

from dataclasses import dataclass

import numpy as np

from jobmatch.residents.models import PRIORITY_GROUPS

MAX_PLACES = 10
TOP_N = 10


@dataclass(frozen=True)
class PriorityPolicy:
    places: int = 3
    groups: tuple[str, ...] = PRIORITY_GROUPS

    def __post_init__(self):
        if not 0 <= self.places <= MAX_PLACES:
            raise ValueError(f"MATCHING_PRIORITY_PLACES must be within 0..{MAX_PLACES}")
        unknown = set(self.groups) - set(PRIORITY_GROUPS)
        if unknown:
            raise ValueError(f"unknown priority groups: {sorted(unknown)}")

    @classmethod
    def from_config(cls, config) -> "PriorityPolicy":
        groups = config.get("MATCHING_PRIORITY_GROUPS") or PRIORITY_GROUPS
        return cls(int(config.get("MATCHING_PRIORITY_PLACES", 3)), tuple(groups))

    @property
    def columns(self) -> np.ndarray:
        return np.array([g in self.groups for g in PRIORITY_GROUPS], dtype=bool)

    def priority(self, group_rows: np.ndarray) -> np.ndarray:
        """Whether each resident (rows of ResidentTable.groups) is in a priority group."""
        return (np.asarray(group_rows) & self.columns).any(axis=-1)

    def reorder(self, group_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For candidates given in model order: the new order (positions into the input) and
        how many places each input candidate moved up (0..places)."""
        n = len(group_rows)
        if not n or not self.places:
            return np.arange(n), np.zeros(n, dtype=np.int64)
        # A priority candidate at rank r sorts just before the one the model put at r - places:
        # past at most ``places`` others, and never past another priority candidate.
        key = np.arange(n) - (self.places + 0.5) * self.priority(group_rows)
        order = np.argsort(key, kind="stable")
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        return order, np.maximum(np.arange(n) - position, 0)

    def describe(self) -> dict:
        return {"places": self.places, "max_places": MAX_PLACES, "groups": list(self.groups)}


def _shares(top: list[np.ndarray], pool: list[np.ndarray], group_rows) -> dict:
    top_all = np.concatenate(top) if top else np.zeros(0, dtype=np.int64)
    pool_all = np.concatenate(pool) if pool else np.zeros(0, dtype=np.int64)

    def share(rows, column):
        return round(float(group_rows[rows, column].mean()), 4) if len(rows) else None

    return {
        group: (share(pool_all, c), share(top_all, c)) for c, group in enumerate(PRIORITY_GROUPS)
    }


def exposure_report(residents, posts, policy: PriorityPolicy, today, score_pairs) -> dict:
    """Share of each group among every open post's top-10 candidates, before and after the
    re-rank. ``score_pairs(ri, pi)`` answers (eligible mask, model scores) for broadcast pairs."""
    before, after, pools = [], [], []
    everyone = np.flatnonzero(residents.alive)
    for p in np.flatnonzero(posts.open_mask(today)):
        mask, scores = score_pairs(everyone, np.array([p]))
        rows = everyone[mask]
        if not len(rows):
            continue
        ranked = rows[np.argsort(-scores, kind="stable")[: TOP_N + policy.places]]
        order, _ = policy.reorder(residents.groups[ranked])
        before.append(ranked[:TOP_N])
        after.append(ranked[order][:TOP_N])
        pools.append(rows)
    plain = _shares(before, pools, residents.groups)
    lifted = _shares(after, pools, residents.groups)
    return {
        "policy": policy.describe(),
        "posts": len(pools),
        "by_group": {
            group: {
                "eligible_share": plain[group][0],
                "top10_share_before": plain[group][1],
                "top10_share_after": lifted[group][1],
            }
            for group in PRIORITY_GROUPS
        },
    }
