"""The post lists' finished answers, kept under the exact version of the data they show: any
commit, in any process, shows on the next request; signed-in pages are never kept."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert, update

from jobmatch import clock
from jobmatch.applications.service import move_application
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.matching import service
from jobmatch.matching.models import MatchingChange
from jobmatch.posts.models import Post
from tests.factories import (
    make_application,
    make_community,
    make_firm,
    make_post,
    make_quick_user,
    make_resident,
)
from tests.web_helpers import signed_in

# The lists' app and the writing app work on connections of their own: real commits.
pytestmark = pytest.mark.committing

PATHS = ("/api/posts", "/")


@pytest.fixture
def lists(app, tmp_path):
    """The serving app as in production (a refresh thread, a snapshot built), a firm with a
    post, and the test's session on a second app: "another process" that writes."""
    app.config["JOBMATCH_MODEL_DIR"] = str(tmp_path / "models")
    app.config["MATCHING_REFRESH"] = "background"
    app.config["MATCHING_REFRESH_SECONDS"] = 60.0  # only a commit in this process wakes it
    service.init_app(app)
    firm = make_firm(name="天镇纺织")
    post = make_post(firm, title="车工", openings=2)
    ids = {"firm": firm.id, "post": post.id}
    db.session.commit()  # ends the read of the ids: a writing app's TRUNCATE would wait on it
    service.engine().snapshot()  # as a preloading gunicorn master builds it
    yield app, ids
    service.engine().cache.stop()


@pytest.fixture
def writer(lists, isolated_app):
    isolated_app()  # its context is the test's from here on
    return lists[1]


def _hits(app) -> int:
    answers = app.extensions.get("jobmatch.post_answers")
    return 0 if answers is None else answers.hits


def _read_twice(app, path: str) -> str:
    """The answer of ``path``, asked twice: the second one comes from the kept answers."""
    client = app.test_client()
    first = client.get(path)
    hits = _hits(app)
    second = client.get(path)
    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data()
    assert _hits(app) == hits + 1, "the second answer was not kept"
    if second.is_json:
        return json.dumps(second.get_json(), ensure_ascii=False)
    return second.get_data(as_text=True)


@pytest.mark.parametrize("path", PATHS)
def test_a_post_edited_in_another_process_shows_at_once(lists, writer, path):
    app = lists[0]
    assert "车工" in _read_twice(app, path)
    db.session.get(Post, writer["post"]).title = "缝纫工"
    db.session.commit()
    text = _read_twice(app, path)
    assert "缝纫工" in text and "车工" not in text


@pytest.mark.parametrize("path", PATHS)
def test_a_new_post_and_a_renamed_firm_show_at_once(lists, writer, path):
    app = lists[0]
    _read_twice(app, path)
    make_post(db.session.get(Firm, writer["firm"]), title="包装工")
    assert "包装工" in _read_twice(app, path)
    db.session.get(Firm, writer["firm"]).name = "天镇新材料"
    db.session.commit()
    text = _read_twice(app, path)
    assert "天镇新材料" in text and "天镇纺织" not in text


def test_a_hire_shows_in_the_filled_count_at_once(lists, writer):
    app = lists[0]
    assert '"filled": 0' in _read_twice(app, "/api/posts")
    page = _read_twice(app, "/")
    post = db.session.get(Post, writer["post"])
    resident = make_resident(community_id=make_community().id)
    application = make_application(resident, post, "interview")
    move_application(make_quick_user("staff"), application.id, status="hired")
    assert '"filled": 1' in _read_twice(app, "/api/posts")
    assert _read_twice(app, "/") != page  # one opening left, not two


def test_a_bulk_update_through_the_session_shows_at_once(lists, writer):
    app = lists[0]
    _read_twice(app, "/api/posts")
    db.session.execute(update(Post).where(Post.id == writer["post"]).values(wage_max=9876))
    db.session.commit()
    assert app.test_client().get("/api/posts").get_json()[0]["wage_max"] == 9876


@pytest.mark.parametrize("path", PATHS)
def test_a_new_day_is_a_new_answer(lists, path):
    app = lists[0]
    _read_twice(app, path)
    with clock.frozen_at(clock.now() + timedelta(days=1)):
        hits = _hits(app)
        app.test_client().get(path)
        assert _hits(app) == hits  # built afresh for the new day
        _read_twice(app, path)


def test_a_signed_in_page_is_never_kept(lists):
    app = lists[0]
    client = app.test_client()
    signed_in(client, "resident")
    hits = _hits(app)
    first, second = client.get("/"), client.get("/")
    assert "退出" in first.get_data(as_text=True)
    assert _hits(app) == hits
    assert second.status_code == 200


def test_nothing_is_kept_while_the_snapshot_may_miss_a_commit(lists):
    """An id skipped over and given up on (older than GAP_SECONDS) might commit yet: no look
    at the change log would see it, so no answer is kept until a full load."""
    app = lists[0]
    cache = service.engine().cache
    cache.unsure = True
    client = app.test_client()
    hits = _hits(app)
    client.get("/api/posts"), client.get("/api/posts")
    assert _hits(app) == hits
    cache.refresh_now()  # not a full load: still unsure
    client.get("/api/posts")
    assert _hits(app) == hits
    cache.max_age = -1
    cache.refresh_now()  # a full load reads everything again
    cache.max_age = 3600
    assert not cache.unsure
    _read_twice(app, "/api/posts")


def test_an_answer_is_not_kept_before_the_process_has_a_snapshot(app):
    client = app.test_client()
    client.get("/api/posts"), client.get("/api/posts")
    assert _hits(app) == 0


def test_a_big_change_left_to_the_thread_is_answered_afresh(lists):
    """A change the request leaves to the thread (here a catalogue change beside the edit)
    is not yet in the snapshot: the answer is read afresh, not taken from the kept ones."""
    app, ids = lists
    cache = service.engine().cache
    cache.stop()  # no thread: nothing applies the big change
    _read_twice(app, "/api/posts")
    db.session.get(Post, ids["post"]).title = "缝纫工"
    db.session.add(MatchingChange(scope="all", entity_id=None))
    db.session.commit()
    client = app.test_client()
    for _ in range(2):
        assert client.get("/api/posts").get_json()[0]["title"] == "缝纫工"


def test_an_id_still_open_at_a_full_load_is_asked_for_again(lists, backend):
    """PostgreSQL hands out ids before commit: a change committed after a full load read past
    its id must still reach the snapshot, and so the answers' version."""
    if backend != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: ids commit in order")
    app, ids = lists
    cache = service.engine().cache
    cache.stop()
    with db.engine.connect() as open_transaction:
        open_transaction.execute(
            insert(MatchingChange), {"scope": "post", "entity_id": ids["post"]}
        )
        open_transaction.execute(update(Post).where(Post.id == ids["post"]).values(title="缝纫工"))
        db.session.get(Firm, ids["firm"]).name = "天镇新材料"  # a later id, committed first
        db.session.commit()
        cache.max_age = -1
        cache.refresh_now()  # a full load past the open id
        cache.max_age = 3600
        assert "车工" in _read_twice(app, "/api/posts")
        open_transaction.commit()
    assert app.test_client().get("/api/posts").get_json()[0]["title"] == "缝纫工"
