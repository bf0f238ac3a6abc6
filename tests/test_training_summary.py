"""Training figures: trained per program, completion and pass rates, certificates, subsidy."""

from datetime import date

import pytest

from tests.factories import (
    auth_headers,
    make_cohort,
    make_enrollment,
    make_program,
    make_quick_user,
    make_resident,
)


@pytest.fixture
def staff(app):
    return auth_headers(make_quick_user("staff"))


def test_an_empty_catalogue_has_empty_figures(client, staff):
    response = client.get("/api/training/summary", headers=staff)
    assert response.status_code == 200
    assert response.json == {
        "trained_total": 0,
        "certificates": 0,
        "subsidy_claimable": 0,
        "subsidy_claimed": 0,
        "programs": [],
    }


def test_figures_add_up(client, staff):
    knot = make_program(code="chinese_knot", name="中国结编织")
    livestream = make_program(code="livestream", name="直播带货")
    make_program(code="sewing", name="缝纫")
    spring = make_cohort(knot, hours=80, ends_on=date(2024, 5, 31))
    autumn = make_cohort(knot, hours=80, starts_on=date(2024, 9, 2), ends_on=date(2024, 9, 27))
    online = make_cohort(
        livestream, hours=80, starts_on=date(2025, 3, 3), ends_on=date(2025, 3, 28)
    )
    a, b, c, d = (make_resident() for _ in range(4))

    def done(cohort, resident, hours=80, **fields):
        make_enrollment(
            cohort,
            resident,
            status="completed",
            passed=True,
            hours_attended=hours,
            completed_on=cohort.ends_on,
            **fields,
        )

    done(spring, a, certificate_no="TZ-0001", certificate_issued_on=date(2024, 6, 5))
    done(spring, b, hours=96)
    make_enrollment(spring, c, passed=False, hours_attended=80)
    make_enrollment(spring, d, status="dropped")
    done(autumn, a)  # a second knot class the same year: trained once, no second subsidy
    done(online, a)
    assert client.post(f"/api/cohorts/{spring.id}/subsidy/claims", headers=staff).status_code == 201

    figures = client.get("/api/training/summary", headers=staff).json
    programs = {program["code"]: program for program in figures["programs"]}
    assert list(programs) == ["chinese_knot", "livestream", "sewing"]
    assert programs["chinese_knot"] == {
        "code": "chinese_knot",
        "name": "中国结编织",
        "cohorts": 2,
        "enrollments": 5,
        "trained": 2,
        "completed": 3,
        "dropped": 1,
        "completion_rate": 0.6,
        "assessed": 4,
        "passed": 3,
        "pass_rate": 0.75,
        "certificates": 1,
        "subsidy_claimable": 2160.0,
        "subsidy_claimed": 2160.0,
    }
    assert programs["livestream"]["trained"] == 1
    assert programs["livestream"]["subsidy_claimable"] == 1000.0
    assert programs["livestream"]["subsidy_claimed"] == 0
    assert programs["sewing"]["enrollments"] == 0
    assert programs["sewing"]["completion_rate"] is None and programs["sewing"]["pass_rate"] is None
    assert figures["trained_total"] == 2
    assert figures["certificates"] == 1
    assert figures["subsidy_claimable"] == 3160.0
    assert figures["subsidy_claimed"] == 2160.0
