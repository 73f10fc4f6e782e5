"""WSGI entry point inside the package: ``gunicorn myapp.wsgi:app``.

It works from an installed wheel; in the checkout, ``wsgi.py`` beside the
package re-exports it as ``wsgi:app``.
"""

from . import create_app

app = create_app()
