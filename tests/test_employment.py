"""Employment spells opened by hires, follow-ups at 1, 3 and 6 months, and who may see them."""

from datetime import date

import pytest
from sqlalchemy import select

from jobmatch import clock
from jobmatch.employment import service
from jobmatch.employment.dates import add_months
from jobmatch.employment.models import EmploymentSpell
from jobmatch.errors import Conflict, Invalid
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.residents.models import Resident
from tests.employment_helpers import make_spell
from tests.factories import auth_headers, make_application, make_post, make_quick_user


def status_of(resident_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Resident, resident_id).employment_status


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 15), 3, date(2026, 6, 15)),
    ],
)
def test_checkpoints_fall_on_the_same_day_or_the_months_last(start, months, due):
    assert add_months(start, months) == due


def test_a_hire_opens_a_spell_and_an_undone_hire_removes_it(client):
    post = make_post(wage_min=3200)
    application = make_application(post=post, status="interview")
    staff, admin = make_quick_user("staff"), make_quick_user("admin")

    response = client.patch(
        f"/api/applications/{application.id}",
        json={"status": "hired"},
        headers=auth_headers(staff),
    )
    assert response.status_code == 200, response.json
    spell = db.session.scalar(select(EmploymentSpell))
    assert (spell.resident_id, spell.post_id, spell.firm_id) == (
        application.resident_id,
        post.id,
        post.firm_id,
    )
    assert spell.started_on == clock.today()
    assert spell.wage == 3200 and spell.ended_on is None
    assert status_of(application.resident_id) == "employed"

    response = client.patch(
        f"/api/applications/{application.id}",
        json={"status": "rejected", "reason": "other", "note": "录入错误", "correction": True},
        headers=auth_headers(admin),
    )
    assert response.status_code == 200, response.json
    assert db.session.scalar(select(EmploymentSpell)) is None
    assert status_of(application.resident_id) == "unemployed"


def test_one_task_per_open_spell_the_latest_checkpoint_come_due(app):
    staff = make_quick_user("staff")
    spell = make_spell(started_on=date(2026, 1, 31))
    make_spell(started_on=date(2026, 1, 31), ended_on=date(2026, 2, 10), end_reason="quit")

    def tasks(on):
        return [(t.spell.id, t.months, t.due_on) for t in service.due_follow_ups(staff, on)]

    assert tasks(date(2026, 2, 27)) == []
    assert tasks(date(2026, 2, 28)) == [(spell.id, 1, date(2026, 2, 28))]
    # The 1-month call was missed: at 3 months only the 3-month call is asked for.
    assert tasks(date(2026, 5, 1)) == [(spell.id, 3, date(2026, 4, 30))]
    service.record_follow_up(
        staff, spell.id, {"months": 3, "outcome": "employed", "wage": 3600}, date(2026, 5, 1)
    )
    assert tasks(date(2026, 5, 1)) == []
    assert tasks(date(2026, 7, 31)) == [(spell.id, 6, date(2026, 7, 31))]
    assert db.session.get(EmploymentSpell, spell.id).wage == 3600


def test_an_ended_follow_up_closes_the_spell_and_the_status_follows(app):
    staff = make_quick_user("staff")
    first = make_spell(started_on=date(2026, 1, 31))
    db.session.get(Resident, first.resident_id).employment_status = "employed"
    second = make_spell(resident=first.resident, started_on=date(2026, 2, 2))
    on = date(2026, 3, 5)

    service.record_follow_up(
        staff,
        first.id,
        {"months": 1, "outcome": "ended", "ended_on": date(2026, 3, 1), "end_reason": "quit"},
        on,
    )
    assert (first.ended_on, first.end_reason) == (date(2026, 3, 1), "quit")
    assert status_of(first.resident_id) == "employed"  # the second spell is still open
    service.record_follow_up(
        staff,
        second.id,
        {
            "months": 1,
            "outcome": "ended",
            "ended_on": date(2026, 3, 2),
            "end_reason": "contract_ended",
        },
        on,
    )
    assert status_of(first.resident_id) == "unemployed"
    with pytest.raises(Conflict):
        service.record_follow_up(staff, first.id, {"months": 3, "outcome": "employed"}, on)


@pytest.mark.parametrize(
    ("body", "on", "error"),
    [
        ({"months": 1, "outcome": "ended", "end_reason": "quit"}, date(2026, 3, 1), Invalid),
        (
            {"months": 1, "outcome": "ended", "ended_on": date(2026, 1, 1), "end_reason": "quit"},
            date(2026, 3, 1),
            Invalid,
        ),
        (
            {"months": 1, "outcome": "ended", "ended_on": date(2026, 2, 5)},
            date(2026, 3, 1),
            Invalid,
        ),
        (
            {"months": 1, "outcome": "employed", "end_reason": "quit"},
            date(2026, 3, 1),
            Invalid,
        ),
        ({"months": 3, "outcome": "employed"}, date(2026, 3, 1), Conflict),
    ],
)
def test_a_follow_up_is_refused_when_incomplete_or_not_yet_due(app, body, on, error):
    staff = make_quick_user("staff")
    spell = make_spell(started_on=date(2026, 1, 31))
    with pytest.raises(error):
        service.record_follow_up(staff, spell.id, body, on)
    assert db.session.get(EmploymentSpell, spell.id).follow_ups == []


def test_the_api_records_a_follow_up_once(client):
    staff = make_quick_user("staff")
    spell = make_spell(started_on=date(2020, 1, 15))
    url = f"/api/employment/spells/{spell.id}/follow-ups"
    body = {"months": 6, "outcome": "employed", "wage": 3500, "note": "稳定"}
    response = client.post(url, json=body, headers=auth_headers(staff))
    assert response.status_code == 201, response.json
    assert response.json["due_on"] == "2020-07-15"
    assert client.post(url, json=body, headers=auth_headers(staff)).status_code == 409
    bad = client.post(url, json={"months": 2, "outcome": "x"}, headers=auth_headers(staff))
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"months", "outcome"}
    spell_json = client.get(f"/api/employment/spells/{spell.id}", headers=auth_headers(staff)).json
    assert spell_json["wage"] == 3500 and len(spell_json["follow_ups"]) == 1


def test_a_firm_sees_and_records_only_its_own_spells(client):
    own = make_spell(started_on=date(2020, 1, 15))
    other = make_spell(started_on=date(2020, 1, 15))
    firm_user = make_quick_user("firm", firm_id=own.firm_id)
    headers = auth_headers(firm_user)

    listed = client.get("/api/employment/spells", headers=headers)
    assert [item["id"] for item in listed.json] == [own.id]
    assert client.get(f"/api/employment/spells/{other.id}", headers=headers).status_code == 404
    body = {"months": 1, "outcome": "employed"}
    refused = client.post(
        f"/api/employment/spells/{other.id}/follow-ups", json=body, headers=headers
    )
    assert refused.status_code == 404
    accepted = client.post(
        f"/api/employment/spells/{own.id}/follow-ups", json=body, headers=headers
    )
    assert accepted.status_code == 201
    due = client.get("/api/employment/follow-ups/due", headers=headers).json
    assert [task["spell_id"] for task in due] == [own.id]
    assert client.post("/api/employment/follow-ups/notify", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "path", ["/api/employment/spells", "/api/employment/spells/1", "/api/employment/follow-ups/due"]
)
def test_residents_may_not_and_strangers_must_sign_in(client, path):
    make_spell()
    resident = make_quick_user("resident")
    assert client.get(path, headers=auth_headers(resident)).status_code == 403
    assert client.get(path).status_code == 401


def test_staff_are_told_of_each_due_follow_up_once(client):
    staff = make_quick_user("staff")
    spell = make_spell(started_on=date(2020, 1, 15))
    make_spell(started_on=clock.today())  # nothing due yet
    first = client.post("/api/employment/follow-ups/notify", headers=auth_headers(staff))
    assert first.json == {"notified": 1}
    again = client.post("/api/employment/follow-ups/notify", headers=auth_headers(staff))
    assert again.json == {"notified": 0}
    notice = db.session.scalar(select(Notification).where(Notification.kind == "followup_due"))
    assert notice.recipient_role == "staff"
    assert notice.link == f"/api/employment/spells/{spell.id}?months=6"


def test_the_staff_pages_list_due_follow_ups_and_record_one(client):
    from tests.web_helpers import post_form, signed_in

    spell = make_spell(started_on=date(2020, 1, 15))
    signed_in(client, "staff")
    dashboard = client.get("/staff").get_data(as_text=True)
    assert 'id="follow-ups"' in dashboard and f'data-spell-id="{spell.id}"' in dashboard
    page = client.get("/staff/follow-ups").get_data(as_text=True)
    assert "第6个月回访" in page and 'href="/staff/follow-ups"' in page

    path = f"/staff/follow-ups/{spell.id}"
    refused = post_form(
        client, path, {"months": "6", "outcome": "ended"}, token_from="/staff/follow-ups"
    )
    assert refused.status_code == 302
    assert db.session.get(EmploymentSpell, spell.id).follow_ups == []
    saved = post_form(
        client,
        path,
        {"months": "6", "outcome": "ended", "ended_on": "2020-06-30", "end_reason": "moved_away"},
        token_from="/staff/follow-ups",
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(EmploymentSpell, spell.id).end_reason == "moved_away"
    assert f'data-spell-id="{spell.id}"' not in client.get("/staff/follow-ups").get_data(
        as_text=True
    )


def test_only_staff_open_the_follow_up_page(client):
    from tests.web_helpers import signed_in

    signed_in(client, "firm")
    assert client.get("/staff/follow-ups").status_code in (302, 403)


def test_the_daily_command_notifies_due_follow_ups(runner):
    make_spell(started_on=date(2020, 1, 15))
    assert runner.invoke(args=["notify-follow-ups"]).output.strip() == "notified 1 follow-up(s)"
    assert runner.invoke(args=["notify-follow-ups"]).output.strip() == "notified 0 follow-up(s)"
