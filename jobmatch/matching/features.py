"""The one feature builder, shared by training, evaluation and serving.

``pair_features`` reads a ResidentTable and a PostTable at row indices that broadcast (one
resident against every open post, every resident against one post, aligned training pairs, or a
chunk-by-posts grid) and answers a float matrix with one row per pair and FEATURE_NAMES as
columns. Everything in it is as of one day: serving passes today; training and evaluation pass
``history`` with each example's own day and the firm's record as it stood that day
(``OutcomeLog``), so that no later outcome explains an earlier one. A firm with no record yet
scores exactly as an average firm (its lift is 0).
"""

from dataclasses import dataclass

import numpy as np

from jobmatch.applications.enums import FINISHED_STATUSES, ApplicationStatus
from jobmatch.matching.eligibility import age_on, commute_km
from jobmatch.matching.tables import PostTable, ResidentTable, asked_columns

FEATURES_VERSION = "2026.2"
FEATURE_NAMES = (
    "skill_coverage",  # share of the post's required skills held (1 when it requires none)
    "skills_missing",  # required skills not held, at most 5
    "related_skill",  # holds a skill of the post's occupation
    "skilled_coverage",  # skilled post x skill coverage: skills matter most where they are asked
    "training_relevance",  # completed training: 1 same occupation, 0.5 small group, 0.25 middle
    "distance_km",  # home to firm, at most 60; 15 when unknown (a spline per transport: model.py)
    "distance_unknown",
    "commute_ratio",  # distance over the resident's limit (20 km when none set), at most 3
    "transport_yes",  # 有交通工具 said yes (neither column: not said)
    "transport_no",
    "wage_gap",  # (mid-point wage - desired) / desired, within -1..1; 0 when no wish given
    "wage_below",  # even the top of the range is below the wish
    "wage_shortfall",  # how far the top of the range is below the wish, thousands of yuan, <= 3
    "desired_unknown",
    "shift_fit",  # 1 fits or any, 0.5 rotating against a fixed wish, 0 the opposite shift
    "post_night",  # the post's own shift
    "post_rotating",
    "night_caregiver",  # night post x cares for children or elders (照顾老幼)
    "night_refused",  # night post x said they cannot work nights (能否上夜班: no)
    "rotating_caregiver",
    "caregiver",
    "age_under_25",  # age bands on the day (25-44 is the reference)
    "age_45_54",
    "age_55_plus",
    "age_margin",  # years inside the post's age range, at most 40
    "education_margin",  # levels above the post's minimum, at most 6
    "skilled_post",
    "perks",  # meals and housing provided, 0..2
    "firm_rate_lift",  # the firm's smoothed hire rate minus the county's, as of the day
)
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}

UNKNOWN_DISTANCE_KM = 15.0
MAX_DISTANCE_KM = 60.0
DEFAULT_COMMUTE_LIMIT_KM = 20.0
COUNTY_PRIOR, COUNTY_PRIOR_STRENGTH = 0.2, 10.0  # before any outcome: a hire in five
FIRM_PRIOR_STRENGTH = 10.0  # a firm's rate is shrunk towards the county's by this many outcomes
DECIDED = FINISHED_STATUSES


class OutcomeLog:
    """Decided applications by firm and day: each firm's hire rate as of any day, from the
    outcomes of applications made strictly before it. Serving asks it for today."""

    def __init__(self, firm_ids, day_keys, statuses):
        statuses = np.asarray(statuses)
        keep = np.isin(statuses, DECIDED)
        firms = np.asarray(firm_ids, dtype=np.int64)[keep]
        days = np.asarray(day_keys, dtype=np.int64)[keep]
        hired = (statuses[keep] == ApplicationStatus.HIRED).astype(np.float64)
        order = np.lexsort((days, firms))
        self.keys = firms[order] * 100_000_000 + days[order]
        self.firm_hires = np.r_[0.0, np.cumsum(hired[order])]
        by_day = np.argsort(days, kind="stable")
        self.days = days[by_day]
        self.county_hires = np.r_[0.0, np.cumsum(hired[by_day])]

    def county_rate(self, on_keys) -> np.ndarray:
        n = np.searchsorted(self.days, on_keys, side="left")
        return (self.county_hires[n] + COUNTY_PRIOR * COUNTY_PRIOR_STRENGTH) / (
            n + COUNTY_PRIOR_STRENGTH
        )

    def rate_lift(self, firm_ids, on_keys) -> np.ndarray:
        """Smoothed firm rate minus the county's, both from outcomes before each day."""
        firm_ids, on_keys = np.broadcast_arrays(
            np.asarray(firm_ids, dtype=np.int64), np.asarray(on_keys, dtype=np.int64)
        )
        start = np.searchsorted(self.keys, firm_ids * 100_000_000, side="left")
        end = np.searchsorted(self.keys, firm_ids * 100_000_000 + on_keys, side="left")
        n, hires = end - start, self.firm_hires[end] - self.firm_hires[start]
        county = self.county_rate(on_keys)
        firm = (hires + county * FIRM_PRIOR_STRENGTH) / (n + FIRM_PRIOR_STRENGTH)
        return firm - county


@dataclass
class History:
    """What was known on each training or evaluation pair's day, aligned with the pairs."""

    on_key: np.ndarray  # yyyymmdd of the example's day
    firm_rate_lift: np.ndarray


def _tri(values, wanted: int) -> np.ndarray:
    return (values == wanted).astype(np.float64)


def pair_features(
    residents: ResidentTable,
    posts: PostTable,
    ri,
    pi,
    today_key: int,
    distance: np.ndarray | None = None,
    history: History | None = None,
) -> np.ndarray:
    """Feature matrix (n_pairs, len(FEATURE_NAMES)) for the broadcast pairs (ri, pi)."""
    if distance is None:
        distance = commute_km(residents, posts, ri, pi)
    n_required, n_held, related, training = posts.required_count[pi], 0, False, 0.0
    for held, required in asked_columns(residents.skills, ri, posts.required_skills[pi]):
        n_held = n_held + (held & required)
    coverage = np.where(n_required > 0, n_held / np.maximum(n_required, 1), 1.0)
    missing = np.minimum(n_required - n_held, 5.0)
    for held, occupation in asked_columns(residents.skills, ri, posts.occupation_skills[pi]):
        related = related | (held & occupation)
    for done, relevance in asked_columns(residents.completed, ri, posts.training_relevance[pi]):
        training = np.maximum(training, done * relevance)
    skilled = posts.skilled[pi]

    unknown = np.isnan(distance)
    km = np.where(unknown, UNKNOWN_DISTANCE_KM, np.minimum(distance, MAX_DISTANCE_KM))
    limit = residents.max_commute[ri]
    limit = np.where(np.isnan(limit), DEFAULT_COMMUTE_LIMIT_KM, limit)
    commute_ratio = np.minimum(km / limit, 3.0)
    transport = residents.transport[ri]

    desired = residents.desired_wage[ri]
    no_wish = np.isnan(desired)
    wish = np.where(no_wish, 1.0, desired)
    wish = np.where(wish > 0, wish, 1.0)
    mid = (posts.wage_min[pi] + posts.wage_max[pi]) / 2
    wage_gap = np.where(no_wish, 0.0, np.clip((mid - wish) / wish, -1.0, 1.0))
    wage_below = ~no_wish & (posts.wage_max[pi] < wish)
    shortfall = np.where(no_wish, 0.0, np.clip((wish - posts.wage_max[pi]) / 1000, 0.0, 3.0))

    preference = residents.preference[ri]  # 0 any, 1 day, 2 night
    shift = posts.shift[pi]  # 0 day, 1 night, 2 rotating
    shift_fit = np.where(
        (preference == 0) | (preference - 1 == shift), 1.0, np.where(shift == 2, 0.5, 0.0)
    )
    night, rotating = (shift == 1).astype(np.float64), (shift == 2).astype(np.float64)
    caregiver = _tri(residents.caregiver[ri], 1)
    cannot_nights = _tri(residents.night_ok[ri], 0)

    education_margin = np.clip(
        residents.education[ri].astype(np.int64) - np.maximum(posts.min_education[pi], 0), 0, 6
    )
    if history is None:
        age = age_on(residents, ri, today_key)
        firm_lift = posts.firm_rate_lift[pi]
    else:
        age = age_on(residents, ri, history.on_key)
        firm_lift = history.firm_rate_lift
    age_margin = np.clip(np.minimum(age - posts.min_age[pi], posts.max_age[pi] - age), 0, 40)

    columns = np.broadcast_arrays(
        coverage,
        missing,
        related,
        skilled * coverage,
        training,
        km,
        unknown,
        commute_ratio,
        _tri(transport, 1),
        _tri(transport, 0),
        wage_gap,
        wage_below,
        shortfall,
        no_wish,
        shift_fit,
        night,
        rotating,
        night * caregiver,
        night * cannot_nights,
        rotating * caregiver,
        caregiver,
        age < 25,
        (age >= 45) & (age < 55),
        age >= 55,
        age_margin,
        education_margin,
        skilled,
        posts.perks[pi],
        firm_lift,
    )
    # Filled a feature at a time, each into contiguous memory: the rows are its transpose.
    matrix = np.empty((len(FEATURE_NAMES), *columns[0].shape), dtype=np.float64)
    for i, column in enumerate(columns):
        matrix[i] = column
    return matrix.reshape(len(FEATURE_NAMES), -1).T
