"""``flask --app jobmatch train``: retrain the ranker from recorded outcomes."""

import time

import click
from flask import Flask, current_app

from jobmatch.errors import Conflict
from jobmatch.matching.model import CANDIDATES

METRICS = ("ndcg@10", "recall@10", "map")


def _print_table(title: str, results: dict) -> None:
    click.echo(f"\n{title}")
    click.echo(f"  {'ranker':<14}{'group':<24}{'n':>6}" + "".join(f"{m:>11}" for m in METRICS))
    for name, result in results.items():
        for group, metrics in [("all", result["overall"])] + list(result["by_group"].items()):
            if not metrics["residents"]:
                continue
            cells = "".join(
                f"{'-' if metrics[m] is None else format(metrics[m], '.4f'):>11}" for m in METRICS
            )
            click.echo(f"  {name:<14}{group:<24}{metrics['residents']:>6}{cells}")


@click.command("train")
@click.option("--kind", type=click.Choice(list(CANDIDATES)), default=None)
@click.option(
    "--threads", type=click.IntRange(1, 64), default=None, help="BLAS/OpenMP threads (default 1)"
)
def train_command(kind: str | None, threads: int | None) -> None:
    """Retrain the ranker, write a new version with its card, print its evaluation."""
    from jobmatch.matching.retrain import train_and_register

    started = time.monotonic()

    def progress(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f} s] {message}")

    config = current_app.config
    if threads:
        config = {**config, "MATCHING_TRAIN_THREADS": threads}
    click.echo(f"training with {config.get('MATCHING_TRAIN_THREADS', 1)} thread(s)")
    try:
        card = train_and_register(config, kinds=(kind,) if kind else None, progress=progress)
    except Conflict as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"\n{card['version']}: {card['model']['kind']}, {card['data']['applications']} outcomes"
    )
    for name, results in card["metrics"]["held_out"].items():
        _print_table(name, results)
    click.echo("\npriority exposure in top-10 candidates (eligible / before / after):")
    for group, shares in card["exposure"]["by_group"].items():
        click.echo(
            f"  {group:<24}{shares['eligible_share']}  "
            f"{shares['top10_share_before']}  {shares['top10_share_after']}"
        )
    click.echo(f"\n{card['status']}: {card['promotion']['reason']}")
    click.echo(f"done in {time.monotonic() - started:.1f} s")


def register(app: Flask) -> None:
    from jobmatch.matching import bench_data

    app.cli.add_command(train_command)
    bench_data.register(app)
