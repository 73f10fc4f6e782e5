"""Sending e-mail through the backend that ``EMAIL_URL`` names.

``smtp://user:password@host:port`` (``smtp+tls://`` for STARTTLS,
``smtp+ssl://`` for TLS from the start) sends through that server;
``consolemail://`` writes each message to standard output, the default in
development; ``memory://`` keeps them in ``app.extensions["outbox"]``, for
the tests. Production's default is ``smtp://localhost:25``, never the console,
which would print password-reset links into the log.
"""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from urllib.parse import SplitResult, unquote, urlsplit

from flask import current_app

SCHEMES = ("smtp", "smtp+tls", "smtp+ssl", "consolemail", "memory")


def check_url(url: str) -> None:
    """Refuse an ``EMAIL_URL`` that ``send`` could not use, at start-up."""
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        allowed = ", ".join(f"{s}://" for s in SCHEMES)
        raise RuntimeError(f"EMAIL_URL has scheme {scheme!r}; use one of {allowed}.")


def send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)

    url = urlsplit(config["EMAIL_URL"])
    if url.scheme == "memory":
        current_app.extensions.setdefault("outbox", []).append(message)
    elif url.scheme == "consolemail":
        # Headers and body as written, without the transfer encoding that
        # would fold long links.
        headers = "".join(f"{name}: {value}\n" for name, value in message.items())
        sys.stdout.write(f"{headers}\n{body}\n{'-' * 72}\n")
        sys.stdout.flush()
    else:
        try:
            _send_smtp(url, message)
        except (OSError, smtplib.SMTPException):
            # The answer to the visitor must not depend on the mail server
            # (nor tell whether a message was due); the log says what failed.
            current_app.logger.exception("Could not send e-mail to %s", to)


def _send_smtp(url: SplitResult, message: EmailMessage) -> None:
    host = url.hostname or "localhost"
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtp+ssl" else smtplib.SMTP
    with smtp_class(host, url.port or 0, timeout=10) as smtp:
        if url.scheme == "smtp+tls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)
