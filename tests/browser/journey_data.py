"""The data the browser journeys walk through: the seed, then one account of each role."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from jobmatch.catalogue.models import Skill
from jobmatch.extensions import db
from jobmatch.training.models import Cohort
from tests import factories

PASSWORD = "correct horse"


@dataclass(frozen=True)
class People:
    staff: str
    firm: str
    resident: str
    firm_id: int
    resident_id: int
    post_id: int
    password: str = PASSWORD


def seed(app) -> None:
    """Load seed_data/ with the project's own command, as `make run` does."""
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output


def make_people() -> People:
    """A firm with a post that fits one resident well, and an account for each of them."""
    sewing = [db.session.get(Skill, code) for code in ("sewing", "bag_assembly")]
    assert all(sewing), "the seed's skill catalogue has sewing and bag_assembly"
    firm = factories.make_firm(name="天镇县巧手箱包厂")
    post = factories.make_post(
        firm,
        title="箱包缝纫工",
        openings=8,
        wage_min=3200,
        wage_max=4800,
        meals_provided=True,
        required_skills=sewing,
        description="缝制箱包面料，计件工资，多劳多得。",
    )
    resident = factories.make_resident(
        name="李秀英",
        birth=date(1978, 4, 12),
        female=True,
        skills=[skill.code for skill in sewing],
        desired_wage=3200,
        shift_preference="day",
    )
    order = factories.make_order(firm, product="bag", quantity=5000, due_on=date(2026, 12, 31))
    for pieces, accepted in ((600, 588), (450, 450), (300, 291)):
        factories.make_delivery(order, resident, quantity=pieces, accepted=accepted)
    cohort = db.session.scalars(
        select(Cohort).where(Cohort.program_code == "bag_assembly").order_by(Cohort.id)
    ).first()
    factories.make_enrollment(
        cohort,
        resident,
        status="completed",
        hours_attended=cohort.hours,
        passed=True,
        certificate_no="TZPX-2025-0612",
        certificate_issued_on=cohort.ends_on,
        completed_on=cohort.ends_on,
    )
    staff = factories.make_quick_user("staff", username="staff_web")
    firm_user = factories.make_quick_user("firm", username="firm_web", firm_id=firm.id)
    resident_user = factories.make_quick_user(
        "resident", username="resident_web", resident_id=resident.id
    )
    return People(
        staff=staff.username,
        firm=firm_user.username,
        resident=resident_user.username,
        firm_id=firm.id,
        resident_id=resident.id,
        post_id=post.id,
    )
