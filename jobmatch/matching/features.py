"""The one feature builder, shared by training and serving.

``pair_features`` reads a ResidentTable and a PostTable at row indices that broadcast (one
resident against every open post, every resident against one post, aligned training pairs, or a
chunk-by-posts grid) and answers a float matrix with one row per pair and FEATURE_NAMES as
columns. Training passes ``history`` to replace the current counts by what was known when each
application was made, so that no outcome leaks into its own features.
"""

from dataclasses import dataclass

import numpy as np

from jobmatch.matching.eligibility import age_on, commute_km
from jobmatch.matching.tables import PostTable, ResidentTable

FEATURES_VERSION = "2026.1"
FEATURE_NAMES = (
    "skill_coverage",  # share of the post's required skills held (1 when it requires none)
    "skills_missing",  # required skills not held, at most 5
    "related_skill",  # holds a skill of the post's occupation
    "training_relevance",  # completed training: 1 same occupation, 0.5 small group, 0.25 middle
    "distance_km",  # home to firm, at most 100; 15 when unknown
    "distance_unknown",
    "commute_ratio",  # distance over the resident's limit (20 km when none set), at most 3
    "wage_gap",  # (mid-point wage - desired) / desired, within -1..1; 0 when no wish given
    "wage_below",  # even the top of the range is below the wish
    "wage_shortfall",  # how far the top of the range is below the wish, thousands of yuan, <= 3
    "desired_unknown",
    "shift_fit",  # 1 fits or any, 0.5 rotating against a fixed wish, 0 the opposite shift
    "education_margin",  # levels above the post's minimum, at most 6
    "age_margin",  # years inside the post's age range, at most 40
    "skilled_post",
    "perks",  # meals and housing provided, 0..2
    "firm_hire_rate",  # the firm's smoothed share of decided applications that ended in a hire
    "prior_applications",  # log(1 + earlier applications by the resident)
    "prior_hires",  # earlier hires of the resident, at most 3
)
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}

UNKNOWN_DISTANCE_KM = 15.0
DEFAULT_COMMUTE_LIMIT_KM = 20.0
FIRM_RATE_PRIOR = 0.2
FIRM_RATE_STRENGTH = 10.0


@dataclass
class History:
    """Counts as they stood when each training pair was made, aligned with the pairs."""

    on_key: np.ndarray  # yyyymmdd of the application, for the age margin
    prior_applications: np.ndarray
    prior_hires: np.ndarray
    firm_hire_rate: np.ndarray


def smoothed_rate(hires, decided) -> np.ndarray:
    return (np.asarray(hires) + FIRM_RATE_PRIOR * FIRM_RATE_STRENGTH) / (
        np.asarray(decided) + FIRM_RATE_STRENGTH
    )


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
    held = residents.skills[ri]
    required = posts.required_skills[pi]
    n_required = posts.required_count[pi]
    n_held = (held & required).sum(axis=-1)
    coverage = np.where(n_required > 0, n_held / np.maximum(n_required, 1), 1.0)
    missing = np.minimum(n_required - n_held, 5.0)
    related = (held & posts.occupation_skills[pi]).any(axis=-1)
    training = (residents.completed[ri] * posts.training_relevance[pi]).max(axis=-1)

    unknown = np.isnan(distance)
    km = np.where(unknown, UNKNOWN_DISTANCE_KM, np.minimum(distance, 100.0))
    limit = residents.max_commute[ri]
    limit = np.where(np.isnan(limit), DEFAULT_COMMUTE_LIMIT_KM, limit)
    commute_ratio = np.minimum(km / limit, 3.0)

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

    education_margin = np.clip(
        residents.education[ri].astype(np.int64) - np.maximum(posts.min_education[pi], 0), 0, 6
    )
    if history is None:
        age = age_on(residents, ri, today_key)
        prior_applications = np.log1p(residents.applications[ri])
        prior_hires = np.minimum(residents.hires[ri], 3.0)
        firm_rate = posts.firm_hire_rate[pi]
    else:
        age = age_on(residents, ri, history.on_key)
        prior_applications = np.log1p(history.prior_applications)
        prior_hires = np.minimum(history.prior_hires, 3.0)
        firm_rate = history.firm_hire_rate
    age_margin = np.clip(np.minimum(age - posts.min_age[pi], posts.max_age[pi] - age), 0, 40)

    columns = np.broadcast_arrays(
        coverage,
        missing,
        related,
        training,
        km,
        unknown,
        commute_ratio,
        wage_gap,
        wage_below,
        shortfall,
        no_wish,
        shift_fit,
        education_margin,
        age_margin,
        posts.skilled[pi],
        posts.perks[pi],
        firm_rate,
        prior_applications,
        prior_hires,
    )
    matrix = np.empty(columns[0].shape + (len(FEATURE_NAMES),), dtype=np.float64)
    for i, column in enumerate(columns):
        matrix[..., i] = column
    return matrix.reshape(-1, len(FEATURE_NAMES))
