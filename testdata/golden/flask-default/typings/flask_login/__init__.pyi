from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask

_F = TypeVar("_F", bound=Callable[..., Any])
_L = TypeVar("_L", bound=Callable[[str], Any])

class UserMixin:
    __slots__ = ()
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> str: ...

class LoginManager:
    login_view: str | None
    login_message: str
    login_message_category: str
    def __init__(
        self, app: Flask | None = None, add_context_processor: bool = True
    ) -> None: ...
    def init_app(self, app: Flask, add_context_processor: bool = True) -> None: ...
    def user_loader(self, callback: _L) -> _L: ...

# A proxy to the logged-in user or to an anonymous one; which class it is
# depends on the request, so it stays Any.
current_user: Any

def login_required(func: _F) -> _F: ...
def login_user(
    user: UserMixin,
    remember: bool = False,
    duration: timedelta | None = None,
    force: bool = False,
    fresh: bool = True,
) -> bool: ...
def logout_user() -> bool: ...
