"""Matching, an explicit extension of the app: ``init_app(app)`` is called by the factory.

It starts listening for changes to the data the matcher caches (tracking.py) and puts one
engine (snapshot cache, served model, priority policy) on the app. Importing any module of
the package, its routes included, registers nothing.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from jobmatch.matching import service, tracking

    tracking.install()
    service.init_app(app)
