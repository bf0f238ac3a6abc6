"""The seed's cohorts, enrollments and certificates, read through the training API, add up to
the bureau's figures: 650 trained; 103 knot makers and 20 livestream sellers from the Wanjiale
class; 6 residents sent to learn bag assembly at a firm."""

import json
from io import BytesIO

import pytest
from openpyxl import load_workbook

from jobmatch.accounts.models import User
from jobmatch.extensions import db
from tests.factories import auth_headers, make_quick_user


@pytest.fixture
def seeded(seeded_client):
    """A client and a staff account on the seeded database; the account is removed again."""
    user = make_quick_user("staff")
    yield seeded_client, auth_headers(user)
    db.session.delete(db.session.get(User, user.id))
    db.session.commit()


def _all_pages(client, headers, path: str) -> list[dict]:
    items, page = [], 1
    while True:
        response = client.get(f"{path}?page={page}&page_size=100", headers=headers)
        assert response.status_code == 200, response.json
        items += response.json
        if len(items) >= json.loads(response.headers["X-Pagination"])["total"]:
            return items
        page += 1


def test_seed_training_is_reachable_and_adds_up(seeded):
    client, headers = seeded
    cohorts = _all_pages(client, headers, "/api/cohorts")
    rosters = {
        c["id"]: _all_pages(client, headers, f"/api/cohorts/{c['id']}/enrollments") for c in cohorts
    }
    enrollments = [e for roster in rosters.values() for e in roster]

    completed = [e for e in enrollments if e["status"] == "completed"]
    assert len({e["resident_id"] for e in completed}) == 650
    for cohort in cohorts:  # seats taken never exceed capacity
        taken = sum(e["status"] != "dropped" for e in rosters[cohort["id"]])
        assert taken == cohort["enrolled"] <= cohort["capacity"]

    def completed_in(cohort) -> int:
        return sum(e["status"] == "completed" for e in rosters[cohort["id"]])

    wanjiale = [c for c in cohorts if "万家乐" in c["name"]]
    by_program = {c["program_code"]: completed_in(c) for c in wanjiale}
    assert by_program == {"chinese_knot": 103, "livestream": 20}
    on_the_job = [
        c for c in cohorts if c["program_code"] == "bag_assembly" and c["mode"] == "on_the_job"
    ]
    assert [completed_in(c) for c in on_the_job] == [6]
    assert all(c["firm_id"] for c in on_the_job)

    certificates = [e["certificate_no"] for e in enrollments if e["certificate_no"]]
    assert len(certificates) == len(set(certificates))
    assert all(e["status"] == "completed" for e in enrollments if e["certificate_no"])

    summary = client.get("/api/training/summary", headers=headers).json
    assert summary["trained_total"] == 650
    assert summary["certificates"] == len(certificates)
    programs = {p["code"]: p for p in summary["programs"]}
    for code in ("chinese_knot", "livestream", "bag_assembly"):
        trained = {e["resident_id"] for c in cohorts if c["program_code"] == code
                   for e in rosters[c["id"]] if e["status"] == "completed"}  # fmt: skip
        assert programs[code]["trained"] == len(trained)
    assert programs["chinese_knot"]["trained"] >= 103
    assert programs["livestream"]["trained"] >= 20
    assert sum(p["completed"] for p in programs.values()) == len(completed)


def test_seed_subsidy_roster_opens_with_its_total(seeded):
    client, headers = seeded
    cohorts = _all_pages(client, headers, "/api/cohorts")
    knot = next(c for c in cohorts if "万家乐" in c["name"] and c["program_code"] == "chinese_knot")
    roster = client.get(f"/api/cohorts/{knot['id']}/subsidy", headers=headers).json
    assert len(roster["rows"]) == 103
    assert roster["total"] == pytest.approx(sum(row["amount"] for row in roster["rows"]))
    response = client.get(f"/api/cohorts/{knot['id']}/subsidy?format=xlsx", headers=headers)
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 103 + 1
    assert rows[-1][0] == "合计" and rows[-1][7] == pytest.approx(roster["total"])
    assert all("*" in row[2] for row in rows[2:-1])  # staff see masked ID numbers
