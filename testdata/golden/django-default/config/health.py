"""What the health checks report about the database."""

from functools import cache

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@cache
def expected_migrations() -> frozenset[tuple[str, str]]:
    """The newest migration of each app, as the code ships them."""
    return frozenset(
        MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    )


def database_problem() -> str | None:
    """None when the database answers and has every migration; else what is wrong."""
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError:
        return "unavailable"
    if expected_migrations() - applied:
        return "migrations pending"
    return None
