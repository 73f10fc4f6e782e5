"""WSGI entry point: ``gunicorn config.wsgi:application``.

It defaults to the production settings so that a server started without
DJANGO_SETTINGS_MODULE never runs with DEBUG or a development key.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()
