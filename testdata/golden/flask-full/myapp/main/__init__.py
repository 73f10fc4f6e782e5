"""Public pages, the dashboard and the health check."""

from .routes import bp

__all__ = ["bp"]
