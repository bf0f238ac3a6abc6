"""The staff desk for training and piecework, walked in a real Chromium on a phone and an office PC.

Each new page is screenshotted, checked to fit the screen, checked for console errors, and
checked with axe-core (vendored under tests/browser/vendor, injected, no network): no serious or
critical violation.
"""

from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from jobmatch import clock
from jobmatch.extensions import db
from jobmatch.training.models import Enrollment
from jobmatch.validators import id_check_char
from tests import factories
from tests.browser.conftest import CHROMIUM_ARGS, SCREENSHOTS, Tab  # noqa: F401

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SCREENS = {"phone": {"width": 390, "height": 844}, "pc": {"width": 1366, "height": 768}}


@pytest.fixture(params=sorted(SCREENS))
def screen(request) -> str:
    return request.param


def _tab(chromium, live_app, screen: str) -> Tab:
    # bypass_csp: axe is injected by the test, and the site's policy rightly forbids that.
    context = chromium.new_context(
        viewport=SCREENS[screen], locale="zh-CN", device_scale_factor=1, bypass_csp=True,
        accept_downloads=True,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    opened = Tab(page=page, url=live_app.url)
    page.on(
        "console",
        lambda message: (
            opened.errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: opened.errors.append(f"page: {error}"))
    return opened


@pytest.fixture
def desk(chromium, live_app, screen):
    opened = _tab(chromium, live_app, screen)
    yield opened
    opened.page.context.close()


@pytest.fixture
def firm_desk(chromium, live_app, screen):
    opened = _tab(chromium, live_app, screen)
    yield opened
    opened.page.context.close()


def check(tab: Tab, name: str, screen: str) -> None:
    """Screenshot, no sideways scroll, no serious or critical accessibility violation."""
    tab.shoot(f"desk-{screen}-{name}")
    tab.assert_fits_the_screen()
    tab.page.add_script_tag(path=str(AXE))
    violations = tab.page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): `
                    + v.nodes.slice(0, 3).map(n => n.target).join(' | '));
        }"""
    )
    assert violations == [], f"axe on {name}: {violations}"


def submit(tab: Tab, selector: str) -> None:
    with tab.page.expect_navigation():
        tab.page.click(selector)


def _make_trainees(live_app, tag: str) -> list[int]:
    with live_app.app.app_context():
        made = [factories.make_resident(name=f"{tag}{n}") for n in ("一", "二", "三")]
        ids = [resident.id for resident in made]
        db.session.remove()
    return ids


def test_a_clerk_runs_a_class_from_opening_to_the_certificate(desk, live_app, screen):
    people = live_app.people
    tag = "测手机" if screen == "phone" else "测电脑"
    trainees = _make_trainees(live_app, tag)
    today = clock.today()
    desk.sign_in(people.staff, people.password)

    desk.open("/staff/cohorts")
    check(desk, "01-cohorts", screen)
    submit(desk, "a:has-text('开新班')")
    desk.page.select_option("select[name=program_code]", "chinese_knot")
    desk.page.fill("input[name=name]", f"{tag}中国结班")
    desk.page.fill("input[name=starts_on]", today.isoformat())
    desk.page.fill("input[name=ends_on]", (today - timedelta(days=1)).isoformat())
    desk.page.fill("input[name=capacity]", "2")
    desk.page.fill("input[name=hours]", "8")
    submit(desk, "form.card button[type=submit]")
    assert "结束日期不能早于开始日期" in desk.page.inner_text("#ends_on-error")
    assert desk.page.input_value("input[name=name]") == f"{tag}中国结班"  # input kept
    check(desk, "02-cohort-form-errors", screen)
    desk.page.fill("input[name=ends_on]", (today + timedelta(days=30)).isoformat())
    submit(desk, "form.card button[type=submit]")
    assert desk.page.locator("h1").inner_text() == f"{tag}中国结班"
    cohort_url = desk.page.url

    submit(desk, "a:has-text('报名学员')")
    desk.page.fill("input[name=q]", tag)
    submit(desk, "button:has-text('查找居民')")
    assert "找到 3 位居民" in desk.page.inner_text("#found")
    for resident_id in trainees:
        desk.page.check(f"tr[data-resident-id='{resident_id}'] input[type=checkbox]")
    submit(desk, "button:has-text('为勾选的居民报名')")
    results = desk.page.locator("#enrol-results li")
    assert results.count() == 3
    refused = desk.page.locator("#enrol-results li.refused")
    assert refused.count() == 1 and "本期已满员（2人）" in refused.inner_text()
    check(desk, "03-enrol-results", screen)

    desk.page.goto(cohort_url)
    for start, end in (("08:30", "12:30"), ("13:30", "17:30")):
        desk.page.click("summary:has-text('排一次课')")
        desk.page.fill("input[name=held_on]", today.isoformat())
        desk.page.fill("input[name=starts_at]", start)
        desk.page.fill("input[name=ends_at]", end)
        desk.page.fill("input[name=topic]", "盘长结")
        submit(desk, "button:has-text('排课')")
    sessions = desk.page.locator("tr[data-session-id]")
    assert sessions.count() == 2
    session_ids = sessions.evaluate_all("rows => rows.map(row => row.dataset.sessionId)")
    check(desk, "04-cohort", screen)

    for number, session_id in enumerate(session_ids):
        desk.open(f"/staff/sessions/{session_id}")
        if number == 0:
            check(desk, "05-sign-in-sheet", screen)
        for resident_id in trainees[:2]:
            # Saved at once by the sheet's script: no page load, the card changes in place.
            card = desk.page.locator(f"li.trainee[data-resident-id='{resident_id}']")
            card.locator("button.mark-present").click()
            card.locator(".tag:has-text('已到')").wait_for()
        assert desk.page.locator("[data-signed]").inner_text() == "2"
        assert desk.page.url.endswith(f"/staff/sessions/{session_id}")
    # The second trainee came late to the last session: corrected, with the change kept.
    card = desk.page.locator(f"li.trainee[data-resident-id='{trainees[1]}']")
    card.locator("summary:has-text('更正出勤')").click()
    card.locator("input[value=late]").check()
    card.locator("input[name=signed_in_at]").fill("14:00")
    card.locator("input[name=reason]").fill("两点才到")
    card.locator("button:has-text('保存更正')").click()
    desk.page.locator(
        f"li.trainee[data-resident-id='{trainees[1]}'] .tag:has-text('迟到')"
    ).wait_for()
    assert "两点才到" in desk.page.inner_text("#history-section")
    check(desk, "05b-sign-in-corrected", screen)

    desk.page.goto(cohort_url)
    submit(desk, "a:has-text('考核与发证')")
    check(desk, "06-results", screen)
    first = desk.page.locator("article.trainee").first
    first.locator("input[name=theory_score]").fill("82")
    first.locator("input[name=practical_score]").fill("90")
    submit(desk, "article.trainee >> nth=0 >> button:has-text('登记考核成绩')")
    first = desk.page.locator("article.trainee").first
    assert "已结业" in first.inner_text()
    serial = f"TZ-{screen.upper()}-{today:%Y%m%d}"
    first.locator("input[name=certificate_no]").fill(serial)
    submit(desk, "article.trainee >> nth=0 >> button:has-text('发证')")
    submit(desk, "article.trainee >> nth=0 >> a:has-text('打印证书')")
    assert desk.page.locator("[data-serial]").inner_text() == serial
    assert "*" in desk.page.locator("[data-id-number]").inner_text()
    check(desk, "07-certificate", screen)
    desk.page.emulate_media(media="print")
    assert not desk.page.locator(".site-header").is_visible()
    desk.page.pdf(path=str(SCREENSHOTS / f"desk-{screen}-07-certificate.pdf"), format="A4")
    desk.shoot(f"desk-{screen}-08-certificate-print")
    desk.page.emulate_media(media="screen")
    desk.assert_no_errors()


def _class_list(live_app, tag: str, tmp_path) -> tuple[int, Path, list[str]]:
    """A class of 3 seats, one of its people already registered, and the clerk's list of four
    (one with a wrong check digit) as an .xlsx, written with openpyxl."""
    serial = 700 if tag.endswith("手机") else 800  # each screen's people of its own
    first17 = [f"140222{date(1971, 3, 1 + n):%Y%m%d}{serial + n:03d}" for n in range(3)]
    numbers = [digits + id_check_char(digits) for digits in first17]
    bad = numbers[2][:17] + ("0" if numbers[2][17] != "0" else "1")
    with live_app.app.app_context():
        cohort = factories.make_cohort(name=f"{tag}上传报名班", capacity=3)
        factories.make_enrollment(cohort)
        factories.make_resident(name=f"{tag}老学员", id_number=numbers[0])
        cohort_id = cohort.id
        db.session.remove()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([f"{tag}上传报名班报名表"])
    sheet.append(["序号", "姓名", "身份证号码", "联系电话", "文化程度"])
    sheet.append([1, f"{tag}老学员", numbers[0], "13900001001", "初中"])
    sheet.append([2, f"{tag}新学员", numbers[1], "13900001002", "高中"])
    sheet.append([3, f"{tag}号码错", bad, "13900001003", "初中"])
    sheet.append([4, f"{tag}晚来的", numbers[2], "13900001004", "小学"])
    path = tmp_path / "报名表.xlsx"
    workbook.save(path)
    return cohort_id, path, numbers


def test_a_clerk_uploads_a_class_list_into_a_cohort(desk, live_app, screen, tmp_path):
    tag = "传手机" if screen == "phone" else "传电脑"
    cohort_id, path, numbers = _class_list(live_app, tag, tmp_path)
    desk.sign_in(live_app.people.staff, live_app.people.password)
    desk.open(f"/staff/cohorts/{cohort_id}")
    desk.page.click("summary:has-text('上传报名表')")
    desk.page.set_input_files("#roster-file", str(path))
    assert desk.page.inner_text("#roster-upload .file-name") == "报名表.xlsx"
    check(desk, "09-roster-upload-form", screen)
    submit(desk, "button:has-text('上传并报名')")

    rows = desk.page.locator("table.roster-rows tbody tr")
    assert rows.count() == 4
    outcomes = rows.evaluate_all(
        "rows => rows.map(r => [r.dataset.registration, r.dataset.enrollment])"
    )
    # Two seats were left: the known and the new person take them, the fourth is refused.
    assert outcomes == [
        ["existing", "enrolled"], ["created", "enrolled"], ["rejected", ""], ["created", "refused"],
    ]  # fmt: skip
    assert "本期已满员（3人）" in rows.nth(3).inner_text()
    assert "未导入" in rows.nth(2).inner_text()
    assert numbers[1] not in desk.page.content() and "*" in rows.nth(1).inner_text()
    assert desk.page.inner_text("[data-count=enrolled]") == "2"
    assert desk.page.inner_text("[data-seats-left]") == "0"
    check(desk, "10-roster-upload-result", screen)

    desk.page.goto(desk.url + f"/staff/cohorts/{cohort_id}")
    desk.page.click("summary:has-text('上传报名表')")
    desk.page.set_input_files("#roster-file", str(path))
    submit(desk, "button:has-text('上传并报名')")
    again = desk.page.locator("table.roster-rows tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.enrollment)"
    )
    assert again == ["already", "already", "", "refused"]  # nobody twice
    assert desk.page.inner_text("[data-count=created]") == "0"
    desk.assert_no_errors()


def _knot_workers(live_app, count: int) -> list[int]:
    with live_app.app.app_context():
        ids = db.session.scalars(
            select(Enrollment.resident_id)
            .where(Enrollment.cohort_id == 1)
            .order_by(Enrollment.id)
            .limit(count)
        ).all()
        db.session.remove()
    return list(ids)


def test_a_clerk_logs_an_order_records_hand_ins_and_downloads_the_pay_sheet(
    desk, firm_desk, live_app, screen
):
    people = live_app.people
    workers = _knot_workers(live_app, 3)
    desk.sign_in(people.staff, people.password)
    desk.open("/staff/orders")
    check(desk, "11-orders", screen)
    submit(desk, "a:has-text('登记新订单')")
    desk.page.select_option("select[name=firm_id]", str(people.firm_id))
    desk.page.select_option("select[name=product]", "chinese_knot")
    desk.page.fill("input[name=quantity]", "100")
    desk.page.fill("input[name=unit_rate]", "一块二")
    desk.page.fill("input[name=due_on]", (clock.today() + timedelta(days=20)).isoformat())
    desk.page.select_option("select[name=cohort_id]", "1")
    submit(desk, "form.card button[type=submit]")
    assert desk.page.locator("#unit_rate-error").is_visible()
    assert desk.page.input_value("input[name=quantity]") == "100"
    check(desk, "12-order-form-errors", screen)
    desk.page.fill("input[name=unit_rate]", "1.20")
    submit(desk, "form.card button[type=submit]")
    order_url = desk.page.url
    order_id = int(order_url.rsplit("/", 1)[1])
    assert "还剩 100 件未交" in desk.page.inner_text("form.hand-in")
    check(desk, "13-order", screen)

    def hand_in(worker: int, pieces: int, accepted: int, reason: str = "") -> None:
        desk.page.select_option("form.hand-in select[name=resident_id]", str(worker))
        desk.page.fill("form.hand-in input[name=quantity]", str(pieces))
        desk.page.fill("form.hand-in input[name=accepted]", str(accepted))
        desk.page.fill("form.hand-in input[name=reject_reason]", reason)
        submit(desk, "form.hand-in button[type=submit]")

    hand_in(workers[0], 40, 40)
    assert "已记录交货 40 件" in desk.page.inner_text("main")
    hand_in(workers[1], 30, 27, "线头外露")
    assert "不合格 3 件" in desk.page.inner_text("main")
    hand_in(workers[2], 50, 50)
    assert "订单只剩30件未交，本次50件超出" in desk.page.inner_text("#quantity-error")
    assert desk.page.input_value("form.hand-in input[name=quantity]") == "50"
    check(desk, "14-hand-in-refused", screen)

    first_entry = desk.page.locator("tr[data-entry-id]").first
    submit(desk, "tr[data-entry-id] >> nth=0 >> a:has-text('更正')")
    desk.page.fill("input[name=quantity]", "-2")
    desk.page.fill("input[name=accepted]", "-2")
    submit(desk, "form.card button[type=submit]")
    assert "请写明更正原因" in desk.page.inner_text("#note-error")
    check(desk, "15-correct-errors", screen)
    desk.page.fill("input[name=note]", "多点了2个")
    submit(desk, "form.card button[type=submit]")
    assert desk.page.locator("tr[data-entry-id]").count() == 3
    assert "更正第" in desk.page.locator("tr[data-entry-id]").last.inner_text()
    assert first_entry.count() == 1

    with desk.page.expect_download() as download:
        desk.page.click("#paysheet ~ form button[type=submit]")
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    ours = [row for row in rows[1:-1] if row[3] == order_id]
    assert sorted((row[5], row[6]) for row in ours) == [(30, 27), (38, 38)]
    assert sum(row[8] for row in ours) == pytest.approx(65 * 1.2)
    total = rows[-1]
    assert total[0] == "合计"
    assert total[5] == sum(row[5] for row in rows[1:-1])
    assert total[8] == pytest.approx(sum(row[8] for row in rows[1:-1]))
    desk.assert_no_errors()

    firm_desk.sign_in(people.firm, people.password)
    card = firm_desk.page.locator(f"article.order[data-order-id='{order_id}']")
    card.locator("summary").click()
    partly = card.locator("tr[data-entry-id]").nth(1)
    assert "线头外露" in partly.inner_text()
    check(firm_desk, "16-firm-orders", screen)
    with firm_desk.page.expect_navigation():
        partly.locator("a:has-text('确认或提异议')").click()
    check(firm_desk, "17-firm-review", screen)
    submit(firm_desk, "button:has-text('确认无误')")
    assert "已确认" in firm_desk.page.inner_text("main")
    card = firm_desk.page.locator(f"article.order[data-order-id='{order_id}']")
    card.locator("summary").click()
    assert "企业已确认" in card.locator("tr[data-entry-id]").nth(1).inner_text()
    firm_desk.assert_no_errors()

    desk.page.goto(order_url)
    assert "企业已确认" in desk.page.locator("tr[data-entry-id]").nth(1).inner_text()


def test_the_dashboard_names_its_scope_and_draws_readable_axes(desk, live_app, screen):
    desk.sign_in(live_app.people.staff, live_app.people.password)
    for chart in ("firms", "programs", "orders", "placements", "retention"):
        desk.page.wait_for_selector(f"#chart-{chart} svg text")
    assert "招聘中" in desk.page.inner_text("[data-tile=open]")
    assert "含已结束" in desk.page.inner_text("[data-tile=all-posts]")
    texts = desk.page.evaluate(
        """() => [...document.querySelectorAll('.chart svg text')].map(t => ({
            text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize)}))"""
    )
    words = {item["text"] for item in texts}
    titles = {"企业", "人数", "培训项目", "产品", "件数", "月份", "录用人数（人）", "仍在岗比例"}
    assert titles <= words
    small = [item for item in texts if item["text"].strip() and item["size"] < 14]
    assert small == [], small
    desk.shoot(f"desk-{screen}-00-dashboard")
    for chart in ("programs", "placements"):
        desk.page.locator(f"#chart-{chart}").screenshot(
            path=str(SCREENSHOTS / f"desk-{screen}-00-chart-{chart}.png")
        )
    desk.assert_fits_the_screen()
    desk.assert_no_errors()


def test_the_seed_knot_class_and_its_100000_knot_order_open_at_the_desk(desk, live_app, screen):
    desk.sign_in(live_app.people.staff, live_app.people.password)
    desk.open("/staff/cohorts/1")
    assert desk.page.locator("tr[data-resident-id]").count() >= 100
    check(desk, "21-seed-knot-cohort", screen)
    desk.open("/staff/cohorts/1/subsidy")
    assert "data-total" in desk.page.content()
    check(desk, "22-seed-knot-subsidy", screen)
    desk.open("/staff/orders/1")
    assert "100000 件" in desk.page.inner_text("h1")
    assert desk.page.locator("tr[data-entry-id]").count() >= 1
    check(desk, "23-seed-knot-order", screen)
    desk.assert_no_errors()
