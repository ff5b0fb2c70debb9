"""A real SMTP server on 127.0.0.1 (aiosmtpd), for tests of the mail the site sends.

The ``smtp_server`` fixture starts one for the test and points Django's SMTP backend at it;
each message it receives is kept, parsed, in ``smtp_server.messages``, in the order received.
"""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from .servers import free_port


class Mailbox:
    """What the server received: ``messages`` (email.message.EmailMessage) and their envelopes."""

    def __init__(self):
        self.messages = []
        self.envelopes = []
        self.refuse = set()  # addresses answered 550, as a server refuses an unknown mailbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 -- aiosmtpd's hook name
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address):
        """The messages sent to ``address``."""
        return [message for message in self.messages if address in message.get("To", "")]

    @staticmethod
    def text(message, subtype="plain"):
        """The text/plain (or text/html) part of ``message``."""
        part = message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


@pytest.fixture
def smtp_server(settings):
    """Start an SMTP server on a free loopback port for the test; Django sends its mail there."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    mailbox.port = port
    try:
        yield mailbox
    finally:
        controller.stop()
