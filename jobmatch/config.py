"""Settings: defaults here, then the environment, then the dict given to create_app."""

import json
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from instance_path when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY: str | None = None
    JOBMATCH_FIELD_KEY: str | None = None
    JOBMATCH_FIELD_KEY_OLD: str | None = None  # only while rotating (flask rotate-field-key)
    JOBMATCH_ENV: str | None = None  # production or development; see is_production
    JOBMATCH_MODEL_DIR = str(PROJECT_ROOT / "models")
    JOBMATCH_SEED_DIR = str(PROJECT_ROOT / "seed_data")
    TOKEN_MAX_AGE_SECONDS = 12 * 3600
    # How long a worker remembers a verified bearer token's user (0: check every request);
    # a credential change still ends it at once (jobmatch/accounts/auth.py). With REDIS_URL
    # the credential versions are read from Redis under this key prefix.
    AUTH_CACHE_SECONDS = 5.0
    AUTH_CACHE_KEY_PREFIX = "jobmatch:auth"
    # Matching (jobmatch/matching): the bounded lift for priority groups (in places), the cap
    # of referrals per post in a batch allocation (x openings left), how often a worker looks
    # for a newly promoted model, and the age at which its data snapshot is reloaded whole.
    MATCHING_PRIORITY_PLACES = 3  # a priority candidate moves up at most this many places
    MATCHING_TRAIN_THREADS = 1  # BLAS/OpenMP threads while training (flask train, the API)
    MATCHING_ALLOCATION_MULTIPLE = 3
    MATCHING_MODEL_CHECK_SECONDS = 1.0
    MATCHING_SNAPSHOT_MAX_AGE = 3600
    # "background": a thread per process applies committed changes and swaps the snapshot in;
    # "inline": each ranking applies them first (tests that rank right after a write).
    MATCHING_REFRESH = "background"
    MATCHING_REFRESH_SECONDS = 0.1  # how often the thread looks for other processes' commits
    # A 10 MB roster plus the multipart envelope; the import itself refuses files over 10 MB.
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024
    # A JSON body (jobmatch/request_limits.py): no operation needs more than a few kilobytes.
    JSON_MAX_BYTES = 1024 * 1024
    JSON_MAX_DEPTH = 32
    # Roster import: reading stops past ROSTER_MAX_ROWS data rows (413); a roster of more than
    # ROSTER_JOB_ROWS runs as a background job (202 with its id) instead of in the request.
    ROSTER_MAX_ROWS = 20_000
    ROSTER_JOB_ROWS = 2_000
    JSON_AS_ASCII = False
    # Login throttling (jobmatch/accounts/throttle.py): failures a window per username and
    # per address. Counted in RATELIMIT_STORAGE_URI: memory:// counts per process; REDIS_URL,
    # when set, replaces that default so that every worker counts together.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "jobmatch"
    JOBMATCH_LOGIN_LIMIT_PER_USERNAME = "5 per minute"
    JOBMATCH_LOGIN_LIMIT_PER_ADDRESS = "30 per minute"
    # The web pages' session cookie: never sent by another site's forms or scripts. Behind
    # HTTPS in production set SESSION_COOKIE_SECURE as well (JOBMATCH_SECURE_COOKIES=1).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    RATELIMIT_HEADERS_ENABLED = True
    # Redis (optional): the background job queue, and the login limits' shared store.
    REDIS_URL: str | None = None
    # Background jobs (jobmatch/jobs): the RQ queue's name; whether a job runs inline when no
    # worker listens (rather than wait for one); retries of a failed job and the back-off
    # before each, in seconds; how long one run may take; how long RQ keeps its own record.
    JOBS_QUEUE = "jobmatch"
    JOBS_INLINE_WITHOUT_WORKER = True
    JOBS_RETRY_MAX = 3
    JOBS_RETRY_INTERVALS = [10, 60, 300]
    JOBS_TIMEOUT_SECONDS = 3600
    JOBS_REDIS_TTL_SECONDS = 7 * 24 * 3600
    JOBS_LOG_LEVEL = "INFO"

    # Applications nothing has moved for this many days are closed (reason stale) by the
    # daily `flask --app jobmatch close-stale`.
    JOBMATCH_STALE_DAYS = 30
    # Activation attempts refused, counted per ID number's last six digits and per address,
    # shared by the API and the /activate page.
    JOBMATCH_ACTIVATION_LIMIT_PER_ID = "5 per hour"
    JOBMATCH_ACTIVATION_LIMIT_PER_ADDRESS = "20 per hour"

    # Notices go to the in-app inbox; add "sms" (JOBMATCH_NOTIFICATION_CHANNELS=in_app,sms)
    # and a provider URL to text them too: only kinds with a template id are texted (e.g.
    # {"application_status": "SMS_100", "account_code": "SMS_101"}). See notifications/sms.py.
    JOBMATCH_NOTIFICATION_CHANNELS = ("in_app",)
    JOBMATCH_SMS_URL: str | None = None
    JOBMATCH_SMS_KEY: str | None = None
    JOBMATCH_SMS_TEMPLATES: dict = {}
    JOBMATCH_SMS_ATTEMPTS = 4
    JOBMATCH_SMS_BACKOFF_SECONDS = 2.0
    JOBMATCH_SMS_TIMEOUT_SECONDS = 5.0

    # Training: completing needs this share of the cohort's hours attended, and a pass needs
    # both assessment scores at or above the pass mark.
    TRAINING_MIN_ATTENDANCE = 0.8
    TRAINING_PASS_MARK = 60
    # The body named on a printed training certificate.
    CERTIFICATE_ISSUER = "天镇县人力资源和社会保障局"

    # 防返贫监测: a household is flagged when its work income in a month, per member, falls
    # below this line (yuan a month; 608 is a yearly line of 7,300 spread over twelve months).
    MONITORING_LINE_MONTHLY = 608
    # 帮扶车间: each 脱贫 worker it engages should earn at least this much in a year (yuan).
    WORKSHOP_INCOME_THRESHOLD = 5000
    # Training subsidy by cohort mode (see jobmatch/training/subsidy.py): yuan a day attended,
    # a lower rate after tier_days, at most max_days paid, nothing below min_attendance of the
    # cohort's hours; one subsidy of a kind per person per year.
    TRAINING_SUBSIDY_RULES = {
        "classroom": {
            "kind": "vocational_training",
            "daily_rate": "100",
            "later_daily_rate": "80",
            "tier_days": 10,
            "max_days": 30,
            "min_attendance": 0.8,
            "hours_per_day": 8,
        },
        "on_the_job": {
            "kind": "on_the_job_training",
            "daily_rate": "60",
            "later_daily_rate": "50",
            "tier_days": 10,
            "max_days": 30,
            "min_attendance": 0.8,
            "hours_per_day": 8,
        },
    }

    API_TITLE = "jobmatch"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    # The browsable page at /api/docs, with swagger-ui vendored under jobmatch/static.
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/static/swagger-ui/"
    API_SPEC_OPTIONS = {
        "info": {
            "description": "Employment and skills-training matching for a county bureau, "
            "its industrial park's firms and its residents."
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "opaque"}
            }
        },
    }


# Environment variable -> config key. Read when the app is created, never at import time.
ENVIRONMENT_SETTINGS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "JOBMATCH_FIELD_KEY": "JOBMATCH_FIELD_KEY",
    "JOBMATCH_FIELD_KEY_OLD": "JOBMATCH_FIELD_KEY_OLD",
    "JOBMATCH_ENV": "JOBMATCH_ENV",
    "JOBMATCH_MODEL_DIR": "JOBMATCH_MODEL_DIR",
    "JOBMATCH_RATELIMIT_STORAGE": "RATELIMIT_STORAGE_URI",
    "JOBMATCH_ROSTER_MAX_ROWS": "ROSTER_MAX_ROWS",
    "JOBMATCH_ROSTER_JOB_ROWS": "ROSTER_JOB_ROWS",
    "REDIS_URL": "REDIS_URL",
    "JOBMATCH_JOBS_QUEUE": "JOBS_QUEUE",
    "AUTH_CACHE_SECONDS": "AUTH_CACHE_SECONDS",
    "JOBMATCH_STALE_DAYS": "JOBMATCH_STALE_DAYS",
    "JOBMATCH_SMS_URL": "JOBMATCH_SMS_URL",
    "JOBMATCH_SMS_KEY": "JOBMATCH_SMS_KEY",
}


def settings_from_environment(environ: os._Environ | dict | None = None) -> dict:
    environ = os.environ if environ is None else environ
    settings = {key: environ[var] for var, key in ENVIRONMENT_SETTINGS.items() if environ.get(var)}
    if "AUTH_CACHE_SECONDS" in settings:
        settings["AUTH_CACHE_SECONDS"] = float(settings["AUTH_CACHE_SECONDS"])
    if environ.get("JOBMATCH_SECURE_COOKIES") == "1":
        settings["SESSION_COOKIE_SECURE"] = True
    if environ.get("JOBMATCH_NOTIFICATION_CHANNELS"):
        channels = environ["JOBMATCH_NOTIFICATION_CHANNELS"].split(",")
        settings["JOBMATCH_NOTIFICATION_CHANNELS"] = tuple(c.strip() for c in channels if c.strip())
    if environ.get("JOBMATCH_SMS_TEMPLATES"):
        # A JSON object: notice kind -> the provider's template id.
        settings["JOBMATCH_SMS_TEMPLATES"] = json.loads(environ["JOBMATCH_SMS_TEMPLATES"])
    return settings


# Settings a production start cannot do without: made up, they would not match the data.
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "JOBMATCH_FIELD_KEY")


def is_production(config, environ: os._Environ | dict | None = None) -> bool:
    """JOBMATCH_ENV=production, or a PostgreSQL DATABASE_URL in the environment unless
    JOBMATCH_ENV=development (a database given to create_app by a test does not count)."""
    environ = os.environ if environ is None else environ
    env = (config.get("JOBMATCH_ENV") or "").strip().lower()
    if env:
        return env == "production"
    return environ.get("DATABASE_URL", "").startswith("postgres")


def check_production_settings(config, environ: os._Environ | dict | None = None) -> None:
    """Refuse to start in production without the keys, rather than make new ones up (a new
    field key cannot read the stored numbers, a new secret ends every session), and without
    Redis, where the workers share their login limits (per worker they would be multiplied)."""
    if not is_production(config, environ):
        return
    missing = [key for key in REQUIRED_IN_PRODUCTION if not config.get(key)]
    if not config.get("REDIS_URL") and config.get("RATELIMIT_STORAGE_URI", "").startswith(
        "memory://"
    ):
        missing.append("REDIS_URL")
    if missing:
        raise SystemExit(
            f"jobmatch: production needs {', '.join(missing)} set in the environment "
            "(see docs/operations.md); not starting."
        )
