"""WSGI entry point: ``gunicorn wsgi:app``; the ``flask`` command finds it too."""

from myapp import create_app

app = create_app()
