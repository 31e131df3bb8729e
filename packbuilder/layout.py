"""Where every page of a pack goes: odd-page starts, fillers, and the agenda's page references.

A pack is printed double-sided. Each agenda item's papers start on a right-hand page, which in a
pack numbered from 1 is an odd page. When an item ends on an odd page, the next item would start on
a left-hand page, so a filler page reading "This page is intentionally left blank" is inserted after
it.

Fillers are real pages of the pack: they carry a "Page N" stamp like every other page, and the
agenda's "(Pages X - Y)" references count them. By default an item's range runs from its first page
to the page before the next item starts, so it includes the item's trailing filler, as modern.gov
packs do ("Pages 1 - 4", "Pages 5 - 12", "Pages 13 - 22": no page is left out of every range). Some
boards write only the pages of the papers ("Pages 1 - 5" then "Pages 7 - 12", page 6 being the
filler): `PlacedItem.reference` writes either convention. The last item never gets a trailing
filler.

The frontsheet is not numbered and is not part of this arithmetic: page references depend only on
the page counts of the papers, so the layout is computed first and the frontsheet rendered from it.
That is what makes the references right by construction, however long the frontsheet turns out to
be.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PlacedDocument:
    first: int  # pack page number of its first page
    pages: int

    @property
    def last(self) -> int:
        return self.first + self.pages - 1


@dataclass(frozen=True)
class PlacedItem:
    key: Hashable
    documents: tuple[PlacedDocument, ...]
    filler_after: bool

    @property
    def first(self) -> int:
        return self.documents[0].first

    @property
    def last(self) -> int:
        """The last page of the item's range, its trailing filler included."""
        return self.documents[-1].last + (1 if self.filler_after else 0)

    @property
    def papers_last(self) -> int:
        """The last page of the item's papers, its trailing filler left out."""
        return self.documents[-1].last

    @property
    def pages_ref(self) -> str:
        return self.reference()

    def reference(self, with_filler: bool = True) -> str:
        """'(Pages 5 - 12)', or '(Page 5)' for one page; `with_filler` False leaves a trailing
        filler out of the range."""
        last = self.last if with_filler else self.papers_last
        return f"(Pages {self.first} - {last})" if last != self.first else f"(Page {self.first})"


@dataclass(frozen=True)
class Layout:
    items: tuple[PlacedItem, ...]

    @property
    def total(self) -> int:
        """Numbered pages in the pack (the frontsheet excluded)."""
        return self.items[-1].last if self.items else 0

    def item(self, key: Hashable) -> PlacedItem | None:
        for placed in self.items:
            if placed.key == key:
                return placed
        return None

    def filler_pages(self) -> list[int]:
        return [p.last for p in self.items if p.filler_after]


def lay_out(items: Sequence[tuple[Hashable, Sequence[int]]]) -> Layout:
    """Place items (each a key and the page counts of its documents, in order) from Page 1.

    Raises:
        ValueError: an item without documents, or a document without pages (the caller checks inputs
            so that users never see this).
    """
    placed: list[PlacedItem] = []
    page = 1
    for index, (key, counts) in enumerate(items):
        if not counts or any(c < 1 for c in counts):
            raise ValueError(
                f"item {key!r} needs documents of at least one page, got {list(counts)}"
            )
        docs = []
        for count in counts:
            docs.append(PlacedDocument(page, count))
            page += count
        is_last = index == len(items) - 1
        # `page` is now the page after the item; the next item must start on an odd page
        filler = not is_last and page % 2 == 0
        if filler:
            page += 1
        placed.append(PlacedItem(key, tuple(docs), filler))
    return Layout(tuple(placed))
