"""GET /api/stats: its shape, every seed figure of docs/domain.md, and how it counts."""

from datetime import date

from sqlalchemy import func, select

from jobmatch.applications.models import Application
from jobmatch.communities.models import Community
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.orders.models import Delivery, Order
from jobmatch.posts.models import Post
from jobmatch.residents.models import Resident
from jobmatch.training.models import Cohort, Enrollment
from tests.factories import (
    make_cohort,
    make_enrollment,
    make_firm,
    make_order,
    make_post,
    make_program,
    make_resident,
)

STATS_KEYS = {"firms", "openings", "filled", "residents", "trained_total", "programs", "orders"}


def _stats(client) -> dict:
    response = client.get("/api/stats")
    assert response.status_code == 200
    assert set(response.json) == STATS_KEYS
    return response.json


def _completers(*conditions) -> set[int]:
    return set(
        db.session.scalars(
            select(Enrollment.resident_id)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(Enrollment.status == "completed", *conditions)
        )
    )


def test_stats_reproduce_the_bureau_figures(seeded_client):
    stats = _stats(seeded_client)
    assert stats["firms"] == 16
    assert stats["openings"] == {"general": 1000, "skilled": 300}
    assert stats["trained_total"] == 650
    assert 2500 <= stats["residents"] <= 3500
    programs = {p["code"]: p for p in stats["programs"]}
    assert {"chinese_knot", "livestream", "bag_assembly"} <= set(programs)
    assert programs["chinese_knot"]["trained"] >= 103
    assert programs["livestream"]["trained"] >= 20
    assert programs["bag_assembly"]["trained"] >= 6
    assert all(set(p) == {"code", "name", "trained"} and p["name"] for p in stats["programs"])
    orders = {o["product"]: o for o in stats["orders"]}
    assert orders["chinese_knot"] == {
        "product": "chinese_knot",
        "quantity": 100_000,
        "delivered": 100_000,
        "accepted": 100_000,
    }
    bag = orders["bag"]
    assert bag["quantity"] == 50_000
    assert 0 < bag["delivered"] < 50_000
    assert 0 < bag["accepted"] <= bag["delivered"]


def test_filled_is_the_hires_and_within_openings(seeded, seeded_client):
    stats = _stats(seeded_client)
    hires = dict(
        db.session.execute(
            select(Post.category, func.count(Application.id))
            .join(Application, Application.post_id == Post.id)
            .where(Application.status == "hired")
            .group_by(Post.category)
        ).all()
    )
    assert stats["filled"] == {"general": hires["general"], "skilled": hires["skilled"]}
    assert 0 < stats["filled"]["general"] < stats["openings"]["general"]
    assert 0 < stats["filled"]["skilled"] < stats["openings"]["skilled"]


def test_the_wanjiale_livestream_and_making_class(seeded, seeded_client):
    wanjiale = db.session.scalar(select(Community).where(Community.name == "万家乐移民新区"))
    in_wanjiale = Cohort.community_id == wanjiale.id
    knot_makers = _completers(in_wanjiale, Cohort.program_code == "chinese_knot")
    sellers = _completers(in_wanjiale, Cohort.program_code == "livestream")
    assert len(knot_makers) == 103
    assert len(sellers) == 20
    # One class held in the district for the district's own residents.
    homes = set(
        db.session.scalars(
            select(Resident.community_id).where(Resident.id.in_(knot_makers | sellers))
        )
    )
    assert homes == {wanjiale.id}
    spans = set(db.session.execute(select(Cohort.starts_on, Cohort.ends_on).where(in_wanjiale)))
    assert len(spans) == 1
    # The endpoint's program counts include them.
    programs = {p["code"]: p["trained"] for p in _stats(seeded_client)["programs"]}
    assert programs["chinese_knot"] == len(_completers(Cohort.program_code == "chinese_knot"))
    assert programs["livestream"] == len(_completers(Cohort.program_code == "livestream"))
    assert knot_makers <= _completers(Cohort.program_code == "chinese_knot")


def test_six_learned_bag_assembly_on_the_job_at_a_bag_firm(seeded):
    cohorts = db.session.scalars(
        select(Cohort).where(Cohort.mode == "on_the_job", Cohort.program_code == "bag_assembly")
    ).all()
    assert len(cohorts) == 1
    cohort = cohorts[0]
    assert "箱包" in db.session.get(Firm, cohort.firm_id).industry
    assert 28 <= (cohort.ends_on - cohort.starts_on).days + 1 <= 31  # one month
    assert len(_completers(Cohort.id == cohort.id)) == 6


def _deliverers(product: str) -> set[int]:
    return set(
        db.session.scalars(select(Delivery.resident_id).join(Order).where(Order.product == product))
    )


def test_each_trainee_s_deliveries_add_up(seeded):
    knot = db.session.scalar(select(Order).where(Order.product == "chinese_knot"))
    quantity, accepted = db.session.execute(
        select(func.sum(Delivery.quantity), func.sum(Delivery.accepted)).where(
            Delivery.order_id == knot.id
        )
    ).one()
    assert quantity == accepted == knot.delivered == knot.accepted == 100_000
    wanjiale = db.session.scalar(select(Community.id).where(Community.name == "万家乐移民新区"))
    knot_makers = _completers(
        Cohort.community_id == wanjiale, Cohort.program_code == "chinese_knot"
    )
    assert _deliverers("chinese_knot") == knot_makers
    on_the_job = _completers(Cohort.mode == "on_the_job", Cohort.program_code == "bag_assembly")
    assert on_the_job <= _deliverers("bag")
    bag = db.session.scalar(select(Order).where(Order.product == "bag"))
    sums = db.session.execute(
        select(func.sum(Delivery.quantity), func.sum(Delivery.accepted)).where(
            Delivery.order_id == bag.id
        )
    ).one()
    assert tuple(sums) == (bag.delivered, bag.accepted)


def test_sixteen_communities_with_thirty_two_grids(seeded_client):
    response = seeded_client.get("/api/communities")
    assert response.status_code == 200
    communities = response.json
    assert len(communities) == 16
    assert sum(len(c["grids"]) for c in communities) == 32
    assert all(len(c["grids"]) == 2 for c in communities)
    assert "万家乐移民新区" in {c["name"] for c in communities}


def test_stats_of_an_empty_database(client):
    assert _stats(client) == {
        "firms": 0,
        "openings": {"general": 0, "skilled": 0},
        "filled": {"general": 0, "skilled": 0},
        "residents": 0,
        "trained_total": 0,
        "programs": [],
        "orders": [],
    }


def test_every_post_counts_and_each_trainee_once(app, client):
    firm = make_firm()
    make_post(firm, category="general", openings=5, filled=2)
    make_post(firm, category="general", openings=3, status="closed")
    make_post(firm, category="skilled", openings=4, filled=4, status="paused")
    knot = make_program("knot_test")
    make_program("idle_test", name="无人结业")
    spring, autumn = make_cohort(knot), make_cohort(knot, starts_on=date(2024, 9, 2),
                                                    ends_on=date(2024, 9, 27))  # fmt: skip
    twice, once, dropped, enrolled = (make_resident() for _ in range(4))
    for cohort in (spring, autumn):
        make_enrollment(cohort, twice, status="completed", passed=True)
    make_enrollment(spring, once, status="completed", passed=False)
    make_enrollment(spring, dropped, status="dropped")
    make_enrollment(autumn, enrolled)
    make_order(firm, product="bag", quantity=100, delivered=40, accepted=38)
    make_order(firm, product="bag", quantity=50)
    make_order(firm, product="chinese_knot", quantity=10, delivered=10, accepted=10)

    stats = _stats(client)
    assert stats["firms"] == 1
    assert stats["openings"] == {"general": 8, "skilled": 4}
    assert stats["filled"] == {"general": 2, "skilled": 4}
    assert stats["residents"] == 4
    assert stats["trained_total"] == 2
    assert stats["programs"] == [
        {"code": "idle_test", "name": "无人结业", "trained": 0},
        {"code": "knot_test", "name": knot.name, "trained": 2},
    ]
    assert stats["orders"] == [
        {"product": "bag", "quantity": 150, "delivered": 40, "accepted": 38},
        {"product": "chinese_knot", "quantity": 10, "delivered": 10, "accepted": 10},
    ]


def test_anyone_may_read_but_a_bad_token_is_refused(client):
    assert client.get("/api/stats").status_code == 200
    response = client.get("/api/stats", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_stats_are_documented(client):
    spec = client.get("/api/openapi.json").json
    operation = spec["paths"]["/api/stats"]["get"]
    assert operation["summary"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    assert set(spec["components"]["schemas"][name]["properties"]) == STATS_KEYS
    assert "401" in operation["responses"]
