"""The open posts, for anyone: filters by category, firm, skill, shift and wage; and one post's
own page (for a signed-in resident, with the way from home and their application)."""

from flask import current_app, render_template, request, session
from sqlalchemy import func, select

from jobmatch.accounts.enums import Role
from jobmatch.applications import service as applications
from jobmatch.catalogue import service as catalogue
from jobmatch.catalogue.models import Skill
from jobmatch.errors import Invalid
from jobmatch.extensions import db
from jobmatch.firms import service as firms
from jobmatch.firms.models import Firm
from jobmatch.matching.answers import kept_answer
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
    """Open posts, those still hiring first, with each one's openings left. A visitor not
    signed in, with no message waiting, gets the page kept for these arguments at this version
    of the posts (matching/answers.py); a signed-in user's page differs (menu, form token)."""
    args = request.args
    raw = {key: args.get(key, "").strip() for key in ("category", "firm_id", "skill", "shift")}
    raw["wage"] = args.get("wage", "").strip()
    page = min(max(args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    if web_user() is not None or session.get("_flashes"):
        return _index_page(raw, page)[0]
    arguments = (tuple(raw.items()), page, request.script_root)
    return kept_answer("web.index", arguments, lambda: _index_page(raw, page))


def _index_page(raw: dict, page: int) -> tuple[str, bool]:
    """The page, and whether it may be kept (not with errors: those are rendered afresh)."""
    filters, errors = _service_filters(raw)
    wage, shift = _page_filters(raw, errors)

    shown, total, versions = [], 0, None
    if not errors:
        try:
            shown, total, versions = posts.list_open_posts(
                {**filters, "shift": shift, "wage_min": wage}, page, PAGE_SIZE, *_OPTION_VERSIONS
            )
        except Invalid as error:
            errors = domain_errors(error)
    firm_options, skill_options = _options(versions)
    skill_names = dict(skill_options)
    html = render_template(
        "index.html",
        posts=shown,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        filters=raw,
        errors=errors,
        firm_options=firm_options,
        skill_options=skill_options,
        skills_needed={
            post.id: "、".join(skill_names.get(code, code) for code in post.required_skills)
            for post in shown
        },
    )
    return html, not errors


# What the firm and skill lists of the filter form depend on, read along with the page of
# posts: a firm registered or renamed (updated_at) and the catalogue's size. Skills change
# only with a new catalogue (flask seed), firms through their own service.
_OPTION_VERSIONS = (
    select(func.count(Firm.id)).scalar_subquery(),
    select(func.max(Firm.updated_at)).scalar_subquery(),
    select(func.count(Skill.code)).scalar_subquery(),
)
_OPTIONS = "jobmatch.public_options"


def _options(versions: tuple | None) -> tuple[list, list]:
    """The filter form's firms and skills, kept per app while ``versions`` hold (None: not
    read, as when the filters were refused: read them now)."""
    if versions is None:
        versions = tuple(db.session.execute(select(*_OPTION_VERSIONS)).one())
    kept = current_app.extensions.get(_OPTIONS)
    if kept is not None and kept[0] == versions:
        return kept[1], kept[2]
    firm_options = [(firm.id, firm.name) for firm in firms.list_firms(1, 1000)[0]]
    skill_options = [(skill.code, skill.name) for skill in catalogue.list_skills()[0]]
    current_app.extensions[_OPTIONS] = (versions, firm_options, skill_options)
    return firm_options, skill_options


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
