"""WSGI entry point: ``gunicorn wsgi:app``; the ``flask`` command finds it too.

The app itself lives in ``[% .project_slug %].wsgi``, which an installed wheel
ships; this file keeps the short name working in the checkout.
"""

from [% .project_slug %].wsgi import app

__all__ = ["app"]
