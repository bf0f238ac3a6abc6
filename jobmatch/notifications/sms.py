"""Text messages through an SMS provider's HTTP API, behind the ordinary sender interface.

Off by default: codes are handed over on paper and notices stay in the in-app inbox. It is on
when ``JOBMATCH_NOTIFICATION_CHANNELS`` names ``sms`` and ``JOBMATCH_SMS_URL`` is set; only the
kinds given a template in ``JOBMATCH_SMS_TEMPLATES`` are texted, and only to users with a
mobile number on record (residents).

A message is queued on the database session and sent after the transaction commits, never
inside it: a move that is rolled back texts nobody, and a slow provider never holds a
transaction open. Sending happens on a background thread, retried with exponential back-off;
a failure is logged and loses nothing, since the in-app notice was committed beside it.

The provider receives ``POST {JOBMATCH_SMS_URL}`` with ``Authorization: Bearer {key}`` and the
JSON body ``{"to", "template_id", "params": {"text", "link"}}``; any 2xx answer is success.
"""

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from jobmatch.accounts.models import User
from jobmatch.extensions import db
from jobmatch.residents.models import Resident

log = logging.getLogger(__name__)
_OUTBOX = "jobmatch_sms_outbox"


@dataclass(frozen=True)
class Text:
    """One text ready to go: everything the delivery thread needs, without an app context."""

    url: str
    key: str
    to: str
    template_id: str
    text: str
    link: str | None
    attempts: int
    backoff: float
    timeout: float


class SmsSender:
    def send(self, message) -> None:
        config = current_app.config
        url = config.get("JOBMATCH_SMS_URL")
        template_id = (config.get("JOBMATCH_SMS_TEMPLATES") or {}).get(message.kind)
        if not url or template_id is None or message.user_id is None:
            return
        phone = db.session.scalar(
            select(Resident.phone)
            .join(User, User.resident_id == Resident.id)
            .where(User.id == message.user_id)
        )
        if not phone:
            return
        db.session.info.setdefault(_OUTBOX, []).append(
            Text(
                url=url,
                key=config.get("JOBMATCH_SMS_KEY") or "",
                to=phone,
                template_id=str(template_id),
                text=message.text,
                link=message.link,
                attempts=int(config["JOBMATCH_SMS_ATTEMPTS"]),
                backoff=float(config["JOBMATCH_SMS_BACKOFF_SECONDS"]),
                timeout=float(config["JOBMATCH_SMS_TIMEOUT_SECONDS"]),
            )
        )


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    texts = session.info.pop(_OUTBOX, None)
    if texts:
        threading.Thread(target=deliver_all, args=(texts,), daemon=True).start()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_OUTBOX, None)


def deliver_all(texts: list[Text]) -> None:
    for text in texts:
        deliver(text)


def deliver(text: Text) -> bool:
    """POST one text, retrying with back-off (backoff, 2 x backoff, ...); True once accepted."""
    body = json.dumps(
        {
            "to": text.to,
            "template_id": text.template_id,
            "params": {"text": text.text, "link": text.link},
        },
        ensure_ascii=False,
    ).encode()
    for attempt in range(text.attempts):
        request = urllib.request.Request(
            text.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {text.key}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=text.timeout) as answer:
                if 200 <= answer.status < 300:
                    return True
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            log.warning("SMS attempt %d of %d failed: %s", attempt + 1, text.attempts, error)
        if attempt + 1 < text.attempts:
            time.sleep(text.backoff * 2**attempt)
    # The in-app notice was committed beside the text: nothing is lost, only not texted.
    log.error("SMS to template %s not delivered after %d attempts", text.template_id, text.attempts)
    return False
