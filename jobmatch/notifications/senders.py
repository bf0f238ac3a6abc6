"""The one way a notice leaves a service: a Message handed to each configured sender.

The in-app sender is always there; an SMS sender (jobmatch/notifications/sms.py) is on when
``JOBMATCH_NOTIFICATION_CHANNELS`` names it and a provider is configured. Another channel
(WeChat) is a class with the same ``send`` method, registered in ``SENDERS`` and named in the
setting; it must deliver only after the caller's transaction commits (the SMS sender queues
its texts for ``after_commit``), so that a move that is rolled back never texts anyone.
"""

from dataclasses import dataclass
from typing import Protocol

from flask import current_app

from jobmatch.extensions import db
from jobmatch.notifications.models import Notification
from jobmatch.notifications.sms import SmsSender

DEFAULT_CHANNELS = ("in_app",)


@dataclass(frozen=True)
class Message:
    kind: str
    text: str
    link: str | None = None
    user_id: int | None = None
    recipient_role: str | None = None
    # False for what must not stay in an inbox (an activation code): only texted, if at all.
    inbox: bool = True


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class InAppSender:
    """Adds the notice to the inbox table inside the caller's transaction."""

    def send(self, message: Message) -> None:
        if not message.inbox:
            return
        db.session.add(
            Notification(
                user_id=message.user_id,
                recipient_role=message.recipient_role,
                kind=message.kind,
                text=message.text,
                link=message.link,
            )
        )


SENDERS: dict[str, type[Sender]] = {"in_app": InAppSender, "sms": SmsSender}


def configured_senders() -> list[Sender]:
    channels = current_app.config.get("JOBMATCH_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    return [SENDERS[channel]() for channel in channels]


def send(messages: list[Message]) -> None:
    senders = configured_senders()
    for message in messages:
        for sender in senders:
            sender.send(message)
