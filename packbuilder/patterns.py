"""Regular expressions compiled once a machine, not once a command.

A command compiles some 270 regular expressions as packbuilder and its libraries are imported
and a meeting is read (the exemption rules alone take 20 ms; all of them 0.08-0.1 s of every
command, a tenth of a one-cell rebuild), and Python keeps what it compiles for the process
alone. The command line calls `keep` first thing: from then on, what Python's compiler makes of
a pattern (the matching engine's program, its flags and its groups) is kept in the cache folder,
under ``patterns/``, by the interpreter that made it (its exact version and build, and the
engine's magic number), and a later command hands it to the engine (``_sre.compile``) as
Python's compiler would, without compiling again.

A pattern is kept only once it has been compiled both ways, Python's and this module's, and the
two compared equal (Python compares compiled patterns by their flags and programs). This module
knows Python's compiler as CPython 3.11 to 3.13 have it; anything else (another interpreter, a
compiler it does not recognise) leaves every pattern to Python. The file is trusted as the cache
folder's other entries are (compiled templates, converted papers): an entry whose bytes do not
match the digest it was written with is ignored, as if never written.
"""

from __future__ import annotations

import array
import atexit
import contextlib
import hashlib
import importlib
import marshal
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packbuilder.digests import seal, unsealed

FOLDER = "patterns"  # in the cache folder (swept as its small entries are: `cache.SMALL_ENTRIES`)
MAX_PATTERNS = 1000  # kept at most; past it, only this command's are kept
# a command that found all but fewer than this many of its patterns kept leaves the file as it is:
# openpyxl makes one pattern of a set, whose order changes with every process, and the file (0.3
# MB) would otherwise be read and written again at the end of every command, and grow by one
# pattern each time
MIN_NEW = 8
_CODE_WORD = "I"  # the engine's code word (``_sre.CODESIZE`` bytes: 4), part of the file's key

# (pattern, flags) -> what `_sre.compile` is given after the pattern, its program as the bytes of
# an array of the engine's code words (read back into a list only for a pattern compiled)
Compiled = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]
_known: dict[tuple[str | bytes, int], Compiled] = {}
_learnt: dict[tuple[str | bytes, int], Compiled] = {}
_used: set[tuple[str | bytes, int]] = set()
_LOCK = threading.Lock()


def keep(cache_dir: Path) -> bool:
    """Compile this process's regular expressions from those kept in `cache_dir`, and keep
    those it compiles anew when it exits. Returns whether it could (see the module)."""
    compiler = _compiler()
    if compiler is None:
        return False
    module, original, engine = compiler
    if getattr(original, "keeps_patterns", False):
        return True
    path = _path(cache_dir)
    _known.update(_read(path))

    def compile(p: Any, flags: int = 0) -> Any:  # noqa: A001 - (Python's own name for it)
        if not isinstance(p, str | bytes) or flags & re.DEBUG:
            return original(p, flags)
        key = (p, int(flags))
        known = _known.get(key)
        if known is not None:
            _used.add(key)
            return handed(engine, p, known)
        made = _made(module, p, flags)
        theirs = original(p, flags)
        if made is not None and handed(engine, p, made) == theirs:
            _learnt[key] = made
        return theirs

    compile.keeps_patterns = True  # type: ignore[attr-defined]
    module.compile = compile
    atexit.register(_write, path)
    return True


def _compiler() -> tuple[Any, Callable[..., Any], Any] | None:
    """Python's pattern compiler (``re._compiler``), its `compile`, and the engine, when they
    are the ones this module knows."""
    if sys.implementation.name != "cpython" or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return None
    try:
        import _sre  # noqa: PLC0415

        _compiler = importlib.import_module("re._compiler")
        _parser = importlib.import_module("re._parser")
    except ImportError:
        return None
    needed = (getattr(_compiler, "compile", None), getattr(_compiler, "_code", None))
    if not all(callable(f) for f in needed) or not callable(getattr(_parser, "parse", None)):
        return None
    if array.array(_CODE_WORD).itemsize != getattr(_sre, "CODESIZE", None):
        return None
    return _compiler, _compiler.compile, _sre


def _made(module: Any, p: str | bytes, flags: int) -> Compiled | None:
    """What Python's compiler gives the engine for `p` (``re._compiler.compile``, step by
    step); None if it cannot be followed."""
    try:
        parsed = importlib.import_module("re._parser").parse(p, flags)
        code = module._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        return (
            int(flags | parsed.state.flags),
            array.array(_CODE_WORD, code).tobytes(),
            int(parsed.state.groups - 1),
            {str(k): int(v) for k, v in groupindex.items()},
            tuple(indexgroup),
        )
    except Exception:  # noqa: BLE001 - Python compiles it as usual, and raises what it raises
        return None


def handed(engine: Any, p: str | bytes, compiled: Compiled) -> re.Pattern[Any]:
    """`p` compiled by the engine from what Python's compiler made of it (`_made`)."""
    flags, code, groups, groupindex, indexgroup = compiled
    program = array.array(_CODE_WORD, code).tolist()
    return engine.compile(p, flags, program, groups, groupindex, indexgroup)  # type: ignore[no-any-return]


def _path(cache_dir: Path) -> Path:
    import _sre  # noqa: PLC0415

    which = f"{sys.version}|{sys.implementation.cache_tag}|{_sre.MAGIC}|{_sre.CODESIZE}"
    key = hashlib.sha256(which.encode()).hexdigest()
    return cache_dir / FOLDER / key[:2] / f"{key[2:]}.patterns"


def _read(path: Path) -> dict[tuple[str | bytes, int], Compiled]:
    data = unsealed(path)
    if data is None:
        return {}
    try:
        table = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return {}
    return table if isinstance(table, dict) else {}


def _write(path: Path) -> None:
    """Keep what this process learnt, with what was kept before (read again: another command
    may have written meanwhile)."""
    with _LOCK:
        if not _learnt or (len(_learnt) < MIN_NEW and _used):
            return
        table = {**_read(path), **_learnt}
        if len(table) > MAX_PATTERNS:  # (patterns made of what changes: a set's order, a name)
            table = {k: v for k, v in table.items() if k in _used or k in _learnt}
        with contextlib.suppress(ValueError):
            seal(path, marshal.dumps(table))
        _learnt.clear()
