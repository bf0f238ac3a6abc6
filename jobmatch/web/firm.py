"""A firm's pages: its posts (publish, edit, close), candidates, applications, orders."""

from flask import flash, redirect, render_template, request, url_for

from jobmatch.accounts.enums import Role
from jobmatch.applications import interviews
from jobmatch.applications import service as applications
from jobmatch.applications.enums import ApplicationStatus, InterviewOutcome
from jobmatch.applications.schemas import ApplicationMove, InterviewOutcomeIn
from jobmatch.applications.workflow import TRANSITIONS, role_may_move_to
from jobmatch.education import Education
from jobmatch.errors import DomainError, NotFound
from jobmatch.firms import service as firms
from jobmatch.orders import reviews
from jobmatch.orders import service as orders
from jobmatch.posts import service as posts
from jobmatch.posts.enums import PostStatus
from jobmatch.posts.schemas import PostCreate
from jobmatch.web import people
from jobmatch.web.application_lists import ApplicationsShown
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, form_values, load
from jobmatch.web.session import page_for, safe_next

# Everything one firm has: its posts and orders are tens, its applications some thousands.
ALL = 100_000
DELIVERIES_SHOWN = 20
POST_FORM_SKIP = ("firm_id", "required_certificates")


def next_moves(role: str, status: str) -> list[str]:
    """The moves the workflow offers this role from ``status``, in the workflow's order."""
    order = (
        ApplicationStatus.INTERVIEW,
        ApplicationStatus.HIRED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.APPLIED,
    )
    return [s for s in order if s in TRANSITIONS[status] and role_may_move_to(role, s)]


@blp.get("/firm")
@page_for(Role.FIRM)
def firm(user):
    """The firm's posts, the applications to its posts, and its piecework orders."""
    own_posts, _ = posts.list_posts({"firm_id": user.firm_id}, 1, ALL)
    own_posts.sort(key=lambda post: (post.status != PostStatus.OPEN, -post.id))
    received, _ = applications.list_applications(user, {}, page=1, page_size=ALL)
    own_orders, _ = orders.list_orders(user, {}, 1, ALL)
    deliveries = {order.id: _latest_deliveries(user, order.id) for order in own_orders}
    reviewed = {order.id: reviews.reviews_for(user, order.id) for order in own_orders}
    shown = ApplicationsShown.of(received, request.args.get("page", 1, type=int))
    return render_template(
        "firm.html",
        firm=firms.get_firm(user.firm_id),
        posts=own_posts,
        shown=shown,
        people=people.cards(shown.resident_ids()),
        orders=own_orders,
        deliveries=deliveries,
        reviews=reviewed,
        next_moves=next_moves,
    )


def _latest_deliveries(user, order_id: int) -> tuple[list, int]:
    """The order's latest ledger entries, newest first, and how many there are in all."""
    entries, total = orders.list_deliveries(user, order_id, {}, 1, ALL)
    return entries[: -DELIVERIES_SHOWN - 1 : -1], total


@blp.get("/firm/posts/<int:post_id>")
@page_for(Role.FIRM)
def firm_post(user, post_id: int):
    """One post of the firm: its ranked candidates with reasons, and its applications."""
    post = _own_post(user, post_id)
    received, _ = applications.list_applications(user, {"post_id": post.id}, page=1, page_size=ALL)
    ranked = people.candidates_for(user, post.id)
    shown = ApplicationsShown.of(received, request.args.get("page", 1, type=int))
    return render_template(
        "firm_post.html",
        post=post,
        candidates=ranked,
        shown=shown,
        applied={a.resident_id for a in received},
        people=people.cards(shown.resident_ids() | {c["resident_id"] for c in ranked}),
        next_moves=next_moves,
    )


def _own_post(user, post_id: int):
    post = posts.get_post(post_id)
    if post.firm_id != user.firm_id:
        # Another firm's post is answered like a missing one.
        raise NotFound(f"岗位 {post_id} 不存在。")
    return post


@blp.route("/firm/posts/new", methods=["GET", "POST"])
@page_for(Role.FIRM)
def firm_post_new(user):
    """Publish a post for the firm, through the posts service."""
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        values = form_values(PostCreate(), form, partial=True)
        values["firm_id"] = user.firm_id
        data, errors = load(PostCreate(), values)
        if data is not None:
            try:
                post = posts.create_post(user, data)
            except DomainError as error:
                errors = domain_errors(error)
            else:
                flash(f"岗位“{post.title}”已发布。", "success")
                return redirect(url_for("web.firm"))
    return _post_form(None, form, errors)


@blp.route("/firm/posts/<int:post_id>/edit", methods=["GET", "POST"])
@page_for(Role.FIRM)
def firm_post_edit(user, post_id: int):
    """Change one of the firm's posts, through the posts service."""
    post = _own_post(user, post_id)
    errors: dict = {}
    form = request.form if request.method == "POST" else _as_form(post)
    if request.method == "POST":
        values = form_values(PostCreate(), form, partial=True)
        values["firm_id"] = user.firm_id
        data, errors = load(PostCreate(), values)
        if data is not None:
            changes = {key: data[key] for key in values if key not in POST_FORM_SKIP}
            try:
                posts.update_post(user, post.id, changes)
            except DomainError as error:
                errors = domain_errors(error)
            else:
                flash(f"岗位“{changes['title']}”已保存。", "success")
                return redirect(url_for("web.firm"))
    return _post_form(post, form, errors)


def _as_form(post) -> dict:
    values = {
        key: getattr(post, key)
        for key in ("title", "category", "openings", "wage_min", "wage_max", "shift")
        + ("min_education", "min_age", "max_age", "description", "status", "occupation_code")
    }
    values["expires_on"] = post.expires_on.isoformat() if post.expires_on else ""
    values["required_skills"] = [skill.code for skill in post.required_skills]
    values["meals_provided"] = post.meals_provided
    values["housing_provided"] = post.housing_provided
    return {key: ("" if value is None else value) for key, value in values.items()}


def _post_form(post, form, errors: dict):
    chosen = (
        form.getlist("required_skills")
        if hasattr(form, "getlist")
        else form.get("required_skills", [])
    )
    return render_template(
        "firm_post_form.html",
        post=post,
        form=form,
        chosen_skills=chosen,
        errors=errors,
        skill_options=people.skill_options(),
        education_options=list(Education.labels().items()),
    )


@blp.post("/firm/posts/<int:post_id>/close")
@page_for(Role.FIRM)
def firm_post_close(user, post_id: int):
    """Stop taking applications: the post's status becomes closed."""
    post = _own_post(user, post_id)
    try:
        posts.update_post(user, post.id, {"status": PostStatus.CLOSED})
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"岗位“{post.title}”已停止招聘。", "success")
    return redirect(url_for("web.firm"))


@blp.post("/firm/applications/<int:application_id>/move")
@page_for(Role.FIRM)
def firm_application_move(user, application_id: int):
    """Move an application along (interview, hired, rejected with a reason)."""
    return move_application_from_form(user, application_id, url_for("web.firm"))


@blp.post("/firm/applications/<int:application_id>/outcome")
@page_for("firm")
def firm_application_outcome(user, application_id: int):
    """Record that the resident attended the interview, or did not show."""
    data, _ = load(InterviewOutcomeIn(), {"outcome": request.form.get("outcome", "")})
    back = safe_next(request.form.get("next")) or url_for("web.firm")
    if data is None:
        flash("请选择面试结果。", "error")
        return redirect(back)
    try:
        interviews.record_outcome(user, application_id, data["outcome"])
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"已记录：{InterviewOutcome(data['outcome']).label}。", "success")
    return redirect(back)


def move_application_from_form(user, application_id: int, fallback: str):
    """Shared by the firm's and the staff's pages: the form's move, through the service."""
    fields = ("status", "reason", "interview_at", "interview_place", "interview_contact")
    values = {key: request.form[key] for key in fields if request.form.get(key, "").strip()}
    if request.form.get("note", "").strip():
        values["note"] = request.form["note"]
    data, errors = load(ApplicationMove(), values)
    back = safe_next(request.form.get("next")) or fallback
    if data is None:
        flash("；".join(sentence for messages in errors.values() for sentence in messages), "error")
        return redirect(back)
    try:
        moved = applications.move_application(user, application_id, **data)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"已改为“{people.status_label(moved.status)}”。", "success")
    return redirect(back)
