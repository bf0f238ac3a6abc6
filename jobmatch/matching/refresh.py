"""Keeping a process's snapshot fresh, off the request path.

Every commit that touches cached data writes rows to matching_changes (tracking.py). A
background thread per process reads the rows past the last id it saw (an index range scan that
is nearly always empty, on a connection of its own), applies them and swaps the snapshot in:
named residents are reloaded and written into their rows, a post change replaces the post
table, a catalogue change (or a snapshot older than MATCHING_SNAPSHOT_MAX_AGE, or of another
day) builds a new snapshot beside the old one. Requests read ``cache.snapshot`` and never wait
for a reload; only the first build of a process blocks. So that every answer still follows
every write (in this worker or another), a request first looks for committed changes itself
and applies a handful (a one-resident reload, the post table after a hire): see ``_catch_up``.
Ids from a PostgreSQL sequence can commit out of order, so ids skipped over are remembered for a
while and asked for again. A commit in this process wakes the thread (tracking.py): at once,
or in a request once its answer is sent; other processes' commits are seen within
MATCHING_REFRESH_SECONDS. ``refresh_now()`` applies whatever is pending in the caller's
thread: tests call it instead of sleeping, and with MATCHING_REFRESH = "inline" every
``current()`` calls it (the old, blocking behaviour).

Under gunicorn with ``--preload`` the master builds the snapshot and its workers inherit it,
sharing its pages (preload.py): a worker starts from the master's last change id. A new day
recounts the demand counters from the rows held, without reading residents again. A snapshot
older than MATCHING_SNAPSHOT_MAX_AGE is not rebuilt in such a worker (a private copy of
everything): the worker asks its master (SIGHUP), which rebuilds and replaces its workers.
"""

import ctypes
import ctypes.util
import gc
import os
import signal
import threading
import time
import weakref
from dataclasses import replace

from flask import current_app
from sqlalchemy import Connection, bindparam, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.matching import tracking
from jobmatch.matching.models import MatchingChange
from jobmatch.matching.snapshot import (
    Snapshot,
    build_snapshot,
    load_residents,
    next_day,
    reload_posts,
)
from jobmatch.matching.tables import next_serial

GAP_SECONDS = 300
# A request applies at most this many pending resident or post changes itself (read your
# writes); more, or a catalogue or full change, are the thread's. It waits this long for a busy
# thread.
CATCH_UP_ROWS = 20
CATCH_UP_WAIT_SECONDS = 0.2
# A first load asks again for the ids missing among this many below the newest: ids of
# transactions that may still commit (later loads look from the last id seen).
FIRST_LOAD_WINDOW = 1000
# Built once: composing the statement on every poll cost more than running it.
POLL = (
    select(MatchingChange.id, MatchingChange.scope, MatchingChange.entity_id)
    .where(MatchingChange.id > bindparam("last"))
    .order_by(MatchingChange.id)
)


def release_heap() -> None:
    """Give the memory a build freed back to the system (glibc's malloc_trim): otherwise a
    process keeps the build's peak, a gunicorn master hands it to every worker it forks, and a
    worker that rebuilt keeps its thread's arena full. Elsewhere nothing is done."""
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is not None:
        trim(0)


def _shared_connection() -> bool:
    return isinstance(db.engine, Connection)


def _close_connection(holder: list) -> None:
    connection, holder[0] = holder[0], None
    if connection is not None:
        connection.invalidate()  # closes the driver's connection, not just a pool checkin
        connection.close()


class SnapshotCache:
    """One per app and process; ``current()`` answers the newest snapshot swapped in."""

    def __init__(self, max_age_seconds: float, background: bool = True, interval: float = 0.1):
        self.max_age = max_age_seconds
        self.background = background
        self.interval = interval
        self.snapshot: Snapshot | None = None
        self.last_id = 0
        self.gaps: dict[int, float] = {}
        # Set once a skipped id was given up on (older than GAP_SECONDS): should it commit
        # after all, nothing here would see it, so this process can no longer say that its
        # snapshot holds every committed change (``current_and_fresh``). A full load clears it.
        self.unsure = False
        self.lock = threading.Lock()  # one refresher at a time: the thread or refresh_now()
        self.full_loads = 0
        self.residents_reloaded = 0  # resident rows read back from the database (tests count)
        self.post_reloads = 0
        self.swaps = 0  # snapshots swapped in; ``wait_for_swap`` waits for the next one
        self._swapped = threading.Condition()
        self._app = None
        self._thread: threading.Thread | None = None
        self._thread_pid = 0
        self._thread_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        # Set in a gunicorn worker of a preloading master (after_fork): the master rebuilds.
        self.master_pid = 0
        self.master_asked = False
        # The polling connection lives in a holder a finalizer can reach: it is closed when
        # the cache goes away (or at exit), never left to the garbage collector.
        self._holder: list = [None]
        weakref.finalize(self, _close_connection, self._holder)
        weakref.finalize(self, self._stop.set)
        tracking.on_commit(self._wake)

    def current(self) -> Snapshot:
        """The newest snapshot; builds the first one (once, blocking) and starts the thread."""
        return self.current_and_fresh()[0]

    def current_and_fresh(self) -> tuple[Snapshot, bool]:
        """``current()``, and whether the snapshot holds every change committed before this
        call: true when the request's own look found nothing it left to the thread (no busy
        thread, no rebuild or new day due, no big change) and no skipped id was given up on.
        Answers kept under the snapshot's versions (matching/answers.py) rely on it."""
        # On one shared connection (the test suite's outer transaction) no thread may read
        # beside the request: changes are applied inline then.
        inline = not self.background or _shared_connection()
        if self.snapshot is None or inline:
            self.refresh_now()
            fresh = True
        else:
            fresh = self._catch_up()
        if not inline:
            self._ensure_thread()
        return self.snapshot, fresh and not self.unsure

    def _catch_up(self) -> bool:
        """Read your writes, in any worker: a request looks for committed changes (an index
        scan that is nearly always empty) and applies a few itself: a one-resident reload of a
        millisecond or so, or the post table after a hire. Anything bigger (an import, a full
        rebuild) is left to the thread, and the request answers from the snapshot it has.
        True when nothing committed was left unapplied."""
        if not self.lock.acquire(timeout=CATCH_UP_WAIT_SECONDS):
            return False  # the thread is busy applying: what it applies is swapped in soon
        try:
            now = time.monotonic()
            if self._rebuild_due(now) or self.snapshot.day != clock.today():
                self._wake.set()
                return False
            with db.engine.connect() as connection:
                rows = connection.execute(self._statement(now), {"last": self.last_id}).all()
            if not rows:
                return True
            small = len(rows) <= CATCH_UP_ROWS and all(
                row.scope == "post" or (row.scope == "resident" and row.entity_id is not None)
                for row in rows
            )
            if small:
                self._apply_changes(rows, now)
            else:
                self._wake.set()
            return small
        finally:
            self.lock.release()

    def refresh_now(self) -> None:
        """Apply every committed change now, in the calling thread (needs an app context)."""
        with self.lock:
            now = time.monotonic()
            if self.snapshot is None or self._rebuild_due(now):
                self._full_load(now)
                return
            if self.snapshot.day != clock.today():
                with Session(db.engine) as session:
                    self._swap(next_day(session, self.snapshot, clock.today()))
            rows = self._poll(now)
            if rows:
                self._apply_changes(rows, now)

    def _rebuild_due(self, now: float) -> bool:
        """Whether this process should read everything again now: its snapshot is older than
        the maximum age, and no preloading master rebuilds it for this worker (asked once)."""
        if now - self.snapshot.loaded_at <= self.max_age:
            return False
        if not self.master_pid or os.getppid() != self.master_pid:
            return True
        if not self.master_asked:
            self.master_asked = True
            os.kill(self.master_pid, signal.SIGHUP)
        return False

    def after_fork(self, master_pid: int = 0) -> None:
        """In a new worker process: locks, events and the thread of the parent did not come
        along in a usable state, nor may its polling connection be used (it is the parent's
        socket): start afresh, keeping the snapshot and the change id it was built at."""
        self.lock = threading.Lock()
        self._swapped = threading.Condition()
        self._thread_lock = threading.Lock()
        self._thread, self._thread_pid = None, 0
        self._holder[0] = None  # forgotten, not closed: the parent still uses it
        self._wake = threading.Event()
        tracking.on_commit(self._wake)
        self.master_pid, self.master_asked = master_pid, False

    def start(self, app) -> None:
        """Start this process's refresh thread now (a gunicorn worker, before any request);
        none when changes are applied inline (MATCHING_REFRESH = "inline")."""
        if not self.background:
            return
        with app.app_context():
            self._ensure_thread()

    def close_connection(self) -> None:
        """Close the polling connection (a gunicorn master before forking, see preload.py)."""
        with self.lock:
            _close_connection(self._holder)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        _close_connection(self._holder)

    def _ensure_thread(self) -> None:
        """One thread per process: after a fork (gunicorn workers) the child starts its own."""
        thread = self._thread
        if thread is not None and thread.is_alive() and self._thread_pid == os.getpid():
            return
        with self._thread_lock:
            if self._thread is thread and not self._stop.is_set():
                self._app = current_app._get_current_object()
                self._holder[0] = None  # a parent's connection is never used in a child
                self._thread_pid = os.getpid()
                self._thread = threading.Thread(
                    target=_run,
                    args=(weakref.ref(self), self._app, self._stop, self._wake, self.interval),
                    name="matching-refresh",
                    daemon=True,
                )
                self._thread.start()

    def _statement(self, now: float):
        kept = {i: t for i, t in self.gaps.items() if now - t < GAP_SECONDS}
        if len(kept) < len(self.gaps):
            self.unsure = True
        self.gaps = kept
        if not self.gaps:
            return POLL
        return (
            select(MatchingChange.id, MatchingChange.scope, MatchingChange.entity_id)
            .where(
                or_(
                    MatchingChange.id > bindparam("last"),
                    MatchingChange.id.in_(list(self.gaps)),
                )
            )
            .order_by(MatchingChange.id)
        )

    def _poll(self, now: float) -> list:
        """Change rows past the last seen, on a connection kept open."""
        statement = self._statement(now)
        if _shared_connection():
            # The app runs on one connection inside an outer transaction (the test suite does,
            # see docs/architecture.md): read on it, and leave its transaction alone.
            return db.engine.execute(statement, {"last": self.last_id}).all()
        for attempt in (1, 2):
            try:
                if self._holder[0] is None:
                    self._holder[0] = db.engine.connect()
                rows = self._holder[0].execute(statement, {"last": self.last_id}).all()
                self._holder[0].commit()
                return rows
            except DBAPIError:
                _close_connection(self._holder)
                if attempt == 2:
                    raise
        return []

    def _full_load(self, now: float) -> None:
        with Session(db.engine) as session:
            last = session.scalar(select(db.func.max(MatchingChange.id))) or 0
            skipped = _skipped_ids(session, self.last_id, last)
            snapshot = build_snapshot(session, now)
        # Ids skipped over may still commit, after this build read its rows: asked for again,
        # with those already pending (a build forgets none).
        for missing in skipped:
            self.gaps.setdefault(missing, now)
        self.last_id, self.unsure = max(self.last_id, last), False
        # Long-lived objects (each resident's sets and applications, the post records): left
        # to the cyclic collector, each full collection walked them all, a pause of seconds at
        # 100,000 residents in whichever request or refresh set it off. They hold no cycles,
        # and reference counting still frees them when a later build replaces them. Not inline
        # (tests): there, frozen cyclic garbage of one test's app would outlive it.
        if self.background:
            gc.freeze()
        self._swap(snapshot)
        self.full_loads += 1
        current_app.logger.info(
            "matching snapshot loaded by process %d in %.1f s: %d residents, %d posts",
            os.getpid(),
            time.monotonic() - now,
            len(snapshot.residents),
            len(snapshot.posts),
        )
        if self.background:
            del snapshot  # the one replaced is gone too, unless a request still reads it
            release_heap()

    def _apply_changes(self, rows: list, now: float) -> None:
        for row in rows:
            self.gaps.pop(row.id, None)
        seen = {row.id for row in rows}
        newest = max(seen)
        for missing in range(self.last_id + 1, newest):
            if missing not in seen:
                self.gaps[missing] = now
        self.last_id = max(self.last_id, newest)
        scopes = {row.scope for row in rows}
        if "all" in scopes or any(r.scope == "resident" and r.entity_id is None for r in rows):
            self._full_load(now)
            return
        snapshot = self.snapshot
        posts = snapshot.posts
        with Session(db.engine) as session:
            if "post" in scopes:
                posts = reload_posts(session, snapshot)
                posts.version = next_serial()
                self.post_reloads += 1
            ids = sorted({row.entity_id for row in rows if row.scope == "resident"})
            records = load_residents(session, ids, snapshot.places) if ids else []
        self.residents_reloaded += len(records)
        residents, demand = snapshot.residents, snapshot.demand
        for record in records:
            row = residents.index.get(record.id)
            if row is not None:
                demand.add(residents.outcomes[row], sign=-1)
            demand.add(record.outcomes)
        gone = [rid for rid in set(ids) - {r.id for r in records} if rid in residents.index]
        for rid in gone:
            demand.add(residents.outcomes[residents.index[rid]], sign=-1)
            residents.outcomes[residents.index[rid]] = ()
        residents.upsert(records)
        residents.remove(gone)
        if demand.apply_to(posts) and posts is snapshot.posts:
            posts.version = next_serial()
        # The swap: a request holds either the old snapshot or this one, never a mixture of
        # two post tables (resident rows are edited in place, under residents.version).
        self._swap(replace(snapshot, posts=posts))

    def _swap(self, snapshot: Snapshot) -> None:
        with self._swapped:
            self.snapshot = snapshot
            self.swaps += 1
            self._swapped.notify_all()

    def wait_for_swap(self, swaps_seen: int, timeout: float = 10.0) -> bool:
        """Wait until more than ``swaps_seen`` snapshots were swapped in (tests of the thread)."""
        with self._swapped:
            return self._swapped.wait_for(lambda: self.swaps > swaps_seen, timeout)


def _skipped_ids(session: Session, last_seen: int, newest: int) -> list[int]:
    """The ids up to ``newest`` missing from matching_changes past ``last_seen`` (or, on a
    first load, past a window below ``newest``): transactions still open, or rolled back."""
    floor = last_seen if last_seen else max(newest - FIRST_LOAD_WINDOW, 0)
    if newest <= floor:
        return []
    present = set(
        session.scalars(
            select(MatchingChange.id).where(MatchingChange.id > floor, MatchingChange.id <= newest)
        )
    )
    return [i for i in range(floor + 1, newest + 1) if i not in present]


def _run(cache_ref, app, stop: threading.Event, wake: threading.Event, interval: float) -> None:
    while not stop.is_set():
        wake.wait(interval)
        wake.clear()
        cache = cache_ref()
        if cache is None or stop.is_set():
            return
        try:
            with app.app_context():
                cache.refresh_now()
        except Exception:  # a database hiccup: keep serving the snapshot held, try again
            app.logger.exception("matching snapshot refresh failed")
            stop.wait(min(5.0, 10 * interval))
        del cache
