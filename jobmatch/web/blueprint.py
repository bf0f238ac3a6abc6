"""The one blueprint every page module adds its views to."""

from datetime import UTC, datetime, timedelta, timezone

from flask import Blueprint

from jobmatch.web import labels
from jobmatch.web.session import web_user

blp = Blueprint("web", __name__)


# The county keeps Beijing time all year; times are stored in UTC.
BEIJING = timezone(timedelta(hours=8), "北京时间")


@blp.record_once
def _template_globals(state) -> None:
    labels.register(state.app)
    state.app.jinja_env.filters["local"] = local_time


def local_time(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as the reader's clock shows it."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime(pattern)


@blp.app_context_processor
def _signed_in_user() -> dict:
    # Every page, the error page included, shows who is signed in and their menu.
    return {"web_user": web_user()}
