"""The one convention for text inside a spreadsheet cell, used by every document kind.

A cell holds plain text. Blank lines separate paragraphs; a line starting with "- ", "* ", "• " or
"▪ " is a list item (a bullet). A line starting with a typed number, "(1) ", "1. ", "1) ", "(a) "
or "a) ", is a numbered point: it starts a paragraph of its own, keeping its number. Other line
breaks inside a paragraph are kept as soft line breaks would be in Word: the lines are joined with
a space, because Word reflows text anyway and officers paste from e-mails.

Templates loop over the blocks and pick a Word paragraph style for each (``List Bullet`` for
bullets), so bullets are real Word list paragraphs, never characters typed into the text. Cells that
are lists by nature (outcome measures, resolutions) go through `bullets`, which drops typed numbers:
the template's ``List Number`` style numbers them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = re.compile(r"^\s*(?:[-•▪*]|\u2022)\s+")
NUMBERED = re.compile(r"^\s*(\(\d{1,2}\)|\d{1,2}[.)]|\([a-z]\)|[a-z]\))\s+")


@dataclass(frozen=True)
class Block:
    text: str
    bullet: bool = False
    label: str = ""  # a numbered point's typed number, "(1)"; `text` still starts with it

    @property
    def kind(self) -> str:
        return "bullet" if self.bullet else "numbered" if self.label else "paragraph"

    @property
    def numbered(self) -> bool:
        return bool(self.label)

    @property
    def body(self) -> str:
        """The text without a numbered point's typed number."""
        return self.text[len(self.label) :].lstrip() if self.label else self.text


def blocks(text: str | None, keep_lines: bool = False) -> list[Block]:
    """Split cell text into paragraphs, bullets and numbered points.

    Args:
        keep_lines: keep the line breaks inside a paragraph ("\\n" in its text) instead of joining
            its lines with a space: for values whose lines mean something, such as an address.
    """
    if not text:
        return []
    out: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(Block(("\n" if keep_lines else " ").join(para)))
            para.clear()

    for raw in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        numbered = NUMBERED.match(raw)
        if not line:
            flush()
        elif BULLET.match(raw):
            flush()
            item = BULLET.sub("", raw).strip()
            if item:  # a marker with nothing after it is no point at all
                out.append(Block(item, bullet=True))
        elif numbered:
            flush()
            out.append(Block(line, label=numbered.group(1)))
        elif out and (out[-1].bullet or out[-1].label) and not para and raw[:1].isspace():
            # an indented continuation of the previous bullet or point
            last = out[-1]
            out[-1] = Block(f"{last.text} {line}", bullet=last.bullet, label=last.label)
        else:
            para.append(line)
    flush()
    return out


def bullets(text: str | None) -> list[str]:
    """Every block as a list item (for cells that are lists by nature, e.g. outcome measures);
    typed numbers are dropped, because the template numbers list items itself."""
    return [b.body for b in blocks(text)]
