"""Job posts: anyone reads them; staff, or a firm for itself, publish and change them."""

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from jobmatch.accounts.auth import is_staff
from jobmatch.accounts.enums import Role
from jobmatch.accounts.models import User
from jobmatch.catalogue.models import Occupation, Skill
from jobmatch.database import MAX_ID, page_offset
from jobmatch.errors import Conflict, Forbidden, Invalid, NotFound
from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.posts.enums import PostStatus
from jobmatch.posts.listing import PostRow, page_of_rows, rows_statement
from jobmatch.posts.models import SHIFTS, Post, post_skills
from jobmatch.training.models import Program


def list_posts(filters: dict, page: int, page_size: int) -> tuple[list[Post], int]:
    """Posts by id that pass every filter given; a filter naming nothing known is a 422.

    Besides the API's filters, ``shift`` keeps posts of that shift and ``wage_min`` keeps
    posts whose top wage reaches it (the public page offers both; the API does not).
    """
    return _page(_filtered(select(Post), filters), (Post.id,), page, page_size)


def list_post_rows(filters: dict, page: int, page_size: int) -> tuple[list[PostRow], int]:
    """list_posts as the API's list shows it: PostRows, read in one statement (listing.py)."""
    rows, total, _ = page_of_rows(_filtered(rows_statement(), filters), (Post.id,), page, page_size)
    return rows, total


def list_open_posts(
    filters: dict, page: int, page_size: int, *extra
) -> tuple[list[PostRow], int, tuple]:
    """Open posts passing ``filters`` (as list_posts), those still hiring first, newest first,
    as PostRows in one statement that also reads the scalar subqueries ``extra``."""
    query = _filtered(rows_statement(), {**filters, "status": PostStatus.OPEN})
    order = (Post.filled >= Post.openings, Post.id.desc())
    return page_of_rows(query, order, page, page_size, *extra)


def _page(query: Select, order: tuple, page: int, page_size: int) -> tuple[list[Post], int]:
    """One page and the count of all matches in one query (the count rides along as a window
    function), the firm joined in; only the page's rows are read, never every post."""
    offset = page_offset(page, page_size)
    statement = (
        query.add_columns(func.count().over().label("total"))
        .options(
            joinedload(Post.firm),
            selectinload(Post.required_skills),
            selectinload(Post.required_certificates),
        )
        .order_by(*order)
        .limit(page_size)
        .offset(offset)
    )
    rows = db.session.execute(statement).all()
    if rows:
        return [row[0] for row in rows], rows[0].total
    # A page past the last carries no count with it: count apart, as the page is empty anyway.
    if page == 1:
        return [], 0
    return [], db.session.scalar(select(func.count()).select_from(query.subquery()))


def _filtered(query: Select, filters: dict) -> Select:
    errors: dict[str, list[str]] = {}
    if "firm_id" in filters:
        if db.session.get(Firm, filters["firm_id"]) is None:
            errors["firm_id"] = [f"企业 {filters['firm_id']} 不存在。"]
        query = query.where(Post.firm_id == filters["firm_id"])
    if "occupation_code" in filters:
        if db.session.get(Occupation, filters["occupation_code"]) is None:
            errors["occupation_code"] = [f"未知的职业代码：{filters['occupation_code']}。"]
        query = query.where(Post.occupation_code == filters["occupation_code"])
    if filters.get("skill"):
        codes = list(dict.fromkeys(filters["skill"]))
        unknown = _unknown_codes(Skill.code, codes)
        if unknown:
            errors["skill"] = [f"未知的技能代码：{'、'.join(unknown)}。"]
        for code in codes:
            query = query.where(
                Post.id.in_(select(post_skills.c.post_id).where(post_skills.c.skill_code == code))
            )
    if filters.get("shift") is not None and filters["shift"] not in SHIFTS:
        errors["shift"] = ["请从列表中选择班次。"]
    if errors:
        raise Invalid("筛选条件有误。", errors)
    if filters.get("shift") is not None:
        query = query.where(Post.shift == filters["shift"])
    if filters.get("wage_min") is not None:
        query = query.where(Post.wage_max >= filters["wage_min"])
    for field in ("category", "status"):
        if field in filters:
            query = query.where(getattr(Post, field) == filters[field])
    return query


def get_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id) if 0 < post_id <= MAX_ID else None
    if post is None:
        raise NotFound(f"岗位 {post_id} 不存在。")
    return post


def create_post(actor: User, data: dict) -> Post:
    firm_id = data["firm_id"]
    if not is_staff(actor):
        if actor.role != Role.FIRM or actor.firm_id != firm_id:
            raise Forbidden("企业账号只能为本企业发布岗位。")
    elif db.session.get(Firm, firm_id) is None:
        raise Invalid("企业不存在。", {"firm_id": [f"企业 {firm_id} 不存在。"]})
    post = Post(**_resolved(data))
    db.session.add(post)
    db.session.commit()
    return post


def update_post(actor: User, post_id: int, changes: dict) -> Post:
    post = get_post(post_id)
    if not is_staff(actor) and (actor.role != Role.FIRM or actor.firm_id != post.firm_id):
        raise Forbidden("只能修改本企业的岗位。")
    _check_ranges(post, changes)
    if "openings" in changes and changes["openings"] < post.filled:
        raise _openings_below_filled(post.filled)
    for field, value in _resolved(changes).items():
        setattr(post, field, value)
    try:
        db.session.commit()
    except IntegrityError:
        # Checked above; a hire committed meanwhile can still fill past the new openings.
        db.session.rollback()
        raise _openings_below_filled(get_post(post_id).filled) from None
    return post


def _check_ranges(post: Post, changes: dict) -> None:
    """The post as it would be after the changes keeps its ranges in order."""
    wage_min = changes.get("wage_min", post.wage_min)
    wage_max = changes.get("wage_max", post.wage_max)
    min_age = changes.get("min_age", post.min_age)
    max_age = changes.get("max_age", post.max_age)
    errors = {}
    if wage_min > wage_max:
        errors["wage_max"] = [f"最高月薪不能低于最低月薪（修改后为 {wage_min}—{wage_max}）。"]
    if max_age is not None and max_age < min_age:
        errors["max_age"] = [f"最高年龄不能低于最低年龄（修改后为 {min_age}—{max_age}）。"]
    if errors:
        raise Invalid("岗位信息有误。", errors)


def _openings_below_filled(filled: int) -> Conflict:
    return Conflict(
        f"该岗位已录用 {filled} 人，招聘人数不能少于已录用人数。",
        {"openings": [f"不能少于已录用的 {filled} 人。"]},
    )


def _resolved(data: dict) -> dict:
    """Codes in the body turned into the catalogue rows they name; unknown codes listed."""
    values = dict(data)
    errors: dict[str, list[str]] = {}
    occupation_code = values.get("occupation_code")
    if occupation_code is not None and db.session.get(Occupation, occupation_code) is None:
        errors["occupation_code"] = [f"未知的职业代码：{values['occupation_code']}。"]
    for field, model, label in (
        ("required_skills", Skill, "技能代码"),
        ("required_certificates", Program, "培训项目代码"),
    ):
        if field not in values:
            continue
        codes = list(dict.fromkeys(values[field]))
        rows = db.session.scalars(select(model).where(model.code.in_(codes))).all()
        unknown = sorted(set(codes) - {row.code for row in rows})
        if unknown:
            errors[field] = [f"未知的{label}：{'、'.join(unknown)}。"]
        values[field] = sorted(rows, key=lambda row: row.code)
    if errors:
        raise Invalid("岗位信息有误。", errors)
    return values


def _unknown_codes(column, codes: list[str]) -> list[str]:
    known = set(db.session.scalars(select(column).where(column.in_(codes))))
    return [code for code in codes if code not in known]
