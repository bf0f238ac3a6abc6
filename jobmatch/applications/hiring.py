"""The hiring rule for posts nobody is going for, and the daily check that tells staff.

A post needs staff attention when it has been open a while (``min_age_days``), still has
openings, and nobody is recommended, applying or at interview for it. Notifications only carry
the message; which posts deserve one is decided here.
"""

from datetime import date, timedelta

from sqlalchemy import String, cast, exists, literal, or_, select

from jobmatch import clock
from jobmatch.applications.enums import IN_PROGRESS_STATUSES
from jobmatch.applications.models import Application
from jobmatch.extensions import db
from jobmatch.notifications.senders import send
from jobmatch.notifications.service import to_staff, unread_notice_exists
from jobmatch.posts.enums import PostStatus
from jobmatch.posts.models import Post

UNFILLED_KIND = "post_unfilled"


def notify_unfilled_posts(*, min_age_days: int = 7, today: date | None = None) -> list[int]:
    """Tell staff of open posts, listed at least ``min_age_days`` ago, that have openings left
    and nobody recommended, applied or at interview. A post already flagged in an unread
    notice is not flagged again. Answers the ids of the posts flagged now."""
    today = today or clock.today()
    listed_before = clock.now() - timedelta(days=min_age_days)
    someone_in_progress = exists().where(
        Application.post_id == Post.id, Application.status.in_(IN_PROGRESS_STATUSES)
    )
    already_flagged = unread_notice_exists(
        UNFILLED_KIND, literal("/api/posts/") + cast(Post.id, String)
    )
    posts = db.session.scalars(
        select(Post)
        .where(
            Post.status == PostStatus.OPEN,
            Post.filled < Post.openings,
            or_(Post.expires_on.is_(None), Post.expires_on >= today),
            Post.created_at <= listed_before,
            ~someone_in_progress,
            ~already_flagged,
        )
        .order_by(Post.id)
    ).all()
    messages = [
        message
        for post in posts
        for message in to_staff(
            UNFILLED_KIND,
            f"岗位“{post.title}”（编号 {post.id}）还有 {post.openings - post.filled} 个空缺，"
            "目前没有推荐或报名的人选，请安排推荐。",
            f"/api/posts/{post.id}",
        )
    ]
    send(messages)
    db.session.commit()
    return [post.id for post in posts]
