"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1 at a free port, collecting
what it receives; the app under test sends to it."""

import socket
import threading
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


class Collector:
    """aiosmtpd handler: keeps every accepted message (parsed), or refuses with 451 while
    ``refusing`` is set, as a server in trouble would."""

    def __init__(self):
        self.received = []
        self.refusing = False
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Try again later"
        with self.lock:
            self.received.append({"rcpt": list(envelope.rcpt_tos),
                                  "message": message_from_bytes(envelope.original_content,
                                                                policy=default)})
        return "250 OK"

    def to(self, address: str) -> list:
        return [r["message"] for r in self.received if address in r["rcpt"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    collector.port = controller.port
    yield collector
    controller.stop()


@pytest.fixture
def app_config(smtp):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port,
            "MAIL_DEFAULT_SENDER": "碳惠吉林 <no-reply@registry.test>"}


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
