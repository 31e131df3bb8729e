"""Scratch folders of builds killed by SIGKILL are removed by the next build; nothing else is."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from packbuilder.scratch import clear_stale_scratch, scratch_prefix


def test_only_the_folders_of_dead_builds_go(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    gone = [
        tmp_path / f"packbuilder-{what}{dead}-x_y9z8w7"
        for what in ("", "lo-", "lo-home-", "check-", "pre-", "warm-", "warm-lo-")
    ]
    kept = [
        tmp_path / f"packbuilder-{os.getpid()}-abcd1234",  # a build that is running
        tmp_path / "packbuilder-2020-03-05",  # a user's folder that only looks similar
        tmp_path / f"packbuilder-{dead}-notours",
    ]
    for folder in gone + kept:
        folder.mkdir()
        (folder / "part.pdf").write_bytes(b"%PDF-")
    clear_stale_scratch()
    assert [f.name for f in gone if f.exists()] == []
    assert [f.exists() for f in kept] == [True, True, True]


def test_prefix_names_this_process():
    folder = tempfile.mkdtemp(prefix=scratch_prefix("lo"))
    try:
        assert f"-lo-{os.getpid()}-" in folder
    finally:
        os.rmdir(folder)
