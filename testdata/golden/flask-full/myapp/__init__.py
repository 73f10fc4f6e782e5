"""The application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app, redirect, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

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
    app.before_request(redirect_to_https)

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


# Everything the pages load comes from this site, and the templates hold no
# inline script or style, so nothing needs 'unsafe-inline'.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Browser features the app does not use, turned off for it and its frames.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def set_security_headers(response: Response) -> Response:
    # Cheap defaults that browsers honour: no MIME sniffing, no framing by
    # other sites (clickjacking), and no full URLs leaked to other origins.
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if current_user.is_authenticated:
        # Pages for a logged-in user must not stay in shared or back-button
        # caches after logout.
        headers["Cache-Control"] = "no-store"
    if current_app.config["FORCE_HTTPS"] and request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def redirect_to_https() -> BaseResponse | None:
    """Send plain-HTTP requests to HTTPS (production, behind the proxy).

    ``request.is_secure`` reads X-Forwarded-Proto through ProxyFix. The health
    check stays reachable over plain HTTP from inside the network.
    """
    if (
        not current_app.config["FORCE_HTTPS"]
        or request.is_secure
        or request.path == "/healthz"
    ):
        return None
    return redirect(request.url.replace("http://", "https://", 1), code=301)
