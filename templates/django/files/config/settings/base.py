"""Settings shared by every environment.

Anything that differs between machines is read from the environment with
django-environ. A ``.env`` file in the working directory (or the file named
by DJANGO_ENV_FILE) is loaded first if it exists; variables already set in the
real environment win over it.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from csp.constants import NONE, SELF

from config.middleware import static_file_headers

# Lets Django's generic classes be subscripted at run time (ModelAdmin[Note],
# CreateView[User, SignupForm]) as the type annotations write them.
django_stubs_ext.monkeypatch()

# Code and the files that ship with it (templates, static) are found beside
# this package, in the checkout and in an installed wheel alike.
PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Data (the SQLite file, .env, collected static files) belongs to the place the
# project runs from: the working directory, or DJANGO_BASE_DIR. Never the
# package's folder, which is site-packages once the project is installed.
BASE_DIR = Path(os.environ.get("DJANGO_BASE_DIR") or Path.cwd()).resolve()

# django-environ publishes no types; pyright would infer wrong ones from its
# source (every default typed as the "no value" marker), so env is Any.
env: Any = environ.Env()
ENV_FILE = Path(os.environ.get("DJANGO_ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE)

# Shown in page titles and the admin header[% if .api_docs %], and in the API schema[% end %].
PROJECT = {
    "name": [% .project_name | pyString %],
    "description": [% .description | pyString %],
}

# Off unless a settings module turns it on: dev does, prod never does.
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "csp",
    "axes",
[%- if .api_docs %]
    "drf_spectacular",
    # Swagger UI's files, pinned and served from here instead of a CDN.
    "drf_spectacular_sidecar",
[%- end %]
    "users",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files for a logged-in browser are not cached (see the class).
    "config.middleware.PrivateStaticFilesMiddleware",
    # Right after SecurityMiddleware: static files skip the rest of the stack
    # but still get the HTTPS redirect and security headers.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.BrowserPolicyMiddleware",
    # Last, as django-axes asks: it answers for the views that refused a
    # locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates come first, so they override the ones that apps
        # (including the admin's registration/ pages) ship.
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.project",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite next to manage.py unless DATABASE_URL says otherwise, e.g.
# postgres://user:password@localhost:5432/[% .project_slug %]
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Set before the first migration: swapping the user model later is painful.
AUTH_USER_MODEL = "users.User"
# django-axes checks every authenticate() call that carries a request: the
# login form and the admin's login alike.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# No LOGOUT_REDIRECT_URL: logging out renders registration/logged_out.html.

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes). Failures are counted in the database, so
# every gunicorn worker and every restart sees the same count. After
# AXES_FAILURE_LIMIT failures for one username, or from one client address,
# further logins for it are answered 429 with Retry-After, right password or
# not, until AXES_COOLOFF_MINUTES have passed since the last failure.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Each entry is counted on its own: per account, and per client address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts during a lockout do not extend it, so Retry-After holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "users.throttle.lockout_response"
# The client address is REMOTE_ADDR. Behind a proxy that is the proxy's own
# address, which would lock out everyone at once: point AXES_CLIENT_IP_CALLABLE
# at a function that reads the header your proxy overwrites.

# Password-reset requests and sign-ups (users/throttle.py), counted in the
# database like the logins: every request counts once for the e-mail address
# it names and once for the client address (the one django-axes uses, see
# above). Past the limit within the window the next ones are answered 429
# with Retry-After, until the oldest counted request leaves the window.
# Each entry: (requests allowed, the window).
FORM_THROTTLES = {
    "password_reset": (
        env.int("PASSWORD_RESET_REQUEST_LIMIT", default=5),
        timedelta(minutes=env.int("PASSWORD_RESET_REQUEST_WINDOW_MINUTES", default=15)),
    ),
    "signup": (
        env.int("SIGNUP_LIMIT", default=5),
        timedelta(minutes=env.int("SIGNUP_WINDOW_MINUTES", default=15)),
    ),
}

# The sender of the e-mails; where they go is EMAIL_URL (dev.py, prod.py).
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# How long a password-reset link is valid, in seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Static files get the browser policy too (WhiteNoise answers them before
# the middleware that would add it).
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Response headers every environment sends (prod adds HSTS and the HTTPS
# redirect). Most equal Django's defaults; they are spelt out so that a
# change to them is a visible decision.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp) on every response: only this site's
# scripts, styles and images, no inline script or style (the templates hold
# none), no framing. Permissions-Policy and no-store for logged-in users come
# from config/middleware.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Nothing in the project reads the CSRF cookie from JavaScript: forms and the
# browsable API take the token from the page.
CSRF_COOKIE_HTTPONLY = True

REST_FRAMEWORK = {
    # Session auth serves the browser and the browsable API, and enforces CSRF
    # on writes by logged-in users. For scripts and mobile clients, add
    # "rest_framework.authtoken" to INSTALLED_APPS, run migrate, and append
    # "rest_framework.authentication.TokenAuthentication" here.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Counted in the default cache, which is per process: with several
    # gunicorn workers configure a shared cache (e.g. Redis) to make the
    # limits exact.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "60/minute",
        "user": "600/minute",
    },
[%- if .api_docs %]
    # drf-spectacular's, with the error responses of each operation.
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
[%- end %]
}
[%- if .api_docs %]

SPECTACULAR_SETTINGS = {
    "TITLE": PROJECT["name"],
    "DESCRIPTION": PROJECT["description"],
    "VERSION": "0.1.0",
    # The schema is served at its own URL; leave it out of itself.
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so that the request side
    # states what the API enforces on input (e.g. a title is not empty).
    "COMPONENT_SPLIT_REQUEST": True,
    # The API's contract is JSON. The form parsers stay on for the
    # browsable API's HTML forms, but are not offered to clients.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Swagger UI from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
[%- end %]
