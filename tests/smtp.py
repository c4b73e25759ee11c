"""A real SMTP server on loopback for tests: it keeps every message it receives."""

import email
import email.policy
import re
import socket
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Collector:
    """aiosmtpd handler that stores received messages."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    """Return a TCP port on loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """Run aiosmtpd in a thread; read what the portal sent through `messages`."""

    host = "127.0.0.1"

    def __init__(self):
        self.port = free_port()
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname=self.host, port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self._collector.messages

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """Wait until at least `count` messages arrived and return them all."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages sent to `address`."""
        return [m for m in self.messages if address in m["To"]]


def text_body(message: EmailMessage) -> str:
    """Return the plain-text part of a message."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_body(message: EmailMessage) -> str:
    """Return the HTML part of a message."""
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage) -> str:
    """Return the first portal link of the plain-text part, as a path for the test client."""
    match = re.search(r"https?://[^/\s]+(/\S+)", text_body(message))
    assert match, "no link in the message"
    return match.group(1)
