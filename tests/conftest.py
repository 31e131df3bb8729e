from __future__ import annotations

import os
import shutil

import pytest

from packbuilder.convert import LibreOffice
from packbuilder.settings import settings


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Session-wide converters (the `libreoffice` fixture) read the settings once: point them at
    the session's own cache, never the user's, before anything reads them."""
    os.environ["PACKBUILDER_CACHE"] = str(tmp_path_factory.getbasetemp() / "cache")
    settings.cache_clear()
    yield


@pytest.fixture(scope="session")
def libreoffice() -> LibreOffice:
    """The real converter; end-to-end tests must run it, so a missing LibreOffice fails loudly."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is not installed: run `make setup`")
    return LibreOffice()


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):  # type: ignore[no-untyped-def]
    # every test session has its own conversion cache, never the user's
    monkeypatch.setenv("PACKBUILDER_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
    settings.cache_clear()  # read again, with this test's environment
    yield
    settings.cache_clear()
