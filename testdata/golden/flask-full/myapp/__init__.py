"""The application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from .api import bp as api_bp
from .auth import bp as auth_bp
from .config import configure, environment, instance_path
from .extensions import csrf, db, login_manager, migrate
from .main import bp as main_bp

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config_name: str | None = None) -> Flask:
    """Build the application for ``config_name``, or for ``$APP_ENV`` if omitted.

    Everything that depends on the environment is read here rather than at
    import time, so tests and tools can build differently configured apps in
    one process.
    """
    env = environment()
    # The instance folder holds data (the SQLite file, the development key),
    # so it follows the working directory: Flask's default would put it under
    # sys.prefix once the package is installed from a wheel.
    app = Flask(__name__, instance_path=instance_path(env))
    configure(app, config_name, env)

    db.init_app(app)
    # The revisions ship inside the package, so `flask db upgrade` works from
    # an installed wheel as well as from the checkout. Flask-Migrate renders
    # batch operations by default, which SQLite needs for any ALTER beyond
    # adding a column.
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    login_manager.init_app(app)
    csrf.init_app(app)

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(api_bp)

    app.after_request(set_security_headers)

    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        # Trust exactly as many X-Forwarded-* hops as there are proxies in
        # front of the app; trusting more would let clients spoof their address.
        # Flask documents this wrapping; type checkers object to assigning to
        # a method, which wsgi_app is declared as.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )

    return app


def set_security_headers(response: Response) -> Response:
    # Cheap defaults that browsers honour: no MIME sniffing, no framing by
    # other sites (clickjacking), and no full URLs leaked to other origins.
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response
