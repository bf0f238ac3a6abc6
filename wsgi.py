"""The WSGI entry point: ``gunicorn wsgi:app``."""

from jobmatch import create_app

app = create_app()
