"""Rankers to beat, and the fallback: random, skill overlap, hand-weighted rules.

Every ranker answers ``score(X)`` in 0..1 for a feature matrix (FEATURE_NAMES columns) and
``contributions(X)``, how much each feature moved each pair's score, which reasons.py reads.
The rules ranker is what the service falls back to when no trusted model can be loaded.
"""

import numpy as np

from jobmatch.matching.features import FEATURE_INDEX, FEATURE_NAMES


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def linear(X: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``X @ weights``, a column at a time in one fixed order: each row's sum is rounded the
    same way however many rows come with it and however they lie in memory. BLAS's is not
    (its last bits move with the number of rows), so a post's candidates scanned in blocks
    (scoring.py) could break ties otherwise than the whole table."""
    total, term = np.zeros(len(X)), np.empty(len(X))
    for column, weight in enumerate(weights):
        total += np.multiply(X[:, column], weight, out=term)
    return total


class LinearExplainer:
    """Per-feature contributions w_i * (x_i - centre_i) / scale_i of a linear score."""

    def __init__(self, weights, centre=None, scale=None):
        self.weights = np.asarray(weights, dtype=np.float64)
        n = len(self.weights)
        self.centre = np.zeros(n) if centre is None else np.asarray(centre, dtype=np.float64)
        self.scale = np.ones(n) if scale is None else np.asarray(scale, dtype=np.float64)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return (X - self.centre) / self.scale * self.weights


def _weights(**named: float) -> np.ndarray:
    weights = np.zeros(len(FEATURE_NAMES))
    for name, value in named.items():
        weights[FEATURE_INDEX[name]] = value
    return weights


# Hand-set from what the bureau's placement officers say matters: the skills, then the commute
# against the person's own limit, the pay against their wish, the shift (and what the person
# said of nights), relevant training.
RULE_WEIGHTS = _weights(
    skill_coverage=2.0,
    skills_missing=-0.3,
    related_skill=0.8,
    training_relevance=1.2,
    commute_ratio=-1.5,
    wage_gap=1.5,
    wage_below=-0.8,
    shift_fit=1.0,
    night_refused=-2.0,  # said they cannot work nights: as strong as a wrong shift, and more
    night_caregiver=-0.5,
    perks=0.2,
)
RULE_CENTRE = _weights(skill_coverage=0.5, commute_ratio=0.5, shift_fit=0.5)
RULE_BIAS = -1.5


class RulesRanker:
    name = "rules"

    def __init__(self):
        self.explainer = LinearExplainer(RULE_WEIGHTS, RULE_CENTRE)

    def score(self, X: np.ndarray) -> np.ndarray:
        return sigmoid(linear(X, RULE_WEIGHTS) + RULE_BIAS)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return self.explainer.contributions(X)


class SkillOverlapRanker:
    """Share of the post's required skills held, then any skill of its occupation."""

    name = "skill_overlap"

    def score(self, X: np.ndarray) -> np.ndarray:
        return (
            0.9 * X[:, FEATURE_INDEX["skill_coverage"]] + 0.1 * X[:, FEATURE_INDEX["related_skill"]]
        )

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return LinearExplainer(_weights(skill_coverage=0.9, related_skill=0.1)).contributions(X)


class RandomRanker:
    name = "random"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def score(self, X: np.ndarray) -> np.ndarray:
        return np.random.default_rng(self.seed).random(len(X))

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return np.zeros_like(X)


BASELINES = (RandomRanker, SkillOverlapRanker, RulesRanker)
