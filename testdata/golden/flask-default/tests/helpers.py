from __future__ import annotations

from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PASSWORD = "correct horse battery"


def login(
    client: FlaskClient, email: str, password: str = PASSWORD, **kwargs
) -> TestResponse:
    return client.post(
        "/auth/login", data={"email": email, "password": password}, **kwargs
    )


class _CsrfFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        value = fields.get("value")
        if tag == "input" and fields.get("name") == "csrf_token" and value:
            self.tokens.append(value)


def csrf_tokens(html: str) -> list[str]:
    """The values of every hidden ``csrf_token`` input on the page."""
    finder = _CsrfFinder()
    finder.feed(html)
    return finder.tokens
