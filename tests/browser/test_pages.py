"""Journeys through the pages on a phone-sized screen, in a real Chromium.

Each test walks one journey of the issue; every page it opens is screenshotted, checked to fit
the screen, and checked for console errors and uncaught exceptions.
"""

import pytest

pytestmark = pytest.mark.browser

BAD_ROSTER = (
    "序号,姓名,身份证号码,联系电话,文化程度,社区\n"
    "1,郭玉兰,140222197001010027,13912340001,初中,\n"
    "2,刘二虎,140222198001010000,13912340002,小学,\n"
    "3,陈建军,140222197505050014,123,高中,\n"
)


def look(tab, name: str) -> None:
    """Keep a screenshot of the page and check that it fits a phone's width."""
    tab.shoot(name)
    tab.assert_fits_the_screen()


def test_anyone_sees_open_posts_and_filters_them(tab):
    assert tab.open("/").status == 200
    assert tab.page.locator("h1").inner_text() == "正在招聘的岗位"
    assert tab.page.locator("article[data-post-id]").count() > 0
    look(tab, "01-index")
    tab.page.click("summary:has-text('按条件筛选')")
    tab.page.select_option("select[name=category]", "skilled")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('筛选')")
    titles = tab.page.locator("article[data-post-id] .tag").all_inner_texts()
    assert "技工" in titles and "普工" not in titles
    look(tab, "02-index-filtered")
    tab.assert_no_errors()


def test_a_wrong_password_is_told_without_naming_the_account(tab, live_app):
    tab.sign_in(live_app.people.resident, "wrong password")
    assert "用户名或密码错误" in tab.page.inner_text("main")
    assert tab.page.url.endswith("/login")
    look(tab, "03-login-wrong-password")
    tab.assert_no_errors()


def test_a_resident_applies_and_the_firm_moves_it_to_interview(tab, second_tab, live_app):
    people = live_app.people
    tab.sign_in(people.resident, people.password)
    assert tab.page.url.endswith("/me")
    matches = tab.page.locator("article.match[data-post-id]")
    assert 1 <= matches.count() <= 20
    first_reasons = matches.first.locator(".reasons li")
    assert first_reasons.count() >= 1 and first_reasons.first.inner_text().strip()
    look(tab, "04-me-matches")

    ours = tab.page.locator(f"article.match[data-post-id='{people.post_id}']")
    assert ours.count() == 1, "the post made to fit the resident is among the matches"
    with tab.page.expect_navigation():
        ours.locator("button:has-text('我要报名')").click()
    assert "已报名“箱包缝纫工”" in tab.page.inner_text("main")
    mine = tab.page.locator(f"article.application[data-post-id='{people.post_id}']")
    assert "已报名" in mine.inner_text()
    look(tab, "05-me-applied")
    tab.assert_no_errors()

    firm_tab = second_tab
    firm_tab.sign_in(people.firm, people.password)
    assert firm_tab.page.url.endswith("/firm")
    card = firm_tab.page.locator(f"article.application[data-resident-id='{people.resident_id}']")
    assert "李秀英" in card.inner_text() and "已报名" in card.inner_text()
    look(firm_tab, "06-firm")
    card.locator("details[data-invite] summary").click()
    card.locator("input[name=interview_at]").fill("2026-12-02T14:00")
    card.locator("input[name=interview_place]").fill("巧手箱包厂门卫室")
    card.locator("input[name=interview_contact]").fill("刘主管 13900002222")
    with firm_tab.page.expect_navigation():
        card.locator("button[data-move='interview']").click()
    assert "已改为“待面试”" in firm_tab.page.inner_text("main")
    assert "待面试" in card.inner_text()
    look(firm_tab, "07-firm-interview")

    firm_tab.open(f"/firm/posts/{people.post_id}")
    candidates = firm_tab.page.locator("article.candidate[data-resident-id]")
    assert candidates.count() >= 1
    assert candidates.first.locator(".reasons li").count() >= 1
    look(firm_tab, "08-firm-post-candidates")

    firm_tab.open("/firm/posts/new")
    firm_tab.page.fill("input[name=title]", "质检员")
    firm_tab.page.fill("input[name=openings]", "两个")
    firm_tab.page.fill("input[name=wage_min]", "3000")
    with firm_tab.page.expect_navigation():
        firm_tab.page.click("form.card button[type=submit]")
    assert firm_tab.page.locator("#openings-error").inner_text() == "应为整数。"
    assert firm_tab.page.locator("#wage_max-error").inner_text() == "必填。"
    look(firm_tab, "09-firm-post-form-errors")
    firm_tab.assert_no_errors()

    tab.open("/me")
    assert (
        "待面试"
        in tab.page.locator(f"article.application[data-post-id='{people.post_id}']").inner_text()
    )
    assert "条未读" in tab.page.inner_text("#notices")
    look(tab, "10-me-interview-notice")
    tab.assert_no_errors()


def test_staff_upload_a_roster_with_bad_rows_and_see_them_listed(tab, live_app):
    tab.sign_in(live_app.people.staff, live_app.people.password)
    assert tab.page.url.endswith("/staff")
    for chart in ("firms", "programs", "orders", "placements"):
        tab.page.wait_for_selector(f"#chart-{chart} svg")
    look(tab, "11-staff-dashboard")

    tab.open("/staff/import")
    tab.page.set_input_files(
        "input[name=file]",
        {"name": "名册.csv", "mimeType": "text/csv", "buffer": BAD_ROSTER.encode()},
    )
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('上传并预览')")
    assert tab.page.locator("#import-result").get_attribute("data-state") == "preview"
    assert tab.page.locator("tr[data-outcome=rejected]").count() == 2
    look(tab, "12-staff-import-preview")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('确认导入')")
    rows = tab.page.locator("article.rejected-row")
    assert rows.evaluate_all("cards => cards.map(card => card.dataset.row)") == ["3", "4"]
    assert "校验位" in rows.nth(0).inner_text()
    assert "手机号码" in rows.nth(1).inner_text()
    assert tab.page.locator("[data-count=created]").inner_text() == "1"
    look(tab, "12-staff-import-rejected")

    tab.open("/staff/residents/new")
    tab.page.fill("input[name=name]", "冯桂花")
    tab.page.fill("input[name=id_number]", "14022219800101")
    tab.page.fill("input[name=phone]", "1381234")
    with tab.page.expect_navigation():
        tab.page.click("form.card button[type=submit]")
    assert "18位" in tab.page.locator("#id_number-error").inner_text()
    assert "11位" in tab.page.locator("#phone-error").inner_text()
    look(tab, "13-staff-register-errors")

    tab.open(f"/staff/refer?resident_id={live_app.people.resident_id}")
    assert tab.page.locator("article.match[data-post-id]").count() >= 1
    look(tab, "14-staff-refer")

    tab.open("/staff/allocate")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('开始分配')")
    assert tab.page.locator("details.allocation[data-post-id]").count() >= 1
    look(tab, "15-staff-allocate")
    tab.assert_no_errors()
