"""The site's own stylesheet as the server serves it while it is rebuilt (`make assets`)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from django.test import Client

OWN = Path(__file__).parents[2] / "packbuilder" / "web" / "static" / "web"


@pytest.fixture
def sheet():  # type: ignore[no-untyped-def]
    """A stylesheet of the site's own, made for the test and removed after it."""
    path = OWN / f"test-{uuid.uuid4().hex}.css"
    OWN.mkdir(parents=True, exist_ok=True)
    path.write_text("a{color:red}")
    yield path
    path.unlink(missing_ok=True)


def _read(client: Client, url: str) -> tuple[bytes, str]:
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    response.close()
    return body, response.headers["Content-Length"]


def test_a_stylesheet_rebuilt_while_the_server_runs_is_served_whole(sheet, db):  # type: ignore[no-untyped-def]
    """WhiteNoise reads each file's size when the server starts: app.css rebuilt meanwhile
    (`make assets` in another terminal) was served with its old length, so cut short (the
    page unstyled below it) or refused half way. The site's own files are looked at afresh."""
    client = Client()  # (one client: one WhiteNoise, as one server has; `db`: its signals)
    url = f"/static/web/{sheet.name}"
    assert _read(client, url) == (b"a{color:red}", "12")
    longer = "a{color:red}" + "b{color:blue}" * 100
    tmp = sheet.with_suffix(".part")
    tmp.write_text(longer)
    os.replace(tmp, sheet)  # (as the Makefile writes it)
    body, length = _read(client, url)
    assert body == longer.encode() and length == str(len(longer))


def test_the_makefile_writes_the_stylesheet_aside_then_renames_it() -> None:
    """sass writes its output in place: a request while it writes got half a stylesheet (and
    a browser keeps it for a minute). The Makefile's rule writes it aside and renames it."""
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    rule = makefile.split("$(CSS): ", 1)[1].split("\n\n", 1)[0]
    assert "$@.part" in rule and "mv -f $@.part $@" in rule
