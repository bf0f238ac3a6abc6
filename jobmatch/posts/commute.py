"""How far a post is from a resident's home, and which way: what a resident reading a post
needs to decide whether they can get there every day."""

import math
from dataclasses import dataclass

from jobmatch.firms.models import Firm
from jobmatch.residents.models import Resident

EARTH_RADIUS_KM = 6371.0088
# Eight compass points, clockwise from north, as people in the county give directions.
DIRECTIONS = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")


@dataclass(frozen=True)
class Commute:
    km: float
    direction: str
    home: str
    within_limit: bool | None  # None when the resident set no limit

    @property
    def sentence(self) -> str:
        return f"从{self.home}往{self.direction}方向，直线约 {self.km:.1f} 公里"


def home_point(resident: Resident) -> tuple[float, float, str] | None:
    """The resident's grid point, else the community's, with the place's name; None if unknown."""
    community = resident.community
    if community is None:
        return None
    grid = next((g for g in community.grids if g.id == resident.grid_id), None)
    if grid is not None:
        return grid.lat, grid.lon, f"{community.name}{grid.name}"
    if community.lat is None or community.lon is None:
        return None
    return community.lat, community.lon, community.name


def commute_to(resident: Resident, firm: Firm) -> Commute | None:
    """Great-circle distance and compass direction from home to the firm; None if either
    place is unknown."""
    home = home_point(resident)
    if home is None or firm.lat is None or firm.lon is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (home[0], home[1], firm.lat, firm.lon))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))
    bearing = math.degrees(
        math.atan2(
            math.sin(lon2 - lon1) * math.cos(lat2),
            math.cos(lat1) * math.sin(lat2)
            - math.sin(lat1) * math.cos(lat2) * math.cos(lon2 - lon1),
        )
    )
    direction = DIRECTIONS[round((bearing % 360) / 45) % 8]
    limit = resident.max_commute_km
    return Commute(
        km=km,
        direction=direction,
        home=home[2],
        within_limit=None if limit is None else km <= float(limit),
    )
