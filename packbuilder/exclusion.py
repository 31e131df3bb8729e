"""The law under which a meeting excludes the public, read from an item's exempt cell and cited.

An exempt item's papers are held back from the public pack because the meeting may exclude the
press and public while it takes that business, and the agenda must say under which law. Which
law depends on the council (the Meeting sheet's *Deadline rule*, `Meeting.deadline_rule`):

* **England** (principal councils): section 100A(4) of the Local Government Act 1972, for
  exempt information as described in Part 1 of Schedule 12A, paragraphs 1 to 7 (3: financial or
  business affairs). "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to
  the Local Government Act 1972".
* **Wales** (principal councils): the same section, but Parts 1 to 3 of Schedule 12A apply in
  England only: in Wales exempt information is described in Part 4, paragraphs 12 to 18 (14:
  financial or business affairs), as substituted by the Local Government (Access to
  Information) (Variation) (Wales) Order 2007 (SI 2007/969). "... paragraph 14 of Part 4 of
  Schedule 12A ...".
* **Parish and town councils** (the *parish* rule): Part VA of the 1972 Act does not apply to
  them. Section 1(2) of the Public Bodies (Admission to Meetings) Act 1960 lets them exclude the
  public by resolution where publicity would be prejudicial to the public interest by reason of
  the confidential nature of the business: there is no paragraph to cite, so the exempt cell
  says `confidential` (or `yes`).

An item may fall under several paragraphs ("3, 5": personal and financial information
together): the note and the stamp name them all, and the resolution before a run of exempt
items names the union of the run's paragraphs, in order. An item with one paragraph is cited
word for word as it always was, so packs published before are not made new versions.

Anything in the cell that cannot be read for sure ("3 or 5", "3-", a paragraph that does not
exist under the meeting's law) is refused with what to type: a guess could publish papers, or
cite a law the council does not use.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from packbuilder.errors import InputError, Source
from packbuilder.model import Exemption

ACT_1972 = "Schedule 12A to the Local Government Act 1972"
ACT_1960 = "section 1(2) of the Public Bodies (Admission to Meetings) Act 1960"
# the paragraphs of Schedule 12A describing exempt information, and the Part holding them
PARTS = {"england": ("Part 1", range(1, 8)), "wales": ("Part 4", range(12, 19))}
# what a parish meeting's exempt cell says of a confidential item (there is no paragraph)
CONFIDENTIAL = frozenset({"confidential", "yes", "y", "exempt"})


def what_to_type(rule: str) -> str:
    """What makes an item exempt under `rule`, as refusals ask for it ("give it ...")."""
    if rule == "parish":
        return "'confidential' (a parish or town council gives no paragraph)"
    part, paragraphs = PARTS.get(rule, PARTS["england"])
    return f"its paragraph of Schedule 12A ({paragraphs[0]} to {paragraphs[-1]})"


def read(value: object, rule: str, source: Source) -> Exemption:
    """The exemption an item's exempt cell gives under `rule` ("3", "para 3", "3, 5", "3 and 5",
    "paragraphs 1 and 2"; `confidential` for a parish meeting). A cell saying the item is public
    ("no", blank) is not read here.

    Raises:
        InputError: naming the cell, what cannot be read and what to type.
    """
    if isinstance(value, dt.date):  # (a datetime is a date too)
        what = (
            "type confidential"
            if rule == "parish"
            else "type the paragraphs with a comma or 'and' (3, 5 or 3 and 5)"
        )
        raise InputError(
            f"exempt paragraph: Excel has made what was typed here a date ({value:%d/%m}): "
            f"{what}; or format the cell as Text first, then type it again",
            source,
        )
    typed = str(value).strip() if not isinstance(value, float) else _number(value)
    if rule == "parish":
        if typed.lower() in CONFIDENTIAL:
            return Exemption((), rule)
        raise InputError(
            f"exempt paragraph {typed!r}: a parish or town council excludes the public under "
            f"{ACT_1960}, which has no paragraphs (Schedule 12A is for principal councils); "
            "type confidential here for an item taken in private, or set the Meeting sheet's "
            "deadline rule to england or wales if this is a principal council",
            source,
        )
    part, allowed = PARTS.get(rule, PARTS["england"])
    paragraphs = _paragraphs(typed, rule, source)
    for n in paragraphs:
        if n not in allowed:
            raise InputError(
                f"exempt paragraph {n} does not exist; give one of paragraphs {allowed[0]} to "
                f"{allowed[-1]} of {part} of Schedule 12A{_other_law(n, rule)}",
                source,
            )
    return Exemption(tuple(sorted(set(paragraphs))), rule)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


_PARAGRAPH_WORD = r"(?:para(?:graph)?s?\.?|paras?\.?)"
_ONE = r"\d+"
# "3", "3, 5", "3 and 5", "3 & 5", "3, 5 and 7", "3/5", "3; 5", each perhaps "para(graph)(s)"
_LIST = re.compile(
    rf"\s*(?:{_PARAGRAPH_WORD}\s*)?{_ONE}"
    rf"(?:\s*(?:,|;|/|&|\band\b|,\s*and\b)\s*(?:{_PARAGRAPH_WORD}\s*)?{_ONE})*\s*",
    re.I,
)


def _paragraphs(typed: str, rule: str, source: Source) -> list[int]:
    if _LIST.fullmatch(typed):
        return [int(n) for n in re.findall(r"\d+", typed)]
    if typed.lower() in CONFIDENTIAL:
        why = f"{typed!r} says that the item is exempt, but not under which paragraph"
    elif re.search(r"\bor\b", typed, re.I):
        why = f"{typed!r} does not say which paragraph applies"
    else:
        why = f"{typed!r} cannot be read as paragraphs of Schedule 12A"
    part, allowed = PARTS.get(rule, PARTS["england"])
    first = allowed[2]  # (3, or 14 in Wales: financial or business affairs)
    raise InputError(
        f"exempt paragraph {why}; type the paragraph of {part} of Schedule 12A ({allowed[0]} to "
        f"{allowed[-1]}), such as {first}, or each paragraph that applies, such as "
        f"{first}, {first + 2} or {first} and {first + 2}",
        source,
    )


def _other_law(n: int, rule: str) -> str:
    """Why a paragraph of the other nation's Part is refused: it is a real paragraph there."""
    if rule == "wales" and n in PARTS["england"][1]:
        return (
            f" (Welsh councils use paragraphs 12 to 18 of Part 4; paragraph {n} of Part 1 is "
            "England's; if this council is in England, set the Meeting sheet's deadline rule to "
            "england)"
        )
    if rule != "wales" and n in PARTS["wales"][1]:
        return (
            f" (English councils use paragraphs 1 to 7 of Part 1; paragraph {n} of Part 4 is "
            "Wales's; if this council is in Wales, set the Meeting sheet's deadline rule to wales)"
        )
    return ""


def cited(exemption: Exemption) -> str:
    """The law an exemption relies on, as a note or stamp ends: "paragraph 3 of Part 1 of
    Schedule 12A to the Local Government Act 1972", "paragraphs 3 and 5 of ...", or for a parish
    meeting the 1960 Act's section."""
    if not exemption.paragraphs:
        return ACT_1960
    return f"{_paragraph_words(exemption.paragraphs)} of {_part(exemption.rule)} of {ACT_1972}"


def _part(rule: str) -> str:
    return PARTS.get(rule, PARTS["england"])[0]


def _paragraph_words(paragraphs: Sequence[int]) -> str:
    word = "paragraph" if len(paragraphs) == 1 else "paragraphs"
    return f"{word} {and_list([str(p) for p in paragraphs])}"


def and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def note(exemption: Exemption) -> str:
    """What the public agenda prints for an exempt item, in place of its page range."""
    if not exemption.paragraphs:
        return (
            "Not for publication by reason of the confidential nature of the business, under "
            f"{ACT_1960}"
        )
    return f"Not for publication by virtue of {cited(exemption)}"


def minute_marking(exemption: Exemption) -> str:
    """What the public minutes add to the heading of an exempt minute: "(exempt information -
    paragraph 3)" as it always was, "(exempt information - paragraphs 3 and 5)", in Wales
    "(exempt information - paragraph 14 of Part 4)"; a parish meeting's "(confidential business
    - section 1(2) of the ... 1960 Act)", which has no paragraph and is not "exempt information"
    (a term of Schedule 12A)."""
    if not exemption.paragraphs:
        return f"(confidential business - {ACT_1960})"
    part = f" of {_part(exemption.rule)}" if exemption.rule == "wales" else ""
    return f"(exempt information - {_paragraph_words(exemption.paragraphs)}{part})"


SEVERAL = re.compile(r"\bparagraphs \d+(?:, \d+)* and \d+\b")


def unbroken(text: str) -> str:
    """`text` with the paragraphs it cites held on one line where a document prints it:
    "paragraphs 3 and 5" never split as "paragraphs 3" / "and 5", which reads as if paragraph 3
    were all (no-break spaces). One paragraph ("paragraph 3") is left as packs published before
    printed it: their content keys hold the frontsheet as rendered."""
    return SEVERAL.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)


def withheld(exemption: Exemption) -> str:
    """The line a members' pack prints above the full text of an exempt minute: the agenda's
    note (`note`), its first words in capitals as the stamp of an exempt paper's pages."""
    said = note(exemption)
    return "NOT FOR PUBLICATION" + said[len("Not for publication") :]


def stamp(exemption: Exemption) -> str:
    """The line under NOT FOR PUBLICATION on every page of an exempt paper."""
    if not exemption.paragraphs:
        return f"confidential business: {ACT_1960}"
    return f"by virtue of {cited(exemption)}"


def withheld_because(rule: str) -> str:
    """Why a public supplement's frontsheet says papers went to members only ("They are not
    for publication because ..."): Schedule 12A's exempt information, or a parish meeting's
    confidential business (the 1960 Act knows no exempt information). England's and Wales's
    words are those every supplement published before printed (they are in its content key)."""
    if rule == "parish":
        return "they are confidential"
    return "they contain exempt information"


def resolution(run: Sequence[Exemption]) -> str:
    """The resolution to exclude the press and public before a run of exempt items: the union of
    their paragraphs, in order."""
    rule = run[0].rule if run else "england"
    if rule == "parish":
        return (
            f"To consider passing a resolution under {ACT_1960} to exclude the press and public "
            "from the meeting for the following item(s) of business, in view of the confidential "
            "nature of the business about to be transacted, publicity of which would be "
            "prejudicial to the public interest."
        )
    paragraphs = sorted({p for e in run for p in e.paragraphs})
    return (
        "To consider passing a resolution under Section 100A(4) of the Local Government Act 1972 "
        "to exclude the press and public from the meeting for the following item(s) of business "
        "on the grounds that they involve the likely disclosure of exempt information as defined "
        f"in {_paragraph_words(paragraphs)} of {_part(rule)} of {ACT_1972}."
    )


def key(exemption: Exemption | None) -> object:
    """An exemption as content keys hold it: one paragraph as the number it always was (so that
    packs published before are the same packs), several as their list, a parish item's as
    "confidential"; None for a public item."""
    if exemption is None:
        return None
    if not exemption.paragraphs:
        return "confidential"
    if len(exemption.paragraphs) == 1:
        return exemption.paragraphs[0]
    return list(exemption.paragraphs)
