"""The suite's own promise (tests/conftest.py): each test starts from empty tables, whether its
writes were rolled back at its end or really committed and emptied afterwards."""

import pytest
from sqlalchemy import func, select

from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.matching.service import rank_residents_for_post
from tests.factories import make_firm, make_post, make_resident


def _firms() -> int:
    return db.session.scalar(select(func.count(Firm.id)))


@pytest.mark.parametrize("turn", [1, 2])
def test_what_a_test_commits_is_gone_for_the_next(app, turn):
    assert _firms() == 0
    make_firm()  # commits: inside the test's outer transaction, a savepoint is released
    assert _firms() == 1


@pytest.mark.committing
@pytest.mark.parametrize("turn", [1, 2])
def test_what_a_committing_test_commits_is_emptied_for_the_next(app, turn):
    assert _firms() == 0
    make_firm()
    assert _firms() == 1


def test_a_rollback_after_a_commit_keeps_what_was_committed(app):
    kept = make_firm()
    db.session.add(Firm(name="未提交", credit_code="x", industry="箱包", lat=40.4, lon=114.1))
    db.session.flush()
    db.session.rollback()  # back to the savepoint the commit left, not to the test's start
    assert [firm.id for firm in db.session.scalars(select(Firm))] == [kept.id]


@pytest.mark.parametrize("turn", [1, 2])
def test_the_matching_snapshot_never_outlives_a_test(app, turn):
    post = make_post()
    residents = [make_resident() for _ in range(3 - turn)]  # the second makes fewer
    ranked = [candidate.resident_id for candidate in rank_residents_for_post(post.id)]
    assert sorted(ranked) == sorted(resident.id for resident in residents)
