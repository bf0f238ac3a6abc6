"""The bureau's desk: register a resident, import a roster, refer, run a batch allocation."""

from flask import flash, redirect, render_template, request, url_for

from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.applications import service as applications
from jobmatch.applications.schemas import ApplicationCreate
from jobmatch.communities import service as communities
from jobmatch.education import Education
from jobmatch.errors import DomainError
from jobmatch.matching import allocate as allocation
from jobmatch.matching.schemas import AllocateIn
from jobmatch.posts import service as posts
from jobmatch.posts.enums import PostStatus
from jobmatch.residents import importer
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


@blp.route("/staff/import", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_import(user):
    """Upload a roster (.xlsx or .csv); see what was saved and every rejected row's reasons."""
    result, errors, upload = None, {}, None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors = {"file": ["请选择要上传的名册文件（.xlsx 或 .csv）。"]}
        else:
            try:
                result = importer.import_roster(user, upload.filename, upload.read())
            except DomainError as error:
                errors = domain_errors(error)
    filename = upload.filename if upload else None
    return render_template("staff_import.html", result=result, errors=errors, filename=filename)


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
    back = request.form.get("back")
    if back == "allocate":
        return redirect(url_for("web.staff_allocate"))
    return redirect(url_for("web.staff_refer", resident_id=data["resident_id"]))


@blp.post("/staff/refer/batch")
@page_for(*STAFF_ROLES)
def staff_refer_batch(user):
    """Refer each resident an allocation proposed for a post; each referral stands alone."""
    post_id = request.form.get("post_id", "")
    resident_ids = [int(v) for v in request.form.getlist("resident_id") if v.isdigit()]
    if not post_id.isdigit() or not resident_ids:
        flash("请先运行分配，再推荐列出的居民。", "error")
        return redirect(url_for("web.staff_allocate"))
    referred, refused = 0, []
    for resident_id in resident_ids:
        try:
            applications.create_application(user, resident_id, int(post_id))
        except DomainError as error:
            refused.append(error.message)
        else:
            referred += 1
    flash(f"已推荐 {referred} 人。", "success")
    if refused:
        reasons = "；".join(sorted(set(refused)))
        flash(f"{len(refused)} 人未推荐：{reasons}", "error")
    return redirect(url_for("web.staff_allocate"))


@blp.route("/staff/allocate", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_allocate(user):
    """Run a batch allocation: who to refer where, so that more openings get a candidate."""
    plan, errors = None, {}
    if request.method == "POST":
        values = {"include_employed": "include_employed" in request.form}
        if request.form.get("multiple", "").strip():
            raw = request.form["multiple"].strip()
            values["multiple"] = int(raw) if raw.isdigit() else raw
        data, errors = load(AllocateIn(), values)
        if data is not None:
            try:
                plan = allocation.allocate(
                    user,
                    data["post_ids"],
                    data["multiple"],
                    data["include_employed"],
                    data["method"],
                )
            except DomainError as error:
                errors = domain_errors(error)
    titles, names = {}, {}
    if plan:
        titles = {p.id: p for p in posts.list_posts({"status": PostStatus.OPEN}, 1, ALL_OPEN)[0]}
        ids = {rid for item in plan["posts"] for rid in item["resident_ids"]}
        names = people.cards(ids)
    return render_template(
        "staff_allocate.html", plan=plan, errors=errors, posts=titles, people=names
    )
