"""The learned ranker: a scikit-learn Pipeline predicting a hire, and how it is served.

Two candidates are fitted and compared by grouped cross-validation (training.py): a
LogisticRegression on standardised features, and a HistGradientBoostingClassifier. Both are
classifiers of "hired" with an interview counted as half a hire (the pair appears twice, as a
hire and as a non-hire, each with weight 0.5). The served score is the predicted probability.
"""

import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from jobmatch.matching.baselines import LinearExplainer, sigmoid

MODEL_KINDS = ("logistic", "boosting")


def make_pipeline(kind: str, seed: int = 0) -> Pipeline:
    if kind == "logistic":
        return Pipeline(
            [("scale", StandardScaler()), ("classify", LogisticRegression(C=1.0, max_iter=1000))]
        )
    if kind == "boosting":
        # Small on purpose: a few hundred KB on disk and fast enough to score 100,000 residents.
        classifier = HistGradientBoostingClassifier(
            max_iter=150,
            learning_rate=0.08,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            random_state=seed,
        )
        return Pipeline([("classify", classifier)])
    raise ValueError(f"unknown model kind {kind!r}")


def soft_labels(X: np.ndarray, relevance: np.ndarray, weight: np.ndarray | None = None):
    """Rows, labels and weights: a hire is 1, a rejection or withdrawal 0, an interview half."""
    base = np.ones(len(X)) if weight is None else weight
    partial = (relevance > 0) & (relevance < 1)
    X_out = np.concatenate([X, X[partial]])
    y = np.concatenate([(relevance >= 0.5).astype(int), np.zeros(partial.sum(), dtype=int)])
    weight = np.concatenate([np.where(partial, 0.5, 1.0) * base, 0.5 * base[partial]])
    return X_out, y, weight


def fit_pipeline(
    kind: str, X: np.ndarray, relevance: np.ndarray, weight=None, seed: int = 0
) -> Pipeline:
    pipeline = make_pipeline(kind, seed)
    X_fit, y, weight = soft_labels(X, relevance, weight)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        pipeline.fit(X_fit, y, classify__sample_weight=weight)
    return pipeline


def fit_explainer(pipeline: Pipeline, X: np.ndarray) -> LinearExplainer:
    """Linear per-feature contributions for the reasons: the model's own for a logistic
    regression, else a ridge surrogate fitted to the model's log-odds on the training rows."""
    classifier = pipeline.named_steps["classify"]
    if isinstance(classifier, LogisticRegression):
        scaler = pipeline.named_steps["scale"]
        return LinearExplainer(classifier.coef_[0], scaler.mean_, scaler.scale_)
    p = np.clip(pipeline.predict_proba(X)[:, 1], 1e-6, 1 - 1e-6)
    centre, scale = X.mean(axis=0), X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    surrogate = Ridge(alpha=1.0).fit((X - centre) / scale, np.log(p / (1 - p)))
    return LinearExplainer(surrogate.coef_, centre, scale)


class PipelineRanker:
    """A loaded artifact: scores with the pipeline, explains with its linear explainer."""

    def __init__(self, payload: dict):
        self.pipeline: Pipeline = payload["pipeline"]
        self.explainer: LinearExplainer = payload["explainer"]
        self.kind: str = payload["kind"]
        self.name = payload.get("version", self.kind)
        self._linear = None
        if self.kind == "logistic":
            scaler = self.pipeline.named_steps["scale"]
            classifier = self.pipeline.named_steps["classify"]
            self._linear = (
                scaler.mean_,
                scaler.scale_,
                classifier.coef_[0],
                float(classifier.intercept_[0]),
            )

    def score(self, X: np.ndarray) -> np.ndarray:
        if self._linear is not None:
            # The same arithmetic as predict_proba without its per-call validation, which costs
            # more than the product itself for one resident's hundred posts.
            mean, scale, coef, intercept = self._linear
            return sigmoid(((X - mean) / scale) @ coef + intercept)
        return self.pipeline.predict_proba(X)[:, 1]

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return self.explainer.contributions(X)

    def agrees_with_pipeline(self, X: np.ndarray) -> bool:
        return bool(np.allclose(self.score(X), self.pipeline.predict_proba(X)[:, 1], atol=1e-9))
