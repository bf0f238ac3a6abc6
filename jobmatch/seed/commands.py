"""``flask --app jobmatch seed``: load seed_data/ into the database."""

from pathlib import Path

import click
from flask import Flask, current_app

from jobmatch.seed.demo import demo_accounts_command
from jobmatch.seed.files import SeedError
from jobmatch.seed.loader import load_seed


@click.command("seed")
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of seed files (default: JOBMATCH_SEED_DIR, the project's seed_data/).",
)
def seed_command(data_dir: Path | None) -> None:
    """Load the seed data in one transaction; a second run changes nothing."""
    directory = data_dir or Path(current_app.config["JOBMATCH_SEED_DIR"])
    try:
        report = load_seed(directory)
    except SeedError as error:
        raise click.ClickException(f"种子数据有误，数据库未作任何改动。{error}") from None
    if report.loaded:
        click.echo(f"已载入种子数据（{directory}），用时 {report.seconds:.2f} 秒：")
    else:
        click.echo(
            f"already seeded：数据库中已有种子数据，未作改动（检查用时 {report.seconds:.2f} 秒）。"
        )
    width = max(len(name) for name in report.counts)
    for name, count in report.counts.items():
        click.echo(f"  {name:<{width}}  {count:>7}")
    click.echo(f"  {'total':<{width}}  {sum(report.counts.values()):>7}")


def register(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_accounts_command)
