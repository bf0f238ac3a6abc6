"""gunicorn as `make run` starts it (gunicorn.conf.py: --preload, the snapshot built in the
master): two workers answer matches, an edit served by one is answered by the other at once,
and a worker killed outright is replaced by one that answers within a second or so.

Requests are steered to one worker by pausing the other (SIGSTOP): a paused worker accepts no
connection, so the next one is the running worker's."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from jobmatch.accounts.auth import issue_token
from jobmatch.config import PROJECT_ROOT
from tests.conftest import TEST_FIELD_KEY
from tests.factories import make_community, make_firm, make_post, make_quick_user, make_resident

pytestmark = [
    pytest.mark.slow,
    pytest.mark.committing,  # gunicorn's processes read what the test commits
    pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, method: str, path: str, token: str, body=None) -> tuple[int, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    return response.status, json.loads(answer) if answer else None


def _workers(master: int) -> list[int]:
    return sorted(map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split()))


@contextmanager
def _paused(pid: int):
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


@contextmanager
def _gunicorn(app, tmp_path):
    port, log, access = _free_port(), tmp_path / "gunicorn.log", tmp_path / "access.log"
    environment = os.environ | {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "JOBMATCH_ENV": "development",  # a PostgreSQL URL would otherwise ask for Redis
        "SECRET_KEY": app.config["SECRET_KEY"],
        "JOBMATCH_FIELD_KEY": TEST_FIELD_KEY,
        "JOBMATCH_MODEL_DIR": app.config["JOBMATCH_MODEL_DIR"],
        "JOBMATCH_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    with log.open("w") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--preload", "--access-logfile", str(access), "wsgi:app"],
            cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=stream,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while len(_workers(server.pid)) < 2 or not _answers(port):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        yield server, port, log, access
    finally:
        for pid in _workers(server.pid) if server.poll() is None else []:
            os.kill(pid, signal.SIGCONT)
        server.terminate()
        server.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        return _request(port, "GET", "/api/health", "")[0] == 200
    except OSError:
        return False


def test_preloaded_workers_share_the_snapshot_and_answer_fresh(committing_app, tmp_path):
    community = make_community()
    firm = make_firm()
    posts = [make_post(firm, title=title) for title in ("车工", "包装工", "质检员")]
    resident = make_resident(community_id=community.id, desired_wage=3000)
    token = issue_token(make_quick_user("staff"))
    matches = f"/api/residents/{resident.id}/matches"

    with _gunicorn(committing_app, tmp_path) as (server, port, log, access):
        assert "matching snapshot ready in the master" in log.read_text()
        # What a clerk types into a search stays out of the access log; the path is there.
        searched = "/staff/refer?q=13800138000&page=1"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.request("GET", searched, headers={"Referer": f"http://x{searched}"})
        connection.getresponse().read()
        connection.close()
        deadline = time.monotonic() + 5
        while "/staff/refer" not in access.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "GET /staff/refer HTTP/1.1" in access.read_text()
        assert "13800138000" not in access.read_text()
        one, other = _workers(server.pid)
        for paused in (other, one):  # each worker answers while the other is paused
            with _paused(paused):
                status, answer = _request(port, "GET", matches, token)
            assert status == 200
            assert {m["post_id"] for m in answer} == {p.id for p in posts}
            assert not any("月薪低于期望" in m["cautions"] for m in answer)

        # Written through one worker, answered by the other on its very next request.
        with _paused(other):
            edit = {"desired_wage": 99000}
            assert _request(port, "PATCH", f"/api/residents/{resident.id}", token, edit)[0] == 200
        with _paused(one):
            status, answer = _request(port, "GET", matches, token)
        assert status == 200 and len(answer) == 3
        assert all("月薪低于期望" in m["cautions"] for m in answer)

        # A worker killed outright: its replacement, forked from the master's snapshot and
        # caught up on the edit since, answers within a second or so of the kill.
        with _paused(other):
            killed = time.monotonic()
            os.kill(one, signal.SIGKILL)
            status, answer = _request(port, "GET", matches, token)
            waited = time.monotonic() - killed
        assert status == 200 and all("月薪低于期望" in m["cautions"] for m in answer)
        assert waited < 3, f"the replacement answered {waited:.1f} s after the kill"
        replacement = set(_workers(server.pid)) - {one, other}
        assert len(replacement) == 1

        # SIGHUP: the master brings its own snapshot up to date and forks a new generation.
        before = set(_workers(server.pid))
        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while set(_workers(server.pid)) & before or len(_workers(server.pid)) < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        status, answer = _request(port, "GET", matches, token)
        assert status == 200 and all("月薪低于期望" in m["cautions"] for m in answer)
        assert log.read_text().count("matching snapshot ready in the master") == 2


ASK_THE_MASTER = """
import os, types
from jobmatch.matching.refresh import SnapshotCache
cache = SnapshotCache(max_age_seconds=60)
cache.snapshot = types.SimpleNamespace(loaded_at=-1e9)
print(cache._rebuild_due(0.0))
cache.after_fork(master_pid=os.getppid())
print(cache._rebuild_due(0.0), cache._rebuild_due(0.0))
"""


def test_a_worker_asks_its_master_for_a_new_snapshot_once_instead_of_building_its_own():
    """Past MATCHING_SNAPSHOT_MAX_AGE a process rebuilds; a preloaded worker sends its master
    SIGHUP instead (gunicorn.conf.py's on_reload rebuilds there), once."""
    hangups = []
    previous = signal.signal(signal.SIGHUP, lambda *_: hangups.append(1))
    try:
        done = subprocess.run(
            [sys.executable, "-c", ASK_THE_MASTER], cwd=PROJECT_ROOT, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
        time.sleep(0.1)
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "False"]
    assert hangups == [1]
