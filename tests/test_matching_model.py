"""The learned ranker on a synthetic county whose true preferences the test knows; artifacts."""

import json
from datetime import date

import numpy as np
import pytest

from jobmatch.matching.baselines import RulesRanker, SkillOverlapRanker
from jobmatch.matching.card import render_markdown
from jobmatch.matching.features import FEATURE_NAMES
from jobmatch.matching.model import PipelineRanker, soft_labels
from jobmatch.matching.registry import ModelStore, ServedModel, UntrustedModel, library_versions
from jobmatch.matching.synthetic import make_world
from jobmatch.matching.training import (
    cross_validate,
    fit_final,
    held_out_evaluation,
    is_held_out,
    make_outcomes,
)

TODAY = date(2026, 1, 10)


@pytest.fixture(scope="module")
def outcomes():
    world = make_world(n_residents=500, n_posts=30, applications_each=6, seed=11, today=TODAY)
    return make_outcomes(world.residents, world.posts, world.applications, world.vocabulary)


@pytest.fixture(scope="module")
def payload(outcomes):
    return fit_final(outcomes, "logistic")


def test_the_model_beats_skill_overlap_on_held_out_residents(outcomes, payload):
    rankers = {"model": PipelineRanker(payload), "skill_overlap": SkillOverlapRanker()}
    result = held_out_evaluation(outcomes, rankers, TODAY)
    model, overlap = result["model"]["overall"], result["skill_overlap"]["overall"]
    assert model["residents"] >= 40
    assert model["ndcg@10"] > overlap["ndcg@10"] + 0.05
    assert model["map"] > overlap["map"]


def test_cross_validation_reports_every_ranker_by_group(outcomes):
    cv = cross_validate(outcomes, TODAY, n_splits=3, kinds=("logistic",))
    for protocol in ("applications", "all_posts"):
        assert set(cv[protocol]) == {"logistic", "random", "skill_overlap", "rules"}
        assert "relocated" in cv[protocol]["logistic"]["by_group"]
    assert (
        cv["all_posts"]["logistic"]["overall"]["ndcg@10"]
        > cv["all_posts"]["random"]["overall"]["ndcg@10"]
    )


def test_held_out_residents_are_stable_and_about_a_fifth():
    ids = np.arange(1, 10001)
    share = is_held_out(ids).mean()
    assert 0.17 < share < 0.23
    assert is_held_out(np.array([1234]))[0] == is_held_out(np.arange(1, 5000))[1233]


def test_an_interview_counts_as_half_a_hire():
    X = np.arange(6.0).reshape(3, 2)
    rows, y, weight = soft_labels(X, np.array([1.0, 0.5, 0.0]))
    assert y.tolist() == [1, 1, 0, 0]
    assert weight.tolist() == [1.0, 0.5, 1.0, 0.5]
    assert rows[3].tolist() == X[1].tolist()


def _card():
    return {
        "version": "ranker-v0001",
        "created_at": "2026-01-10T00:00:00+00:00",
        "status": "current",
        "promotion": {"promoted": True, "reason": "first", "compared_with": "rules"},
        "model": {"kind": "logistic", "pipeline": ["StandardScaler", "LogisticRegression"]},
        "features": {"version": "2026.1", "names": list(FEATURE_NAMES)},
        "data": {
            "applications": 1,
            "outcomes": {},
            "residents_with_outcomes": 1,
            "held_out_residents": 0,
            "residents": 1,
            "posts": 1,
            "sha256": "0" * 64,
        },
        "metrics": {"cross_validation": {}, "held_out": {}},
        "exposure": {
            "policy": {"lift": 0.05, "max_lift": 0.2, "groups": []},
            "posts": 0,
            "by_group": {},
        },
        "libraries": library_versions(),
        "intended_use": "x",
        "out_of_scope": "y",
    }


@pytest.fixture
def store(tmp_path, payload):
    store = ModelStore(tmp_path / "models")
    with store.locked():
        store.save("ranker-v0001", payload, _card(), render_markdown)
        store.set_current("ranker-v0001")
    return store


def test_a_saved_model_loads_and_serves(store):
    served = ServedModel(store.directory)
    assert served.trusted and served.version == "ranker-v0001"
    X = np.random.default_rng(1).random((5, len(FEATURE_NAMES)))
    scores = served.ranker.score(X)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert "sha256" in (store.directory / "ranker-v0001.md").read_text()


def test_a_tampered_artifact_is_refused_and_the_rules_serve(store, caplog):
    artifact = store.path("ranker-v0001", "joblib")
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    with pytest.raises(UntrustedModel, match="sha256"):
        store.load("ranker-v0001")
    served = ServedModel(store.directory)
    assert not served.trusted
    assert isinstance(served.ranker, RulesRanker)
    assert "sha256" in served.problem
    assert "refusing model ranker-v0001" in caplog.text


@pytest.mark.parametrize(
    ("library", "version", "message"),
    [("scikit-learn", "1.8.2", "scikit-learn"), ("numpy", "1.26.4", "numpy")],
)
def test_a_model_from_other_library_versions_is_refused(store, library, version, message):
    card = json.loads(store.path("ranker-v0001", "json").read_text())
    card["libraries"][library] = version
    store.path("ranker-v0001", "json").write_text(json.dumps(card))
    served = ServedModel(store.directory)
    assert not served.trusted and message in served.problem


def test_a_model_of_other_features_is_refused(store):
    card = json.loads(store.path("ranker-v0001", "json").read_text())
    card["features"]["names"] = card["features"]["names"][:-1]
    store.path("ranker-v0001", "json").write_text(json.dumps(card))
    with pytest.raises(UntrustedModel, match="features"):
        store.load("ranker-v0001")


def test_a_garbage_pointer_or_card_never_crashes(store):
    (store.directory / "CURRENT").write_text("../../etc/passwd\n")
    assert not ServedModel(store.directory).trusted
    (store.directory / "CURRENT").write_text("ranker-v0001\n")
    store.path("ranker-v0001", "json").write_text("{not json")
    assert not ServedModel(store.directory).trusted


def test_a_new_current_version_is_served_within_the_check_interval(store, payload):
    served = ServedModel(store.directory, check_seconds=0.0)
    assert served.version == "ranker-v0001"
    card = _card() | {"version": "ranker-v0002"}
    with store.locked():
        store.save("ranker-v0002", payload, card, render_markdown)
        store.set_current("ranker-v0002")
    served.refresh()
    assert served.version == "ranker-v0002"
