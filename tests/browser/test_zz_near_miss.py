"""A near miss in a real browser: a resident sees the class that would open a post to them and
asks the clerk for a place; the request reaches the staff inbox.

The module's name makes it run after the other journeys: it adds a class and a resident to the
shared live app, which the others count on as the seed left it.
"""

from datetime import date, timedelta

from sqlalchemy import select

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.posts.enums import PostStatus
from jobmatch.posts.models import Post
from tests import factories
from tests.browser.test_pages import look


def _post_missed_by_one_certificate() -> Post:
    """An open post with openings left that asks for exactly one certificate and no age cap a
    40-year-old would miss."""
    today = clock.today()
    for post in db.session.scalars(
        select(Post).where(Post.status == PostStatus.OPEN).order_by(Post.id)
    ):
        if (
            len(post.required_certificates) == 1
            and post.filled < post.openings
            and (post.expires_on is None or post.expires_on >= today)
            and (post.max_age is None or post.max_age >= 45)
            and post.min_age <= 40
        ):
            return post
    raise AssertionError("the seed has an open post that asks for one certificate")


def test_a_resident_asks_for_a_place_in_the_class_that_opens_a_post(tab, live_app):
    with live_app.app.app_context():
        post = _post_missed_by_one_certificate()
        program = post.required_certificates[0]
        soon = clock.today() + timedelta(days=20)
        cohort = factories.make_cohort(
            program, starts_on=soon, ends_on=soon + timedelta(days=10), capacity=30
        )
        resident = factories.make_resident(
            name="赵桂兰", birth=date(1986, 3, 3), female=True, education="college"
        )
        user = factories.make_quick_user("resident", resident_id=resident.id)
        post_id, cohort_id, username = post.id, cohort.id, user.username
        program_name = program.name
        db.session.remove()

    tab.sign_in(username, live_app.people.password)
    card = tab.page.locator(f"article.near-miss[data-post-id='{post_id}']")
    assert card.count() == 1
    assert card.get_attribute("data-cohort-id") == str(cohort_id)
    assert f"报名下一期{program_name}班，可申请此岗位" in card.inner_text()
    look(tab, "50-me-near-miss")
    with tab.page.expect_navigation():
        card.locator("button[type=submit]").click()
    assert "已把您的报名申请转给经办人" in tab.page.inner_text("body")
    tab.assert_no_errors()

    with live_app.app.app_context():
        requests = db.session.scalars(
            select(Notification).where(Notification.kind == "place_request")
        ).all()
        assert any("赵桂兰" in notice.text for notice in requests)
        db.session.remove()
