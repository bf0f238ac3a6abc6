"""`flask --app jobmatch notify-unfilled`: the check a daily cron job runs."""

import click
from flask import Flask

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


def register(app: Flask) -> None:
    app.cli.add_command(notify_unfilled)
