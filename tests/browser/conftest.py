"""The pages in a real headless Chromium (Debian's), on a live server over a seeded SQLite file.

The app is served by werkzeug on a free loopback port in a thread; the database is made and
seeded once per session. Every page a test opens is checked for console and page errors, and a
screenshot of it is kept under test-artifacts/screenshots/ to be looked at.
"""

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from jobmatch.extensions import db
from tests.browser import journey_data
from tests.conftest import make_test_app

CHROMIUM = os.environ.get("JOBMATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's with "
            "`apt-get install chromium fonts-noto-cjk` (never `playwright install`)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_app(database_factory, tmp_path_factory):
    """An app on a seeded SQLite file, with the journeys' accounts, served on loopback."""
    app = make_test_app(database_factory("sqlite", "browser"), tmp_path_factory.mktemp("browser"))
    with app.app_context():
        db.create_all()
        journey_data.seed(app)
        people = journey_data.make_people()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveApp(app=app, url=f"http://127.0.0.1:{server.server_port}", people=people)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        pass  # a line per request would bury the test report


@dataclass
class LiveApp:
    app: object
    url: str
    people: "journey_data.People"


@dataclass
class Tab:
    """One phone-sized page, with every console error and uncaught exception it showed."""

    page: object
    url: str
    errors: list[str] = field(default_factory=list)

    def open(self, path: str):
        response = self.page.goto(self.url + path)
        return response

    def sign_in(self, username: str, password: str) -> None:
        self.open("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("form.card button[type=submit]")

    def shoot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def assert_no_errors(self) -> None:
        assert self.errors == [], f"console or page errors: {self.errors}"

    def assert_fits_the_screen(self) -> None:
        """Nothing wider than the phone: the page never scrolls sideways (tables scroll inside)."""
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        culprits = self.page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > width + 0.5)
                    .filter(el => !el.closest('.table-wrap'))
                    .slice(0, 5)
                    .map(el => `${el.tagName}.${el.className}: ${el.textContent.slice(0, 40)}`);
            }"""
        )
        assert overflow <= 0, f"the page is {overflow}px wider than the screen: {culprits}"


def open_tab(chromium, url: str) -> Tab:
    """A new phone-sized tab of its own (its own cookies), recording every error it shows."""
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(10_000)
    opened = Tab(page=page, url=url)
    page.on(
        "console",
        lambda message: (
            opened.errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: opened.errors.append(f"page: {error}"))
    return opened


@pytest.fixture
def tab(chromium, live_app):
    opened = open_tab(chromium, live_app.url)
    yield opened
    opened.page.context.close()


@pytest.fixture
def second_tab(chromium, live_app):
    """Another person's phone, beside ``tab``."""
    opened = open_tab(chromium, live_app.url)
    yield opened
    opened.page.context.close()
