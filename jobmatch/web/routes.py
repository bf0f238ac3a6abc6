"""The pages' blueprint, with every page module's views added to it."""

from jobmatch.web import (  # noqa: F401
    accounts,
    auth_views,
    firm,
    firm_orders,
    public,
    resident,
    resident_pathways,
    staff,
    staff_cohort_roster,
    staff_desk,
    staff_follow_ups,
    staff_import,
    staff_orders,
    staff_results,
    staff_roster,
    staff_training,
)
from jobmatch.web.blueprint import blp

__all__ = ["blp"]
