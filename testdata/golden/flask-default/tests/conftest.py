from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import stamp

from myapp import create_app
from myapp.extensions import db
from myapp.models import User

from .helpers import PASSWORD


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app("testing")
    with app.app_context():
        db.create_all()
        # Mark the schema as migrated, as `flask db upgrade` would, so that
        # the health check sees no pending migration.
        stamp()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        # Close the in-memory database now rather than leave it to the collector.
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def user(app: Flask) -> User:
    with app.app_context():
        user = User(email="ada@example.com")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    return user
