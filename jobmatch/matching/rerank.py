"""The priority re-rank: an explicit, bounded lift for the priority groups (docs/domain.md).

A resident in any group of MATCHING_PRIORITY_GROUPS (default: all seven) gets
MATCHING_PRIORITY_LIFT (default 0.05, at most 0.2) added to the model's score of each eligible
pair, once however many groups they belong to; the result is capped at 1. So a priority resident
passes another only when the model scored them within the lift of each other: help, never a
reordering by group alone. The lift changes the order of candidates for a post; a resident's own
list of posts keeps its order (the lift is the same for each of their posts). It never makes an
ineligible pair eligible, and firms are never shown it. Exposure before and after, per group,
is computed at training time and written into the model card.
"""

from dataclasses import dataclass

import numpy as np

from jobmatch.residents.models import PRIORITY_GROUPS

MAX_LIFT = 0.2
TOP_N = 10


@dataclass(frozen=True)
class PriorityPolicy:
    lift: float = 0.05
    groups: tuple[str, ...] = PRIORITY_GROUPS

    def __post_init__(self):
        if not 0.0 <= self.lift <= MAX_LIFT:
            raise ValueError(f"MATCHING_PRIORITY_LIFT must be within 0..{MAX_LIFT}")
        unknown = set(self.groups) - set(PRIORITY_GROUPS)
        if unknown:
            raise ValueError(f"unknown priority groups: {sorted(unknown)}")

    @classmethod
    def from_config(cls, config) -> "PriorityPolicy":
        groups = config.get("MATCHING_PRIORITY_GROUPS") or PRIORITY_GROUPS
        return cls(float(config.get("MATCHING_PRIORITY_LIFT", 0.05)), tuple(groups))

    @property
    def columns(self) -> np.ndarray:
        return np.array([g in self.groups for g in PRIORITY_GROUPS], dtype=bool)

    def lifts(self, group_rows: np.ndarray) -> np.ndarray:
        """The lift of each resident, from their rows of ResidentTable.groups."""
        return np.where((group_rows & self.columns).any(axis=-1), self.lift, 0.0)

    def apply(self, scores: np.ndarray, group_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lifts = self.lifts(group_rows)
        return np.minimum(scores + lifts, 1.0), lifts

    def describe(self) -> dict:
        return {"lift": self.lift, "max_lift": MAX_LIFT, "groups": list(self.groups)}


def exposure(top_rows: list[np.ndarray], eligible_rows: list[np.ndarray], group_rows) -> dict:
    """Per group: share of the eligible residents, and share of top-N candidate slots held."""
    top = np.concatenate(top_rows) if top_rows else np.zeros(0, dtype=np.int64)
    pool = np.concatenate(eligible_rows) if eligible_rows else np.zeros(0, dtype=np.int64)
    result = {}
    for column, group in enumerate(PRIORITY_GROUPS):
        result[group] = {
            "eligible_share": round(float(group_rows[pool, column].mean()), 4)
            if len(pool)
            else None,
            "top_share": round(float(group_rows[top, column].mean()), 4) if len(top) else None,
        }
    return result


def exposure_report(residents, posts, ranker, policy: PriorityPolicy, today, score_pairs) -> dict:
    """Share of each group among every open post's top-10 candidates, before and after the lift.

    ``score_pairs(ri, pi)`` answers (eligible mask, model scores) for the broadcast pairs.
    """
    before, after, pools = [], [], []
    open_rows = np.flatnonzero(posts.open_mask(today))
    everyone = np.flatnonzero(residents.alive)
    for p in open_rows:
        mask, scores = score_pairs(everyone, np.array([p]))
        rows = everyone[mask]
        if not len(rows):
            continue
        lifted, _ = policy.apply(scores, residents.groups[rows])
        before.append(rows[np.argsort(-scores, kind="stable")[:TOP_N]])
        after.append(rows[np.argsort(-lifted, kind="stable")[:TOP_N]])
        pools.append(rows)
    plain, lifted = (
        exposure(before, pools, residents.groups),
        exposure(after, pools, residents.groups),
    )
    return {
        "policy": policy.describe(),
        "posts": len(pools),
        "by_group": {
            group: {
                "eligible_share": plain[group]["eligible_share"],
                "top10_share_before": plain[group]["top_share"],
                "top10_share_after": lifted[group]["top_share"],
            }
            for group in PRIORITY_GROUPS
        },
    }
