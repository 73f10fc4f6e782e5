"""Local development: the default of manage.py."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Generated for this project like startproject does; usable only here, since
# production settings refuse to start without their own key. Read with
# os.environ rather than env so that a key starting with "$" is not taken for
# a reference to another variable.
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY",
    [% printf "django-insecure-%s" (secretKey 50) | pyString %],
)

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# E-mail (password resets) is written to the console unless EMAIL_URL says
# otherwise, in django-environ's form: smtp+tls://user:password@host:587.
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
