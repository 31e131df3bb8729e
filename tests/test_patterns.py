"""Regular expressions compiled once a machine (`packbuilder.patterns`).

What Python's compiler makes of a pattern is kept in the cache folder and handed to the matching
engine by later commands. These tests check that what is handed over is what Python compiles
(equal compiled patterns, equal matches), that a later process compiles nothing it was given,
that a damaged or foreign file is ignored, and that the command line keeps its patterns.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from packbuilder import patterns

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "2020-03-05-safer-plymouth"

# patterns of every kind the engine has: named groups, inline and given flags, lookbehind,
# backreferences, bytes, verbose, Unicode classes, possessive-free repetition, conditionals
SAMPLES: list[tuple[str | bytes, int]] = [
    (r"(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?", 0),
    (r"(?<!non-)(?<!not )\bexempt\b|\bpart\W*(?:ii|2|two)\b", re.I),
    (r"(?i)not\s+for\s+publication", 0),
    (r"(['\"])(.*?)\1", re.S),
    (rb"/(?:A|OpenAction|Next|PA)\s+(\d+)\s+(\d+)\s+R", 0),
    (
        r"""
        ^\s*(\d{1,2})   # hours
        (?:[:.](\d{2}))?  # minutes
        \s*(am|pm)?$
    """,
        re.X | re.I,
    ),
    (r"[\w\u00c0-\u017f]+|[£€$]\s?\d[\d,.]*", re.U),
    (r"(a)?(?(1)b|c)", 0),
    (r"^$", re.M),
    (r"x{2,5}?y*z+", 0),
]
SUBJECTS = [
    "2026-12-06",
    "Part II - exempt",
    "NOT FOR PUBLICATION",
    "'quoted' \"text\"",
    "  9.30 pm",
    "Millbay £2,315,000 Ægir",
    "ab c b",
    "",
    "xxxxyyz",
    "non-exempt item",
]


def _fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns, "_known", {})
    monkeypatch.setattr(patterns, "_learnt", {})
    monkeypatch.setattr(patterns, "_used", set())
    monkeypatch.setattr(patterns, "MIN_NEW", 1)


def test_what_is_handed_to_the_engine_is_what_python_compiles() -> None:
    compiler = patterns._compiler()
    assert compiler is not None, "this Python's compiler is not the one patterns knows"
    module, original, engine = compiler
    for p, flags in SAMPLES:
        made = patterns._made(module, p, flags)
        assert made is not None, p
        ours, theirs = patterns.handed(engine, p, made), original(p, flags)
        assert ours == theirs, p
        assert ours.groupindex == theirs.groupindex and ours.groups == theirs.groups, p
        for subject in SUBJECTS:
            text = subject.encode() if isinstance(p, bytes) else subject
            assert [m.groups() for m in ours.finditer(text)] == [
                m.groups() for m in theirs.finditer(text)
            ], (p, subject)


def test_a_pattern_compiled_once_is_handed_over_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_state(monkeypatch)
    module, original, _engine = patterns._compiler()  # type: ignore[misc]
    monkeypatch.setattr(module, "compile", original)  # (whatever an earlier test installed)
    assert patterns.keep(tmp_path)
    fresh = r"(?P<kept>kept once) \d+ " + os.urandom(4).hex()
    first = re.compile(fresh, re.I)
    assert (fresh, int(re.I)) in patterns._learnt
    patterns._write(patterns._path(tmp_path))
    assert not patterns._learnt

    # a later command: the same file read afresh
    monkeypatch.setattr(module, "compile", original)
    _fresh_state(monkeypatch)
    assert patterns.keep(tmp_path)
    re.purge()
    second = re.compile(fresh, re.I)
    assert (fresh, int(re.I)) in patterns._used, "it was compiled again"
    assert not patterns._learnt
    assert second == first == original(fresh, int(re.I))
    assert second.match("KEPT ONCE 42 " + fresh.rsplit(" ", 1)[1]).group("kept") == "KEPT ONCE"
    monkeypatch.setattr(module, "compile", original)
    re.purge()


def test_a_damaged_or_foreign_file_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = patterns._path(tmp_path)
    _fresh_state(monkeypatch)
    patterns._learnt[("abc", 0)] = patterns._made(patterns._compiler()[0], "abc", 0)  # type: ignore[index]
    patterns._write(path)
    assert patterns._read(path)
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01
    path.write_bytes(bytes(data))
    assert patterns._read(path) == {}
    path.write_bytes(b"short")
    assert patterns._read(path) == {}
    # another interpreter keeps its own file
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert patterns._path(tmp_path) != path


def test_the_file_keeps_what_is_used_once_it_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_state(monkeypatch)
    module = patterns._compiler()[0]  # type: ignore[index]
    path = patterns._path(tmp_path)
    monkeypatch.setattr(patterns, "MAX_PATTERNS", 5)
    for n in range(5):
        patterns._learnt[(f"old{n}", 0)] = patterns._made(module, f"old{n}", 0)  # type: ignore[assignment]
    patterns._write(path)
    patterns._used.add(("old1", 0))
    patterns._learnt[("new", 0)] = patterns._made(module, "new", 0)  # type: ignore[assignment]
    patterns._write(path)
    assert sorted(patterns._read(path)) == [("new", 0), ("old1", 0)]


def test_a_command_that_learnt_next_to_nothing_leaves_the_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_state(monkeypatch)
    monkeypatch.setattr(patterns, "MIN_NEW", 8)
    module = patterns._compiler()[0]  # type: ignore[index]
    path = patterns._path(tmp_path)
    for n in range(8):
        patterns._learnt[(f"first{n}", 0)] = patterns._made(module, f"first{n}", 0)  # type: ignore[assignment]
    patterns._write(path)  # a first command: nothing was kept, everything is new
    written = path.read_bytes()
    assert len(patterns._read(path)) == 8

    patterns._used.update(patterns._read(path))  # a later one found them all ...
    for n in range(3):  # ... and made three patterns of what changes from process to process
        patterns._learnt[(f"changing{n}", 0)] = patterns._made(module, f"changing{n}", 0)  # type: ignore[assignment]
    patterns._write(path)
    assert path.read_bytes() == written

    for n in range(3, 8):  # one that learnt as many as MIN_NEW writes them all
        patterns._learnt[(f"changing{n}", 0)] = patterns._made(module, f"changing{n}", 0)  # type: ignore[assignment]
    patterns._write(path)
    assert len(patterns._read(path)) == 16


def test_the_command_line_keeps_its_patterns(tmp_path: Path) -> None:
    env = dict(os.environ, PACKBUILDER_CACHE=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "packbuilder", "check", str(EXAMPLE)]
    first = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    (kept,) = (tmp_path / "cache" / patterns.FOLDER).rglob("*.patterns")
    table = patterns._read(kept)
    assert len(table) > 100, len(table)  # packbuilder's rules and its libraries'
    assert any("exempt" in str(p) for p, _ in table)

    script = (
        "import os, sys, runpy\n"
        "from packbuilder import patterns\n"
        "real = os._exit\n"
        "def leave(status):\n"
        "    print(len(patterns._used), len(patterns._learnt), file=sys.stderr)\n"
        "    real(status)\n"
        "os._exit = leave\n"
        "sys.argv = ['packbuilder', 'check', sys.argv[1]]\n"
        "runpy.run_module('packbuilder', run_name='__main__')\n"
    )
    second = subprocess.run(
        [sys.executable, "-c", script, str(EXAMPLE)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert second.returncode == 0, second.stderr
    used, learnt = map(int, second.stderr.split()[-2:])
    assert used > 100 and learnt <= 2, (used, learnt)  # (a pattern made of a set: its order)
    assert second.stdout == first.stdout
