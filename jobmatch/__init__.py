"""jobmatch: job and skills-training matching for a county bureau, its firms and residents."""

import os
import secrets
from decimal import Decimal
from importlib import import_module
from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from jobmatch.config import Defaults, settings_from_environment
from jobmatch.database import MAX_ID

# Each feature's routes module exposes ``blp``; the API registers them in this order.
FEATURE_BLUEPRINTS = (
    "jobmatch.health",
    "jobmatch.web.routes",
    "jobmatch.applications.routes",
    "jobmatch.notifications.routes",
    "jobmatch.reports.routes",
    "jobmatch.orders.routes",
    "jobmatch.accounts.routes",
    "jobmatch.accounts.user_routes",
    "jobmatch.firms.routes",
    "jobmatch.posts.routes",
    "jobmatch.communities.routes",
    "jobmatch.catalogue.routes",
    "jobmatch.training.routes",
    "jobmatch.training.enrollment_routes",
    "jobmatch.residents.routes",
    "jobmatch.audit.routes",
    "jobmatch.matching.routes",
    "jobmatch.stats.routes",
    "jobmatch.jobs.routes",
    "jobmatch.employment.routes",
    "jobmatch.employment.report_routes",
    "jobmatch.pathways.routes",
    "jobmatch.pathways.report_routes",
)


class JSONProvider(DefaultJSONProvider):
    """Decimals (money, hours, schema bounds) written as JSON numbers, not strings."""

    @staticmethod
    def default(o):
        if isinstance(o, Decimal):
            return float(o)
        return DefaultJSONProvider.default(o)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("JOBMATCH_INSTANCE_PATH") or None)
    app.json = JSONProvider(app)
    app.config.from_object(Defaults)
    app.config.update(settings_from_environment())
    if config:
        app.config.update(config)
    _fill_local_defaults(app)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def _fill_local_defaults(app: Flask) -> None:
    """Settings that default to files under instance/: the SQLite database and a dev secret;
    and Redis, when set, as the rate limits' store unless another store is named."""
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'jobmatch.db'}"
    if not app.config["SECRET_KEY"]:
        key_file = instance / "secret_key"
        if not key_file.exists():
            instance.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_enforce_foreign_keys(dbapi_connection, connection_record):
    """SQLite checks foreign keys only when asked, on every connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def register_extensions(app: Flask) -> None:
    from jobmatch import crypto, matching, models  # noqa: F401  (models: every table known)
    from jobmatch.extensions import api, csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    api.init_app(app)
    limiter.init_app(app)
    crypto.init_app(app)
    csrf.init_app(app)
    matching.init_app(app)


class DatabaseIdConverter(IntegerConverter):
    """``<int:id>`` bounded to the database's integer range: a larger id is a 404, not a 500."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    from jobmatch.extensions import api, csrf

    app.url_map.converters["int"] = DatabaseIdConverter
    for module_name in FEATURE_BLUEPRINTS:
        module = import_module(module_name)
        if module_name.startswith("jobmatch.web"):
            app.register_blueprint(module.blp)
        else:
            csrf.exempt(module.blp)  # the API authenticates with bearer tokens, not cookies
            api.register_blueprint(module.blp)


def register_errorhandlers(app: Flask) -> None:
    from jobmatch.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from jobmatch.commands import register_commands as register

    register(app)
