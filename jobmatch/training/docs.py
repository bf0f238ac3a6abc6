"""What every training endpoint shares: staff only, a bearer token, documented error answers."""

from collections.abc import Callable

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import STAFF_ROLES, require_roles
from jobmatch.schemas import ErrorSchema

SECURITY = [{"bearerAuth": []}]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS = {
    401: "No or a bad token",
    403: "Not staff (admin or staff)",
    404: "No such object",
    409: "Conflicts with the records: full, overlapping, already done, or a serial in use",
    422: "Invalid input",
}


class StaffView(MethodView):
    # Checked before the arguments are read, so a caller without a token learns nothing more.
    decorators = [require_roles(*STAFF_ROLES)]


def staff_endpoint(blp: Blueprint, *codes: int) -> Callable:
    """Document a staff-only operation: bearer security and its error answers."""

    def decorator(func: Callable) -> Callable:
        for code in sorted({401, 403, *codes}):
            func = blp.alt_response(code, schema=ErrorSchema, description=ERRORS[code])(func)
        return blp.doc(security=SECURITY)(func)

    return decorator
