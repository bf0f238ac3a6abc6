"""The model card: what it holds (build_card), and its rendering for people (markdown)."""

from datetime import UTC, datetime

from jobmatch.matching.features import FEATURE_NAMES, FEATURES_VERSION
from jobmatch.matching.registry import library_versions

METRIC_NAMES = ("ndcg@10", "recall@10", "map")
INTENDED_USE = (
    "Order open posts for a resident and residents for a post, to help bureau staff refer and "
    "residents choose. A person decides."
)
OUT_OF_SCOPE = (
    "Never to reject, screen out or rank down a resident automatically, nor to decide a hire; "
    "not for other counties without retraining."
)


def build_card(*, version, promotion, pipeline, kind, data, cv, held_out, exposure) -> dict:
    """The card of a new version (the artifact's hash and size are added when it is saved)."""
    classifier = pipeline.steps[-1][1]
    params = classifier.get_params()
    return {
        "version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": "current" if promotion["promoted"] else "candidate",
        "promotion": promotion,
        "model": {
            "kind": kind,
            "pipeline": [type(step).__name__ for _, step in pipeline.steps],
            "params": {k: v for k, v in params.items() if isinstance(v, int | float | str | None)},
            "selection": {
                k: cv["all_posts"][k]["overall"]
                for k in ("logistic", "boosting")
                if k in cv["all_posts"]
            },
        },
        "features": {"version": FEATURES_VERSION, "names": list(FEATURE_NAMES)},
        "data": data,
        "metrics": {"cross_validation": cv, "held_out": held_out},
        "exposure": exposure,
        "libraries": library_versions(),
        "intended_use": INTENDED_USE,
        "out_of_scope": OUT_OF_SCOPE,
    }


def _cell(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def _table(results: dict, title: str) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| ranker | group | residents | " + " | ".join(METRIC_NAMES) + " |",
    ]
    lines.append("| --- | --- | ---: | " + " | ".join("---:" for _ in METRIC_NAMES) + " |")
    for name, result in results.items():
        rows = [("all", result["overall"])] + list(result.get("by_group", {}).items())
        for group, metrics in rows:
            values = " | ".join(_cell(metrics[m]) for m in METRIC_NAMES)
            lines.append(f"| {name} | {group} | {metrics['residents']} | {values} |")
    return lines + [""]


def render_markdown(card: dict) -> str:
    data, promotion = card["data"], card["promotion"]
    lines = [
        f"# Model card: {card['version']} ({card['status']})",
        "",
        f"Created {card['created_at']}. {card['model']['kind']} pipeline "
        f"({' → '.join(card['model']['pipeline'])}), features {card['features']['version']}.",
        "",
        f"**Intended use.** {card['intended_use']}",
        "",
        f"**Out of scope.** {card['out_of_scope']}",
        "",
        "## Data",
        "",
        f"{data['applications']} decided applications ({data['outcomes']}) of "
        f"{data['residents_with_outcomes']} residents, {data['held_out_residents']} of them held "
        f"out; {data['residents']} residents and {data['posts']} posts in all. "
        f"sha256 of the training table: `{data['sha256']}`.",
        "",
        "## Promotion",
        "",
        f"{'Promoted' if promotion['promoted'] else 'Not promoted'} against "
        f"{promotion['compared_with']}: {promotion['reason']}."
        + (f" ({promotion['note']})" if promotion.get("note") else ""),
        "",
        "## Metrics",
        "",
        "Per resident; relevance: hire 1, interview 0.5. *all_posts* ranks every post the resident "
        "was eligible for; *applications* only the posts they applied to.",
        "",
    ]
    for protocol, results in card["metrics"]["cross_validation"].items():
        lines += _table(results, f"Cross-validation (GroupKFold by resident), {protocol}")
    if card["metrics"]["held_out"]:
        lines += _table(card["metrics"]["held_out"], "Held-out residents, all_posts")
    exposure = card["exposure"]
    lines += [
        "## Priority re-rank",
        "",
        f"Lift {exposure['policy']['lift']} (at most {exposure['policy']['max_lift']}) for "
        f"{', '.join(exposure['policy']['groups'])}; share of each group among the top 10 "
        f"candidates of {exposure['posts']} open posts:",
        "",
        "| group | eligible share | top-10 before | top-10 after |",
        "| --- | ---: | ---: | ---: |",
    ]
    for group, shares in exposure["by_group"].items():
        lines.append(
            f"| {group} | {_cell(shares['eligible_share'])} | "
            f"{_cell(shares['top10_share_before'])} | {_cell(shares['top10_share_after'])} |"
        )
    libs = ", ".join(f"{k} {v}" for k, v in card["libraries"].items())
    artifact = card.get("artifact", {})
    lines += [
        "",
        "## Artifact",
        "",
        f"`{artifact.get('file')}`, {artifact.get('bytes')} bytes, "
        f"sha256 `{artifact.get('sha256')}`.",
        f"Trained with {libs}.",
        "",
    ]
    return "\n".join(lines)
