"""Hard eligibility, as docs/domain.md lists it ("Who is eligible for a post"), before ranking.

A pair is eligible when the post is open, has an opening left and has not expired; the
resident's age is within min_age..max_age; the resident's education meets min_education; the
resident holds every certificate the post requires (a completed and passed enrollment in a
cohort of that program); and, where the resident set max_commute_km, the commute is within it.
A commute that cannot be measured (no coordinates) is not within a set limit: we never rank a
pair we cannot show to be eligible. Skills, wage and shift rank; they never filter.

Row indices ``ri`` (residents) and ``pi`` (posts) broadcast against each other: one resident
against many posts, many residents against one post, aligned pairs, or a grid of both.
"""

from datetime import date

import numpy as np

from jobmatch.matching.tables import PostTable, ResidentTable, asked_columns, day_key

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(v) for v in (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def commute_km(residents: ResidentTable, posts: PostTable, ri, pi) -> np.ndarray:
    """Great-circle (haversine) distance from the resident's home to the firm; NaN if unknown.

    Computed once per (home point, post) and gathered: residents share a few dozen points."""
    cached = getattr(residents, "_commute_table", None)
    if cached is None or cached[0] is not posts or cached[1] is not residents.place_lat:
        table = haversine_km(
            residents.place_lat[:, None],
            residents.place_lon[:, None],
            posts.lat[None, :],
            posts.lon[None, :],
        )
        # Kept until the posts or the residents' points change (both are replaced, not edited).
        cached = residents._commute_table = (posts, residents.place_lat, table)
    return cached[2][residents.place[ri], pi]


def age_on(residents: ResidentTable, ri, on_key) -> np.ndarray:
    return (on_key - residents.birth_key[ri]) // 10000


def eligible(
    residents: ResidentTable,
    posts: PostTable,
    ri,
    pi,
    today: date,
    distance: np.ndarray | None = None,
    post_side: bool = True,
    on_keys=None,
) -> np.ndarray:
    """Boolean mask over the broadcast pairs; ``post_side=False`` skips the open/opening/expiry
    test, for scoring historical applications against posts filled or closed since, and
    ``on_keys`` (yyyymmdd, broadcast) judges age on each example's own day instead of today."""
    if distance is None:
        distance = commute_km(residents, posts, ri, pi)
    age = age_on(residents, ri, day_key(today) if on_keys is None else on_keys)
    ok = residents.alive[ri] & (age >= posts.min_age[pi]) & (age <= posts.max_age[pi])
    ok = ok & (residents.education[ri] >= posts.min_education[pi])
    if post_side:
        ok = ok & posts.open_mask(today)[pi]
    limit = residents.max_commute[ri]
    with np.errstate(invalid="ignore"):
        ok = ok & (np.isnan(limit) | (distance <= limit))
    for held, required in asked_columns(residents.certificates, ri, posts.certificates[pi]):
        ok = ok & (held | ~required)
    return ok
