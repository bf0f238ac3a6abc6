"""The one blueprint every page module adds its views to."""

from datetime import datetime

from flask import Blueprint

from jobmatch.clock import china_time
from jobmatch.web import labels
from jobmatch.web.session import web_user

blp = Blueprint("web", __name__)


@blp.record_once
def _template_globals(state) -> None:
    labels.register(state.app)
    state.app.jinja_env.filters["local"] = local_time


def local_time(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as the reader's clock shows it."""
    if moment is None:
        return ""
    return china_time(moment).strftime(pattern)


@blp.app_context_processor
def _signed_in_user() -> dict:
    # Every page, the error page included, shows who is signed in and their menu.
    return {"web_user": web_user()}
