"""The bureau's headline figures, each computed by one aggregate query."""

from sqlalchemy import and_, func, select

from jobmatch.extensions import db
from jobmatch.firms.models import Firm
from jobmatch.orders.models import Order
from jobmatch.posts.models import CATEGORIES, Post
from jobmatch.residents.models import Resident
from jobmatch.training.enums import EnrollmentStatus
from jobmatch.training.models import Cohort, Enrollment, Program


def compute_stats() -> dict:
    """Firms, openings and fills by category, residents, people trained, orders by product."""
    completed = Enrollment.status == EnrollmentStatus.COMPLETED
    firms, residents, trained_total = db.session.execute(
        select(
            select(func.count(Firm.id)).scalar_subquery(),
            select(func.count(Resident.id)).scalar_subquery(),
            select(func.count(func.distinct(Enrollment.resident_id)))
            .where(completed)
            .scalar_subquery(),
        )
    ).one()

    openings = dict.fromkeys(CATEGORIES, 0)
    filled = dict.fromkeys(CATEGORIES, 0)
    by_category = select(Post.category, func.sum(Post.openings), func.sum(Post.filled)).group_by(
        Post.category
    )
    for category, opened, taken in db.session.execute(by_category):
        openings[category], filled[category] = int(opened), int(taken)

    # Outer joins keep programs nobody has finished yet, with trained 0.
    by_program = (
        select(Program.code, Program.name, func.count(func.distinct(Enrollment.resident_id)))
        .outerjoin(Cohort, Cohort.program_code == Program.code)
        .outerjoin(Enrollment, and_(Enrollment.cohort_id == Cohort.id, completed))
        .group_by(Program.code, Program.name)
        .order_by(Program.code)
    )
    by_product = (
        select(
            Order.product,
            func.sum(Order.quantity),
            func.sum(Order.delivered),
            func.sum(Order.accepted),
        )
        .group_by(Order.product)
        .order_by(Order.product)
    )
    return {
        "firms": firms,
        "openings": openings,
        "filled": filled,
        "residents": residents,
        "trained_total": trained_total,
        "programs": [
            {"code": code, "name": name, "trained": trained}
            for code, name, trained in db.session.execute(by_program)
        ],
        "orders": [
            {
                "product": product,
                "quantity": int(quantity),
                "delivered": int(delivered),
                "accepted": int(accepted),
            }
            for product, quantity, delivered, accepted in db.session.execute(by_product)
        ],
    }


def open_post_figures() -> dict:
    """What is being recruited now: posts in status open, and the openings they still have."""
    posts, left = db.session.execute(
        select(func.count(Post.id), func.coalesce(func.sum(Post.openings - Post.filled), 0)).where(
            Post.status == "open"
        )
    ).one()
    return {"open_posts": int(posts), "openings_left": int(left)}
