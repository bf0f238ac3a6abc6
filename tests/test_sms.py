"""The SMS sender against a real local HTTP server that records what it receives: texts go
after the commit (never for a rolled-back change), are retried with back-off, and a provider
that stays down loses nothing from the in-app inbox."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.notifications.senders import Message, send
from tests.factories import auth_headers, make_application, make_quick_user, make_resident
from tests.test_applications import INVITATION


class Provider:
    """A stand-in SMS provider on loopback: records each request, answers the next status in
    ``answers`` (then 200)."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: list[int] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                provider.received.append(
                    {
                        "path": self.path,
                        "authorization": self.headers["Authorization"],
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                status = provider.answers.pop(0) if provider.answers else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def provider(app):
    running = Provider()
    app.config.update(
        JOBMATCH_NOTIFICATION_CHANNELS=("in_app", "sms"),
        JOBMATCH_SMS_URL=running.url,
        JOBMATCH_SMS_KEY="provider-key",
        JOBMATCH_SMS_TEMPLATES={"application_status": "TPL_STATUS", "account_code": "TPL_CODE"},
        JOBMATCH_SMS_ATTEMPTS=3,
        JOBMATCH_SMS_BACKOFF_SECONDS=0.05,
        JOBMATCH_SMS_TIMEOUT_SECONDS=2.0,
    )
    yield running
    running.close()


def test_a_status_change_is_texted_after_the_commit(client, provider):
    application = make_application(status="applied")
    resident_user = make_quick_user("resident", resident_id=application.resident_id)
    staff = make_quick_user("staff")
    body = {**INVITATION}
    response = client.patch(
        f"/api/applications/{application.id}", json=body, headers=auth_headers(staff)
    )
    assert response.status_code == 200
    [text] = provider.wait_for(1)
    assert text["path"] == "/sms/send" and text["authorization"] == "Bearer provider-key"
    assert text["body"]["template_id"] == "TPL_STATUS"
    assert "园区3号厂房" in text["body"]["params"]["text"]
    notices = db.session.scalars(
        select(Notification).where(Notification.user_id == resident_user.id)
    )
    assert [n.kind for n in notices] == ["application_status"]


def test_the_text_goes_to_the_residents_mobile(client, provider):
    resident = make_resident(phone="13987654321")
    user = make_quick_user("resident", resident_id=resident.id)
    send([Message("application_status", "测试通知", user_id=user.id)])
    db.session.commit()
    [text] = provider.wait_for(1)
    assert text["body"]["to"] == "13987654321"


def test_a_rolled_back_change_texts_nobody(app, provider):
    user = make_quick_user("resident")
    send([Message("application_status", "不会发出", user_id=user.id)])
    db.session.rollback()
    send([Message("application_status", "会发出", user_id=user.id)])
    db.session.commit()
    received = provider.wait_for(1)
    time.sleep(0.2)  # anything wrongly queued would have arrived by now
    assert [r["body"]["params"]["text"] for r in received] == ["会发出"]


def test_kinds_without_a_template_and_users_without_a_mobile_are_not_texted(app, provider):
    resident_user = make_quick_user("resident")
    firm_user = make_quick_user("firm")
    send(
        [
            Message("application_new", "无模板", user_id=resident_user.id),
            Message("application_status", "企业用户没有手机号", user_id=firm_user.id),
            Message("application_status", "发给居民", user_id=resident_user.id),
        ]
    )
    db.session.commit()
    received = provider.wait_for(1)
    time.sleep(0.2)
    assert [r["body"]["params"]["text"] for r in received] == ["发给居民"]


def test_a_failing_provider_is_retried_with_back_off(app, provider):
    provider.answers = [500, 503]
    user = make_quick_user("resident")
    send([Message("application_status", "重试", user_id=user.id)])
    started = time.monotonic()
    db.session.commit()
    received = provider.wait_for(3)
    assert len(received) == 3 and time.monotonic() - started >= 0.05 + 0.1
    assert {r["body"]["params"]["text"] for r in received} == {"重试"}


def test_a_provider_that_stays_down_loses_no_notice(app, provider):
    provider.answers = [500, 500, 500]
    user = make_quick_user("resident")
    send([Message("application_status", "收件箱里还在", user_id=user.id)])
    db.session.commit()
    assert len(provider.wait_for(3)) == 3
    time.sleep(0.2)
    assert len(provider.received) == 3  # gave up after the configured attempts
    kept = db.session.scalars(select(Notification.text).where(Notification.user_id == user.id))
    assert list(kept) == ["收件箱里还在"]


def test_an_activation_code_is_texted_but_never_kept_in_the_inbox(client, provider):
    resident = make_resident()
    issued = client.post(
        f"/api/residents/{resident.id}/login", headers=auth_headers(make_quick_user("staff"))
    ).json
    [text] = provider.wait_for(1)
    assert text["body"]["template_id"] == "TPL_CODE"
    assert issued["code"] in text["body"]["params"]["text"]
    assert (
        db.session.scalar(select(Notification.id).where(Notification.user_id == issued["user_id"]))
        is None
    )


def test_sms_is_off_by_default(app):
    assert app.config["JOBMATCH_NOTIFICATION_CHANNELS"] == ("in_app",)
    assert app.config["JOBMATCH_SMS_URL"] is None
