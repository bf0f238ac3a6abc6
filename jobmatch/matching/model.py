"""The learned ranker: an additive spline-logistic pipeline, calibrated, with exact reasons.

``AdditiveDesign`` expands the features (features.py) into a design matrix: most columns pass
through, and distance becomes a piecewise-linear spline fitted separately for residents with
transport, without it, and who did not say (the truth of a commute is not a straight line, and
not the same on foot). The wage gap and the age margin get splines too. A LogisticRegression on
the standardised design classifies "hired" (an interview counts as half a hire). Every design
column belongs to one feature, so a pair's log-odds is exactly a base value plus one
contribution per feature, which is what the reasons read (reasons.py) and what a test checks.

The score served is calibrated on held-out applications (Platt: a logistic curve on the model's
log-odds, fitted on residents the model never saw): the chance that an application to this post
ends in a hire. Calibration is monotone and affine in log-odds, so it changes no order and keeps
the contributions exact (each is multiplied by the same slope).
"""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from jobmatch.matching.baselines import linear, sigmoid
from jobmatch.matching.features import FEATURE_INDEX, FEATURE_NAMES

# Knots of the piecewise-linear splines, in the feature's own units (fixed: documented, stable
# across retrains, and the same for every candidate compared).
SPLINE_KNOTS = {
    "distance_km": (2.0, 5.0, 10.0, 20.0, 35.0),
    "wage_gap": (-0.3, 0.0, 0.2),
    "age_margin": (2.0, 5.0, 10.0),
}
TRANSPORT = (FEATURE_INDEX["transport_yes"], FEATURE_INDEX["transport_no"])
# Candidate settings compared on the same validation table (training.py): name -> (splines, C).
CANDIDATES = {
    "spline_logistic": (True, 1.0),
    "spline_logistic_strong": (True, 0.1),
    "logistic": (False, 1.0),
}


class AdditiveDesign(TransformerMixin, BaseEstimator):
    """Raw features -> design columns; ``terms_`` maps each design column to its feature."""

    def __init__(self, splines: bool = True):
        self.splines = splines

    def fit(self, X, y=None):
        self.n_features_in_ = np.asarray(X).shape[1]
        terms = []
        for j, name in enumerate(FEATURE_NAMES):
            if not self.splines or name not in SPLINE_KNOTS:
                terms.append(j)
            elif name == "distance_km":
                terms += [j] * (1 + len(SPLINE_KNOTS[name])) * 3
            else:
                terms += [j] * (1 + len(SPLINE_KNOTS[name]))
        self.terms_ = np.array(terms)
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=np.float64)
        if not self.splines:
            return X
        blocks = []
        for j, name in enumerate(FEATURE_NAMES):
            x = X[:, j]
            if name not in SPLINE_KNOTS:
                blocks.append(x[:, None])
                continue
            basis = np.column_stack([x] + [np.maximum(x - k, 0.0) for k in SPLINE_KNOTS[name]])
            if name == "distance_km":
                yes, no = X[:, TRANSPORT[0]][:, None], X[:, TRANSPORT[1]][:, None]
                basis = np.hstack([basis * yes, basis * no, basis * (1.0 - yes - no)])
            blocks.append(basis)
        return np.hstack(blocks)


def make_pipeline(kind: str) -> Pipeline:
    if kind not in CANDIDATES:
        raise ValueError(f"unknown model kind {kind!r}")
    splines, c = CANDIDATES[kind]
    return Pipeline(
        [
            ("design", AdditiveDesign(splines=splines)),
            ("scale", StandardScaler()),
            ("classify", LogisticRegression(C=c, max_iter=3000)),
        ]
    )


def soft_labels(X: np.ndarray, relevance: np.ndarray, weight: np.ndarray | None = None):
    """Rows, labels and weights: a hire is 1, a rejection or withdrawal 0, an interview half."""
    base = np.ones(len(X)) if weight is None else weight
    partial = (relevance > 0) & (relevance < 1)
    X_out = np.concatenate([X, X[partial]])
    y = np.concatenate([(relevance >= 0.5).astype(int), np.zeros(partial.sum(), dtype=int)])
    weight = np.concatenate([np.where(partial, 0.5, 1.0) * base, 0.5 * base[partial]])
    return X_out, y, weight


def fit_pipeline(kind: str, X: np.ndarray, relevance: np.ndarray, weight=None) -> Pipeline:
    pipeline = make_pipeline(kind)
    X_fit, y, weight = soft_labels(X, relevance, weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(X_fit, y, classify__sample_weight=weight)
    return pipeline


def fit_calibration(log_odds: np.ndarray, relevance: np.ndarray) -> tuple[float, float]:
    """Platt scaling (slope, intercept) on held-out applications; identity when too few."""
    if len(log_odds) < 30 or not (relevance >= 1).any() or (relevance >= 1).all():
        return 1.0, 0.0
    z, y, w = soft_labels(log_odds[:, None], relevance)
    curve = LogisticRegression(C=100.0).fit(z, y, sample_weight=w)
    return float(curve.coef_[0][0]), float(curve.intercept_[0])


class PipelineRanker:
    """A loaded artifact: calibrated scores, and each feature's exact share of the log-odds."""

    def __init__(self, payload: dict):
        self.pipeline: Pipeline = payload["pipeline"]
        self.kind: str = payload["kind"]
        self.calibration = tuple(payload.get("calibration", (1.0, 0.0)))
        self.name = payload.get("version", self.kind)
        design = self.pipeline.named_steps["design"]
        scaler = self.pipeline.named_steps["scale"]
        classifier = self.pipeline.named_steps["classify"]
        self.design = design
        self.weights = classifier.coef_[0] / scaler.scale_
        self.centre = scaler.mean_
        self.intercept = float(classifier.intercept_[0]) - float(self.centre @ self.weights)
        self.term_matrix = np.zeros((len(design.terms_), len(FEATURE_NAMES)))
        self.term_matrix[np.arange(len(design.terms_)), design.terms_] = 1.0

    def log_odds(self, X: np.ndarray) -> np.ndarray:
        """Uncalibrated: the same arithmetic as the pipeline's decision_function, without its
        per-call validation (which costs more than the product for a hundred posts)."""
        return linear(self.design.transform(X), self.weights) + self.intercept

    def score(self, X: np.ndarray) -> np.ndarray:
        slope, shift = self.calibration
        return sigmoid(slope * self.log_odds(X) + shift)

    @property
    def base(self) -> float:
        """Calibrated log-odds of a pair at the training average: what contributions add to."""
        slope, shift = self.calibration
        return slope * (float(self.centre @ self.weights) + self.intercept) + shift

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per feature, its exact share of the calibrated log-odds: base + sum = logit(score)."""
        slope, _ = self.calibration
        parts = (self.design.transform(X) - self.centre) * self.weights
        return slope * (parts @ self.term_matrix)

    def agrees_with_pipeline(self, X: np.ndarray) -> bool:
        slope, shift = self.calibration
        expected = sigmoid(slope * self.pipeline.decision_function(X) + shift)
        return bool(np.allclose(self.score(X), expected, atol=1e-9))
