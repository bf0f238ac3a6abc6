"""Matching through the API and the services, on a real database."""

import random
from datetime import timedelta

import pytest

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.matching import service
from jobmatch.matching.retrain import train_and_register
from jobmatch.matching.service import rank_posts_for_resident, rank_residents_for_post
from jobmatch.matching.training import is_held_out
from jobmatch.residents.models import ResidentSkill
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
    make_skill,
)


@pytest.fixture
def matching_app(app, tmp_path):
    """The app with an empty model directory of its own (the rules ranker serves), refreshed
    in the background as in production: a test that ranks after a write calls ``refreshed()``."""
    app.config["JOBMATCH_MODEL_DIR"] = str(tmp_path / "models")
    app.config["MATCHING_MODEL_CHECK_SECONDS"] = 0.0
    app.config["MATCHING_REFRESH"] = "background"
    service.init_app(app)
    yield app
    service.engine().cache.stop()


def refreshed():
    """Every commit so far applied to the snapshot: the deterministic wait for the thread."""
    service.engine().cache.refresh_now()


@pytest.fixture
def town(matching_app):
    """A community, a firm 1.4 km away with two open posts, a sewing resident."""
    sewing = make_skill("sewing", "缝纫")
    community = make_community()
    firm = make_firm()
    sewer = make_post(firm, title="车工", required_skills=[sewing], occupation_code="6-05-01-03")
    packer = make_post(firm, title="包装工", shift="night")
    resident = make_resident(
        name="李四", skills=["sewing"], community_id=community.id, desired_wage=3200
    )
    return {"firm": firm, "posts": [sewer, packer], "resident": resident, "community": community}


def test_matches_for_a_resident_carry_scores_reasons_and_post(client, town):
    staff = make_quick_user("staff")
    resident = town["resident"]
    response = client.get(f"/api/residents/{resident.id}/matches", headers=auth_headers(staff))
    assert response.status_code == 200
    body = response.json
    assert [m["rank"] for m in body] == [1, 2]
    assert body[0]["post_id"] == town["posts"][0].id  # holds the sewing skill it requires
    for match in body:
        assert 0 <= match["score"] <= 1
        assert 1 <= len(match["reasons"]) <= 3 and len(match["cautions"]) <= 3
        assert match["commute"].startswith("距住所") and "分钟" in match["commute"]
        assert match["post"]["id"] == match["post_id"] and match["applied"] is False
    assert "已掌握缝纫技能" in body[0]["reasons"]
    assert body[0]["score"] >= body[1]["score"]


@pytest.mark.parametrize(
    ("who", "code"),
    [("staff", 200), ("admin", 200), ("self", 200), ("other_resident", 403), ("firm", 403)],
)
def test_who_may_see_a_residents_matches(client, town, who, code):
    resident = town["resident"]
    if who == "self":
        user = make_quick_user("resident", resident_id=resident.id)
    elif who == "other_resident":
        user = make_quick_user("resident")
    else:
        user = make_quick_user(who, **({"firm_id": town["firm"].id} if who == "firm" else {}))
    response = client.get(f"/api/residents/{resident.id}/matches", headers=auth_headers(user))
    assert response.status_code == code
    if code != 200:
        assert "post" not in response.get_data(as_text=True)


def test_matches_need_a_token_and_a_resident_that_exists(client, town):
    assert client.get(f"/api/residents/{town['resident'].id}/matches").status_code == 401
    staff = make_quick_user("staff")
    response = client.get("/api/residents/99999/matches", headers=auth_headers(staff))
    assert response.status_code == 404


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1", "2.5"])
def test_an_invalid_limit_is_a_422(client, town, limit):
    staff = make_quick_user("staff")
    for path in (
        f"/api/residents/{town['resident'].id}/matches",
        f"/api/posts/{town['posts'][0].id}/candidates",
    ):
        response = client.get(f"{path}?limit={limit}", headers=auth_headers(staff))
        assert response.status_code == 422
        assert "limit" in response.json["errors"]


def test_limit_cuts_the_list(client, town):
    staff = make_quick_user("staff")
    path = f"/api/residents/{town['resident'].id}/matches?limit=1"
    assert len(client.get(path, headers=auth_headers(staff)).json) == 1


@pytest.mark.parametrize(
    ("who", "code"), [("staff", 200), ("owner", 200), ("other_firm", 404), ("resident", 403)]
)
def test_who_may_see_a_posts_candidates(client, town, who, code):
    post = town["posts"][0]
    if who == "owner":
        user = make_quick_user("firm", firm_id=town["firm"].id)
    elif who == "other_firm":
        user = make_quick_user("firm")
    else:
        user = make_quick_user(who)
    response = client.get(f"/api/posts/{post.id}/candidates", headers=auth_headers(user))
    assert response.status_code == code


def test_a_firm_sees_no_id_phone_or_priority_group(client, town):
    resident = make_resident(
        name="王五", groups=["relocated"], community_id=town["community"].id, skills=["sewing"]
    )
    firm_user = make_quick_user("firm", firm_id=town["firm"].id)
    staff = make_quick_user("staff")
    path = f"/api/posts/{town['posts'][0].id}/candidates"
    seen = client.get(path, headers=auth_headers(firm_user)).json
    assert {c["resident_id"] for c in seen} == {town["resident"].id, resident.id}
    for candidate in seen:
        assert set(candidate) == {
            "resident_id", "rank", "score", "reasons", "cautions", "commute", "name",
        }  # fmt: skip
    text = client.get(path, headers=auth_headers(firm_user)).get_data(as_text=True)
    for secret in (resident.phone, resident.id_number, "relocated", "搬迁"):
        assert secret not in text
    staff_view = client.get(path, headers=auth_headers(staff)).json
    lifted = next(c for c in staff_view if c["resident_id"] == resident.id)
    assert 0 <= lifted["priority_lift"] <= 3  # places moved up, never more than the policy's
    assert lifted["score"] == lifted["model_score"]  # the lift moves places, not scores


def test_only_eligible_pairs_are_ranked(matching_app, town):
    firm, community = town["firm"], town["community"]
    today = clock.today()
    program = make_program("electric", name="电工")
    cohort = make_cohort(program)
    certified = make_resident(community_id=community.id)
    make_enrollment(cohort, certified, status="completed", passed=True)
    closed = make_post(firm, status="closed")
    full = make_post(firm, openings=1, filled=1)
    expired = make_post(firm, expires_on=today - timedelta(days=1))
    young_only = make_post(firm, max_age=25)
    college = make_post(firm, min_education="college")
    needs_cert = make_post(firm, required_certificates=[program])
    far = make_firm(lat=41.5, lon=115.5)
    distant = make_post(far)
    near_limit = make_resident(community_id=community.id, max_commute_km=5)
    ranked = {m.post_id for m in rank_posts_for_resident(town["resident"].id, 100)}
    assert ranked == {town["posts"][0].id, town["posts"][1].id, distant.id}
    for post in (closed, full, expired, young_only, college):
        assert rank_residents_for_post(post.id) == []
    assert [c.resident_id for c in rank_residents_for_post(needs_cert.id)] == [certified.id]
    assert near_limit.id not in {c.resident_id for c in rank_residents_for_post(distant.id, 100)}


def test_a_change_in_any_worker_reaches_the_cached_snapshot(matching_app, town):
    resident, sewer = town["resident"], town["posts"][0]
    before = rank_posts_for_resident(resident.id)
    assert before[0].post_id == sewer.id
    # A skill removed: the skilled post no longer leads, without any restart.
    db.session.execute(
        ResidentSkill.__table__.delete().where(ResidentSkill.resident_id == resident.id)
    )
    db.session.commit()
    refreshed()
    after = {m.post_id: m for m in rank_posts_for_resident(resident.id)}
    assert "缺少缝纫技能" in after[sewer.id].cautions
    assert "缺少缝纫技能" not in after[sewer.id].reasons
    # A new resident and a post filled are seen at once, too.
    newcomer = make_resident(community_id=town["community"].id, skills=["sewing"])
    refreshed()
    assert newcomer.id in {c.resident_id for c in rank_residents_for_post(sewer.id)}
    sewer.filled = sewer.openings
    db.session.commit()
    refreshed()
    assert rank_residents_for_post(sewer.id) == []
    assert sewer.id not in {m.post_id for m in rank_posts_for_resident(resident.id)}


def test_a_rolled_back_change_is_not_seen(matching_app, town):
    resident = town["resident"]
    rank_posts_for_resident(resident.id)
    resident.desired_wage = 99999
    db.session.flush()
    db.session.rollback()
    refreshed()
    matches = rank_posts_for_resident(resident.id)
    assert all("月薪低于期望" not in m.cautions for m in matches)


def _history(town, n_residents=120):
    """Recorded outcomes the rules ranker gets wrong: the sewing post (which the rules put first
    for sewers) hires no one, the night packing post hires four in five."""
    rng = random.Random(5)
    sewer, packer = town["posts"]
    sewer.openings = packer.openings = 500
    db.session.commit()
    for i in range(n_residents):
        person = make_resident(
            community_id=town["community"].id, skills=["sewing"] if i % 2 == 0 else []
        )
        for post in (sewer, packer):
            hired = post is packer and rng.random() < 0.8
            make_application(person, post, "hired" if hired else "rejected")


@pytest.mark.committing  # a retrain is a job: it reports progress on its own connection
def test_staff_retrain_promotes_only_what_is_better_beyond_noise(client, matching_app, town):
    staff = make_quick_user("staff")
    _history(town)
    response = client.post("/api/model/train", headers=auth_headers(staff), json={})
    assert response.status_code == 202, response.json
    # No Redis configured: the job ran inline, and its result is the new model card.
    job = client.get(f"/api/jobs/{response.json['job_id']}", headers=auth_headers(staff)).json
    assert job["state"] == "done" and job["kind"] == "retrain", job
    first = job["result"]
    assert first["promotion"]["promoted"] and first["status"] == "current", first["promotion"]
    assert first["artifact"]["sha256"]
    card = first
    assert card["promotion"]["differences"]["rules"]["low"] > 0
    assert card["metrics"]["held_out"]["held_out_residents"]["model"]["ndcg@10_interval"]
    assert card["leak_test"]["mean_relative_score_change"] < 0.01
    served = client.get("/api/model", headers=auth_headers(staff)).json
    assert served["serving"] == first["version"] and served["trusted"]

    # Retrained on the same outcomes it is no better than the version it would replace.
    second = train_and_register(matching_app.config, kinds=("logistic",))
    assert second["status"] == "candidate"
    assert "not better than rules and " + first["version"] in second["promotion"]["reason"]

    # Outcomes of the training residents turned upside down: worse, a candidate too.
    for application in db.session.scalars(db.select(service_models_application())):
        if not is_held_out([application.resident_id])[0]:
            application.status = "hired" if application.status == "rejected" else "rejected"
    db.session.commit()
    third = train_and_register(matching_app.config, kinds=("logistic",))
    assert third["status"] == "candidate"
    assert "kept as candidate" in third["promotion"]["reason"]
    service.engine().model.refresh(force=True)
    assert service.engine().model.version == first["version"]


def test_retraining_reports_its_progress(matching_app, town):
    from jobmatch.matching.retrain import retrain_current_model

    _history(town, n_residents=80)
    said = []
    card = retrain_current_model(make_quick_user("staff"), progress=said.append)
    assert card["version"] and card["training_seconds"] >= 0
    assert said[0] == "loading recorded outcomes" and len(said) >= 4


def service_models_application():
    from jobmatch.applications.models import Application

    return Application


@pytest.mark.committing  # a retrain is a job: it reports progress on its own connection
def test_training_without_outcomes_is_a_failed_job_saying_why(client, matching_app, town):
    staff = make_quick_user("staff")
    response = client.post("/api/model/train", headers=auth_headers(staff), json={})
    assert response.status_code == 202
    job = client.get(f"/api/jobs/{response.json['job_id']}", headers=auth_headers(staff)).json
    assert job["state"] == "failed" and job["result"] is None
    assert "已记录的求职结果不足" in job["error"]
    assert job["attempts"] == 1  # the records refuse it: retrying would change nothing


@pytest.mark.parametrize("role", ["firm", "resident"])
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/model"), ("post", "/api/model/train"), ("post", "/api/matching/allocate")],
)
def test_model_and_allocation_are_for_staff_only(client, town, role, method, path):
    user = make_quick_user(role)
    assert getattr(client, method)(path, headers=auth_headers(user), json={}).status_code == 403
    assert getattr(client, method)(path, json={}).status_code == 401


def test_allocation_covers_more_openings_than_top_k(client, matching_app, town):
    """Two posts of one opening each; both want the same best resident under top-k."""
    community, firm = town["community"], town["firm"]
    town["posts"][1].status = "closed"
    db.session.commit()
    second = make_post(firm, openings=1, required_skills=[], title="质检")
    town["posts"][0].openings = 1
    db.session.commit()
    staff = make_quick_user("staff")
    response = client.post(
        "/api/matching/allocate", headers=auth_headers(staff), json={"multiple": 1}
    )
    assert response.status_code == 200, response.json
    summary = response.json["summary"]
    assert summary["openings"] == 2
    assert summary["allocation"]["covered_openings"] >= summary["top_k"]["covered_openings"]
    referred = [r for p in response.json["posts"] for r in p["resident_ids"]]
    assert len(referred) == len(set(referred))  # nobody referred twice in a batch
    assert second.id in {p["post_id"] for p in response.json["posts"]}
    del community


def test_allocation_refuses_a_closed_post(client, matching_app, town):
    town["posts"][1].status = "closed"
    db.session.commit()
    staff = make_quick_user("staff")
    response = client.post(
        "/api/matching/allocate",
        headers=auth_headers(staff),
        json={"post_ids": [town["posts"][1].id]},
    )
    assert response.status_code == 422


def test_a_skill_granted_in_bulk_reloads_only_that_resident(matching_app, town):
    from sqlalchemy import insert, select

    from jobmatch.matching.models import MatchingChange

    other = make_resident(community_id=town["community"].id)
    assert "已掌握缝纫技能" not in rank_posts_for_resident(other.id)[0].reasons
    full_loads = service.engine().cache.full_loads
    row = {"resident_id": other.id, "skill_code": "sewing", "source": "training"}
    db.session.execute(insert(ResidentSkill.__table__), [row])
    db.session.commit()
    change = db.session.scalars(select(MatchingChange).order_by(MatchingChange.id.desc())).first()
    assert (change.scope, change.entity_id) == ("resident", other.id)
    refreshed()
    assert "已掌握缝纫技能" in rank_posts_for_resident(other.id)[0].reasons
    assert service.engine().cache.full_loads == full_loads


@pytest.mark.committing  # a retrain is a job: it reports progress on its own connection
def test_tests_never_retrain_into_the_shipped_models(client, app):
    from jobmatch.config import PROJECT_ROOT

    app.config["JOBMATCH_MODEL_DIR"] = str(PROJECT_ROOT / "models")
    staff = make_quick_user("staff")
    response = client.post("/api/model/train", headers=auth_headers(staff), json={})
    assert response.status_code == 202
    job = client.get(f"/api/jobs/{response.json['job_id']}", headers=auth_headers(staff)).json
    assert job["state"] == "failed" and "JOBMATCH_MODEL_DIR" in job["error"]


def test_the_matching_endpoints_are_documented(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path, method in [
        ("/api/residents/{resident_id}/matches", "get"),
        ("/api/posts/{post_id}/candidates", "get"),
        ("/api/model", "get"),
        ("/api/model/train", "post"),
        ("/api/matching/allocate", "post"),
    ]:
        operation = paths[path][method]
        assert operation["security"] == [{"bearerAuth": []}]
        assert {"401", "403"} <= set(operation["responses"])


@pytest.mark.committing  # commits on connections of its own, as other workers would
def test_a_change_committed_out_of_order_is_still_applied(matching_app, town):
    """PostgreSQL hands out sequence ids at insert time: a later id may commit first."""
    from sqlalchemy import insert, update

    from jobmatch.matching.models import MatchingChange
    from jobmatch.residents.models import Resident

    resident = town["resident"]
    cache = service.engine().cache
    rank_posts_for_resident(resident.id)
    first = cache.last_id
    with db.engine.begin() as connection:  # bypasses the session: written like another worker
        connection.execute(insert(MatchingChange.__table__), [{"id": first + 3, "scope": "post"}])
    refreshed()
    assert set(cache.gaps) == {first + 1, first + 2}
    with db.engine.begin() as connection:  # the slower transaction commits its earlier id now
        connection.execute(
            update(Resident.__table__).where(Resident.id == resident.id).values(desired_wage=9000)
        )
        connection.execute(
            insert(MatchingChange.__table__),
            [{"id": first + 1, "scope": "resident", "entity_id": resident.id}],
        )
    refreshed()
    matches = rank_posts_for_resident(resident.id)
    assert all("月薪低于期望" in m.cautions for m in matches)
    assert set(cache.gaps) == {first + 2}


def test_the_shipped_models_verify_and_the_served_one_follows_current(seeded_app, seeded_client):
    """Every committed version loads (hash and library versions check out), and the app serves
    what CURRENT names, or the rules ranker when no version has been promoted."""
    from jobmatch.matching.registry import ModelStore

    with seeded_app.app_context():
        store = ModelStore(seeded_app.config["JOBMATCH_MODEL_DIR"])
        assert store.versions()
        for version in store.versions():
            _, card = store.load(version)
            assert card["data"]["applications"] > 5000 and card["leak_test"]
        staff = make_quick_user("staff", username="matching-seed-staff")
        try:  # the seeded database is shared: leave it as it was found
            headers = auth_headers(staff)
            served = seeded_client.get("/api/model", headers=headers).json
            assert served["serving"] == (store.current_version() or "rules")
            matches = seeded_client.get("/api/residents/1/matches?limit=5", headers=headers).json
            assert 1 <= len(matches) <= 5
            assert all(len(m["reasons"]) <= 3 and m["commute"] for m in matches)
            assert any(m["reasons"] for m in matches)
        finally:
            db.session.delete(staff)
            db.session.commit()


def test_matches_answer_exactly_what_match_out_dumps(seeded_app, seeded_client):
    """The matches answer is built without marshmallow (schemas.match_json): for residents
    of the seed, byte for byte the JSON MatchOut makes of the same matches."""
    from flask import current_app

    from jobmatch.matching.schemas import MatchOut

    staff = make_quick_user("staff", username="matching-json-staff")
    try:  # the seeded database is shared: leave it as it was found
        headers = auth_headers(staff)
        seen = {"cautions": 0, "applied": 0}
        for resident_id in range(1, 41):
            path = f"/api/residents/{resident_id}/matches?limit=30"
            response = seeded_client.get(path, headers=headers)
            expected = MatchOut(many=True).dump(rank_posts_for_resident(resident_id, 30))
            assert response.data == current_app.json.response(expected).data
            seen["cautions"] += sum(bool(m["cautions"]) for m in response.json)
            seen["applied"] += sum(m["applied"] for m in response.json)
        assert seen["cautions"] and seen["applied"]
    finally:
        db.session.delete(staff)
        db.session.commit()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/residents/1/matches?limit=abc"),
        ("get", "/api/posts/1/candidates?limit=0"),
        ("post", "/api/model/train"),
        ("post", "/api/matching/allocate"),
    ],
)
def test_no_token_is_a_401_before_any_input_is_judged(client, method, path):
    response = getattr(client, method)(path, json={"multiple": "not a number"})
    assert response.status_code == 401
    assert response.json["code"] == 401


def test_applied_posts_are_marked_and_a_crowded_post_yields_its_place(matching_app, town):
    """Openings temper the push: with 3 x openings left waiting already, a post goes after
    every post that still has room, and says why; a post applied to is marked, not hidden."""
    resident, (sewer, packer) = town["resident"], town["posts"]
    first = rank_posts_for_resident(resident.id)
    assert first[0].post_id == sewer.id and not any(m.applied or m.crowded for m in first)
    sewer.openings = 1
    db.session.commit()
    for _ in range(3):
        make_application(make_resident(community_id=town["community"].id), sewer, "applied")
    make_application(resident, packer, "applied")
    refreshed()
    after = rank_posts_for_resident(resident.id)
    assert [m.post_id for m in after] == [packer.id, sewer.id]
    assert after[1].crowded and "已有较多人申请，名额紧张" in after[1].cautions
    assert after[0].applied and not after[1].applied


def test_cautions_are_never_reasons(client, town):
    staff = make_quick_user("staff")
    town["resident"].desired_wage = 9000
    db.session.commit()
    body = client.get(
        f"/api/residents/{town['resident'].id}/matches", headers=auth_headers(staff)
    ).json
    for match in body:
        assert "月薪低于期望" in match["cautions"]
        assert not set(match["cautions"]) & set(match["reasons"])


def test_transport_night_and_caring_are_optional_resident_facts(client, town):
    staff = make_quick_user("staff")
    resident = town["resident"]
    path = f"/api/residents/{resident.id}"
    before = client.get(path, headers=auth_headers(staff)).json
    assert (before["has_transport"], before["night_shift_ok"], before["caregiver"]) == (
        None, None, None,
    )  # fmt: skip
    own = make_quick_user("resident", resident_id=resident.id)
    body = {"has_transport": False, "night_shift_ok": False, "caregiver": True}
    response = client.patch(path, headers=auth_headers(own), json=body)
    assert response.status_code == 200, response.json
    assert {k: response.json[k] for k in body} == body
    night = next(
        m for m in rank_posts_for_resident(resident.id) if m.post_id == town["posts"][1].id
    )
    assert "夜班，已登记不能上夜班" in night.cautions or not night.reasons
    assert (
        client.patch(path, headers=auth_headers(own), json={"caregiver": "maybe"}).status_code
        == 422
    )
    cleared = client.patch(path, headers=auth_headers(own), json={"caregiver": None})
    assert cleared.json["caregiver"] is None
