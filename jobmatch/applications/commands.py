"""`flask --app jobmatch close-stale`: the daily check that closes idle applications."""

import click
from flask import Flask, current_app

from jobmatch.applications.closing import close_stale


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
    app.cli.add_command(close_stale_command)
