"""How far a post is from a resident's home, and which way, as the post's page says it."""

import pytest

from jobmatch.communities.models import Grid
from jobmatch.extensions import db
from jobmatch.posts.commute import commute_to
from tests.factories import make_community, make_firm, make_resident


@pytest.mark.parametrize(
    ("lat", "lon", "direction"),
    [(40.52, 114.09, "北"), (40.42, 114.20, "东"), (40.32, 114.09, "南"), (40.50, 113.99, "西北")],
)
def test_the_distance_and_direction_from_the_community(app, lat, lon, direction):
    community = make_community(name="万家乐社区")  # at 40.42, 114.09
    resident = make_resident(community_id=community.id, max_commute_km=5)
    commute = commute_to(resident, make_firm(lat=lat, lon=lon))
    assert commute.direction == direction
    assert commute.home == "万家乐社区"
    assert 8 < commute.km < 13  # about 0.1 degree
    assert commute.within_limit is False
    assert commute.sentence.startswith(f"从万家乐社区往{direction}方向，直线约")


def test_the_grid_point_is_used_when_known(app):
    community = make_community(name="新村社区")
    grid = db.session.get(Grid, community.grids[0].id)
    grid.lat, grid.lon = 40.60, 114.09
    db.session.commit()
    resident = make_resident(community_id=community.id, grid_id=grid.id)
    commute = commute_to(resident, make_firm(lat=40.42, lon=114.09))
    assert commute.home == "新村社区第1网格" and commute.direction == "南"
    assert commute.within_limit is None  # no limit set


def test_an_unknown_home_or_firm_place_gives_no_commute(app):
    assert commute_to(make_resident(), make_firm()) is None
    community = make_community()
    assert (
        commute_to(make_resident(community_id=community.id), make_firm(lat=None, lon=None)) is None
    )
