"""One matching snapshot per server, shared by the gunicorn workers (gunicorn.conf.py).

With ``preload_app`` gunicorn builds the app in its master and forks the workers from it. The
master builds the snapshot and loads the served model before the first fork
(``prepare_master``); the workers inherit them copy-on-write: the numpy columns stay pages
shared with the master until a worker writes into them, and a one-resident change writes only
its own rows. What must not cross a fork does not: the master closes every pooled database
connection (SQLite's and PostgreSQL's alike) and starts no thread; each worker forgets the
parent's pool without closing it (``after_fork``), starts its own refresh thread
(``start_worker``) and catches up on the changes committed since the master's build, from the
snapshot's last change id (refresh.py).

A full rebuild in a worker (a catalogue change, a new community) makes that worker's own copy
of everything; a snapshot older than MATCHING_SNAPSHOT_MAX_AGE is instead rebuilt by the master
on SIGHUP (``on_reload``), which a worker sends it, and the master forks new workers from it.
"""

import gc
import time

from flask import Flask

from jobmatch.extensions import db
from jobmatch.matching.refresh import release_heap
from jobmatch.matching.service import EXTENSION


def _matching(app: Flask):
    return app.extensions[EXTENSION]


def prepare_master(app: Flask) -> float:
    """In gunicorn's master, before forking: build (or bring up to date) the snapshot and load
    the served model, close every database connection, and freeze the objects made so far so
    that no worker's garbage collector writes into their pages. Answers the seconds taken."""
    started = time.perf_counter()
    matching = _matching(app)
    with app.app_context():
        matching.cache.refresh_now()
        matching.ranker()
        matching.cache.close_connection()
        for engine in db.engines.values():
            engine.dispose()
    gc.collect()
    release_heap()
    gc.freeze()
    return time.perf_counter() - started


def after_fork(app: Flask, master_pid: int) -> None:
    """In a new worker: drop the pools the master had (without closing the master's sockets)
    and reset the snapshot cache's locks and thread (refresh.SnapshotCache.after_fork)."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
    _matching(app).cache.after_fork(master_pid)


def start_worker(app: Flask) -> None:
    """Start the worker's refresh thread before its first request: it applies at once what was
    committed since the snapshot was built, while requests are answered from it."""
    _matching(app).cache.start(app)
