"""Settings for pytest (see [tool.pytest.ini_options] in pyproject.toml).

The database is SQLite unless DATABASE_URL is set, as in base; CI sets it
to run the same tests on PostgreSQL.
"""

import os

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-tests-only")
DEBUG = False

# Hashing strength is not what these tests are about; the fast hasher keeps
# the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Many requests from one client in a few seconds must not be throttled.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "10000/minute"},
}

# Tests run without collectstatic: WhiteNoise serves the files from where
# they are, as in production, looking them up per request (which also avoids
# its warning about the missing STATIC_ROOT).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
