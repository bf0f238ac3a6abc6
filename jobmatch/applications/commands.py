"""The applications' daily checks, run by cron: `flask --app jobmatch notify-unfilled` and
`flask --app jobmatch close-stale`."""

import click
from flask import Flask, current_app

from jobmatch.applications.closing import close_stale
from jobmatch.applications.hiring import notify_unfilled_posts


@click.command("notify-unfilled")
@click.option(
    "--min-age-days",
    default=7,
    show_default=True,
    type=click.IntRange(min=0),
    help="Only posts listed at least this many days ago.",
)
def notify_unfilled(min_age_days: int) -> None:
    """Tell staff of open posts with openings left and nobody recommended or applying."""
    flagged = notify_unfilled_posts(min_age_days=min_age_days)
    click.echo(f"flagged {len(flagged)} post(s): {', '.join(map(str, flagged)) or '-'}")


@click.command("close-stale")
@click.option(
    "--days",
    type=click.IntRange(min=1, max=3650),
    help="Idle this many days or more (default: the JOBMATCH_STALE_DAYS setting, 30).",
)
def close_stale_command(days: int | None) -> None:
    """Close applications still recommended, applied or at interview that nothing has moved
    for the given days, as withdrawn with reason stale; the resident and the firm are told."""
    days = days or int(current_app.config["JOBMATCH_STALE_DAYS"])
    closed = close_stale(days)
    click.echo(f"closed {len(closed)} idle application(s): {', '.join(map(str, closed)) or '-'}")


def register(app: Flask) -> None:
    app.cli.add_command(notify_unfilled)
    app.cli.add_command(close_stale_command)
