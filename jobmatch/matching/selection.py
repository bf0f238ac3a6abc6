"""Choosing, calibrating and judging a new version, honestly.

Candidates (model.CANDIDATES) are fitted on the fit split and compared on the validation
table; the best is calibrated on the validation residents' applications. The new version, the
current one and the baselines are then scored on one frozen test table (training.py: held-out
residents and the latest weeks). A version is promoted only if its NDCG@10 there beats the
rules ranker and the current version beyond noise: the lower end of the paired bootstrap 95%
interval of the difference, over the same queries, is above zero.
"""

import numpy as np

from jobmatch.matching.evaluation import (
    bootstrap_interval,
    evaluate,
    paired_difference,
    per_query_ndcg,
)
from jobmatch.matching.features import FEATURE_INDEX
from jobmatch.matching.model import (
    CANDIDATES,
    PipelineRanker,
    fit_calibration,
    fit_pipeline,
)
from jobmatch.matching.training import (
    Outcomes,
    Split,
    application_features,
    ranking_table,
    training_set,
)

SLICES = ("test", "held_out_residents", "latest_weeks")
PERTURBATION = 0.002


def _quiet(message: str) -> None:
    return None


def choose(outcomes: Outcomes, sp: Split, kinds=None, say=_quiet) -> tuple[dict, dict]:
    """The payload of the best candidate, calibrated; and what the choice was made on."""
    kinds = list(kinds or CANDIDATES)
    fit_rows, val_rows = np.flatnonzero(sp.fit), np.flatnonzero(sp.validation)
    say(f"building {len(fit_rows)} training examples with unchosen posts of their day")
    X, relevance, weight = training_set(outcomes, fit_rows)
    table = ranking_table(outcomes, val_rows, sp) if len(val_rows) else None
    fitted, report = {}, {}
    for kind in kinds:
        say(f"fitting candidate {kind}")
        fitted[kind] = PipelineRanker({"pipeline": fit_pipeline(kind, X, relevance, weight),
                                       "kind": kind})  # fmt: skip
        if table is not None:
            score = fitted[kind].score(table.X)
            report[kind] = bootstrap_interval(per_query_ndcg(table.query, score, table.relevance))
    defined = [k for k in kinds if report.get(k, {}).get("mean") is not None]
    best = max(defined, key=lambda k: report[k]["mean"]) if defined else kinds[0]
    X_val = application_features(outcomes, val_rows)
    slope, intercept = fit_calibration(fitted[best].log_odds(X_val), outcomes.relevance[val_rows])
    payload = {
        "pipeline": fitted[best].pipeline,
        "kind": best,
        "calibration": [slope, intercept],
    }
    return payload, {
        "validation_ndcg@10": report,
        "chosen": best,
        "examples": {"applications": int(len(fit_rows)), "rows": int(len(X))},
        "calibration": {
            "method": "Platt scaling on the model's log-odds",
            "slope": round(slope, 4),
            "intercept": round(intercept, 4),
            "fitted_on_applications": int(len(val_rows)),
        },
    }


def judge(outcomes: Outcomes, sp: Split, rankers: dict) -> dict:
    """Every ranker on one frozen test table: metrics by slice and group, NDCG@10 intervals,
    and the per-query NDCG@10 the promotion compares."""
    table = ranking_table(outcomes, np.flatnonzero(sp.test), sp)
    groups = outcomes.groups_of()
    scores = {name: ranker.score(table.X) for name, ranker in rankers.items()}
    per_query = {n: per_query_ndcg(table.query, s, table.relevance) for n, s in scores.items()}
    masks = {
        "test": np.ones(len(table.resident_ids), dtype=bool),
        "held_out_residents": table.held_out,
        "latest_weeks": table.latest,
    }
    query_groups = {q: groups.get(int(r), frozenset()) for q, r in enumerate(table.resident_ids)}
    metrics = {}
    for name, mask in masks.items():
        if not mask.any():
            continue
        at = mask[table.query]
        metrics[name] = {
            ranker: evaluate(table.query[at], s[at], table.relevance[at], query_groups)
            | {"ndcg@10_interval": bootstrap_interval(per_query[ranker][mask])}
            for ranker, s in scores.items()
        }
    return {
        "table": table,
        "per_query": per_query,
        "metrics": metrics,
        "queries": int(len(table.resident_ids)),
        "pairs": int(len(table.X)),
    }


def decide(per_query: dict, current_version: str | None) -> tuple[bool, str, dict]:
    """Promote only if better than the rules ranker and the current version beyond noise."""
    model = per_query["model"]
    rivals = {"rules": "rules"} | ({"current": current_version} if current_version else {})
    differences = {k: paired_difference(model, per_query[k]) for k in rivals}
    mean = bootstrap_interval(model)
    if mean["mean"] is None:
        return False, "kept as candidate: no test query with a hire or an interview", differences
    text = [f"ndcg@10 on the test table {mean['mean']:.4f} [{mean['low']:.4f}, {mean['high']:.4f}]"]
    better = True
    for key, label in rivals.items():
        d = differences[key]
        text.append(f"vs {label} {d['mean']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}]")
        better &= d["low"] > 0
    verdict = "better than " + " and ".join(rivals.values()) + " beyond noise"
    if better:
        return True, f"{verdict}: " + "; ".join(text), differences
    return False, f"kept as candidate: not {verdict}: " + "; ".join(text), differences


def calibration_report(ranker, outcomes: Outcomes, rows: np.ndarray) -> dict:
    """Predicted chance of a hire against what happened, on the test applications."""
    if not len(rows) or not hasattr(ranker, "log_odds"):
        return {}
    X = application_features(outcomes, rows)
    observed = outcomes.relevance[rows]
    edges = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)

    def table(p):
        bins = []
        for low, high in zip(edges[:-1], edges[1:], strict=True):
            at = (p >= low) & ((p < high) | (high == 1.0))
            if at.any():
                bins.append({"from": low, "to": high, "applications": int(at.sum()),
                             "predicted": round(float(p[at].mean()), 4),
                             "observed": round(float(observed[at].mean()), 4)})  # fmt: skip
        ece = sum(b["applications"] * abs(b["predicted"] - b["observed"]) for b in bins) / len(p)
        return bins, round(float(np.mean((p - observed) ** 2)), 4), round(float(ece), 4)

    bins, brier, ece = table(ranker.score(X))
    _, raw_brier, raw_ece = table(1 / (1 + np.exp(-ranker.log_odds(X))))
    return {
        "applications": int(len(rows)),
        "bins": bins,
        "brier": brier,
        "expected_calibration_error": ece,
        "uncalibrated": {"brier": raw_brier, "expected_calibration_error": raw_ece},
    }


def leak_checks(ranker, X: np.ndarray, average_lift: float = 0.0) -> dict:
    """The firm's record must inform, not identify: scores barely move when the firm's rate
    moves by 0.002, and a firm without a record scores like an average one."""
    if not len(X):
        return {}
    column = FEATURE_INDEX["firm_rate_lift"]
    base = ranker.score(X)
    moved = []
    for delta in (-PERTURBATION, PERTURBATION):
        shifted = X.copy()
        shifted[:, column] += delta
        moved.append(np.abs(ranker.score(shifted) - base) / np.maximum(base, 1e-9))
    new, average = X.copy(), X.copy()
    new[:, column] = 0.0
    average[:, column] = average_lift
    return {
        "firm_rate_perturbation": PERTURBATION,
        "mean_relative_score_change": round(float(np.mean(moved)), 5),
        "max_relative_score_change": round(float(np.max(moved)), 5),
        "new_firm_over_average_firm": round(
            float(ranker.score(new).mean() / ranker.score(average).mean()), 4
        ),
    }
