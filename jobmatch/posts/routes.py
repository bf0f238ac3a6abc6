"""GET /api/posts and /api/posts/{id} for anyone; POST and PATCH staff or the owning firm."""

from flask import current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import (
    PUBLIC_SECURITY,
    STAFF_ROLES,
    check_request_token,
    require_user,
)
from jobmatch.api_docs import secured
from jobmatch.matching.answers import kept_answer
from jobmatch.posts import service
from jobmatch.posts.models import Post
from jobmatch.posts.schemas import PostCreate, PostFilters, PostOut, PostUpdate
from jobmatch.schemas import ErrorSchema
from jobmatch.versioning import IF_MATCH_DOC, check_if_match, etag_header

blp = Blueprint("posts", __name__, url_prefix="/api/posts", description="Job posts")

blp.before_request(check_request_token)
# Who may try a write at all, checked before the body; the service then checks which firm.
POST_EDITORS = (*STAFF_ROLES, "firm")


@blp.route("")
class Posts(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.arguments(PostFilters, location="query")
    @blp.response(200, PostOut(many=True))
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    @blp.paginate(page_size=20)
    def get(self, filters, pagination_parameters):
        """List posts by id, filtered by category, firm, status, occupation and skills."""
        page, page_size = pagination_parameters.page, pagination_parameters.page_size
        body, total = kept_answer(
            "api.posts",
            (_arguments(filters), page, page_size),
            lambda: (_page(filters, page, page_size), True),
        )
        pagination_parameters.item_count = total
        return current_app.response_class(body, mimetype=current_app.json.mimetype)

    @secured(blp, 403, roles=POST_EDITORS, descriptions={403: "Not staff, nor a user of that firm"})
    @blp.arguments(PostCreate)
    @blp.response(201, PostOut)
    def post(self, data):
        """Publish a post (staff, or a firm user for its own firm)."""
        post = service.create_post(require_user(), data)
        return post, 201, etag_header(post)


def _page(filters: dict, page: int, page_size: int) -> tuple[bytes, int]:
    """The JSON of one page and the count of all matches."""
    rows, total = service.list_post_rows(filters, page, page_size)
    # PostOut's JSON built directly (PostRow.as_json); the schema documents it.
    return jsonify([row.as_json() for row in rows]).get_data(), total


def _arguments(filters: dict) -> tuple:
    """The loaded filters as a key: every value hashable, in a fixed order."""
    return tuple(
        sorted(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in filters.items()
        )
    )


@blp.route("/<int:post_id>")
class PostById(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.response(200, PostOut)
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, post_id):
        """One post."""
        post = service.get_post(post_id)
        return post, 200, etag_header(post)

    @secured(
        blp,
        403,
        404,
        409,
        412,
        roles=POST_EDITORS,
        descriptions={403: "Another firm's post", 409: "Openings below those already filled"},
    )
    @blp.doc(**IF_MATCH_DOC)
    @blp.arguments(PostUpdate)
    @blp.response(200, PostOut)
    def patch(self, changes, post_id):
        """Change a post (staff, or the firm that owns it)."""
        check_if_match(Post, post_id)
        post = service.update_post(require_user(), post_id, changes)
        return post, 200, etag_header(post)
