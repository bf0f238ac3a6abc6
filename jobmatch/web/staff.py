"""The bureau's dashboard: headline figures, four charts, and the staff inbox."""

from collections import defaultdict

from flask import flash, redirect, render_template, url_for

from jobmatch import clock
from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.applications import service as applications
from jobmatch.applications.enums import ApplicationStatus
from jobmatch.employment import retention
from jobmatch.employment import service as employment
from jobmatch.errors import DomainError
from jobmatch.notifications import service as notifications
from jobmatch.orders.enums import Product
from jobmatch.reports import service as reports
from jobmatch.stats.service import compute_stats, open_post_figures
from jobmatch.web.blueprint import blp
from jobmatch.web.session import page_for

ALL = 100_000
NOTICES_SHOWN = 10
FOLLOW_UPS_SHOWN = 5


@blp.get("/staff")
@page_for(*STAFF_ROLES)
def staff(user):
    """Figures and charts: openings filled, people trained, orders, placements over time."""
    stats = compute_stats()
    notices, unread = notifications.list_notifications(
        user, unread=True, page=1, page_size=NOTICES_SHOWN
    )
    return render_template(
        "staff.html",
        stats=stats,
        now_open=open_post_figures(),
        charts=_charts(user, stats),
        notices=notices,
        unread=unread,
        follow_ups=employment.due_follow_ups(user),
        follow_ups_shown=FOLLOW_UPS_SHOWN,
    )


def _charts(user, stats: dict) -> dict:
    """The series each chart draws; tables beside the charts show the same numbers."""
    return {
        "firms": _openings_by_firm(user),
        "programs": [{"name": p["name"], "trained": p["trained"]} for p in stats["programs"]],
        "orders": [
            {
                "name": Product.label_of(order["product"]),
                "quantity": order["quantity"],
                "delivered": order["delivered"],
                "accepted": order["accepted"],
            }
            for order in stats["orders"]
        ],
        "placements": _placements_by_month(user),
        "retention": _retention_by_firm(user),
    }


def _openings_by_firm(user) -> list[dict]:
    """The filled-by-firm report, one row per firm with both categories side by side."""
    by_firm: dict[int, dict] = {}
    for row in reports.build_reports(user, ["filled-by-firm"])["filled-by-firm"]:
        firm = by_firm.setdefault(
            row["firm_id"],
            {
                "name": row["firm_name"],
                "general_openings": 0,
                "general_filled": 0,
                "skilled_openings": 0,
                "skilled_filled": 0,
            },
        )
        firm[f"{row['category']}_openings"] = row["openings"]
        firm[f"{row['category']}_filled"] = row["filled"]
    return sorted(
        by_firm.values(), key=lambda row: -(row["general_openings"] + row["skilled_openings"])
    )


def _placements_by_month(user) -> list[dict]:
    """Hires by the month (China time) they happened, as the reports date them."""
    hired, _ = applications.list_applications(
        user, {"status": ApplicationStatus.HIRED}, page=1, page_size=ALL
    )
    months: dict[str, int] = defaultdict(int)
    for application in hired:
        day = clock.china_date(application.hired_at or application.updated_at)
        months[f"{day:%Y-%m}"] += 1
    return [{"month": month, "hired": months[month]} for month in sorted(months)]


def _retention_by_firm(user) -> list[dict]:
    """The retention report's firm rows that have a spell measured at 30 days."""
    rows = retention.retention_report(user, clock.today(), "firm")
    return [row for row in rows if row["measured_30"]]


@blp.post("/staff/notifications/<int:notification_id>/read")
@page_for(*STAFF_ROLES)
def staff_notification_read(user, notification_id: int):
    """Mark a staff notice handled."""
    try:
        notifications.mark_read(user, notification_id)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("web.staff") + "#notices")
