"""Production: ``DJANGO_SETTINGS_MODULE=config.settings.prod``.

Required: DJANGO_SECRET_KEY. Expected: DJANGO_ALLOWED_HOSTS and
DJANGO_CSRF_TRUSTED_ORIGINS (comma-separated), DATABASE_URL. The app is
assumed to sit behind a proxy that terminates TLS and sets X-Forwarded-Proto.
``python manage.py check --deploy --fail-level WARNING`` passes with these
settings; the headers shared with development (X-Frame-Options,
Referrer-Policy, nosniff, COOP, HttpOnly cookies) are set in base.py.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env

# No default, ever: a missing key must stop the server, not weaken it.
# Read with os.environ so that a key starting with "$" is taken literally.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set the DJANGO_SECRET_KEY environment variable "
        "(production settings have no default key)."
    )

DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in env.list("DJANGO_ALLOWED_HOSTS", default=[])]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
]

# TLS ends at the proxy; trust its X-Forwarded-Proto only because the proxy
# must overwrite that header on every request it forwards.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Health checks often come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^api/health/$"]
# One year, subdomains included, eligible for the browsers' preload list.
# Lower DJANGO_SECURE_HSTS_SECONDS while trying out a new domain: browsers
# remember the header for as long as it says.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    **STORAGES,
    # Hashed, compressed file names that can be cached forever.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DATABASES = {
    "default": {
        **DATABASES["default"],
        # Reuse connections across requests; check them before reuse so a
        # restarted database server does not cause errors.
        "CONN_MAX_AGE": env.int("DJANGO_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    },
}

# E-mail (password resets) goes over SMTP: EMAIL_URL in django-environ's form,
# e.g. smtp+tls://user:password@smtp.example.com:587 (smtp+ssl:// for port
# 465). Unset: a mail server on this machine, Django's own default; never the
# console, which would print reset links into the log.
globals().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

# Log to stderr, where the process manager collects it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Scanners send wrong Host headers all day; each would log a
        # traceback. The 400 answers still show in the access log.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}
