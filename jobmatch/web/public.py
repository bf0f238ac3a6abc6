"""The open posts, for anyone: filters by category, firm, skill, shift and wage; and one post's
own page (for a signed-in resident, with the way from home and their application)."""

from flask import render_template, request

from jobmatch.accounts.enums import Role
from jobmatch.applications import service as applications
from jobmatch.catalogue import service as catalogue
from jobmatch.errors import Invalid
from jobmatch.firms import service as firms
from jobmatch.posts import service as posts
from jobmatch.posts.commute import commute_to
from jobmatch.posts.models import SHIFTS
from jobmatch.posts.schemas import PostFilters
from jobmatch.residents import service as residents
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, load, parse_whole_number
from jobmatch.web.session import web_user

PAGE_SIZE = 20
# Beyond any county's posts; keeps the offset far from what a database refuses.
MAX_PAGE = 100_000


@blp.get("/")
def index():
    """Open posts, those still hiring first, with each one's openings left."""
    args = request.args
    raw = {key: args.get(key, "").strip() for key in ("category", "firm_id", "skill", "shift")}
    raw["wage"] = args.get("wage", "").strip()
    filters, errors = _service_filters(raw)
    wage, shift = _page_filters(raw, errors)

    shown, total = [], 0
    page = min(max(args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    if not errors:
        try:
            shown, total = posts.list_open_posts(
                {**filters, "shift": shift, "wage_min": wage}, page, PAGE_SIZE
            )
        except Invalid as error:
            errors = domain_errors(error)
    return render_template(
        "index.html",
        posts=shown,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        filters=raw,
        errors=errors,
        firm_options=[(firm.id, firm.name) for firm in firms.list_firms(1, 1000)[0]],
        skill_options=[(skill.code, skill.name) for skill in catalogue.list_skills()[0]],
    )


def _service_filters(raw: dict) -> tuple[dict, dict]:
    """Category, firm and skill, checked by the API's own filter schema."""
    values: dict = {}
    if raw["category"]:
        values["category"] = raw["category"]
    if raw["firm_id"]:
        values["firm_id"] = parse_whole_number(raw["firm_id"])
        if values["firm_id"] is None:
            return {}, {"firm_id": ["请从列表中选择企业。"]}
    if raw["skill"]:
        values["skill"] = [raw["skill"]]
    loaded, errors = load(PostFilters(), values)
    return loaded or {}, errors


def _page_filters(raw: dict, errors: dict) -> tuple[int | None, str | None]:
    wage = None
    if raw["wage"]:
        wage = parse_whole_number(raw["wage"], 1_000_000)
        if wage is None:
            errors["wage"] = ["请填写整数月薪（元），例如 3000。"]
    shift = raw["shift"] or None
    if shift is not None and shift not in SHIFTS:
        errors["shift"] = ["请从列表中选择班次。"]
    return wage, shift


@blp.get("/posts/<int:post_id>")
def post_page(post_id: int):
    """One post: duties, address, shift, wage, meals and housing, openings left; for a
    resident, how far it is from home and which way, and their application to it."""
    post = posts.get_post(post_id)
    user = web_user()
    commute, application = None, None
    if user is not None and user.role == Role.RESIDENT:
        commute = commute_to(residents.load_resident(user.resident_id), post.firm)
        mine, _ = applications.list_applications(user, {"post_id": post.id}, page=1, page_size=1)
        application = mine[0] if mine else None
    return render_template(
        "post.html",
        post=post,
        commute=commute,
        application=application,
        applied_now=request.args.get("applied") == "1",
    )
