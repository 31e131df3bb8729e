"""The web page's tests: Django's test client (pytest-django) and a real browser (test_browser).

Django is set up here, for this folder only, so the rest of the suite never imports it.
"""

from __future__ import annotations

import os

import pytest

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.web.settings"
django = pytest.importorskip("django", reason="the web extra is not installed (make venv)")
django.setup()


@pytest.fixture
def make_user(db):  # type: ignore[no-untyped-def]
    from packbuilder.web.models import User

    def make(username: str, role: str = "advisor", password: str = "a long pass phrase") -> User:
        return User.objects.create_user(username, password=password, role=role)

    return make


@pytest.fixture
def data(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test gets its own data folder."""
    settings.DATA = tmp_path / "data"
    settings.DATA.mkdir()
    return settings.DATA
