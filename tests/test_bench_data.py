"""``flask bench-data``: residents in bulk, and the id sequence left right behind them."""

import pytest
from sqlalchemy import func, select

from jobmatch.accounts.models import User
from jobmatch.extensions import db
from jobmatch.matching import service
from jobmatch.residents.models import Resident, ResidentSkill
from jobmatch.residents.search import search_residents
from tests.factories import auth_headers, make_quick_user, make_skill
from tests.test_residents import valid_body


@pytest.mark.committing  # COPY and the sequence as in production, then a registration after
def test_bench_data_adds_residents_and_a_registration_after_it_gets_a_new_id(app, client, runner):
    make_skill("sewing", "缝纫")
    result = runner.invoke(args=["bench-data", "--residents", "120"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Resident.id))) == 120
    assert db.session.scalar(select(func.count()).select_from(ResidentSkill)) > 0
    largest = db.session.scalar(select(func.max(Resident.id)))
    # Written as the app writes them: found at the desk by mobile (139 and the id).
    found, total = search_residents(User(role="staff"), f"139 {largest:08d}", None, 1, 10)
    assert ([person["id"] for person in found], total) == ([largest], 1)
    staff = auth_headers(make_quick_user("staff"))
    response = client.post("/api/residents", json=valid_body(), headers=staff)
    assert response.status_code == 201, response.json  # not a 409 from a sequence left behind
    assert response.json["id"] > largest
    snapshot = service.engine().snapshot()
    assert len(snapshot.residents) == 121
