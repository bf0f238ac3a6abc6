"""The model card: what it holds (build_card), and its rendering for people (markdown)."""

from datetime import UTC, datetime

from jobmatch.matching.features import FEATURE_NAMES, FEATURES_VERSION
from jobmatch.matching.registry import library_versions

METRIC_NAMES = ("ndcg@10", "recall@10", "map")
INTENDED_USE = (
    "Order open posts for a resident and residents for a post, to help bureau staff refer and "
    "residents choose; the score is the chance that an application ends in a hire. A person "
    "decides."
)
OUT_OF_SCOPE = (
    "Never to reject, screen out or rank down a resident automatically, nor to decide a hire; "
    "not for other counties without retraining."
)
SLICE_TITLES = {
    "test": "Test table: held-out residents and the latest weeks",
    "held_out_residents": "Held-out residents (never trained on)",
    "latest_weeks": "Latest weeks (every resident)",
}


def build_card(
    *, version, promotion, pipeline, kind, data, selection, held_out, calibration, leak, exposure
) -> dict:
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
            "selection": selection,
        },
        "features": {"version": FEATURES_VERSION, "names": list(FEATURE_NAMES)},
        "data": data,
        "metrics": {"held_out": held_out},
        "calibration": calibration,
        "leak_test": leak,
        "exposure": exposure,
        "libraries": library_versions(),
        "intended_use": INTENDED_USE,
        "out_of_scope": OUT_OF_SCOPE,
    }


def _cell(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def _interval(i: dict | None) -> str:
    if not i or i.get("mean") is None:
        return "–"
    return f"{i['mean']:.3f} [{i['low']:.3f}, {i['high']:.3f}]"


def _table(results: dict, title: str) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| ranker | group | queries | ndcg@10 (95% interval) | recall@10 | map |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, result in results.items():
        o = result["overall"]
        lines.append(
            f"| {name} | all | {o['residents']} | {_interval(result.get('ndcg@10_interval'))} | "
            f"{_cell(o['recall@10'])} | {_cell(o['map'])} |"
        )
        for group, m in result.get("by_group", {}).items():
            if m["residents"]:
                lines.append(
                    f"| {name} | {group} | {m['residents']} | {_cell(m['ndcg@10'])} | "
                    f"{_cell(m['recall@10'])} | {_cell(m['map'])} |"
                )
    return lines + [""]


def _promotion(card: dict) -> list[str]:
    promotion = card["promotion"]
    lines = [
        "## Promotion",
        "",
        f"{'Promoted' if promotion['promoted'] else 'Not promoted'} (compared with "
        f"{promotion['compared_with']}): {promotion['reason']}."
        + (f" ({promotion['note']})" if promotion.get("note") else ""),
        "",
        "Paired bootstrap over the same test queries (2,000 resamples), NDCG@10 of this version "
        "minus the other's; promoted only if every lower bound is above zero:",
        "",
        "| against | difference [95% interval] | queries |",
        "| --- | ---: | ---: |",
    ]
    for rival, d in promotion.get("differences", {}).items():
        if d.get("mean") is not None:
            lines.append(
                f"| {rival} | {d['mean']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}] | "
                f"{d['queries']} |"
            )
    return lines + [""]


def _calibration(card: dict) -> list[str]:
    c = card.get("calibration") or {}
    if not c:
        return []
    lines = [
        "## Calibration",
        "",
        f"On {c['applications']} test applications (an interview counts as half a hire). "
        f"Brier {c['brier']}, expected calibration error {c['expected_calibration_error']} "
        f"(uncalibrated: {c['uncalibrated']['brier']}, "
        f"{c['uncalibrated']['expected_calibration_error']}).",
        "",
        "| predicted | applications | mean predicted | observed |",
        "| --- | ---: | ---: | ---: |",
    ]
    for b in c["bins"]:
        lines.append(
            f"| {b['from']:.2f}–{b['to']:.2f} | {b['applications']} | {b['predicted']:.3f} | "
            f"{b['observed']:.3f} |"
        )
    return lines + [""]


def _leak(card: dict) -> list[str]:
    leak = card.get("leak_test") or {}
    if not leak:
        return []
    return [
        "## Leak test",
        "",
        f"Moving every pair's firm hire rate by ±{leak['firm_rate_perturbation']} changes the "
        f"score by {leak['mean_relative_score_change']:.4%} on average (at most "
        f"{leak['max_relative_score_change']:.4%}). A firm with no record scores "
        f"{leak['new_firm_over_average_firm']:.3f}× an average firm's post.",
        "",
    ]


def _exposure(card: dict) -> list[str]:
    exposure = card["exposure"]
    policy = exposure["policy"]
    lines = [
        "## Priority re-rank",
        "",
        f"A candidate in {', '.join(policy['groups'])} moves up at most {policy['places']} "
        f"places in a post's list; share of each group among the top 10 candidates of "
        f"{exposure['posts']} open posts:",
        "",
        "| group | eligible share | top-10 before | top-10 after |",
        "| --- | ---: | ---: | ---: |",
    ]
    for group, shares in exposure["by_group"].items():
        lines.append(
            f"| {group} | {_cell(shares['eligible_share'])} | "
            f"{_cell(shares['top10_share_before'])} | {_cell(shares['top10_share_after'])} |"
        )
    return lines + [""]


def render_markdown(card: dict) -> str:
    data, model = card["data"], card["model"]
    split = data.get("split", {})
    selection = model.get("selection", {})
    lines = [
        f"# Model card: {card['version']} ({card['status']})",
        "",
        f"Created {card['created_at']}. {model['kind']} pipeline "
        f"({' → '.join(model['pipeline'])}), features {card['features']['version']}.",
        "",
        f"**Intended use.** {card['intended_use']}",
        "",
        f"**Out of scope.** {card['out_of_scope']}",
        "",
        "## Data",
        "",
        f"{data['applications']} decided applications ("
        + ", ".join(f"{n} {status}" for status, n in data["outcomes"].items())
        + f") of "
        f"{data['residents_with_outcomes']} residents; {data['residents']} residents and "
        f"{data['posts']} posts in all. Split: {split.get('fit')} to fit, "
        f"{split.get('validation')} to choose and calibrate, {split.get('test')} to test "
        f"({data['held_out_residents']} held-out residents, never trained on, and every "
        f"outcome from {split.get('latest_weeks_from') or '– (too short a span for a time split)'}"
        f"). Every feature is as of the day of its example. sha256 of the test table: "
        f"`{data['sha256']}`.",
        "",
    ]
    lines += _promotion(card)
    lines += [
        "## Choice",
        "",
        f"Chosen: {selection.get('chosen')}. NDCG@10 on the validation residents:",
        "",
    ]
    for kind, result in selection.get("validation_ndcg@10", {}).items():
        lines.append(f"- {kind}: {_interval(result)}")
    lines += ["", "## Metrics", ""]
    lines += [
        "One query per resident and day: every post open that day and eligible for them; "
        "relevance: hire 1, interview 0.5, a post not applied to 0.",
        "",
    ]
    for name, results in card["metrics"]["held_out"].items():
        lines += _table(results, SLICE_TITLES.get(name, name))
    lines += _calibration(card) + _leak(card) + _exposure(card)
    libs = ", ".join(f"{k} {v}" for k, v in card["libraries"].items())
    artifact = card.get("artifact", {})
    lines += [
        "## Artifact",
        "",
        f"`{artifact.get('file')}`, {artifact.get('bytes')} bytes, "
        f"sha256 `{artifact.get('sha256')}`. Trained with {libs}"
        + (f" in {card['training_seconds']} s." if "training_seconds" in card else "."),
        "",
    ]
    return "\n".join(lines)
