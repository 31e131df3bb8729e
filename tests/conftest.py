from __future__ import annotations

import os
import shutil
from pathlib import Path

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


@pytest.fixture
def path_spies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand-ins for the programs LibreOffice's signature support looks for on PATH (gpgconf,
    gpg, gpgsm), first on PATH: each records its name in the returned file if it is ever run."""
    spies = tmp_path / "path-spies"
    spies.mkdir()
    ran = tmp_path / "path-spies-ran"
    for name in ("gpgconf", "gpg", "gpgsm", "gpg2"):
        spy = spies / name
        spy.write_text(f'#!/bin/sh\necho "{name} $*" >> "{ran}"\nexit 1\n')
        spy.chmod(0o755)
    monkeypatch.setenv("PATH", f"{spies}{os.pathsep}{os.environ.get('PATH', '')}")
    return ran
