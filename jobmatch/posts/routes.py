"""GET /api/posts and /api/posts/{id} for anyone; POST and PATCH staff or the owning firm."""

from flask.views import MethodView
from flask_smorest import Blueprint

from jobmatch.accounts.auth import (
    PUBLIC_SECURITY,
    TOKEN_SECURITY,
    check_request_token,
    require_user,
)
from jobmatch.posts import service
from jobmatch.posts.schemas import PostCreate, PostFilters, PostOut, PostUpdate
from jobmatch.schemas import ErrorSchema

blp = Blueprint("posts", __name__, url_prefix="/api/posts", description="Job posts")

blp.before_request(check_request_token)


@blp.route("")
class Posts(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.arguments(PostFilters, location="query")
    @blp.response(200, PostOut(many=True))
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    @blp.paginate(page_size=20)
    def get(self, filters, pagination_parameters):
        """List posts by id, filtered by category, firm, status, occupation and skills."""
        posts, total = service.list_posts(
            filters, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return posts

    @blp.doc(security=TOKEN_SECURITY)
    @blp.arguments(PostCreate)
    @blp.response(201, PostOut)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="Not staff, nor a user of that firm")
    def post(self, data):
        """Publish a post (staff, or a firm user for its own firm)."""
        return service.create_post(require_user(), data)


@blp.route("/<int:post_id>")
class PostById(MethodView):
    @blp.doc(security=PUBLIC_SECURITY)
    @blp.response(200, PostOut)
    @blp.alt_response(401, schema=ErrorSchema, description="A bad token was sent")
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, post_id):
        """One post."""
        return service.get_post(post_id)

    @blp.doc(security=TOKEN_SECURITY)
    @blp.arguments(PostUpdate)
    @blp.response(200, PostOut)
    @blp.alt_response(401, schema=ErrorSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="Another firm's post")
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Openings below those already filled")
    def patch(self, changes, post_id):
        """Change a post (staff, or the firm that owns it)."""
        return service.update_post(require_user(), post_id, changes)
