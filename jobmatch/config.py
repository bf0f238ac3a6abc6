"""Settings: defaults here, then the environment, then the dict given to create_app."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from instance_path when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY: str | None = None
    JOBMATCH_FIELD_KEY: str | None = None
    JOBMATCH_MODEL_DIR = str(PROJECT_ROOT / "models")
    JOBMATCH_SEED_DIR = str(PROJECT_ROOT / "seed_data")
    TOKEN_MAX_AGE_SECONDS = 12 * 3600
    # A 10 MB roster plus the multipart envelope; the import itself refuses files over 10 MB.
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024
    JSON_AS_ASCII = False

    API_TITLE = "jobmatch"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
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
    "JOBMATCH_MODEL_DIR": "JOBMATCH_MODEL_DIR",
}


def settings_from_environment(environ: os._Environ | dict | None = None) -> dict:
    environ = os.environ if environ is None else environ
    return {key: environ[var] for var, key in ENVIRONMENT_SETTINGS.items() if environ.get(var)}
