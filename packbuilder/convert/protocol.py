"""The converter interface: the one seam between the build and whatever turns Word into PDF.

The rest of packbuilder sees only `Converter`. A pack could be converted by a remote service
tomorrow, and tests can run the build's stages with a converter of their own, without touching
the other stages. A converter implements `convert`, `version`, `stats` and
`close`; subclassing `Converter` (a Protocol may be subclassed) adds ``with`` support for free.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from packbuilder.errors import Source


@dataclass(frozen=True)
class ConversionStats:
    """What a converter did since it was made."""

    converted: int = 0  # documents LibreOffice actually converted
    cached: int = 0  # documents served from the cache


class Converter(Protocol):
    """Turns Word documents into PDFs."""

    def convert(
        self,
        documents: Sequence[Path],
        outdir: Path,
        *,
        sources: Sequence[Source] | None = None,
    ) -> list[Path]:
        """Convert each document; return the PDFs, in the same order, inside `outdir`.

        `sources[i]`, when given, is what an error about `documents[i]` names: the user's file
        (for a data paper the workbook, not the Word file rendered from it in a scratch folder).

        Raises:
            ConversionError: naming the document (its source) that could not be converted, or
                the disk when a scratch disk is full.
        """
        ...

    def version(self) -> str:
        """Changes whenever the output could change (the cache key includes it)."""
        ...

    def stats(self) -> ConversionStats:
        """Documents converted and served from a cache since this converter was made."""
        ...

    def close(self) -> None:
        """Stop anything the converter keeps running (a prestarted LibreOffice); idempotent."""
        ...

    def abort(self) -> bool:
        """Stop the conversions running now, so that their batches fail at once (a build that
        failed elsewhere does not wait for them); True if it can, else nothing happens."""
        return False

    def share_machine(self, busy: bool) -> None:
        """While the caller is `busy` with work of its own (a build checking its PDF papers while
        its Word papers are converted), a converter that runs processes side by side runs one
        fewer: on two cores a second LibreOffice then only competes with the caller, for no
        gain in time and the memory of a whole LibreOffice. Others ignore it."""
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def abort_conversions(converter: Converter) -> bool:
    """Stop the conversions `converter` is running now (their batches fail); whether it could.
    A converter without `abort` (or whose `abort` says False) is left to finish."""
    method = getattr(converter, "abort", None)
    return bool(method()) if callable(method) else False


def share_machine(converter: Converter, busy: bool) -> None:
    """`Converter.share_machine`, for any converter: one written without subclassing `Converter`
    (it is a protocol) may not have it, and then there is nothing to tell."""
    method = getattr(converter, "share_machine", None)
    if callable(method):
        method(busy)


# Who to tell, in this thread (and the converter's own threads), that a batch has been handed over
_ON_HANDOVER: ContextVar[Callable[[], None] | None] = ContextVar("on_handover", default=None)


@contextlib.contextmanager
def on_handover(callback: Callable[[], None]) -> Iterator[None]:
    """Within this block, a converter called from this thread calls `callback` once its
    documents are in the hands of the program that converts them (`handed_over`): what is
    left of the batch until its results come back is that program's work, not Python's.

    A build's Word papers go to LibreOffice from a thread while the build checks its PDF
    papers, and those checks hold the interpreter in qpdf for up to a third of a second at a
    time: each step of the thread's way to LibreOffice (copies, keys, each a few milliseconds)
    waited for one of them, and LibreOffice started a second late. The build pauses those checks
    during the thread's last steps, until it is told (`papers.Prefetch.wait_for_handover`)."""
    token = _ON_HANDOVER.set(callback)
    try:
        yield
    finally:
        _ON_HANDOVER.reset(token)


def handed_over() -> None:
    """Said by a converter when its batch is in its program's hands (`on_handover`): a
    LibreOffice started on the documents, a request sent. A converter that never says it is
    only waited for a little longer (at most `papers.HANDOVER_WAIT` seconds)."""
    callback = _ON_HANDOVER.get()
    if callback is not None:
        callback()


# Whom to tell, in this thread (and the converter's own threads), that a document's PDF is ready
_ON_READY: ContextVar[Callable[[int, Path], None] | None] = ContextVar("on_ready", default=None)


@contextlib.contextmanager
def on_ready(callback: Callable[[int, Path], None]) -> Iterator[None]:
    """Within this block, a converter called from this thread may call ``callback(i, pdf)`` as
    soon as the `i`th document of its batch is converted, before the rest of the batch is:
    `pdf` is its conversion, whole and repaired as every result is, not written again, and
    there until the batch's results are (what `convert` returns for it, or, where a cache kept
    another writer's conversion of the same document first, that one). The callback must not
    raise. A converter that never says it is waited for as before: its returned list is the
    whole answer.

    A rebuild's two frontsheets are converted one after the other: the public pack is finished
    while LibreOffice converts the private pack's frontsheet (`build._assemble`)."""
    token = _ON_READY.set(callback)
    try:
        yield
    finally:
        _ON_READY.reset(token)


def listener() -> Callable[[int, Path], None] | None:
    """Who is listening for documents as they are ready (`on_ready`) in this thread; None when
    no one is, and a converter then need not hand any over early."""
    return _ON_READY.get()


def converted_before(
    converter: Converter, documents: Sequence[Path], sources: Sequence[Source] | None = None
) -> bool:
    """Whether `converter` holds a conversion of every one of `documents` (of the papers
    `sources` name) already (a cache that does: `CachingConverter.holds`); False for any
    other, or when it cannot tell."""
    method = getattr(converter, "holds", None)
    try:
        return bool(method(documents, sources)) if callable(method) else False
    except Exception:  # noqa: BLE001 - a document that cannot be read: the conversion says so
        return False


def source_of(document: Path, sources: Sequence[Source] | None, index: int) -> Source:
    """What an error about `document`, the `index`th of a batch, names."""
    return sources[index] if sources is not None else Source(document)


def check_sources(documents: Sequence[Path], sources: Sequence[Source] | None) -> None:
    if sources is not None and len(sources) != len(documents):
        raise ValueError(f"{len(sources)} sources for {len(documents)} documents")
