"""Finished answers of the post lists, kept under the exact version of the data they show.

GET /api/posts and the public / page each read one statement and then spend more than it on
building JSON or rendering the page. Both show posts, their skills and certificates, their
firms' names, filled counts and the day's open posts: every commit touching those writes a
"post" row to matching_changes (tracking.py), and the request's own look at that table
(refresh.py ``current_and_fresh``) swaps in a post table of a new version before it answers.
So (post table version, snapshot day, today) names the data exactly, in any process, as long
as that look left nothing pending; when it did (a busy thread, a big change, a new day, an id
given up on) the answer is built afresh and not kept. Nothing is kept before this process
has a snapshot: the list never waits for a first build.

The answer is read after the version is taken, so a kept answer is never older than its key
(it may be newer: the next change moves the key anyway).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app

from jobmatch import clock
from jobmatch.matching.service import engine

ANSWERS_KEPT = 256
_EXTENSION = "jobmatch.post_answers"


class AnswerCache:
    """A bounded, least-recently-used store of finished answers; one per app and process."""

    def __init__(self, size: int = ANSWERS_KEPT):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0  # answers served from here (tests count)

    def get(self, key: Hashable):
        with self.lock:
            if key not in self.entries:
                return None
            self.entries.move_to_end(key)
            self.hits += 1
            return self.entries[key]

    def put(self, key: Hashable, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def _answers() -> AnswerCache:
    """This app's answers. Never cleared: a post table's version is never handed out twice in
    a process (tables.next_serial), so answers of a table replaced are simply not asked for
    again and age out."""
    answers = current_app.extensions.get(_EXTENSION)
    if answers is None:
        answers = current_app.extensions.setdefault(_EXTENSION, AnswerCache())
    return answers


def posts_data_version() -> tuple | None:
    """The exact version of what the post lists show, or None when it cannot be told now."""
    cache = engine().cache
    if cache.snapshot is None:
        return None
    snapshot, fresh = cache.current_and_fresh()
    if not fresh:
        return None
    return snapshot.posts.version, snapshot.day, clock.today()


def kept_answer(name: str, arguments: Hashable, build: Callable[[], tuple[object, bool]]):
    """The answer of ``name`` for ``arguments`` at the data's current version: kept, or built.
    ``build`` returns the answer and whether it may be kept (an answer with errors is not)."""
    version = posts_data_version()
    if version is None:
        return build()[0]
    answers = _answers()
    key = (name, arguments, version)
    kept = answers.get(key)
    if kept is not None:
        return kept
    answer, keep = build()
    if keep:
        answers.put(key, answer)
    return answer
