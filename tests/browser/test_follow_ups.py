"""The follow-up task list in a real browser: from the dashboard to a recorded call."""

from tests.browser.test_pages import look


def test_staff_record_a_due_follow_up_from_the_task_list(tab, live_app):
    tab.sign_in(live_app.people.staff, live_app.people.password)
    tab.page.wait_for_selector("#chart-retention svg")
    assert tab.page.locator("#follow-ups").is_visible()

    with tab.page.expect_navigation():
        tab.page.click("nav[aria-label=工作台] a:has-text('就业回访')")
    assert tab.page.url.endswith("/staff/follow-ups")
    tasks = tab.page.locator("article.follow-up-task")
    before = tasks.count()
    assert before > 0
    first = tasks.nth(0)
    spell_id = first.get_attribute("data-spell-id")
    first.locator("select[name=outcome]").select_option("employed")
    first.locator("input[name=wage]").fill("3600")
    look(tab, "40-staff-follow-ups")
    with tab.page.expect_navigation():
        first.locator("button[type=submit]").click()
    assert "回访已记录" in tab.page.inner_text("body")
    assert tab.page.locator("article.follow-up-task").count() == before - 1
    assert tab.page.locator(f"article[data-spell-id='{spell_id}']").count() == 0
    tab.assert_no_errors()
