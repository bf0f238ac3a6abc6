"""The WSGI entry point: ``gunicorn wsgi:app``, with the settings of gunicorn.conf.py (the
master builds the app and the matching snapshot before forking its workers)."""

from jobmatch import create_app

app = create_app()
