"""What says that an agenda item is exempt, however a clerk writes it.

An item is exempt business (Part II) when its papers hold information exempt under Schedule 12A
to the Local Government Act 1972; its paragraphs (1 to 7 of Part 1; in Wales 12 to 18 of Part 4;
a parish council's `confidential`: `exclusion`) go in the Agenda sheet's
*Exempt paragraph* column, and the public pack then leaves its papers out. Anything else is
published. So a way of saying "exempt" that packbuilder does not understand is not a cosmetic
slip: the papers it was meant to keep private go into the public pack. Clerks say it in several
places, and this module reads each of them with one rule: what is understood is used; what says
exempt but is not understood is refused, with the cell to correct; and what says exempt only
perhaps (words that public items use too) is pointed out, never silently passed.

* **The column's heading.** "Exempt paragraph" has many spellings: "Exemption", "Schedule 12A",
  "Exempt para.", "Part II paragraph", "Para (Sch 12A)". A heading made of an exemption word
  (exempt, exemption, Schedule 12A, Part II) and at most "paragraph" and filler ("no.", "of") is
  the column (`is_exempt_column`). Another heading about exemption or confidentiality
  ("Confidential", "Restricted", "Para", "Exempt (Y/N)") is refused (`about_exemption`): its
  column would not be read.
* **The item's own words.** "Millbay lease (Part II - confidential)" with no paragraph is a
  clerk's exempt item: `says_exempt` finds such words in a title, purpose or notes. Labels and
  terms of art (a bracketed or dashed "exempt", "confidential" or "Part II"; "not for
  publication"; "Schedule 12A"; "exempt information"; "confidential report") are sure, and
  refused. The bare words ("Exempt accommodation review", "Whistleblowing and confidential
  reporting policy", "Local Plan Part 2") are real public items as often: a warning.
* **Headings** ("Part II: items not for publication"): `opens_part_two` and `resumes_public`,
  read by `agenda.part_two`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packbuilder import sheets

# --- the exempt paragraph -----------------------------------------------------------------------

# what an exempt paragraph cell may say of a public item (an agenda item, a minute)
PUBLIC = "public"
NOT_EXEMPT = frozenset({"no", "n", "none", "n/a", "na", "-", "\u2013", PUBLIC, "not exempt"})


# --- column headings -----------------------------------------------------------------------------

_SCHEDULE = r"sch(?:edule|ed)?\.?\s*12\s*a"


def plain(text: object) -> str:
    """`text` with compatibility characters made plain (NFKC): "Part \u2161" (the Roman numeral
    two) is "Part II", a fullwidth "\uff25xempt" is "Exempt"."""
    return unicodedata.normalize("NFKC", str(text))


def _tokens(heading: str) -> list[str]:
    """A heading's words, lower case, punctuation dropped, with the two-word terms made one
    ("Schedule 12A" -> "sch12a", "Part II" -> "partii")."""
    text = plain(heading).lower().replace("&", " and ")
    text = re.sub(rf"\b{_SCHEDULE}\b|\b12\s*a\b", " sch12a ", text)
    text = re.sub(r"\bpart\W*(?:ii|2|two)\b", " partii ", text)
    text = re.sub(r"\bpart\W*b\b", " partb ", text)
    return re.findall(r"[a-z0-9]+", text)


_EXEMPT_MARKERS = frozenset({"exempt", "exemption", "sch12a", "partii"})
_PARAGRAPH = frozenset({"para", "paras", "paragraph", "paragraphs", "par", "information"})
_FILLER = frozenset({"no", "nos", "number", "num", "of", "under", "the", "lga", "1972", "ref"})
# words that say a heading (or a field) is about whether an item is published
_STRONG = _EXEMPT_MARKERS | frozenset(
    {"exemptions", "exempted", "confidential", "confidentiality", "restricted"}
)
# (not "public", "published", "press", "information": "Public questions", "Date published", "Press
# release", "Supporting information" are columns of public agendas; an unread column whose
# cells say exempt is refused by what they say: `cell_says_exempt`)
_ABOUT = _STRONG | frozenset(
    {"private", "publish", "exclusion", "excluded", "exclude", "secret"}
    # what councils call the exempt part of a meeting and its papers: London's "Part B", a
    # "Closed session", "In camera", "Pink papers", "NFP" (not for publication)
    | {"partb", "closed", "camera", "pink", "nfp", "reserved"}
)
_ONLY_PARAGRAPH = _PARAGRAPH - {"information"}


def is_exempt_column(heading: str) -> bool:
    """Whether a column heading names the exempt paragraph column: "Exemption", "Schedule 12A",
    "Exempt para.", "Part II paragraph", "Para (Sch 12A)" (case, spacing and punctuation aside)."""
    words = [w for w in _tokens(heading) if w not in _FILLER]
    return (
        bool(words)
        and any(w in _EXEMPT_MARKERS for w in words)
        and all(w in _EXEMPT_MARKERS or w in _PARAGRAPH for w in words)
    )


def about_exemption(heading: str) -> bool:
    """Whether a heading not understood looks as if it says which items are exempt or private:
    "Confidential", "Restricted", "Para", "Exempt (Y/N)", "Part"."""
    words = [w for w in _tokens(heading) if w not in _FILLER]
    alone = bool(words) and all(w in _ONLY_PARAGRAPH or w == "part" for w in words)
    return (
        alone
        or any(w in _ABOUT for w in words)
        or _NOT_FOR_PUBLICATION.search(str(heading)) is not None
    )


_EXEMPT_VALUE = re.compile(
    r"^\W*(?:exempt|exemption|part\W*(?:ii|2|two|b)|private|closed|confidential|restricted"
    r"|in\s+private|not\s+for\s+publication|sch(?:edule)?\.?\s*12\s*a)\b",
    re.I,
)


def cell_says_exempt(value: object) -> bool:
    """Whether a cell of a column packbuilder does not read says its item is exempt ("Exempt -
    para 3", "Part II", "Closed", "Private"): the column was meant to make items exempt."""
    if not isinstance(value, str):
        return False
    found = says_exempt(value)
    return _EXEMPT_VALUE.search(plain(value)) is not None or (found is not None and found[1])


def names_exempt_items(name: str) -> bool:
    """Whether a field name of sheet Meeting ("Exempt items", "Part II items", "Confidential")
    looks like a list of exempt items: only the sure words, since the sheet's other fields are
    printed notes ("Public questions", "Press and public")."""
    return (
        any(w in _STRONG for w in _tokens(name))
        or _NOT_FOR_PUBLICATION.search(str(name)) is not None
    )


# --- an item's words -----------------------------------------------------------------------------

_NOT_FOR_PUBLICATION = re.compile(r"\bnot\s+for\s+publication\b", re.I)
_NOT = r"(?<!non-)(?<!non )(?<!not )"  # "non-exempt", "not exempt"
# a word that, alone in brackets or set off by a dash or colon, labels an item as exempt
_LABEL = (
    rf"{_NOT}\bexempt\b|\bconfidential\b|\bprivate\b|\brestricted\b|\bpart\W*(?:ii|2|two)\b"
    rf"|\bnot\s+for\s+publication\b|\bpara(?:graph)?s?\.?\s*\d\b|\b{_SCHEDULE}\b|\bin\s+private\b"
    r"|\bin\s+confidence\b|\bprivate\s+(?:report|item|paper)\b|\bcommercially\s+sensitive\b"
    r"|\bclosed\s+session\b|\bin\s+camera\b|\bexempted\b|\bpt\.?\s*(?:ii|2)\b"
    # "(12A)", "(s.100A(4))": Schedule 12A and the section excluding the public, by number
    r"|\b12\s*a\b|\b(?:s(?:ection)?\.?\s*)?100\s*a(?:\s*\(\s*4\s*\))?(?!\w)"
)
_LABELS = rf"(?:{_LABEL})(?:\W*(?:and\W+)?(?:{_LABEL}))*"
_SURE = re.compile(
    rf"[(\[]\W*{_LABELS}\W*[)\]]"  # "(exempt)", "[Confidential]", "(Part II - confidential)"
    rf"|^\W*{_LABELS}\s*[:\-\u2013\u2014]"  # "EXEMPT: Millbay lease", "Part II - Millbay lease"
    rf"|(?:[:\-\u2013\u2014]|\s-)\s*{_LABELS}\W*$"  # "Millbay lease - exempt"
    r"|\bnot\s+for\s+publication\b"
    rf"|\b{_SCHEDULE}\b|\bby\s+virtue\s+of\s+paragraph\b"
    rf"|{_NOT}\bexempt\s+(?:information|items?|reports?|papers?|appendix|appendices|annex(?:es)?"
    r"|business|session|under)\b"
    r"|\bconfidential\s+(?:items?|reports?|papers?|appendix|appendices|annex(?:es)?|business"
    r"|session)\b"
    r"|\b(?:private|strictly|commercially)\s+(?:and\s+)?confidential\b"
    r"|\bcommercial\s+in\s+confidence\b"
    # what councils call exempt papers, and the Government's protective marking
    r"|\bpink\s+(?:papers?|reports?|pages?|sheets?)\b|\bofficial\W*sensitive\b",
    re.I,
)
# "Local Plan (Part 2)": a label of Part 2 or Part two alone names a part of a document as often
_ONLY_PART_NUMBER = re.compile(r"[(\[]?\W*part\W*(?:2|two)\W*[)\]]?|\W*part\W*(?:2|two)\W*", re.I)
_PERHAPS = re.compile(
    rf"{_NOT}\bexempt(?:ions?)?\b|\bconfidential(?:ity)?\b|\bpart\W*(?:ii|2|two)\b"
    r"|\brestricted\b|\bin\s+private\b|\bexclusion\s+of\s+(?:the\s+)?(?:press|public)\b",
    re.I,
)


def says_exempt(text: str) -> tuple[str, bool] | None:
    """The words of `text` (a title, a purpose, notes) that say the item is exempt, and whether
    they are sure (a label or a term of art) or only perhaps (a word public items use too).

    >>> says_exempt("Millbay lease (Part II - confidential)")
    ('(Part II - confidential)', True)
    >>> says_exempt("Exempt accommodation review")
    ('Exempt', False)
    """
    text = plain(text)
    for line in text.splitlines():
        for found in _SURE.finditer(line):
            words = found.group(0).strip(" :-\u2013\u2014")
            if not _ONLY_PART_NUMBER.fullmatch(found.group(0)):
                return words, True
    perhaps = _PERHAPS.search(text)
    return (perhaps.group(0), False) if perhaps else None


# a word or term of art that, typed as a cell's whole value or as its first words, marks the
# row exempt: "exempt", "Part II - exempt para 3", "Confidential", "Closed session", "NFP"
_MARK = (
    rf"{_NOT}exempt(?:ed|ion)?|confidential|part\W*(?:ii|2|two|b)|pt\.?\s*(?:ii|2)|private"
    r"|closed(?:\s+session)?|in\s+camera|in\s+private|restricted|not\s+for\s+publication|nfp"
    rf"|pink\s+papers?|{_SCHEDULE}|commercially\s+sensitive|official\W*sensitive"
)
# what may follow the marking: nothing, a separator, or what it marks ("exempt para 3",
# "Confidential by virtue of ...", "Private business"); not another word ("Exempt accommodation
# review", "Private sector housing", "Closed circuit television" are public business)
_MARKING = re.compile(
    rf"^\W*(?:{_MARK})(?:\W*$|\s*[:\-\u2013\u2014(\[,;/.]|\s+(?:para(?:graph)?s?\b|by\s+virtue"
    r"|under\b|items?\b|business\b|session\b|information\b|reports?\b|papers?\b|minutes?\b"
    r"|appendix\b|\d))",
    re.I,
)


def marks_column(heading: str) -> bool:
    """Whether a column heading names exemption, confidentiality or closed business ("Part B",
    "Closed session", "In camera", "Pink paper", "NFP", "Confidential", "Private business",
    "Exempt (Y/N)"): a column meant to keep rows out of the public pack. The one policy of
    sheet Agenda and sheet Minutes (`marking.unread`)."""
    return is_exempt_column(heading) or about_exemption(heading)


def marking(value: object, anywhere: bool = True) -> str | None:
    """What a cell's value says to mark its row exempt, when it is such a marking or starts
    with one ("exempt", "Part II - exempt para 3", "confidential", "not for publication",
    "closed session"), or holds a term of art (`says_exempt`, sure); None for anything else,
    such as free text that mentions the word ("the report is exempt"). The one policy of sheet
    Agenda and sheet Minutes for cells of a column not read as the exempt paragraph; in a
    column read for something else (a purpose, notes), only a marking that the cell starts with
    (not `anywhere`): the resolution to exclude the public cites Schedule 12A in its purpose."""
    if not isinstance(value, str):
        return None
    text = plain(value).strip()
    first = text.splitlines()[0] if text else ""
    if _MARKING.search(first):
        return first
    found = says_exempt(text) if anywhere else None
    return found[0] if found is not None and found[1] else None


def status_says_exempt(value: str) -> bool:
    """Whether a Status cell says the item is exempt ("exempt", "Part II", "confidential")."""
    return about_exemption(value) or says_exempt(value) is not None


# --- headings ------------------------------------------------------------------------------------

# A heading that says the items under it are exempt business ("Part II", "Items not for
# publication", "Exempt information", "Confidential items", "Exclusion of the press and public")
PART_TWO = re.compile(
    # "Part II", "Part 2: ...", "Pt. II" opening the heading ("Local Plan Part 2", "Part 2 of the
    # Local Plan" are public headings; "Part ll" and "Part 11" are Part II mistyped)
    r"^\W*(?:agenda\W+)?(?:part|pt\.?)\W*(?:ii|2|two|b|ll|11)\b(?!\s+of\b)"
    r"|\bnot\s+for\s+publication\b"
    r"|^\W*exempt\W*$|(?<!non-)(?<!non )(?<!not )\bexempt\s+(?:items?|business|information"
    r"|reports?|session|matters|papers?|agenda)\b(?!\s+(?:rates?|relief|requests?|from)\b)"
    r"|\bitems?\s+(?:which\s+are\s+)?exempt\b(?!\s+from\b)"
    # "In private", "Items to be considered in private" ("Growth in private rented housing" is
    # public business)
    r"|^\W*in\s+private\b|\bin\s+private\W*$|\b(?:taken|held|heard|considered|discussed)\s+in"
    r"\s+private\b|^\W*private(?:\s+agenda|\s+meeting)?\W*$|\bprivate\s+meeting\b"
    r"|\bclosed\s+(?:items?|agenda|meeting|business)\b|\breserved\s+business\b|\bmembers\s+only\b"
    r"|\bnot\s+open\s+to\s+the\s+public\b"
    # "The press and public are likely to be excluded", "Public excluded" ("Public questions
    # (excluding ...)" is not)
    r"|\b(?:press|public)\b.{0,40}\bexcluded\b|\bnot\s+for\s+(?:the\s+)?(?:press|public)\b"
    r"|^\W*private\s+(?:section|part)\b|\bclosed\s+(?:part|section)\b"
    r"|\bexclu\w*\s+(?:of\s+)?(?:the\s+)?(?:press|public)\b"
    r"|\bconfidential\s+(?:items?|business|session|information|matters|reports?|papers?"
    r"|appendix|appendices|annex(?:es)?|minutes|agenda)\b"
    r"|^\W*(?:(?:private|strictly|commercially)\s+(?:and\s+)?)?confidential\W*$"
    r"|\bprivate\s+and\s+confidential\b|\bcommercial(?:ly)?\s+in\s+confidence\b"
    r"|\bcommercially\s+sensitive\b|^\W*restricted\W*$"
    r"|\brestricted\s+(?:items?|business|session|information|matters|reports?)\b"
    rf"|\b{_SCHEDULE}\W*(?:items?|business|information|matters)\b|^\W*{_SCHEDULE}\W*$"
    r"|\bprivate\s+(?:session|business|items?)\b"
    r"|\bclosed\s+session\b|\bin\s+camera\b"
    # what councils call exempt papers, and the Government's protective marking
    r"|\bpink\s+(?:papers?|reports?|pages?|sheets?)\b|\bofficial\W*sensitive\b"
    # a label in brackets: "Property matters (exempt)", "Contracts [Confidential]"
    r"|[(\[]\W*(?:exempt|confidential|private|restricted|part\W*(?:ii|b))\W*[)\]]",
    re.I,
)
# A heading that says public business resumes after Part II ("Part I", "Public business",
# "Press and public readmitted"): the exclusion of the public lasts until then. Such a heading
# says nothing else: "Part One - the tenders", "Public business rates appeals", "Hospital
# readmissions: public health data", "Open session minutes: exempt" are sub-headings of Part II.
PUBLIC_AGAIN = re.compile(
    r"(?:part\s*(?:i|1|one)|part\s*a|(?:public|open)\s+(?:business|session|items?|part|agenda)"
    r"|re\W?admi(?:t|ssion)\w*\s+(?:of\s+)?(?:the\s+)?(?:press|public)(?:\s+and\s+(?:the\s+)?"
    r"(?:press|public))?|(?:(?:the\s+)?(?:press|public)\s+(?:and\s+(?:the\s+)?(?:press|public)\s+)?"
    r"(?:are\s+|being\s+)?re\W?admi\w*)|reopen\w*\s+to\s+the\s+public|non\W*exempt\s+"
    r"(?:items?|business))",
    re.I,
)
# what may stand beside it: "Part I: public business", "Agenda Part A - open session resumes"
_RESUMING = re.compile(
    r"(?:\b(?:agenda|public|open|business|session|items?|part|resumes?|resumed|resumption|of|the"
    r"|meeting|press|and|i|1|one|a)\b|[\W_])*",
    re.I,
)


def opens_part_two(title: str) -> bool:
    """Whether a heading says the items under it are exempt business (`PART_TWO`)."""
    return PART_TWO.search(plain(title).replace("&", " and ")) is not None


def resumes_public(title: str) -> bool:
    """Whether a heading says public business resumes after Part II (`PUBLIC_AGAIN`), and no
    more: a heading saying anything else (or saying exempt too) is a sub-heading of Part II."""
    text = plain(title).replace("&", " and ")
    found = PUBLIC_AGAIN.search(text)
    if found is None or opens_part_two(text):
        return False
    rest = text[: found.start()] + " " + text[found.end() :]
    return _RESUMING.fullmatch(rest) is not None


# A numbered item that is the resolution to exclude the press and public: public business
# itself (its words cite exempt information and Schedule 12A, as they must), after which the
# items are exempt until the public is let back in, as after a Part II heading
EXCLUSION_ITEM = re.compile(
    r"\bexclu\w*\s+(?:of\s+)?(?:the\s+)?(?:press|public)\b"
    r"|\bexclude\s+(?:the\s+)?(?:press|public)\b|\bmotion\s+to\s+exclude\b",
    re.I,
)


# An item whose title IS that resolution, and says nothing else ("Exclusion of the press and
# public", "Exclusion of Press and Public:", "Resolution to exclude the press and public",
# "Motion to exclude the public"), or only the law it is passed under ("... - Local Government
# Act 1972", "...: Section 100A(4)", "... under Schedule 12A"), rather than one that mentions it
# ("Review of the protocol on exclusion of the press and public", "Exclusion of the press and
# public: protocol review"): it starts Part II (`agenda.part_two`), and its Purpose is printed
# as the resolution of the exempt items after it, in place of packbuilder's
# (`agenda.resolution_item`)
_UNDER_LAW = (
    r"(?:\s*(?:[-\u2013\u2014:,]\s*|\s)(?:under\s+|pursuant\s+to\s+)?(?:the\s+)?"
    r"(?:(?:s(?:ection)?\.?\s*100A|schedule\s+12A|local\s+government\s+act|part\s+(?:ii|2)\b)"
    r"[\w\s().,]*)"
    r")?"
)
RESOLUTION_TITLE = re.compile(
    r"\W*(?:(?:(?:a\s+)?(?:resolution|motion)\s+to\s+|to\s+))?"
    r"(?:exclu\w*\s+(?:of\s+)?|exclude\s+)(?:the\s+)?(?:press|public)"
    r"(?:\s+(?:and|&)\s+(?:the\s+)?(?:press|public))?"
    r"(?:\s+from\s+the\s+meeting)?(?:\s*\([^()]*\))?"  # "(if required)"
    + _UNDER_LAW
    + r"[\s.:;-]*",
    re.I,
)


def is_resolution_title(title: str) -> bool:
    """Whether an item's title is the resolution to exclude the press and public
    (`RESOLUTION_TITLE`), not a title that only mentions it."""
    return RESOLUTION_TITLE.fullmatch(title) is not None


# --- what an exempt item's printed words give away -----------------------------------------------

# a sum of money ("£2,315,000", "GBP 2.3m", "2,315,000 pounds") or a company's name ("Bidder X
# Ltd"): the commonest exempt information (paragraph 3), and what a title or purpose that says
# too much gives away
_DETAIL = re.compile(
    r"[£€$]\s?\d[\d,.]*(?:\s?(?:k|m|bn|million|billion)\b)?"
    r"|\b(?:GBP|EUR|USD)\s?\d[\d,.]*(?:\s?(?:k|m|bn|million|billion)\b)?"
    r"|\b\d[\d,.]*\s?(?:pounds|GBP)\b"
    r"|(?:\b[A-Z][\w&'.-]*\s){1,4}(?:Ltd|Limited|plc|PLC|LLP)\b\.?"
)


def gives_away(text: str) -> str | None:
    """A sum of money or a company's name in `text` (an exempt item's title, purpose or lead,
    which the public agenda prints whole): what a clerk writes there by mistake, from the
    exempt report ("Award of the Millbay lease to Bidder X Ltd for £2,315,000")."""
    found = _DETAIL.search(plain(text))
    return found.group(0).strip() if found else None


def printed_details(
    rec: sheets.Record, columns: dict[str, str]
) -> Iterator[tuple[str, sheets.Cell, str]]:
    """For each of a record's `columns` (what it is called in a message: its column) printed
    whole although its row is exempt, the cell and what it gives away (`gives_away`), where it
    does: an exempt agenda item's title, purpose and lead, an exempt minute's heading and Public
    summary."""
    from packbuilder import sheets

    for what, column in columns.items():
        cell = rec.cell(column)
        detail = None if cell.blank else gives_away(sheets.text(cell))
        if detail:
            yield what, cell, detail
