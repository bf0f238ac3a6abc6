"""The matching snapshot kept fresh off the request path: a write costs its own rows."""

import threading
from datetime import date

import numpy as np
import pytest
from sqlalchemy import event, select, update

from jobmatch.applications.service import move_application
from jobmatch.extensions import db
from jobmatch.matching import service
from jobmatch.matching.models import MatchingChange
from jobmatch.matching.service import rank_posts_for_resident, rank_residents_for_post
from jobmatch.matching.snapshot import load_posts
from jobmatch.matching.tables import ResidentRecord, ResidentTable, Vocabulary
from jobmatch.residents.importer import import_roster
from jobmatch.residents.models import Resident
from jobmatch.training import enrollments
from tests.factories import (
    auth_headers,
    make_application,
    make_cohort,
    make_community,
    make_firm,
    make_post,
    make_quick_user,
    make_resident,
)
from tests.test_import import FORMATS, WANG1, WANG4, roster_table

# The refresh thread reads on connections of its own: it needs commits other connections see.
pytestmark = pytest.mark.committing


@pytest.fixture
def refreshing_app(app, tmp_path):
    app.config["JOBMATCH_MODEL_DIR"] = str(tmp_path / "models")
    app.config["MATCHING_REFRESH"] = "background"
    app.config["MATCHING_REFRESH_SECONDS"] = 60.0  # only a commit here wakes the thread
    service.init_app(app)
    yield app
    service.engine().cache.stop()


@pytest.fixture
def town(refreshing_app):
    community = make_community()
    firm = make_firm()
    posts = [make_post(firm, title="车工"), make_post(firm, title="包装工", openings=1)]
    residents = [make_resident(community_id=community.id) for _ in range(3)]
    return {"community": community, "posts": posts, "residents": residents}


def _changes_since(last_id: int) -> list[tuple[str, int | None]]:
    rows = db.session.execute(
        select(MatchingChange.scope, MatchingChange.entity_id).where(MatchingChange.id > last_id)
    )
    return sorted((tuple(row) for row in rows), key=str)


def _last_change() -> int:
    return db.session.scalar(select(db.func.max(MatchingChange.id))) or 0


def _records(n: int) -> list[ResidentRecord]:
    return [
        ResidentRecord(id=i + 1, name=f"r{i}", birth_date=date(1980, 1, 1), lat=40.0 + i % 7)
        for i in range(n)
    ]


@pytest.mark.parametrize("size", [10, 20_000])
def test_one_resident_changed_or_added_touches_its_own_row_whatever_the_size(size):
    table = ResidentTable(_records(size), Vocabulary(skills=["sewing"]))
    ids_buffer, places = table.ids.base, table.place_lat
    changed = ResidentRecord(id=3, name="改", birth_date=date(1990, 1, 1), lat=40.0 + 2)
    added = ResidentRecord(id=size + 1, name="新", birth_date=date(1990, 1, 1), lat=40.0)
    table.upsert([changed, added])
    assert table.rows_written == 2 and table.reallocations == 0
    assert table.ids.base is ids_buffer  # written into spare rows: no column copied
    assert table.place_lat is places  # a known point: no re-indexing of places
    assert len(table) == size + 1 and table.names[-1] == "新" and table.birth_key[2] == 19900101
    assert table.place[[2, size]].tolist() == [table.place[2 + 7], table.place[0]]
    assert table.version % 2 == 0
    table.upsert([ResidentRecord(id=size + 2, name="远", birth_date=date(1990, 1, 1), lat=1.0)])
    assert np.isclose(table.place_lat[table.place[size + 1]], 1.0)


def test_an_application_move_names_its_resident_and_a_hire_its_post(town):
    resident, (sewer, packer) = town["residents"][0], town["posts"]
    application = make_application(resident, packer, "applied")
    staff = make_quick_user("staff")
    before = _last_change()
    move_application(staff, application.id, status="interview", **_interview())
    assert _changes_since(before) == [("resident", resident.id)]
    before = _last_change()
    move_application(staff, application.id, status="hired")
    # The hire closes the resident's other applications too: that statement names them again.
    assert set(_changes_since(before)) == {("post", packer.id), ("resident", resident.id)}
    del sewer


def test_a_bulk_update_and_an_import_name_every_resident_they_touch(refreshing_app, town):
    ids = [r.id for r in town["residents"]]
    before = _last_change()
    db.session.execute(update(Resident).where(Resident.id.in_(ids[:2])).values(desired_wage=1))
    db.session.commit()
    assert _changes_since(before) == [("resident", ids[0]), ("resident", ids[1])]
    rows = [
        [1, "王四", "", WANG4, "13900000004", "", "", "", "", "", "", ""],
        [2, "新人", "", WANG1, "13900000001", "", "", "", "", "", "", ""],
    ]
    before = _last_change()
    answer = import_roster(make_quick_user("staff"), *FORMATS["csv-utf8"](roster_table(rows)))
    assert answer["created"] == 2
    new_ids = set(db.session.scalars(select(Resident.id).where(Resident.id.not_in(ids))))
    assert {c for c in _changes_since(before)} == {("resident", rid) for rid in new_ids}


def test_an_enrolment_names_its_resident_not_everything(town):
    """Enrolling takes the cohort's lock by stamping its updated_at, which nothing matching
    reads: the enrolment names its resident only, so that every server does not rebuild the
    whole snapshot (its own copy, under gunicorn --preload) for each person enrolled."""
    resident, cohort = town["residents"][0], make_cohort()
    cache = service.engine().cache
    cache.refresh_now()
    loads, before = cache.full_loads, _last_change()
    enrollments.enroll(make_quick_user("staff"), cohort.id, resident.id)
    assert _changes_since(before) == [("resident", resident.id)]
    cache.refresh_now()
    assert cache.full_loads == loads and cache.residents_reloaded >= 1


def test_a_move_reloads_one_resident_and_keeps_the_firm_records_exact(town):
    resident, packer = town["residents"][0], town["posts"][1]
    application = make_application(resident, packer, "applied", created_at=_days_ago(3))
    cache = service.engine().cache
    cache.refresh_now()
    loads, reloaded, post_reloads = cache.full_loads, cache.residents_reloaded, cache.post_reloads
    move_application(make_quick_user("staff"), application.id, status="rejected")
    cache.refresh_now()
    assert (cache.full_loads, cache.post_reloads) == (loads, post_reloads)
    assert cache.residents_reloaded == reloaded + 1
    # The counters give what a scan of every decided application gives.
    posts = cache.snapshot.posts
    fresh = {p.id: p for p in load_posts(db.session)}
    for row, post_id in enumerate(posts.ids.tolist()):
        assert posts.firm_rate_lift[row] == pytest.approx(fresh[post_id].firm_rate_lift, abs=1e-12)
        assert posts.pending[row] == fresh[post_id].pending
    assert posts.firm_rate_lift.min() < 0  # the rejection counts against the firm


def _interview() -> dict:
    from datetime import timedelta

    from jobmatch import clock

    return {
        "interview_at": clock.now() + timedelta(days=1),
        "interview_place": "县人社局三楼",
        "interview_contact": "王老师 13900000000",
    }


def _days_ago(days: int):
    from datetime import timedelta

    from jobmatch import clock

    return clock.now() - timedelta(days=days)


def test_cached_lists_are_kept_per_version_of_what_they_read(town):
    (first, second, _), (sewer, _) = town["residents"], town["posts"]
    engine = service.engine()
    rank_posts_for_resident(first.id)
    rank_posts_for_resident(second.id)
    rank_residents_for_post(sewer.id)
    kept = set(engine.results)
    second.desired_wage = 9999
    db.session.commit()
    engine.cache.refresh_now()
    rank_posts_for_resident(first.id)  # nothing it read changed: answered from the cache
    assert set(engine.results) == kept
    assert "月薪低于期望" in rank_posts_for_resident(second.id)[0].cautions
    rank_residents_for_post(sewer.id)  # read every resident: computed again
    assert len(set(engine.results) - kept) == 2


def test_a_request_reads_its_own_write_even_before_the_thread_applies_it(town):
    resident, (sewer, _) = town["residents"][0], town["posts"]
    resident_id, sewer_id = resident.id, sewer.id
    cache = service.engine().cache
    rank_posts_for_resident(resident_id)  # the first build, once
    cache.stop()  # no thread from here on: only the request can apply what follows
    reloaded = cache.residents_reloaded
    sewer.status = "closed"
    db.session.commit()
    assert sewer_id not in {m.post_id for m in rank_posts_for_resident(resident_id)}
    assert rank_residents_for_post(sewer_id) == []
    db.session.execute(update(Resident).where(Resident.id == resident_id).values(desired_wage=4321))
    db.session.commit()
    rank_posts_for_resident(resident_id)
    assert cache.residents_reloaded == reloaded + 1  # its own row, not the table


def test_a_big_change_is_left_to_the_thread_and_requests_do_not_wait_for_it(town):
    resident_id = town["residents"][0].id
    cache = service.engine().cache
    rank_posts_for_resident(resident_id)
    cache.stop()
    full_loads = cache.full_loads
    db.session.add(MatchingChange(scope="all", entity_id=None))
    db.session.commit()
    rank_posts_for_resident(resident_id)
    assert cache.full_loads == full_loads  # the request served the snapshot it had


def test_the_thread_applies_a_commit_and_requests_only_look_for_changes(town):
    resident, (sewer, _) = town["residents"][0], town["posts"]
    resident_id, sewer_id = resident.id, sewer.id  # read now: a commit expires the objects
    cache = service.engine().cache
    rank_posts_for_resident(resident_id)  # the first build, once
    old, swaps = cache.snapshot, cache.swaps
    sewer.status = "closed"
    db.session.commit()  # wakes the thread: no refresh_now here
    assert cache.wait_for_swap(swaps)
    assert cache.snapshot is not old and old.posts is not cache.snapshot.posts
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if threading.current_thread() is threading.main_thread():
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert sewer_id not in {m.post_id for m in rank_posts_for_resident(resident_id)}
        assert rank_residents_for_post(sewer_id) == []
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    # Each request only looked for changes (one index scan each), and found none to apply.
    assert len(statements) == 2
    assert all("matching_changes" in statement for statement in statements)
    assert cache._thread is not None and cache._thread.is_alive()


def test_a_request_s_commit_wakes_the_thread_once_its_answer_is_sent(town, client):
    """Not at the commit: then the thread reloaded the resident while the request was still
    reading its answer back, the two taking turns at the interpreter."""
    resident_id, post_id = town["residents"][0].id, town["posts"][0].id
    staff = auth_headers(make_quick_user("staff"))
    cache = service.engine().cache
    rank_posts_for_resident(resident_id)  # the first build, and the thread started
    swaps = cache.swaps
    body = {"resident_id": resident_id, "post_id": post_id}
    response = client.post("/api/applications", json=body, headers=staff)
    assert response.status_code == 201
    assert not cache.wait_for_swap(swaps, timeout=0.5)  # committed, but the answer not sent
    response.close()  # what a server does once the body is sent
    assert cache.wait_for_swap(swaps)
    assert post_id in cache.snapshot.residents.applied[cache.snapshot.residents.index[resident_id]]


def test_a_new_day_recounts_the_firm_records_without_reading_residents_again(town):
    """Today's decisions count for the firm's record from tomorrow on: the snapshot of a new
    day recounts the counters from the rows it holds, as a full build would find them."""
    from datetime import timedelta

    from jobmatch import clock

    resident, packer = town["residents"][0], town["posts"][1]
    make_application(resident, packer, "rejected", created_at=clock.now())
    cache = service.engine().cache
    cache.refresh_now()
    assert cache.snapshot.posts.firm_rate_lift.min() == 0  # made today: not counted yet
    loads, reloaded = cache.full_loads, cache.residents_reloaded
    with clock.frozen_at(clock.now() + timedelta(days=1)):
        cache.refresh_now()
        posts = cache.snapshot.posts
        fresh = {p.id: p for p in load_posts(db.session)}
    assert (cache.full_loads, cache.residents_reloaded) == (loads, reloaded)
    assert cache.snapshot.day == clock.today() + timedelta(days=1)
    for row, post_id in enumerate(posts.ids.tolist()):
        assert posts.firm_rate_lift[row] == pytest.approx(fresh[post_id].firm_rate_lift, abs=1e-12)
        assert posts.pending[row] == fresh[post_id].pending
    assert posts.firm_rate_lift.min() < 0


def test_a_gunicorn_worker_of_an_inline_app_starts_no_refresh_thread(app):
    """MATCHING_REFRESH = "inline" means every ranking applies the changes itself, with no
    thread beside it: gunicorn.conf.py's post_worker_init starts none then either."""
    from jobmatch.matching import preload

    cache = service.engine().cache
    assert not cache.background  # the test suite's setting
    preload.start_worker(app)
    assert cache._thread is None
