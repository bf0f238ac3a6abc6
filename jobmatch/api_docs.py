"""The decorator every API operation that needs a signed-in user wears: its role check, and its
bearer security and error answers in the OpenAPI document."""

from collections.abc import Callable, Mapping

from flask_smorest import Blueprint

from jobmatch.accounts.auth import TOKEN_SECURITY, require_roles
from jobmatch.accounts.models import ROLES
from jobmatch.schemas import ErrorSchema

ERROR_DESCRIPTIONS = {
    400: "Bad request",
    401: "No or a bad token",
    403: "The caller's role, or the caller, may not",
    404: "No such object the caller may see",
    409: "Conflicts with the records",
    412: "Changed by someone else since the version If-Match names",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
}


def secured(
    blp: Blueprint,
    *codes: int,
    roles: tuple[str, ...] = ROLES,
    descriptions: Mapping[int, str] | None = None,
) -> Callable:
    """Need a token of one of ``roles``, and document the bearer token and the error answers.

    Put it first (outermost) on the view: the role is then checked before the input is parsed,
    so a caller without a token hears 401, and one of another role 403, before any 422.
    401 is always documented, 403 when ``roles`` leaves a role out; list 403 in ``codes`` where
    the service itself may refuse. ``descriptions`` override ERROR_DESCRIPTIONS for this view.
    """
    meanings = {**ERROR_DESCRIPTIONS, **(descriptions or {})}
    documented = {401, *codes}
    if set(ROLES) - set(roles):
        documented.add(403)

    def decorator(view: Callable) -> Callable:
        for code in sorted(documented):
            view = blp.alt_response(code, schema=ErrorSchema, description=meanings[code])(view)
        return require_roles(*roles)(blp.doc(security=TOKEN_SECURITY)(view))

    return decorator
