"""The seed's spells and follow-ups agree with its hires, and its reports look like a county's."""

import json
from datetime import date

from sqlalchemy import func, select

from jobmatch.applications.models import Application
from jobmatch.employment.models import EmploymentSpell, FollowUp
from jobmatch.extensions import db
from jobmatch.residents.models import Resident
from tests.factories import auth_headers, make_quick_user

SNAPSHOT = date(2026, 11, 15)


def test_every_hire_has_one_spell_and_the_statuses_follow_them(seeded_client):
    hired = set(
        db.session.execute(
            select(Application.id, Application.resident_id, Application.post_id).where(
                Application.status == "hired"
            )
        ).all()
    )
    spells = list(db.session.scalars(select(EmploymentSpell)))
    assert {(s.application_id, s.resident_id, s.post_id) for s in spells} == hired
    open_ids = {s.resident_id for s in spells if s.ended_on is None}
    for resident_id in {s.resident_id for s in spells}:
        status = db.session.get(Resident, resident_id).employment_status
        assert status == ("employed" if resident_id in open_ids else "unemployed")
    ended = [s for s in spells if s.ended_on is not None]
    assert 0.1 < len(ended) / len(spells) < 0.4
    # Every ended spell was learned of at a follow-up that records the same end.
    ended_calls = {
        (f.spell_id, f.ended_on, f.end_reason)
        for f in db.session.scalars(select(FollowUp).where(FollowUp.outcome == "ended"))
    }
    assert ended_calls == {(s.id, s.ended_on, s.end_reason) for s in ended}
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) > len(spells)


def test_the_seeds_reports_show_plausible_figures(seeded_client):
    staff = make_quick_user("staff", username="seed-report-reader")
    headers = auth_headers(staff)
    (overall,) = seeded_client.get(
        f"/api/reports/retention?on={SNAPSHOT}&dimension=all", headers=headers
    ).json
    assert overall["spells"] == 689
    assert 0.8 < overall["rate_30"] < 1 and overall["rate_180"] < overall["rate_90"] < 0.9
    due = seeded_client.get(f"/api/employment/follow-ups/due?on={SNAPSHOT}", headers=headers)
    assert 20 < json.loads(due.headers["X-Pagination"])["total"] < 120
    month = seeded_client.get("/api/reports/monitoring?month=2026-10", headers=headers).json
    watched = sum(area["watched"] for area in month["areas"])
    in_work = sum(area["in_work"] for area in month["areas"])
    assert len(month["areas"]) == 32 and 0.1 < in_work / watched < 0.5
    assert month["households"] and any(h["below_line"] for h in month["households"])
    assert not all(h["below_line"] for h in month["households"])
    db.session.delete(staff)
    db.session.commit()
