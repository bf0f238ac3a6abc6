"""gunicorn's settings for jobmatch, read by ``gunicorn wsgi:app`` run from this folder.

The master builds the app and the matching snapshot once, before forking the workers, and the
workers share the snapshot's memory (jobmatch/matching/preload.py). SIGHUP makes the master
bring its snapshot up to date (rebuilding it when older than MATCHING_SNAPSHOT_MAX_AGE) and
replace the workers with new ones forked from it. With preloading, SIGHUP loads no new code:
restart gunicorn to upgrade.
"""

import logging

from jobmatch.matching import preload

preload_app = True
# The access log names the path, never the query string nor the referring page: a desk search
# (/staff/refer?q=...) carries the name, ID or mobile number typed into it.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
# The app's own notes (a snapshot loaded and by which process, the model served, jobs queued)
# go to gunicorn's error log beside its own.
logging.getLogger("jobmatch").setLevel(logging.INFO)


def when_ready(server):
    if server.cfg.preload_app:
        seconds = preload.prepare_master(server.app.wsgi())
        server.log.info("matching snapshot ready in the master in %.1f s", seconds)


def on_reload(server):
    when_ready(server)


def post_fork(server, worker):
    if server.cfg.preload_app:
        preload.after_fork(server.app.wsgi(), server.pid)


def post_worker_init(worker):
    preload.start_worker(worker.wsgi)
