"""The bureau's desk: register a resident, refer, run a batch allocation."""

from flask import flash, redirect, render_template, request, url_for

from jobmatch.accounts import management
from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.applications import service as applications
from jobmatch.applications.schemas import ApplicationCreate
from jobmatch.communities import service as communities
from jobmatch.education import Education
from jobmatch.errors import DomainError
from jobmatch.firms import service as firms
from jobmatch.matching import allocate as allocation
from jobmatch.matching import plans
from jobmatch.matching.schemas import AllocateIn
from jobmatch.posts import service as posts
from jobmatch.posts.enums import PostStatus
from jobmatch.residents import service as residents
from jobmatch.residents.enums import PriorityGroup, ShiftPreference
from jobmatch.residents.schemas import ResidentCreate, ResidentFilter
from jobmatch.residents.search import search_residents
from jobmatch.web import people
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, form_values, load
from jobmatch.web.paging import Paged
from jobmatch.web.session import page_for

ALL_OPEN = 10_000
FOUND_PER_PAGE = 20


def _communities() -> list[tuple[int, str]]:
    found, _ = communities.list_communities()
    return [(community.id, community.name) for community in found]


@blp.route("/staff/residents/new", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_resident_new(user):
    """Register one resident, through the residents service; each field's error beside it."""
    errors: dict = {}
    existing = None
    form = request.form
    if request.method == "POST":
        data, errors = load(ResidentCreate(), form_values(ResidentCreate(), form))
        if data is not None:
            try:
                created = residents.create_resident(user, data)
            except DomainError as error:
                errors = domain_errors(error)
                # Registered before: the clerk is shown that record rather than a dead end.
                if "id_number" in errors:
                    found, _ = search_residents(user, form.get("id_number", ""), None, 1, 1)
                    existing = found[0] if found else None
            else:
                flash(f"已登记居民“{created['name']}”（编号 {created['id']}）。", "success")
                return redirect(url_for("web.staff_refer", resident_id=created["id"]))
    return render_template(
        "staff_resident_form.html",
        form=form,
        errors=errors,
        existing=existing,
        education_options=list(Education.labels().items()),
        community_options=_communities(),
        skill_options=people.skill_options(),
        group_options=list(PriorityGroup.labels().items()),
        shift_options=list(ShiftPreference.labels().items()),
    )


@blp.get("/staff/refer")
@page_for(*STAFF_ROLES)
def staff_refer(user):
    """Find a resident by name, see their matches, and refer them to a post."""
    query = request.args.get("q", "").strip()
    found, errors = None, {}
    if query:
        filters, errors = load(ResidentFilter(), {"q": query})
        if filters is not None:
            page = max(request.args.get("page", 1, type=int), 1)
            people_found, total = search_residents(user, query, None, page, FOUND_PER_PAGE)
            found = Paged(people_found, total, page, FOUND_PER_PAGE)
    chosen, matches = None, []
    resident_id = request.args.get("resident_id", "")
    if resident_id.isdigit():
        try:
            chosen = residents.present(residents.load_resident(int(resident_id)), user)
            matches = people.matches_for(user, int(resident_id))
        except DomainError as error:
            errors = domain_errors(error)
    open_posts = posts.list_posts({"status": PostStatus.OPEN}, 1, ALL_OPEN)[0] if chosen else []
    return render_template(
        "staff_refer.html",
        query=query,
        found=found,
        chosen=chosen,
        matches=matches,
        open_posts=[p for p in open_posts if p.openings > p.filled],
        errors=errors,
        account=management.resident_account(chosen["id"]) if chosen else None,
    )


@blp.post("/staff/refer")
@page_for(*STAFF_ROLES)
def staff_refer_post(user):
    """Refer a resident to a post: an application in status recommended."""
    values = {
        key: int(request.form[key]) if request.form.get(key, "").isdigit() else -1
        for key in ("resident_id", "post_id")
    }
    data, _ = load(ApplicationCreate(), values)
    if data is None:
        flash("请选择居民和岗位后再推荐。", "error")
        return redirect(url_for("web.staff_refer"))
    try:
        application = applications.create_application(user, data["resident_id"], data["post_id"])
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"已推荐到“{application.post.title}”，企业会在其页面看到。", "success")
    return redirect(url_for("web.staff_refer", resident_id=data["resident_id"]))


@blp.route("/staff/allocate", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_allocate(user):
    """Run a batch allocation: who to refer where, so that more openings get a candidate.

    The plan is kept: the page shows it (at ?plan=N) until it is run again, whatever is
    referred from it meanwhile."""
    errors = {}
    if request.method == "POST":
        values = {"include_employed": "include_employed" in request.form}
        if request.form.get("multiple", "").strip():
            raw = request.form["multiple"].strip()
            values["multiple"] = int(raw) if raw.isdigit() else raw
        firm_id = request.form.get("firm_id", "")
        if firm_id.isdigit():
            # Only this firm's open posts (a firm asking the bureau for candidates).
            found, _ = posts.list_posts(
                {"firm_id": int(firm_id), "status": PostStatus.OPEN}, 1, ALL_OPEN
            )
            values["post_ids"] = [post.id for post in found if post.openings_left > 0]
            if not values["post_ids"]:
                errors = {"firm_id": ["这家企业没有还缺人的岗位。"]}
        data, errors = load(AllocateIn(), values) if not errors else (None, errors)
        if data is not None:
            try:
                proposed = allocation.allocate(
                    user,
                    data["post_ids"],
                    data["multiple"],
                    data["include_employed"],
                    data["method"],
                )
            except DomainError as error:
                errors = domain_errors(error)
            else:
                kept = plans.save_plan(user, proposed)
                return redirect(url_for("web.staff_allocate", plan=kept.id))
    plan, done = None, set()
    plan_id = request.args.get("plan", "")
    if plan_id.isdigit():
        try:
            kept = plans.get_plan(user, int(plan_id))
        except DomainError as error:
            errors = domain_errors(error)
        else:
            plan, done = {**kept.body, "id": kept.id}, plans.referred(kept)
    titles, names = {}, {}
    if plan:
        ids = {item["post_id"] for item in plan["posts"]}
        titles = {p.id: p for p in posts.list_posts({}, 1, ALL_OPEN)[0] if p.id in ids}
        names = people.cards({rid for item in plan["posts"] for rid in item["resident_ids"]})
    return render_template(
        "staff_allocate.html",
        plan=plan,
        done=done,
        errors=errors,
        posts=titles,
        people=names,
        firm_options=[(firm.id, firm.name) for firm in firms.list_firms(1, 1000)[0]],
    )


@blp.post("/staff/allocate/<int:plan_id>/refer")
@page_for(*STAFF_ROLES)
def staff_allocate_refer(user, plan_id: int):
    """Refer one post's proposed residents, or (no post named) the whole plan at once."""
    post_id = request.form.get("post_id", "")
    one_post = int(post_id) if post_id.isdigit() else None
    try:
        referred, refused = plans.refer(user, plan_id, one_post)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("web.staff_allocate"))
    flash(f"已推荐 {referred} 人。", "success")
    if refused:
        flash(f"{len(refused)} 人未推荐：{'；'.join(sorted(set(refused)))}", "error")
    if one_post is None:
        return redirect(url_for("web.staff_allocate", plan=plan_id) + "#plan")
    # Back to the same post, its panel open: the rest of the plan stays where it was.
    back = url_for("web.staff_allocate", plan=plan_id, open=one_post)
    return redirect(f"{back}#post-{one_post}")
