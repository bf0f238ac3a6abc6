"""The bureau's reports: figures checked against data the test builds, and against the seed
history computed here independently with SQL."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from jobmatch.accounts.models import User
from jobmatch.extensions import db
from jobmatch.reports.service import build_reports
from tests.factories import (
    auth_headers,
    make_application,
    make_cohort,
    make_community,
    make_enrollment,
    make_firm,
    make_post,
    make_program,
    make_quick_user,
    make_resident,
)

T0 = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
REPORTS = (
    "time-to-fill",
    "placements-by-group",
    "placements-by-community",
    "placements-by-program",
    "filled-by-firm",
)


def report(client, name: str, user=None) -> list[dict]:
    user = user or make_quick_user("staff")
    response = client.get(f"/api/reports/{name}", headers=auth_headers(user))
    assert response.status_code == 200, response.json
    return response.json


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


class TestTimeToFill:
    def test_from_listing_to_the_hire_filling_the_last_opening(self, client):
        filled = make_post(openings=2, title="缝纫工")
        open_post = make_post(openings=3)
        untouched = make_post()
        for post in (filled, open_post, untouched):
            post.created_at = T0
        db.session.commit()
        make_application(post=filled, status="rejected", created_at=at(1))
        make_application(post=filled, status="hired", created_at=at(2), hired_at=at(10))
        make_application(post=filled, status="hired", created_at=at(2), hired_at=at(3.5))
        make_application(post=open_post, status="hired", created_at=at(4), hired_at=at(6))
        # A hire undone by an admin no longer counts.
        undone = make_application(post=open_post, status="hired", hired_at=at(5))
        admin = make_quick_user("admin")
        undo = client.patch(
            f"/api/applications/{undone.id}",
            json={
                "status": "withdrawn",
                "reason": "other",
                "note": "试用期离职",
                "correction": True,
            },
            headers=auth_headers(admin),
        )
        assert undo.status_code == 200

        rows = {row["post_id"]: row for row in report(client, "time-to-fill")}

        row = rows[filled.id]
        assert (row["title"], row["openings"], row["filled"], row["hires"]) == ("缝纫工", 2, 2, 2)
        assert row["days_to_first_hire"] == 3.5
        assert row["days_to_fill"] == 10.0
        assert row["days_from_first_application_to_fill"] == 9.0
        assert datetime.fromisoformat(row["filled_at"]) == at(10)
        assert datetime.fromisoformat(row["first_application_at"]) == at(1)
        row = rows[open_post.id]
        assert (row["hires"], row["filled"], row["days_to_first_hire"]) == (1, 1, 6.0)
        assert (row["filled_at"], row["days_to_fill"]) == (None, None)
        row = rows[untouched.id]
        assert (row["first_application_at"], row["first_hire_at"], row["hires"]) == (None, None, 0)


class TestPlacements:
    @pytest.fixture
    def people(self):
        north, south = make_community(name="北关社区"), make_community(name="南关社区")
        both = make_resident(groups=["relocated", "disabled"], community_id=north.id)
        relocated = make_resident(groups=["relocated"], community_id=north.id)
        plain_hired = make_resident(community_id=south.id)
        plain = make_resident()
        make_application(both, make_post(), "hired")
        make_application(both, make_post(), "hired")  # a second job: two hires, one person
        make_application(relocated, make_post(), "rejected")
        make_application(relocated, make_post(), "interview")
        make_application(plain_hired, make_post(), "hired")
        make_application(plain, make_post(), "withdrawn")
        return {"north": north, "south": south}

    def test_by_priority_group(self, client, people):
        rows = {row["group"]: row for row in report(client, "placements-by-group")}
        figures = {
            key: (row["residents"], row["placed_residents"], row["hires"], row["placement_rate"])
            for key, row in rows.items()
        }
        assert figures == {
            "relocated": (2, 1, 2, 0.5),
            "disabled": (1, 1, 2, 1.0),
            None: (2, 1, 1, 0.5),
            "poverty_alleviated": (0, 0, 0, None),
            "monitored": (0, 0, 0, None),
            "zero_employment_family": (0, 0, 0, None),
            "veteran": (0, 0, 0, None),
            "low_income": (0, 0, 0, None),
        }

    def test_by_community(self, client, people):
        rows = report(client, "placements-by-community")
        figures = [
            (row["community_id"], row["community_name"], row["residents"], row["placed_residents"])
            + (row["hires"],)
            for row in rows
        ]
        assert figures == [
            (people["north"].id, "北关社区", 2, 1, 2),
            (people["south"].id, "南关社区", 1, 1, 1),
            (None, None, 1, 0, 0),
        ]


def test_placed_within_ninety_days_of_completing_training(client):
    knot = make_program(code="chinese_knot", name="中国结编织")
    bag = make_program(code="bag_assembly", name="箱包组装")
    make_program(code="livestream", name="直播带货")
    knot_cohort = make_cohort(knot, starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 20))
    bag_cohort = make_cohort(bag, starts_on=date(2025, 5, 1), ends_on=date(2025, 6, 1))

    def trained(cohort, completed_on, hired_at=None, status="completed"):
        resident = make_resident()
        make_enrollment(cohort, resident, status=status, completed_on=completed_on)
        if hired_at is not None:
            make_application(resident, make_post(), "hired", hired_at=hired_at)
        return resident

    completed = date(2026, 1, 10)
    # Hired at 01:00 in China on the day of completion (17:00 UTC the day before): counts.
    trained(knot_cohort, completed, datetime(2026, 1, 9, 17, 0, tzinfo=UTC))
    trained(knot_cohort, completed, datetime(2026, 4, 10, 12, 0, tzinfo=UTC))  # day 90: counts
    trained(knot_cohort, completed, datetime(2026, 4, 11, 12, 0, tzinfo=UTC))  # day 91: not
    trained(knot_cohort, completed, datetime(2026, 1, 9, 12, 0, tzinfo=UTC))  # before: not
    trained(knot_cohort, completed)  # never hired
    trained(knot_cohort, None, datetime(2026, 2, 1, tzinfo=UTC), status="enrolled")  # not done
    # No completion date recorded: the cohort's end (20 January) stands in for it.
    trained(knot_cohort, None, datetime(2026, 4, 19, 12, 0, tzinfo=UTC))
    trained(bag_cohort, date(2025, 6, 1), datetime(2026, 2, 1, tzinfo=UTC))  # long after

    rows = report(client, "placements-by-program")
    assert [
        (r["program_code"], r["trained"], r["placed_within_90_days"], r["placement_rate"])
        for r in rows
    ] == [
        ("bag_assembly", 1, 0, 0.0),
        ("chinese_knot", 6, 3, 0.5),
        ("livestream", 0, 0, None),
    ]


def test_openings_filled_by_firm_and_category(client):
    first, second = make_firm(name="甲箱包厂"), make_firm(name="乙服装厂")
    make_post(first, openings=10, filled=4)
    make_post(first, openings=5, filled=5, status="closed")
    make_post(first, category="skilled", openings=2, filled=0)
    make_post(second, openings=8, filled=2)
    rows = report(client, "filled-by-firm")
    assert [
        (r["firm_name"], r["category"], r["posts"], r["openings"], r["filled"], r["fill_rate"])
        for r in rows
    ] == [
        ("甲箱包厂", "general", 2, 15, 9, 0.6),
        ("甲箱包厂", "skilled", 1, 2, 0, 0.0),
        ("乙服装厂", "general", 1, 8, 2, 0.25),
    ]


@pytest.mark.parametrize("name", REPORTS)
def test_only_staff_read_reports(client, name):
    for role in ("firm", "resident"):
        response = client.get(f"/api/reports/{name}", headers=auth_headers(make_quick_user(role)))
        assert response.status_code == 403
    assert client.get(f"/api/reports/{name}").status_code == 401
    assert report(client, name, make_quick_user("admin")) is not None
    bad = client.get(
        f"/api/reports/{name}?format=pdf", headers=auth_headers(make_quick_user("staff"))
    )
    assert bad.status_code == 422
    assert "format" in bad.json["errors"]


def test_a_report_as_an_excel_sheet(client):
    firm = make_firm(name="甲箱包厂")
    make_post(firm, openings=10, filled=4)
    make_post(firm, category="skilled", openings=2, filled=1)
    response = client.get(
        "/api/reports/filled-by-firm?format=xlsx", headers=auth_headers(make_quick_user("staff"))
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="filled-by-firm.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["企业岗位招用"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("企业编号", "企业", "类别", "岗位数", "招聘人数", "已招人数", "招满率")
    assert rows[1:] == [
        (firm.id, "甲箱包厂", "普工", 1, 10, 4, 0.4),
        (firm.id, "甲箱包厂", "技工", 1, 2, 1, 0.5),
    ]


def test_every_report_in_one_workbook(client):
    post = make_post(openings=1, title="包装工")
    post.created_at = T0
    db.session.commit()
    make_application(make_resident(groups=["veteran"]), post, "hired", hired_at=at(2))
    response = client.get(
        "/api/reports/workbook.xlsx", headers=auth_headers(make_quick_user("staff"))
    )
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [
        "岗位招满用时",
        "重点人群就业",
        "各社区就业",
        "培训后就业",
        "企业岗位招用",
    ]
    fill = list(book["岗位招满用时"].iter_rows(values_only=True))
    assert fill[1][1] == "包装工"
    # Times are shown on the bureau's clock (UTC+8).
    assert fill[1][11] == datetime(2026, 3, 3, 9, 0)
    assert fill[1][13] == 2.0
    groups = {
        row[0]: row[1:] for row in book["重点人群就业"].iter_rows(min_row=2, values_only=True)
    }
    assert groups["退役军人"] == (1, 1, 1, 1.0)
    assert client.get("/api/reports/workbook.xlsx").status_code == 401


# --- against the seed history ------------------------------------------------------------

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
seed_history = pytest.mark.skipif(
    not (SEED_DIR / "applications.csv").exists(), reason="seed_data/ holds no applications yet"
)
STAFF = User(role="staff", username="report-reader")  # never added to the session


def sql(statement: str) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(statement))]


def hire_time() -> str:
    return "coalesce(a.hired_at, a.updated_at)"


@seed_history
def test_seed_openings_filled_by_firm(seeded):
    expected = sql(
        "SELECT f.id, p.category, count(*), sum(p.openings), sum(p.filled) FROM posts p "
        "JOIN firms f ON f.id = p.firm_id GROUP BY f.id, p.category ORDER BY f.id, p.category"
    )
    rows = build_reports(STAFF, ["filled-by-firm"])["filled-by-firm"]
    assert [
        (r["firm_id"], r["category"], r["posts"], r["openings"], r["filled"]) for r in rows
    ] == expected
    hires = sql("SELECT count(*) FROM applications WHERE status = 'hired'")[0][0]
    assert hires > 0
    assert sum(r["filled"] for r in rows) == hires


@seed_history
def test_seed_placements_by_group_and_community(seeded):
    reports = build_reports(STAFF, ["placements-by-group", "placements-by-community"])
    by_group = {
        row[0]: row[1:]
        for row in sql(
            'SELECT g."group", count(DISTINCT g.resident_id), '
            "count(DISTINCT CASE WHEN a.id IS NOT NULL THEN g.resident_id END), count(a.id) "
            "FROM resident_groups g LEFT JOIN applications a "
            "ON a.resident_id = g.resident_id AND a.status = 'hired' GROUP BY g.\"group\""
        )
    }
    for row in reports["placements-by-group"]:
        if row["group"] is not None:
            figures = (row["residents"], row["placed_residents"], row["hires"])
            assert figures == by_group.get(row["group"], (0, 0, 0)), row["group"]
    assert sum(row["hires"] for row in reports["placements-by-group"] if row["group"]) == sum(
        figures[2] for figures in by_group.values()
    )
    by_community = sql(
        "SELECT r.community_id, count(DISTINCT r.id), "
        "count(DISTINCT CASE WHEN a.id IS NOT NULL THEN r.id END), count(a.id) "
        "FROM residents r LEFT JOIN applications a ON a.resident_id = r.id AND a.status = 'hired' "
        "GROUP BY r.community_id"
    )
    got = {
        r["community_id"]: (r["residents"], r["placed_residents"], r["hires"])
        for r in reports["placements-by-community"]
        if r["residents"]
    }
    assert got == {row[0]: row[1:] for row in by_community}


@seed_history
def test_seed_placed_after_training(seeded):
    completed = "coalesce(e.completed_on, c.ends_on)"
    if db.engine.dialect.name == "postgresql":
        hired_on = f"({hire_time()} AT TIME ZONE 'Asia/Shanghai')::date"
        window = f"{hired_on} BETWEEN {completed} AND {completed} + 90"
    else:
        hired_on = f"date({hire_time()}, '+8 hours')"
        window = f"{hired_on} BETWEEN date({completed}) AND date({completed}, '+90 days')"
    expected = sql(
        "SELECT p.code, count(DISTINCT e.resident_id), "
        f"count(DISTINCT CASE WHEN a.id IS NOT NULL AND {window} THEN e.resident_id END) "
        "FROM programs p LEFT JOIN cohorts c ON c.program_code = p.code "
        "LEFT JOIN enrollments e ON e.cohort_id = c.id AND e.status = 'completed' "
        "LEFT JOIN applications a ON a.resident_id = e.resident_id AND a.status = 'hired' "
        "GROUP BY p.code ORDER BY p.code"
    )
    rows = build_reports(STAFF, ["placements-by-program"])["placements-by-program"]
    assert [(r["program_code"], r["trained"], r["placed_within_90_days"]) for r in rows] == [
        tuple(row) for row in expected
    ]
    assert sum(r["placed_within_90_days"] for r in rows) > 0


@seed_history
def test_seed_time_to_fill(seeded):
    # The hire that filled each full post: the openings-th hire in time order.
    filling = sql(
        "SELECT post_id, hired FROM ("
        f"  SELECT a.post_id, {hire_time()} AS hired, p.openings, row_number() OVER ("
        f"    PARTITION BY a.post_id ORDER BY {hire_time()}, a.id) AS n"
        "  FROM applications a JOIN posts p ON p.id = a.post_id WHERE a.status = 'hired'"
        ") ranked WHERE n = openings"
    )
    rows = {r["post_id"]: r for r in build_reports(STAFF, ["time-to-fill"])["time-to-fill"]}
    full = {r for r, row in rows.items() if row["filled_at"] is not None}
    assert full, "the seed history fills some posts"
    assert full == {post_id for post_id, _ in filling}
    for post_id, hired in filling:
        if isinstance(hired, str):  # SQLite answers the raw text of a computed column
            hired = datetime.fromisoformat(hired)
        hired = hired if hired.tzinfo else hired.replace(tzinfo=UTC)
        assert rows[post_id]["filled_at"] == hired
        listed = rows[post_id]["listed_at"]
        assert rows[post_id]["days_to_fill"] == round((hired - listed).total_seconds() / 86400, 1)
    counts = dict(
        sql("SELECT post_id, count(*) FROM applications WHERE status = 'hired' GROUP BY post_id")
    )
    assert {p: r["hires"] for p, r in rows.items() if r["hires"]} == counts
