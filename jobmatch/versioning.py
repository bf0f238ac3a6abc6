"""Lost-update protection at the API: a versioned row's ETag, and the If-Match a PATCH sends.

A client reads a resident, post, cohort or order and gets ``ETag: "<version>"``; it sends that
back as ``If-Match`` with its PATCH. Should someone else have changed the row in between, the
PATCH is a 412 and changes nothing; the 412 carries the row's current ETag. Without If-Match a
PATCH applies as before. The comparison is made again by the database itself when the row is
written (see jobmatch.database.Versioned), so two PATCHes racing from one version cannot both
apply.
"""

from http import HTTPStatus

from flask import request

from jobmatch.database import MAX_ID
from jobmatch.errors import DomainError
from jobmatch.extensions import db

CHANGED = "已被他人修改，请刷新后查看当前内容再修改。"


class PreconditionFailed(DomainError):
    status_code = HTTPStatus.PRECONDITION_FAILED


def etag(version: int) -> str:
    return f'"{version}"'


def etag_header(item) -> dict[str, str]:
    """The ETag header of a versioned row, or of its presented dict (with a "version" key)."""
    version = item["version"] if isinstance(item, dict) else item.version
    return {"ETag": etag(version)}


def wanted_versions() -> set[int] | None:
    """The versions If-Match accepts; None when it is absent or "*" (any version will do)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    versions: set[int] = set()
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return None
        # A weak tag never matches for If-Match (RFC 9110 13.1.1: strong comparison).
        value = tag[1:-1] if len(tag) >= 2 and tag[0] == tag[-1] == '"' else ""
        if value.isascii() and value.isdigit() and len(value) <= 18:
            versions.add(int(value))
    return versions  # possibly empty: a tag that is not one of ours matches nothing


def check_if_match(model, row_id: int) -> None:
    """Refuse with 412 when If-Match names another version than the row has now.

    A row that does not exist is left to the service, which answers 404 in its own words.
    """
    wanted = wanted_versions()
    if wanted is None or not 1 <= row_id <= MAX_ID:
        return
    row = db.session.get(model, row_id)
    if row is not None and row.version not in wanted:
        raise PreconditionFailed(CHANGED, {"version": [f"当前版本为 {row.version}。"]})


# The OpenAPI of a versioned PATCH: the If-Match header it reads (with blp.doc).
IF_MATCH_DOC = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": False,
            "schema": {"type": "string"},
            "description": 'the ETag of the read this change is based on, e.g. "3"; '
            "412 if the record has changed since",
        }
    ]
}
