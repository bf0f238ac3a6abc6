"""`flask --app jobmatch notify-follow-ups`: the check a daily cron job runs."""

import click
from flask import Flask

from jobmatch.employment.service import notify_due_follow_ups


@click.command("notify-follow-ups")
def notify_follow_ups() -> None:
    """Tell staff of each hire's follow-up come due that they have not been told of."""
    told = notify_due_follow_ups()
    click.echo(f"notified {len(told)} follow-up(s)")


def register(app: Flask) -> None:
    app.cli.add_command(notify_follow_ups)
