"""Matching is an explicit extension: the factory starts it, importing a module changes nothing."""

import subprocess
import sys

import pytest

from jobmatch.errors import Forbidden
from jobmatch.matching import allocate, service
from jobmatch.matching.retrain import retrain_current_model
from jobmatch.matching.schemas import CandidateOut, FirmCandidateOut, candidate_schema
from tests.factories import make_quick_user

PROBE = """
from sqlalchemy import event
from sqlalchemy.orm import Session
import jobmatch.matching.routes, jobmatch.web.routes
from jobmatch.matching import tracking
before = event.contains(Session, "after_flush", tracking._after_flush)
from jobmatch import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "SECRET_KEY": "x", "JOBMATCH_FIELD_KEY": %r, "JOBMATCH_MODEL_DIR": %r})
after = event.contains(Session, "after_flush", tracking._after_flush)
print(before, after, "jobmatch_matching" in app.extensions)
"""


def test_importing_routes_registers_nothing_and_the_factory_starts_matching(tmp_path):
    from tests.conftest import TEST_FIELD_KEY

    code = PROBE % (TEST_FIELD_KEY, str(tmp_path / "models"))
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"JOBMATCH_INSTANCE_PATH": str(tmp_path / "instance"), "PATH": ""},
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]),
    )
    assert result.stdout.split() == ["False", "True", "True"]


def test_the_app_has_its_engine(app):
    assert isinstance(app.extensions[service.EXTENSION], service.MatchingEngine)


def test_a_firm_view_is_a_schema_with_only_what_a_firm_may_see(app):
    match = service.Match(
        resident_id=3, post_id=4, rank=1, score=0.5, model_score=0.45, priority_lift=0.05,
        reasons=["距住所1.0公里"], name="李四",
    )  # fmt: skip
    firm, staff = make_quick_user("firm"), make_quick_user("staff")
    assert isinstance(candidate_schema(firm), FirmCandidateOut)
    assert isinstance(candidate_schema(staff), CandidateOut)
    assert set(candidate_schema(firm).dump([match])[0]) == {
        "resident_id", "rank", "score", "reasons", "cautions", "commute", "name",
    }  # fmt: skip
    assert candidate_schema(staff).dump([match])[0]["priority_lift"] == 0.05


@pytest.mark.parametrize("role", ["firm", "resident"])
def test_services_that_act_refuse_an_actor_who_is_not_staff(app, role):
    user = make_quick_user(role)
    with pytest.raises(Forbidden):
        allocate.allocate(user)
    with pytest.raises(Forbidden):
        retrain_current_model(user)
