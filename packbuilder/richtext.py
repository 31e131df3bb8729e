"""The one convention for text inside a spreadsheet cell, used by every document kind.

A cell holds plain text. Blank lines separate paragraphs; a line starting with "- ", "• " or "▪ " is
a list item (a bullet). Other line breaks inside a paragraph are kept as soft line breaks would be
in Word: the lines are joined with a space, because Word reflows text anyway and officers paste from
e-mails.

Templates loop over the blocks and pick a Word paragraph style for each (``List Bullet`` for
bullets), so bullets are real Word list paragraphs, never characters typed into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = re.compile(r"^\s*(?:[-•▪*]|\u2022)\s+")


@dataclass(frozen=True)
class Block:
    text: str
    bullet: bool = False

    @property
    def kind(self) -> str:
        return "bullet" if self.bullet else "paragraph"


def blocks(text: str | None) -> list[Block]:
    """Split cell text into paragraphs and bullets."""
    if not text:
        return []
    out: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(Block(" ".join(para)))
            para.clear()

    for raw in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif BULLET.match(raw):
            flush()
            out.append(Block(BULLET.sub("", raw).strip(), bullet=True))
        elif out and out[-1].bullet and not para and raw[:1].isspace():
            # an indented continuation of the previous bullet
            out[-1] = Block(f"{out[-1].text} {line}", bullet=True)
        else:
            para.append(line)
    flush()
    return out


def bullets(text: str | None) -> list[str]:
    """Every block as a list item (for cells that are lists by nature, e.g. outcome measures)."""
    return [b.text for b in blocks(text)]
