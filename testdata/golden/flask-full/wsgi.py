"""WSGI entry point: ``gunicorn wsgi:app``; the ``flask`` command finds it too.

The app itself lives in ``myapp.wsgi``, which an installed wheel
ships; this file keeps the short name working in the checkout.
"""

from myapp.wsgi import app

__all__ = ["app"]
