"""What the residents' applications say about the posts, kept as counters.

A post's waiting applications (``pending``, for crowding) and its firm's smoothed hire rate
over the county's (``firm_rate_lift``) are sums over applications. The snapshot holds each
resident's applications (ResidentRecord.outcomes); when a resident is reloaded, the old ones
are taken out of the counters and the new ones put in, so an application moved costs its own
resident, not a scan of every decided application. The sums are those of features.OutcomeLog
as of today (decided applications made before today), which the tests hold it to.
"""

from collections import Counter

import numpy as np

from jobmatch.applications.enums import ApplicationStatus
from jobmatch.matching.features import (
    COUNTY_PRIOR,
    COUNTY_PRIOR_STRENGTH,
    DECIDED,
    FIRM_PRIOR_STRENGTH,
)

WAITING = frozenset({ApplicationStatus.APPLIED, ApplicationStatus.INTERVIEW})
_DECIDED = frozenset(DECIDED)


class Demand:
    def __init__(self, today_key: int, firm_of: dict[int, int]):
        self.today_key = today_key
        self.firm_of = firm_of  # post id -> firm id, every post
        self.pending: Counter = Counter()
        self.firm_decided: Counter = Counter()
        self.firm_hires: Counter = Counter()
        self.county_decided = 0
        self.county_hires = 0

    def add(self, outcomes, sign: int = 1) -> None:
        for post_id, status, made_key in outcomes:
            if status in WAITING:
                self.pending[post_id] += sign
            elif status in _DECIDED and made_key < self.today_key:
                hired = sign if status == ApplicationStatus.HIRED else 0
                self.county_decided += sign
                self.county_hires += hired
                firm = self.firm_of.get(post_id)
                if firm is not None:
                    self.firm_decided[firm] += sign
                    self.firm_hires[firm] += hired

    def pending_of(self, post_ids: np.ndarray) -> np.ndarray:
        return np.array([self.pending[int(p)] for p in post_ids], dtype=np.int64)

    def rate_lift_of(self, firm_ids: np.ndarray) -> np.ndarray:
        """Smoothed firm rate minus the county's, the formula of OutcomeLog.rate_lift."""
        county = (self.county_hires + COUNTY_PRIOR * COUNTY_PRIOR_STRENGTH) / (
            self.county_decided + COUNTY_PRIOR_STRENGTH
        )
        n = np.array([self.firm_decided[int(f)] for f in firm_ids], dtype=np.float64)
        hires = np.array([self.firm_hires[int(f)] for f in firm_ids], dtype=np.float64)
        return (hires + county * FIRM_PRIOR_STRENGTH) / (n + FIRM_PRIOR_STRENGTH) - county

    def apply_to(self, posts) -> bool:
        """Set the posts' pending and firm_rate_lift columns; True when either changed.
        New arrays are assigned, never edited, so a reader holds one consistent pair."""
        pending, lift = self.pending_of(posts.ids), self.rate_lift_of(posts.firm_ids)
        changed = not (
            np.array_equal(pending, posts.pending) and np.array_equal(lift, posts.firm_rate_lift)
        )
        if changed:
            posts.pending, posts.firm_rate_lift = pending, lift
        return changed
