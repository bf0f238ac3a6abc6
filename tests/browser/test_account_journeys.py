"""Journeys of logins handed over on paper and of referrals that reach a hire, in Chromium:
a clerk registers a resident and prints the slip, the resident activates and sees matches, a
reset signs them out at once; a firm interviews and hires a referred resident whose other
application closes; a clerk refers a whole allocation plan."""

from datetime import date

import pytest
from sqlalchemy import select

from jobmatch.applications.models import Application
from jobmatch.extensions import db
from jobmatch.posts.models import Post
from tests import factories
from tests.browser.test_pages import look

pytestmark = pytest.mark.browser


def test_a_clerk_registers_a_resident_who_activates_and_is_signed_out_by_a_reset(
    tab, second_tab, live_app
):
    people = live_app.people
    clerk = tab
    clerk.sign_in(people.staff, people.password)
    id_number = factories.make_id_number(date(1983, 3, 9), female=True, area="140222")
    clerk.open("/staff/residents/new")
    clerk.page.fill("input[name=name]", "赵春梅")
    clerk.page.fill("input[name=id_number]", id_number)
    clerk.page.fill("input[name=phone]", "13812345670")
    clerk.page.check("input[name=skills][value=sewing]")
    with clerk.page.expect_navigation():
        clerk.page.click("form.card button[type=submit]")
    assert "已登记居民“赵春梅”" in clerk.page.inner_text("main")

    with clerk.page.expect_navigation():
        clerk.page.click("button[data-action=issue-login]")
    slip = clerk.page.locator("article.slip")
    assert "赵春梅" in slip.inner_text() and id_number not in slip.inner_text()
    code = slip.locator(".slip-code").get_attribute("data-code")
    username = slip.locator(".slip-username").inner_text()
    assert len(code) == 8 and "/activate" in slip.locator(".slip-url").inner_text()
    clerk.page.evaluate("window.print = () => { window.printed = true; }")
    clerk.page.click("button[data-print]")
    assert clerk.page.evaluate("window.printed") is True
    look(clerk, "20-slip")
    clerk.assert_no_errors()

    phone = second_tab
    phone.open("/login")
    with phone.page.expect_navigation():
        phone.page.click("a[href='/activate']")
    phone.page.fill("input[name=id_last6]", id_number[-6:])
    phone.page.fill("input[name=code]", f"{code[:4].lower()} {code[4:]}")
    phone.page.fill("input[name=password]", "chunmei-2026")
    phone.page.fill("input[name=password2]", "chunmei-2026")
    look(phone, "21-activate")
    with phone.page.expect_navigation():
        phone.page.click("form.card button[type=submit]")
    assert phone.page.url.endswith("/me")
    assert username in phone.page.inner_text("main")
    assert phone.page.locator("article.match[data-post-id]").count() >= 1
    look(phone, "22-me-after-activation")

    # Signed out and in again with the new password: the account is really theirs.
    with phone.page.expect_navigation():
        phone.page.click("header button:has-text('退出')")
    phone.sign_in(username, "chunmei-2026")
    assert phone.page.url.endswith("/me")

    clerk.open("/staff/accounts?role=resident")
    card = clerk.page.locator("article.account", has_text=username)
    with clerk.page.expect_navigation():
        card.locator("button[data-action=reset]").click()
    assert clerk.page.locator(".slip-code").get_attribute("data-code") != code
    look(clerk, "23-reset-slip")

    phone.open("/me")
    assert "/login" in phone.page.url, "the old session is refused at once"
    phone.sign_in(username, "chunmei-2026")
    assert "用户名或密码错误" in phone.page.inner_text("main")
    phone.assert_no_errors()
    clerk.assert_no_errors()


def _referred_resident(live_app) -> tuple[int, int, int]:
    """A resident the bureau referred to the journey firm's post, who also applied elsewhere."""
    with live_app.app.app_context():
        resident = factories.make_resident(name="钱丽华", skills=["sewing"])
        factories.make_quick_user("resident", username="lihua_web", resident_id=resident.id)
        post = db.session.get(Post, live_app.people.post_id)
        referral = factories.make_application(resident, post, "recommended")
        elsewhere = factories.make_application(resident, factories.make_post(), "applied")
        ids = resident.id, referral.id, elsewhere.id
        db.session.remove()
    return ids


def test_a_firm_interviews_and_hires_a_referred_resident(tab, second_tab, live_app):
    people = live_app.people
    resident_id, referral_id, elsewhere_id = _referred_resident(live_app)
    firm = tab
    firm.sign_in(people.firm, people.password)
    card = firm.page.locator(f"article.application[data-application-id='{referral_id}']")
    assert "已推荐" in card.inner_text()
    card.locator("details[data-invite] summary").click()
    card.locator("input[name=interview_at]").fill("2026-12-03T09:30")
    card.locator("input[name=interview_place]").fill("产业园5号厂房一楼")
    card.locator("input[name=interview_contact]").fill("张经理 13900001111")
    look(firm, "24-firm-invite")
    with firm.page.expect_navigation():
        card.locator("button[data-move=interview]").click()
    assert "已改为“待面试”" in firm.page.inner_text("main")

    resident = second_tab
    resident.sign_in("lihua_web", people.password)
    mine = resident.page.locator(f"article.application[data-application-id='{referral_id}']")
    facts = mine.locator("[data-interview]").inner_text()
    assert "2026-12-03 09:30" in facts and "产业园5号厂房一楼" in facts and "张经理" in facts
    look(resident, "25-me-interview")

    with firm.page.expect_navigation():
        card.locator("button[data-outcome=attended]").click()
    assert "已参加面试" in card.inner_text()
    with firm.page.expect_navigation():
        card.locator("button[data-move=hired]").click()
    assert "已改为“已录用”" in firm.page.inner_text("main")
    look(firm, "26-firm-hired")

    resident.open("/me")
    other = resident.page.locator(f"article.application[data-application-id='{elsewhere_id}']")
    assert "已撤回" in other.inner_text() and "已在别处录用" in other.inner_text()
    look(resident, "27-me-hired-elsewhere")
    with live_app.app.app_context():
        closed = db.session.get(Application, elsewhere_id)
        assert (closed.status, closed.reason) == ("withdrawn", "hired_elsewhere")
        db.session.remove()
    firm.assert_no_errors()
    resident.assert_no_errors()


def test_a_clerk_refers_a_whole_allocation_plan(tab, live_app):
    people = live_app.people
    # A firm of its own, so that the referrals touch no other journey's post.
    with live_app.app.app_context():
        firm = factories.make_firm(name="天镇县绳结工艺厂")
        post = factories.make_post(firm, title="编结工", openings=3, required_skills=[])
        firm_id, post_id = firm.id, post.id
        db.session.remove()
    tab.sign_in(people.staff, people.password)
    tab.open("/staff/allocate")
    tab.page.fill("input[name=multiple]", "1")
    tab.page.select_option("select[name=firm_id]", str(firm_id))
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('开始分配')")
    assert "plan=" in tab.page.url
    proposed = tab.page.locator("details.allocation li[data-resident-id]")
    count = proposed.count()
    assert count >= 1
    tab.page.locator("details.allocation summary").first.click()
    assert proposed.first.locator(".reasons li").count() >= 1
    look(tab, "28-allocate-plan")
    with tab.page.expect_navigation():
        tab.page.click("button[data-action=refer-all]")
    assert f"已推荐 {count} 人" in tab.page.inner_text("main")
    assert "已全部推荐" in tab.page.inner_text("main")
    assert tab.page.locator("details.allocation li .tag-ok").count() == count
    look(tab, "29-allocate-referred")
    with live_app.app.app_context():
        referred = db.session.scalars(
            select(Application.resident_id).where(
                Application.post_id == post_id, Application.status == "recommended"
            )
        ).all()
        assert len(referred) == count
        db.session.remove()
    tab.assert_no_errors()
