"""The pages' blueprint, with every page module's views added to it."""

from jobmatch.web import auth_views, firm, public, resident, staff, staff_desk  # noqa: F401
from jobmatch.web.blueprint import blp

__all__ = ["blp"]
