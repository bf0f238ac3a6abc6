"""``flask --app jobmatch train``: retrain the ranker from recorded outcomes."""

import click
from flask import Flask, current_app

from jobmatch.errors import Conflict

METRICS = ("ndcg@10", "recall@10", "map")


def _print_table(title: str, results: dict) -> None:
    click.echo(f"\n{title}")
    click.echo(f"  {'ranker':<14}{'group':<24}{'n':>6}" + "".join(f"{m:>11}" for m in METRICS))
    for name, result in results.items():
        for group, metrics in [("all", result["overall"])] + list(result["by_group"].items()):
            cells = "".join(
                f"{'-' if metrics[m] is None else format(metrics[m], '.4f'):>11}" for m in METRICS
            )
            click.echo(f"  {name:<14}{group:<24}{metrics['residents']:>6}{cells}")


@click.command("train")
@click.option("--kind", type=click.Choice(["logistic", "boosting"]), default=None)
def train_command(kind: str | None) -> None:
    """Retrain the ranker, write a new version with its card, print its evaluation."""
    from jobmatch.matching.retrain import train_and_register

    try:
        card = train_and_register(current_app.config, kinds=(kind,) if kind else None)
    except Conflict as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"{card['version']}: {card['model']['kind']}, {card['data']['applications']} outcomes"
    )
    for protocol, results in card["metrics"]["cross_validation"].items():
        _print_table(f"cross-validation by resident ({protocol})", results)
    if card["metrics"]["held_out"]:
        _print_table("held-out residents (all_posts)", card["metrics"]["held_out"])
    click.echo("\npriority exposure in top-10 candidates (eligible / before / after):")
    for group, shares in card["exposure"]["by_group"].items():
        click.echo(
            f"  {group:<24}{shares['eligible_share']}  "
            f"{shares['top10_share_before']}  {shares['top10_share_after']}"
        )
    click.echo(f"\n{card['status']}: {card['promotion']['reason']}")


def register(app: Flask) -> None:
    app.cli.add_command(train_command)
