"""The pages' blueprint, with every page module's views added to it."""

from jobmatch.web import (  # noqa: F401
    accounts,
    auth_views,
    firm,
    public,
    resident,
    resident_pathways,
    staff,
    staff_desk,
    staff_follow_ups,
    staff_import,
)
from jobmatch.web.blueprint import blp

__all__ = ["blp"]
