"""A fake converter for fast tests of the stages around LibreOffice (never the only test of a path:
the end-to-end tests run the real one)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from packbuilder.convert import ConversionStats, Converter
from packbuilder.errors import Source
from tests.factory import write_pdf


class FakeConverter(Converter):
    """A one-page PDF per document, recording every batch it was asked to convert."""

    def __init__(self) -> None:
        self.calls: list[list[Path]] = []
        self.closed = False

    def version(self) -> str:
        return "fake-1"

    def stats(self) -> ConversionStats:
        return ConversionStats(converted=sum(len(c) for c in self.calls))

    def close(self) -> None:
        self.closed = True

    def convert(
        self, documents: Sequence[Path], outdir: Path, *, sources: Sequence[Source] | None = None
    ) -> list[Path]:
        self.calls.append(list(documents))
        outdir.mkdir(parents=True, exist_ok=True)
        return [
            write_pdf(outdir / f"{i:04d}.pdf", 1, label=f"converted {d.stem}")
            for i, d in enumerate(documents)
        ]
