"""Which packs a meeting needs, and what goes in each.

* The **agenda pack** lists every item. Items "to follow" show "To follow" instead of a page range.
* With exempt items (Part II, Schedule 12A) there are two agenda packs: the **public** one lists the
  exempt items but leaves their papers out; the **private** one, for members, includes them.
  So with minutes of the last meeting that record Part II business: both packs carry the same
  public minutes (each exempt minute's heading and Public summary), and the private one carries
  the exempt minutes in full as well, as a members-only part of the minutes' item placed after
  every public page (`annex`), so that every public item has the same pages in both packs.
* A **supplementary pack** carries the papers of "to follow" items once their files are in the
  folder,
  grouped by the item's Supplement number (1 when blank). It has its own frontsheet and numbering,
  and a public and a private version when it carries an exempt item. A public supplement whose
  every paper is exempt carries no papers: its frontsheet tells the public which items' papers went
  to members only, and why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from packbuilder.errors import InputError, Source
from packbuilder.model import AgendaItem, Exemption, Meeting, Status

PRIVATE_SUFFIX = "PRIVATE-not-for-publication"
DRAFT_SUFFIX = "-DRAFT"  # ends the name of every draft's file, before its extension


def draft_name(name: str) -> str:
    """The name of a draft of the pack (or HTML agenda) named `name`: ``<name>-DRAFT.pdf``.
    A draft saved from a file manager, uploaded or attached to an e-mail then says by its name
    what its title and every page say: it is not the published pack. One rule for every
    caller (`build --draft` names its files by it, the web page its downloads); the name of a
    draft is given back as it is."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.endswith(DRAFT_SUFFIX):
        return name
    return f"{stem}{DRAFT_SUFFIX}{dot}{ext}"


def published_name(name: str) -> str:
    """The name of the pack that publishing the draft named `name` makes (`draft_name`
    undone); any other name as it is. A draft and what is published are compared by it."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if not stem.endswith(DRAFT_SUFFIX):
        return name
    return f"{stem[: -len(DRAFT_SUFFIX)]}{dot}{ext}"


@dataclass(frozen=True)
class PackSpec:
    supplement: int | None  # None for the agenda pack
    private: bool | None  # None when the pack has no exempt papers (one version only)
    listed: tuple[AgendaItem, ...]  # on the frontsheet
    included: tuple[AgendaItem, ...]  # whose papers are in the pack
    # a draft to check (`build(draft=True)`): its title and every page say DRAFT, so that a
    # draft forwarded or printed cannot be taken for the published pack
    draft: bool = False
    # the meeting's one supplement, named without its number ("Supplementary pack"), as councils
    # name it; numbered when there are several. A supplement published under one name is not
    # made a new version by the other (`build._earlier_keys`): a second supplement coming later
    # leaves the first, its name and its file as they were sent
    alone: bool = False

    @property
    def is_supplement(self) -> bool:
        return self.supplement is not None

    @property
    def name(self) -> str:
        """ "Agenda", "Supplementary pack" (the meeting's one supplement, `alone`) or
        "Supplementary pack 2": the pack as its frontsheet, HTML agenda and PDF subject name it.
        Its file name keeps the number whatever it is called (`filename`), so that a second
        supplement coming later renames nothing already sent."""
        if not self.is_supplement:
            return "Agenda"
        return "Supplementary pack" if self.alone else f"Supplementary pack {self.supplement}"

    def filename(self, meeting: Meeting) -> str:
        """The pack's file name; a draft's says so (`draft_name`)."""
        name = self._published_filename(meeting)
        return draft_name(name) if self.draft else name

    def _published_filename(self, meeting: Meeting) -> str:
        base = (
            f"{meeting.name}-supplement-{self.supplement}"
            if self.is_supplement
            else f"{meeting.name}-agenda-pack"
        )
        if self.private is None:
            return f"{base}.pdf"
        return f"{base}-{PRIVATE_SUFFIX}.pdf" if self.private else f"{base}-public.pdf"

    @property
    def members_only(self) -> str:
        """What this private pack carries that its public version leaves out, as every place
        that tells members so words it (the frontsheet's banner, the HTML agenda): "exempt
        papers", "exempt minutes" (of the last meeting, `annex`) or both; "" when the pack is
        not private."""
        if not self.private:
            return ""
        papers = any(i.exempt and i.has_papers and not i.annex for i in self.included)
        minutes = any(i.annex for i in self.included)
        return " and ".join(
            words for words, held in (("exempt papers", papers), (ANNEX_WORDS, minutes)) if held
        )

    @property
    def label(self) -> str:
        name = f"Supplement {self.supplement}" if self.is_supplement else "Agenda pack"
        if self.private is None:
            return name
        return f"{name} (private)" if self.private else f"{name} (public)"


def pack_order(name: str) -> tuple[int, bool, str]:
    """How packs are listed, by their file names: the agenda pack, then each supplement by its
    number; a public pack before its private one."""
    found = re.search(r"-supplement-(\d+)", name)
    return (int(found.group(1)) if found else 0, PRIVATE_SUFFIX in name, name)


def _papers_in(item: AgendaItem, private: bool) -> bool:
    return item.has_papers and (private or not item.exempt)


def _withholds(item: AgendaItem) -> bool:
    """Whether members read more of the item's papers than the public (`Paper.members_data`:
    the minutes of the last meeting with a Part II minute)."""
    return item.has_papers and any(p.members_data is not None for p in item.papers)


ANNEX_WORDS = "exempt minutes"  # what the annex of an item is called on the private agenda


def annex(item: AgendaItem) -> AgendaItem:
    """The members-only part of an item whose papers hold more for members than the public
    (`_withholds`): the exempt minutes of the last meeting in full (`Paper.for_members`), marked
    exempt under every paragraph they cite, so that every page of it is stamped NOT FOR
    PUBLICATION. The private pack carries it after every public page, with Part II business
    (exempt business is taken last), so that the pages of every public item are the same in
    both packs; the item itself keeps its public papers, as in the public pack."""
    papers = tuple(p.for_members() for p in item.papers if p.members_data is not None)
    laws = [law for p in papers if p.data is not None and (law := p.data.withheld_law())]
    law = item.exemption or (
        Exemption(tuple(sorted({n for x in laws for n in x.paragraphs})), laws[0].rule)
        if laws
        else None
    )
    return replace(
        item, title=f"{item.title}: {ANNEX_WORDS}", papers=papers, exemption=law, annex=True
    )


def _versions(
    listed: tuple[AgendaItem, ...], eligible: tuple[AgendaItem, ...], supplement: int | None
) -> list[PackSpec]:
    # two versions only when there is something exempt to leave out of the public one: exempt
    # papers, or the full text of an exempt minute
    if any((i.exempt and i.has_papers) or _withholds(i) for i in eligible):
        private = tuple(i for i in eligible if _papers_in(i, True))
        private += tuple(annex(i) for i in private if _withholds(i))
        return [
            PackSpec(supplement, False, listed, tuple(i for i in eligible if _papers_in(i, False))),
            PackSpec(supplement, True, listed, private),
        ]
    return [PackSpec(supplement, None, listed, tuple(i for i in eligible if i.has_papers))]


def _supplements(meeting: Meeting) -> dict[int, tuple[AgendaItem, ...]]:
    arrived = [i for i in meeting.items if i.status is Status.TO_FOLLOW and i.papers]
    return {
        number: tuple(i for i in arrived if (i.supplement or 1) == number)
        for number in sorted({i.supplement or 1 for i in arrived})
    }


def plan_packs(meeting: Meeting) -> list[PackSpec]:
    """Every pack the meeting needs, agenda pack first.

    Raises:
        InputError: the meeting folder's name is too long to name its packs after it.
    """
    items = meeting.items
    main_eligible = tuple(i for i in items if i.status is Status.PAPERS)
    packs = _versions(items, main_eligible, None)
    supplements = _supplements(meeting)
    for number, group in supplements.items():
        packs.extend(_versions(group, group, number))
    if list(supplements) == [1]:  # ("Supplementary pack": `PackSpec.alone`)
        packs = [replace(p, alone=True) if p.supplement == 1 else p for p in packs]
    _check_names(meeting, packs)
    return packs


# A file name is at most 255 bytes on the usual file systems. The longest name made from a pack's
# is its file kept aside when the record does not know it (`publish._keep_unrecorded`):
# "<pack>.unrecorded-<12 hex digits>.pdf"; an archived version ("<pack>.v12-<fingerprint>.html")
# and a draft ("<pack>-DRAFT.html") are shorter, and files written aside have names of their own.
NAME_LIMIT = 255 - len(".unrecorded-123456789abc")
# the shortest name a pack can have after the meeting's: a name longer than this fits no plan
SHORTEST_SUFFIX = len("-agenda-pack.pdf")
# characters a file name must not hold to be printed one a line (the paths `build` prints, the
# lines of `status`, logs) and copied to a website: line breaks and other control characters
_UNPRINTABLE = {"Cc", "Zl", "Zp"}


def check_folder_name(folder: Path) -> None:
    """Refuse, before anything is written, a meeting folder whose name cannot name its packs: one
    holding a line break or another control character, or one too long for any pack's name
    (the lock and the record are named after it too). The packs planned are checked against
    the limit as well (`plan_packs`).

    Raises:
        InputError: the folder's name, and the length to cut it to.
    """
    name = folder.name
    odd = next((c for c in name if unicodedata.category(c) in _UNPRINTABLE), None)
    if odd is not None:
        raise InputError(
            f"the meeting folder's name holds a line break or another control character "
            f"({ascii(odd)}), which would go into its packs' file names; rename the folder, such "
            "as 2020-03-05-safer-plymouth",
            Source(folder),
        )
    if len(name.encode()) + SHORTEST_SUFFIX > NAME_LIMIT:
        # (the limit of the longest name a meeting's packs can have: renamed to it, any fits)
        _too_long(folder, len(f"{name}-agenda-pack-{PRIVATE_SUFFIX}.pdf".encode()))


def _check_names(meeting: Meeting, packs: list[PackSpec]) -> None:
    check_folder_name(meeting.folder)
    longest = max(len(spec.filename(meeting).encode()) for spec in packs)
    if longest > NAME_LIMIT:
        _too_long(meeting.folder, longest)


def _too_long(folder: Path, longest: int) -> None:
    spare = len(folder.name.encode()) - (longest - NAME_LIMIT)
    raise InputError(
        f"the meeting folder's name is too long to name its packs after it "
        f"({len(folder.name)} characters); rename the folder to at most {max(spare, 1)} "
        "characters, such as 2020-03-05-safer-plymouth",
        Source(folder),
    )
