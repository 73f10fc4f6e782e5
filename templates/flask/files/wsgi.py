"""WSGI entry point: ``gunicorn wsgi:app``; the ``flask`` command finds it too."""

from [% .project_slug %] import create_app

app = create_app()
