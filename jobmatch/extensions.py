"""Flask extensions, created unbound and bound to an app in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from jobmatch.database import Base
from jobmatch.schemas import ErrorSchema

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
api = Api()
# The spec names one error schema; flask-smorest's own would clash with ours under "Error".
api.ERROR_SCHEMA = ErrorSchema
# Storage comes from RATELIMIT_STORAGE_URI (config), so that workers can share one store.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Every form of the web pages carries a token; the API's blueprints, on bearer tokens, are exempt.
csrf = CSRFProtect()
