"""Active content: what an appendix may carry besides its pages, and what a pack keeps of it.

A PDF can hold more than text and pictures. It can run JavaScript when it is opened, when a page is
shown, when a link or a form field is clicked (``/OpenAction``, ``/AA`` "additional actions", the
``/Names /JavaScript`` tree, ``/JS`` in any action, chained to others through ``/Next``); it can ask
the viewer to launch a program or open another file (``/Launch``, ``/GoToR``, ``/GoToE``,
``/ImportData``), send form data over the network (``/SubmitForm``), play media (``/Rendition``,
``/Movie``, ``/Sound``, RichMedia, 3D and Screen annotations), carry whole files inside it (the
``/EmbeddedFiles`` tree, FileAttachment annotations, ``/EF`` in any file specification) and carry an
XFA form, which is a program of its own.

A meeting pack needs none of that: it is read and printed. So `sanitize` removes from **every** pack
scripts, launch and remote actions and media, before the pack is written: members' machines deserve
the same safety as the public's, and a printed pack loses nothing. Plain links (to a page of the
pack, or to a web or e-mail address) stay. **Attached files** are the one thing a private pack
keeps: an officer may attach a spreadsheet behind an exempt report on purpose, and members are its
audience; a public pack never carries them, because an attachment is a whole document that nobody
reviewed page by page for exempt information. **Reviewers' comments** likewise (sticky notes, the
comment text of a highlight or mark, annotations that never show): left out of public packs, kept
in private ones. A paper with **layers switched off** is refused
(`layers`): what they hide would be in the pack.

**What no page shows** stays out of public packs too (`_unshown`): a page carries, besides what it
draws, whatever its resources list (a whole page of another document as a drawing it never draws, a
picture it never shows), a thumbnail, an editor's private data (/PieceInfo), its own metadata and
keys of no standard meaning. The checks that read a public paper's text and look at its pages
(`textmatch`, `unseen`) see only what is drawn, so an exempt report pasted into a public appendix
as an unused drawing would reach the public pack unseen: each page keeps only the resources its
drawing instructions (or those of what it draws) name, and the keys a page is drawn with; drawing
instructions lose their comments (``% ...``, which show nothing); a hidden form field loses its
look and its value, a checkbox its look for the state it is not in, every annotation its looks
under the mouse and pressed (another drawing, unchecked). Pruning takes an undrawn picture or
drawing off the pages only: the structure tree (a marked-content reference's /Stm, an object
reference) or a form field's other widget may still lead to it, and the pack copies what it leads
to, so every picture and drawing that no page and no kept look draws is emptied as well
(`_undrawn`), and a widget on no page loses its look and value (`_unplaced_widgets`). Only a whole
picture or drawing no page draws is worth a warning (`UNSHOWN`): the rest is what every PDF writer
leaves behind, tidied without a word (`TIDIED`). Not covered: glyphs of a used Type 3 font that no
text shows, data inside a used font's file, text in property lists, a used picture's mask's own
bytes, and the strings the structure tree holds (its alternative texts are read aloud, and kept;
the exempt-text check reads them, `carried`).

**Data fetched from elsewhere** (a stream whose bytes are a file or a web address, a picture's
alternates, a reference to a page of another file) goes from every pack.

The walk visits every object of the file, not only the places a viewer usually looks, so that an
action hidden anywhere (an annotation of a page, a field's kid, an outline item) is found.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator

from pikepdf import (
    Array,
    Dictionary,
    Name,
    Object,
    Page,
    Pdf,
    Stream,
    String,
    Token,
    TokenFilter,
    TokenType,
)

from packbuilder.cropped import box, within
from packbuilder.pictures import (
    COVERED,
    CROPPED,
    MASKED,
    PHOTO_METADATA,
    PictureRefused,
    cut_pictures,
    strip_metadata,
)

# actions a printed pack may keep: moving within the document, web and e-mail links, viewer commands
SAFE_ACTIONS = {"/GoTo", "/URI", "/Named", "/ResetForm", "/Hide", "/SetOCGState", "/Trans"}
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:", "tel:", "#")
MEDIA_ANNOTATIONS = {"/RichMedia", "/3D", "/Screen", "/Movie", "/Sound"}
MEDIA_ACTIONS = {"/Rendition", "/Movie", "/Sound", "/RichMediaExecute", "/GoTo3DView"}
# Action types no pack keeps, wherever they are found. "/S" alone does not make an action (page
# labels, structure elements and soft masks have one too), so the walk of every object matches
# these names; where a key is known to hold an action (/A, /OpenAction, /Next) only SAFE_ACTIONS
# stay.
UNSAFE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToR",
    "/GoToE",
    "/Thread",
    *MEDIA_ACTIONS,
}

SCRIPTS = "JavaScript or actions that run programs, open other files or send data"
MEDIA = "multimedia (video, sound, 3D or Flash content)"
XFA = "an XFA form (forms that run their own program)"
ATTACHED = "attached files"
COMMENTS = "comments (notes on its pages, or the text of its highlights and marks)"
UNSHOWN = "pictures or drawings its pages never show"
# Tidied away from a public pack without a word: what every kind of PDF writer leaves (fonts and
# graphics states a page does not use, thumbnails, editing data, metadata, a checkbox's other
# look). Not a warning; the paper is not remembered as clean, so it is tidied every time.
TIDIED = "tidied"
FETCHED = "content fetched from other files or the web"
# what reviewers leave on a page: a note's icon and its pop-up window
NOTES = {"/Text", "/Popup"}
# markup whose look stays (a highlight, a box, a stamp) but whose comment text, author and
# pop-up a public pack loses; a FreeText's text is what it shows, and stays
MARKUP = {
    "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight", "/Underline",
    "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink",
}  # fmt: skip
_NEVER_SHOWN = 2 | 32  # an annotation's flags: Hidden, NoView


def sanitize(
    pdf: Pdf,
    *,
    public: bool,
    texts: tuple[list[Object], list[bytes]] | None = None,
    trial: bool = False,
    refused: list[PictureRefused] | None = None,
) -> list[str]:
    """Remove active content from `pdf` in place, before it is saved.

    Args:
        public: a public pack also loses attached files; a private pack keeps them.
        texts: `object_texts` of `pdf` as it is now, when the caller has them already.
        trial: only find out what would be removed, where that costs (`pictures`: no picture
            is cut or written again); what is cheap to remove is removed all the same.
        refused: on `trial`, gets a picture a public pack could not cut down (`pictures`).

    Returns:
        What was removed, as phrases for a warning ("JavaScript or actions ..."); empty when the
        file carried none.
    """
    found: set[str] = set()
    root = pdf.Root
    if not isinstance(root, Dictionary):
        return []
    _clean_catalog(root, public, found)
    form = root.get("/AcroForm")
    if isinstance(form, Dictionary):
        for key in ("/XFA", "/NeedsRendering"):
            if key in form:
                del form[key]
                found.add(XFA)
    texts = texts or object_texts(pdf)
    dropped: set[tuple[int, int]] = set()  # comments left out of a public pack (`_comment`)
    on_pages: set[tuple[int, int]] = set()  # the annotations pages keep
    shown: set[tuple[int, int]] = set()  # the pictures and drawings pages draw (`_undrawn`)
    for page in pdf.pages:
        _clean_annotations(page.obj, public, found, dropped, on_pages)
    if public:
        _stray_comments(*texts, found, dropped, on_pages)
        _unlink_dropped(*texts, dropped)
        _unplaced_widgets(*texts, on_pages, found)
        shown = _unshown(pdf, found, texts).shown()
        cut_pictures(pdf, found, texts, trial=trial, refused=refused)
        strip_metadata(pdf, found, _pictures(*texts), trial=trial)
    for obj in _every_dictionary(pdf, texts):
        _clean_dictionary(obj, public, found)
    if public:
        _undrawn(*texts, shown, found)
    # /OpenAction and /AA of the catalog are cleaned by this walk too, as in any dictionary
    order = [SCRIPTS, MEDIA, FETCHED, XFA, ATTACHED, COMMENTS, UNSHOWN, CROPPED, COVERED, MASKED]
    order.append(PHOTO_METADATA)
    order.append(TIDIED)
    said = [what for what in order if what in found]
    return [TIDIED] if said == [TIDIED] else [w for w in said if w != TIDIED]


def _pictures(objects: list[Object], texts: list[bytes]) -> list[Stream]:
    """The JPEG and JPEG 2000 pictures among `objects` (`strip_metadata`)."""
    return [
        obj
        for obj, text in zip(objects, texts, strict=True)
        if isinstance(obj, Stream) and (b"/DCT" in text or b"/JPX" in text) and b"/Image" in text
    ]


def _clean_catalog(root: Dictionary, public: bool, found: set[str]) -> None:
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key in ("/JavaScript", "/AlternatePresentations", "/Renditions"):
            if key in names:
                del names[key]
                found.add(SCRIPTS if key == "/JavaScript" else MEDIA)
        if public and "/EmbeddedFiles" in names:
            del names["/EmbeddedFiles"]
            found.add(ATTACHED)
    if public and "/Collection" in root:  # a PDF portfolio: a folder of attached files
        del root["/Collection"]
        found.add(ATTACHED)


# What `_clean_dictionary` acts on, in an object's text as qpdf writes it (names decoded, so
# ``/J#53`` is ``/JS``): a key removed whatever its value, a value of /S or /Type removed, /S or
# /Type given by reference, or a key that may hold an action, given here. An object whose text
# has none of these has nothing to clean, nor has anything written inside it; a match in a string
# is only a false alarm (the object is walked).
_DELIMITER = rb"(?=[\s()<>\[\]{}/%]|$)"
_RISKY = re.compile(
    rb"/(?:AA|JS|EF|RF|AF|EmbeddedFile|FFilter|FDecodeParms|Alternates|OPI|Ref|"
    + b"|".join(re.escape(n[1:].encode()) for n in sorted(UNSAFE_ACTIONS | {"/URI"}))
    + rb")"
    + _DELIMITER
    + rb"|/(?:S|Type)\s+\d+\s+\d+\s+R"
    + rb"|/(?:A|OpenAction|Next|PA)\s*(?:<<|\[)"
    + rb"|/F\s*(?:\(|<|\d+\s+\d+\s+R)"  # (a stream's bytes in a file, or at an address)
)
# A key that may hold an action, given by reference: the object holding it is walked when the
# object referred to has an /S (a structure element's /A, its attributes, has none).
_ACTION_REFERENCE = re.compile(rb"/(?:A|OpenAction|Next|PA)\s+(\d+)\s+(\d+)\s+R")
_HAS_S = re.compile(rb"/S" + _DELIMITER)


def _every_dictionary(
    pdf: Pdf, texts: tuple[list[Object], list[bytes]] | None = None
) -> Iterator[Dictionary | Stream]:
    """Every dictionary and stream of the file that `_clean_dictionary` may have to change,
    indirect or nested, each once.

    Every indirect object of the file is in `pdf.objects`, so each is looked at once, from there;
    it and what is written inside it (direct dictionaries and arrays) are walked only when its
    text as qpdf writes it names something risky (`_RISKY`, `_ACTION_REFERENCE`). A tagged paper
    has a dictionary for every paragraph, span and table cell (70,000 in a 180-page table
    appendix): each object's text is asked of qpdf once, and the texts are searched together, in
    one pass of the regular expressions, rather than one search an object.
    """
    objects, text = texts or object_texts(pdf)
    for index in sorted(_risky(objects, text)):
        yield from _nested_dictionaries(objects[index])
    yield from _nested_dictionaries(pdf.trailer)


def object_texts(pdf: Pdf, strings: list[bytes] | None = None) -> tuple[list[Object], list[bytes]]:
    """Every indirect dictionary, array and stream of `pdf`, and its text as qpdf writes it (a
    stream's dictionary only), in the same order; every indirect string's text added to
    `strings`, if given (`carried`)."""
    objects: list[Object] = []
    texts: list[bytes] = []
    for obj in pdf.objects:
        if isinstance(obj, Stream):
            texts.append(obj.stream_dict.unparse(resolved=True))
        elif isinstance(obj, Dictionary | Array):
            texts.append(obj.unparse(resolved=True))
        else:
            if strings is not None and isinstance(obj, String):
                strings.append(obj.unparse(resolved=True))
            continue
        objects.append(obj)
    return objects, texts


def _risky(objects: list[Object], texts: list[bytes]) -> set[int]:
    """The indexes of the objects whose text names something risky, or refers, under a key that
    may hold an action, to an object with an /S. The texts are searched joined by newlines: every
    text ends with ``>>`` or ``]``, so no match runs from one text into the next, and a newline
    ends a name as the end of a text does."""
    found = _owners(texts, _RISKY)
    references = [(i, (int(m[1]), int(m[2]))) for i, m in _matches(texts, _ACTION_REFERENCE)]
    if references:
        index = {obj.objgen: i for i, obj in enumerate(objects)}
        for i, target in references:
            j = index.get(target)
            if j is not None and _HAS_S.search(texts[j]):
                found.add(i)
    return found


def _matches(texts: list[bytes], pattern: re.Pattern[bytes]) -> list[tuple[int, re.Match[bytes]]]:
    """Each match of `pattern` in `texts`, with the index of the text it is in: the texts are
    searched joined by newlines, in one pass (see `_risky`)."""
    starts: list[int] = []
    at = 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    joined = b"\n".join(texts)
    return [(bisect.bisect_right(starts, m.start()) - 1, m) for m in pattern.finditer(joined)]


def _owners(texts: list[bytes], pattern: re.Pattern[bytes]) -> set[int]:
    """The indexes of the texts in which `pattern` matches (`_matches`)."""
    return {i for i, _ in _matches(texts, pattern)}


def _nested_dictionaries(top: Object) -> Iterator[Dictionary | Stream]:
    """`top` if a dictionary or stream, and every dictionary and stream written inside it (not
    those it refers to: they are indirect objects, visited on their own)."""
    stack: list[Object] = [top]
    while stack:
        obj = stack.pop()
        if isinstance(obj, Stream):
            yield obj
            stack.extend(v for v in obj.stream_dict.values() if _direct_container(v))
        elif isinstance(obj, Dictionary):
            yield obj
            stack.extend(v for v in obj.values() if _direct_container(v))
        elif isinstance(obj, Array):
            stack.extend(v for v in obj if _direct_container(v))


def _direct_container(obj: Object) -> bool:
    return isinstance(obj, Dictionary | Array | Stream) and not obj.is_indirect


# what makes a stream's bytes come from elsewhere (a file, a web address), or offers a viewer
# another picture or another file's page instead of what the paper holds
_FETCHING_STREAM_KEYS = ("/F", "/FFilter", "/FDecodeParms")
_FETCHING_KEYS = ("/Alternates", "/OPI", "/Ref")


def _clean_dictionary(obj: Dictionary | Stream, public: bool, found: set[str]) -> None:
    d = obj.stream_dict if isinstance(obj, Stream) else obj
    for key in (*(_FETCHING_STREAM_KEYS if isinstance(obj, Stream) else ()), *_FETCHING_KEYS):
        if key in d and (key != "/Ref" or d.get("/Subtype") == Name.Form):
            del d[key]
            found.add(FETCHED)
    kind = str(d.get("/S")) if isinstance(d.get("/S"), Name) else ""
    if kind in UNSAFE_ACTIONS or (kind == "/URI" and not _safe_uri(d)):
        # an action under a key no viewer should look at: emptied, so it does nothing anywhere
        for key in list(d.keys()):
            del d[key]
        found.add(MEDIA if kind in MEDIA_ACTIONS else SCRIPTS)
        return
    for key in ("/AA", "/JS"):  # triggers (page open, field change ...) and script text
        if key in d:
            del d[key]
            found.add(SCRIPTS)
    for key in ("/A", "/OpenAction", "/Next", "/PA"):
        action = d.get(key)
        if isinstance(action, Dictionary) and "/S" in action and not _keep_action(action, found):
            del d[key]
    if public:
        _drop_attachments(obj, d, found)


def _drop_attachments(obj: Dictionary | Stream, d: Dictionary, found: set[str]) -> None:
    for key in (
        "/EF",
        "/RF",
        "/AF",
    ):  # a file inside a file specification; PDF 2.0 associated files
        if key in d:
            del d[key]
            found.add(ATTACHED)
    if isinstance(obj, Stream) and d.get("/Type") == Name("/EmbeddedFile"):
        obj.write(b"")  # should anything still point at it, it points at nothing
        for key in list(d.keys()):
            if key not in ("/Length", "/Filter", "/DecodeParms"):
                del d[key]
        found.add(ATTACHED)


def _keep_action(action: Dictionary, found: set[str]) -> bool:
    """Whether an action may stay; trims its /Next chain of anything unsafe on the way."""
    kind = str(action.get("/S"))
    safe = kind in SAFE_ACTIONS and (kind != "/URI" or _safe_uri(action))
    if not safe:
        found.add(MEDIA if kind in MEDIA_ACTIONS else SCRIPTS)
        return False
    nxt = action.get("/Next")
    if isinstance(nxt, Dictionary) and "/S" in nxt:
        if not _keep_action(nxt, found):
            del action["/Next"]
    elif isinstance(nxt, Array):
        kept = [a for a in nxt if isinstance(a, Dictionary) and _keep_action(a, found)]
        if len(kept) != len(nxt):
            action.Next = Array(kept)
    return True


def _safe_uri(action: Dictionary) -> bool:
    """A link to the web or an e-mail address; not javascript:, file: or a program's scheme."""
    try:
        uri = bytes(action.get("/URI", b"")).decode("latin-1")
    except (TypeError, ValueError):
        return False
    return uri.strip().lower().startswith(SAFE_URI_SCHEMES)


def _clean_annotations(
    page: Dictionary,
    public: bool,
    found: set[str],
    dropped: set[tuple[int, int]],
    on_pages: set[tuple[int, int]],
) -> None:
    """Clean a page's annotations (`on_pages`: those it keeps are added, for a public pack)."""
    annots = page.get("/Annots")
    if not isinstance(annots, Array):
        return
    kept = []
    for annot in annots:
        if not isinstance(annot, Dictionary | Stream):
            kept.append(annot)
            continue
        subtype = annot.get("/Subtype")
        if subtype is not None and str(subtype) in MEDIA_ANNOTATIONS:
            found.add(MEDIA)
            if public:
                _empty(annot, set(), dropped)
            continue
        if public and subtype == Name("/FileAttachment"):
            found.add(ATTACHED)
            _empty(annot, set(), dropped)
            continue
        if public and _comment(annot, found, dropped, _off_page(annot, page)):
            continue
        kept.append(annot)
    if len(kept) != len(annots):
        page.Annots = Array(kept)
    if public:
        on_pages.update(a.objgen for a in kept if isinstance(a, Object) and a.is_indirect)


# what a mark that stays keeps: how it looks and where it is (everything else of it, its comment
# text, author, subject, replies, pop-up, custom keys, goes)
_MARK_KEYS = {
    "/Type", "/Subtype", "/Rect", "/Contents", "/P", "/M", "/F", "/AP", "/AS", "/Border",
    "/C", "/StructParent", "/OC", "/BS", "/BE", "/IC", "/CA", "/ca", "/LE", "/L", "/LL", "/LLE",
    "/LLO", "/Cap", "/CP", "/CO", "/QuadPoints", "/InkList", "/Vertices", "/Path", "/RD",
    "/Name", "/IT", "/Rotate", "/BM", "/NM",
}  # fmt: skip
# keys of any other annotation that only a comment uses
_COMMENT_KEYS = ("/Popup", "/IRT", "/RT", "/ExData", "/Subj")
_VISIBLE_KINDS = {"/Link", "/Widget", "/FreeText", "/PrinterMark", "/TrapNet", "/Watermark"}
_STRAY_KINDS = {"/FreeText", "/Redact", "/FileAttachment"}  # (with NOTES and MARKUP: `_STRAY`)


def _comment(
    annot: Dictionary | Stream, found: set[str], dropped: set[tuple[int, int]], off: bool = False
) -> bool:
    """For a public pack: whether `annot`, on a page, is a comment to leave out (a note, its
    pop-up, or an annotation that never shows, hidden or placed wholly off the page (`off`):
    emptied too, since the structure tree or a reply may still refer to it); a mark that
    stays (`MARKUP`) keeps only how it looks, its description naming the mark; any other
    annotation loses the keys only comments use, and one of an unknown kind its text too. (A
    private pack keeps comments: members are their audience, as for attached files.)"""
    subtype = annot.get("/Subtype")
    kind = str(subtype) if isinstance(subtype, Name) else ""
    try:
        flags = int(annot.get("/F", 0))
    except (TypeError, ValueError):
        flags = 0
    # (a hidden form field stays: the form's fields name their widgets)
    if kind in NOTES or ((flags & _NEVER_SHOWN or off) and kind != "/Widget"):
        _empty(annot, found, dropped)
        return True
    said = False
    if kind in MARKUP:
        for key in [str(k) for k in annot if str(k) not in _MARK_KEYS]:
            del annot[key]
            said = True
        contents = annot.get("/Contents")
        if contents is not None and str(contents) != kind[1:]:
            annot.Contents = String(kind[1:])  # its description, for a screen reader
            said = said or bool(str(contents).strip())
    elif kind != "/Widget":  # (a widget's /T is its field's name)
        for key in (*_COMMENT_KEYS, "/T", *(() if kind == "/FreeText" else ("/RC",))):
            if key in annot:
                del annot[key]
                said = True
        if kind not in _VISIBLE_KINDS and "/Contents" in annot:
            del annot["/Contents"]
            said = True
    if said:
        found.add(COMMENTS)
    return False


def _empty(annot: Dictionary | Stream, found: set[str], dropped: set[tuple[int, int]]) -> None:
    """Leave of a dropped annotation an empty, hidden one, wherever it is still referred to."""
    if any(k in annot for k in ("/Contents", "/RC", "/T", "/Subj", "/AP", "/Popup")):
        found.add(COMMENTS)
    subtype = annot.get("/Subtype")
    if isinstance(annot, Stream):
        annot.write(b"")
    for key in [str(k) for k in annot.keys() if str(k) not in ("/Length", "/Filter")]:  # noqa: SIM118
        del annot[key]
    annot.Type, annot.Rect, annot.F = Name.Annot, Array([0, 0, 0, 0]), 2
    if isinstance(subtype, Name):
        annot.Subtype = subtype
    if annot.is_indirect:
        dropped.add(annot.objgen)


# an annotation, wherever it is in the file (on no page, reached by the structure tree or a
# reply): by its type, or by a kind only annotations have (`_stray_comments`)
_STRAY = re.compile(
    rb"/Type\s*/Annot" + _DELIMITER + rb"|/Subtype\s*/(?:Text|Popup|FreeText|Line|Square|Circle|"
    rb"Polygon|PolyLine|Highlight|Underline|Squiggly|StrikeOut|Stamp|Caret|Ink|Redact|"
    rb"FileAttachment)" + _DELIMITER
)


def _stray_comments(
    objects: list[Object],
    texts: list[bytes],
    found: set[str],
    dropped: set[tuple[int, int]],
    on_pages: set[tuple[int, int]],
) -> None:
    """Empty every annotation of the file that no page keeps (`_empty`): no viewer shows it,
    and what it says would be in the pack wherever the file still refers to it. (A form field's
    widget stays: the form names it.)"""
    for index in sorted(_owners(texts, _STRAY)):
        obj = objects[index]
        if (
            isinstance(obj, Dictionary | Stream)
            and obj.objgen not in dropped
            and obj.objgen not in on_pages
            and _annotation(obj)
            and obj.get("/Subtype") != Name.Widget
        ):
            _empty(obj, found, dropped)


def _annotation(obj: Dictionary | Stream) -> bool:
    """Whether `obj` is itself an annotation (not an object holding one written inside it)."""
    kind = obj.get("/Subtype")
    return obj.get("/Type") == Name.Annot or (
        isinstance(kind, Name) and str(kind) in NOTES | MARKUP | _STRAY_KINDS
    )


def _unlink_dropped(
    objects: list[Object], texts: list[bytes], dropped: set[tuple[int, int]]
) -> None:
    """Take the structure tree's object references (/OBJR) to dropped annotations out of their
    elements, with what those elements said of them (/Alt, /ActualText, /E, /T); an /OBJR
    given by reference, or in an array given by reference, too."""
    if not dropped:
        return
    gone: set[tuple[int, int]] = set()  # indirect /OBJR and /K arrays that referred to them
    for i in sorted(_owners(texts, re.compile(rb"/OBJR" + _DELIMITER))):
        _unlink_in(objects[i], dropped, gone)
    if not gone:
        return
    # the elements whose /K is one of those (given by reference)
    refs = re.compile(rb"(?<![\d.])(?:" + b"|".join(b"%d %d" % g for g in sorted(gone)) + rb") R\b")
    for i in sorted(_owners(texts, refs)):
        obj = objects[i]
        if isinstance(obj, Dictionary) and _drop_kids(obj, dropped, gone):
            _forget(obj)


def _unlink_in(obj: Object, dropped: set[tuple[int, int]], gone: set[tuple[int, int]]) -> None:
    """`_unlink_dropped` in one object whose text names /OBJR: an /OBJR to a dropped
    annotation (gone), an element referring to one, or an array of kids holding one."""
    if isinstance(obj, Dictionary) and _refers_to_dropped(obj, dropped):
        gone.add(obj.objgen)
    elif isinstance(obj, Dictionary):
        if _drop_kids(obj, dropped, gone):
            _forget(obj)
    elif isinstance(obj, Array) and any(_refers_to_dropped(k, dropped) for k in obj):
        for j in reversed(range(len(obj))):
            if _refers_to_dropped(obj[j], dropped):
                del obj[j]
        gone.add(obj.objgen)


def _drop_kids(
    element: Dictionary, dropped: set[tuple[int, int]], gone: set[tuple[int, int]]
) -> bool:
    """Take out of `element`'s /K the references to dropped annotations (or to `gone`
    objects); whether its /K referred to any."""
    kids = element.get("/K")
    if isinstance(kids, Object) and kids.is_indirect and kids.objgen in gone:
        return True  # (an array emptied of them already)
    items = list(kids) if isinstance(kids, Array) and not kids.is_indirect else [kids]
    kept = [
        k for k in items
        if not _refers_to_dropped(k, dropped)
        and not (isinstance(k, Object) and k.is_indirect and k.objgen in gone)
    ]  # fmt: skip
    if len(kept) == len(items):
        return False
    if kept:
        element.K = Array(kept) if len(kept) != 1 else kept[0]
    elif "/K" in element:
        del element["/K"]
    return True


def _forget(element: Dictionary) -> None:
    """What a structure element said of an annotation that was left out: of an /Annot element,
    or one left with no content (an element with other content keeps what it says of that)."""
    if element.get("/S") != Name.Annot and "/K" in element:
        return
    for key in ("/Alt", "/ActualText", "/E", "/T"):
        if key in element:
            del element[key]


def _refers_to_dropped(kid: object, dropped: set[tuple[int, int]]) -> bool:
    if not isinstance(kid, Dictionary) or kid.get("/Type") != Name.OBJR:
        return False
    target = kid.get("/Obj")
    return isinstance(target, Object) and target.is_indirect and target.objgen in dropped


# What a page keeps in a public pack: what it is drawn with and what is on it. Not a thumbnail,
# an editor's private data (/PieceInfo), the page's own metadata, presentation and article
# data, nor any key of no standard meaning: no viewer shows them as the page.
_PAGE_KEYS = {
    "/Type", "/Parent", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
    "/ArtBox", "/Contents", "/Rotate", "/Group", "/Annots", "/StructParents", "/Tabs",
    "/UserUnit",
    "/AA", "/AF",  # (cleaned as active content and attachments, and said so: `_clean_dictionary`)
}  # fmt: skip
# the kinds of resource drawing instructions name (each kept only where named)
_RESOURCE_KINDS = ("/Font", "/XObject", "/ExtGState", "/ColorSpace", "/Pattern", "/Shading",
                   "/Properties")  # fmt: skip
# a name in drawing instructions (`#xx` is a character given by its code)
_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]*)")
_CODE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _unshown(pdf: Pdf, found: set[str], texts: tuple[list[Object], list[bytes]]) -> _Usage:
    """For a public pack: each page without the keys no viewer shows as the page (`_PAGE_KEYS`),
    its annotations without the looks they never take, and every resource dictionary without
    the entries no drawing instruction names (`_Usage`); what is no longer named is then on no
    page, and the pack, which copies what its pages lead to, leaves it out. Returns what was
    found drawn (`_undrawn` empties the rest, which other routes may still reach)."""
    for page in pdf.pages:
        extra = [str(k) for k in page.obj.keys() if str(k) not in _PAGE_KEYS]  # noqa: SIM118
        for key in extra:
            del page.obj[key]
            found.add(TIDIED)
        _unseen_looks(page.obj, found)
    usage = _Usage(pdf)
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        usage.visit([(resources, page.obj)], _page_bytes(pdf, page, found))
        annots = page.obj.get("/Annots")
        for appearance in itertools.chain(appearances(annots), _icons(annots)):
            if appearance.is_indirect:  # shown, whatever name a page lists it under
                usage.elsewhere.add(appearance.objgen)
            # (a reader looks a name its own dictionary lacks up in the page's)
            own = appearance.get("/Resources")
            data = usage.instructions(appearance)
            usage.visit([(own, appearance), (resources, page.obj)], data)
    usage.prune(found)
    found.update(usage.found)
    _uncomment_the_rest(pdf, texts, usage.read, found)
    return usage


# a picture or a drawing, wherever it is in the file
_SHOWABLE = re.compile(rb"/Subtype\s*/(?:Form|Image)" + _DELIMITER)


def _undrawn(
    objects: list[Object], texts: list[bytes], shown: set[tuple[int, int]], found: set[str]
) -> None:
    """For a public pack: empty every picture and drawing of the file that no page, nor the look
    of an annotation a page keeps, draws (`shown`: what `_unshown` found drawn). Pruning the
    pages' resources takes such a stream off the pages, but the pack copies whatever else
    still leads to it: the structure tree (a marked-content reference's /Stm or /StmOwn, an
    object reference /OBJR), a form field's other widgets, a reply. The checks that read a
    public paper's text (`textmatch`, `unseen`) see only what is drawn, so an exempt report
    kept as such a drawing would be published unseen; emptied, it is nothing wherever it is
    reached (a drawing of nothing, a picture of one white pixel). Run after the file is
    cleaned: one that nothing refers to any more (a picture's alternates, taken out as
    fetched) is emptied without a word."""
    undrawn: dict[tuple[int, int], Stream] = {}
    for index in sorted(_owners(texts, _SHOWABLE)):
        obj = objects[index]
        if (
            isinstance(obj, Stream)
            and obj.objgen not in shown
            and obj.get("/Subtype") in (Name.Form, Name.Image)
        ):
            undrawn[obj.objgen] = obj
    if not undrawn:
        return
    if _still_referred_to(objects, texts, set(undrawn)):
        found.add(UNSHOWN)
    for obj in undrawn.values():
        kind = obj.get("/Subtype")
        for key in [str(k) for k in obj.keys() if str(k) != "/Length"]:  # noqa: SIM118
            del obj[key]
        obj.Type, obj.Subtype = Name.XObject, kind
        if kind == Name.Form:
            obj.write(b"")
            obj.BBox = Array([0, 0, 0, 0])
        else:
            obj.write(b"\xff")
            obj.Width, obj.Height, obj.BitsPerComponent = 1, 1, 8
            obj.ColorSpace = Name.DeviceGray


def _still_referred_to(
    objects: list[Object], texts: list[bytes], targets: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Those of `targets` that an object of the file still refers to, as it is now (`texts`, as
    it was, says which objects to look at again)."""
    pattern = re.compile(
        rb"(?<![\d.])(" + b"|".join(b"%d %d" % t for t in sorted(targets)) + rb") R\b"
    )
    found: set[tuple[int, int]] = set()
    for index in sorted(_owners(texts, pattern)):
        obj = objects[index]
        now = obj.stream_dict if isinstance(obj, Stream) else obj
        for m in pattern.finditer(now.unparse(resolved=True)):
            number, generation = m[1].split()
            found.add((int(number), int(generation)))
    return found


# a form field's widget, wherever it is in the file
_WIDGET = re.compile(rb"/Subtype\s*/Widget" + _DELIMITER)


def _unplaced_widgets(
    objects: list[Object], texts: list[bytes], on_pages: set[tuple[int, int]], found: set[str]
) -> None:
    """For a public pack: a form field's widget that no page holds loses its looks and its
    value, and its field its value when none of the field's widgets is on a page: nothing
    shows them, but the pack would carry them where the form, a sibling widget or the
    structure tree leads to them (as a hidden field's, `_forget_value`)."""
    for index in sorted(_owners(texts, _WIDGET)):
        widget = objects[index]
        if (
            not isinstance(widget, Dictionary)
            or widget.objgen in on_pages
            or widget.get("/Subtype") != Name.Widget
        ):
            continue
        said = False
        for key in ("/AP", "/MK", *_VALUES):
            if key in widget:
                del widget[key]
                said = True
        parent, depth = widget.get("/Parent"), 0
        while isinstance(parent, Dictionary) and depth < 8 and not _placed(parent, on_pages):
            for key in _VALUES:
                if key in parent:
                    del parent[key]
                    said = True
            parent, depth = parent.get("/Parent"), depth + 1
        if said:
            found.add(UNSHOWN)


def _placed(field: Dictionary, on_pages: set[tuple[int, int]], depth: int = 0) -> bool:
    """Whether any widget of `field` (its kids', at any depth) is on a page the pack keeps."""
    if field.is_indirect and field.objgen in on_pages:
        return True
    kids = field.get("/Kids")
    return (
        depth < 8
        and isinstance(kids, Array)
        and any(isinstance(k, Dictionary) and _placed(k, on_pages, depth + 1) for k in kids)
    )


# what holds drawing instructions besides what pages draw by name: a form (a push button's
# icon, /MK /I), a tiling pattern, a Type 3 font (the form's fonts, /DR)
_DRAWS = re.compile(rb"/Subtype\s*/(?:Form|Type3)\b|/PatternType\s+1\b")


def drawings(texts: tuple[list[Object], list[bytes]]) -> Iterator[Stream]:
    """Every stream of drawing instructions a file holds (`texts`: its `object_texts`) but its
    pages' content: forms, tiling patterns, Type 3 glyphs (`_DRAWS`)."""
    objects, text = texts
    for index in sorted(_owners(text, _DRAWS)):
        obj = objects[index]
        streams = [obj]
        if isinstance(obj, Dictionary) and obj.get("/Subtype") == Name.Type3:
            procs = obj.get("/CharProcs")
            streams = list(procs.values()) if isinstance(procs, Dictionary) else []
        yield from (s for s in streams if isinstance(s, Stream))


def _uncomment_the_rest(
    pdf: Pdf, texts: tuple[list[Object], list[bytes]], read: set[tuple[int, int]], found: set[str]
) -> None:
    """Take the comments out of the drawing instructions a page does not draw by name but the
    pack may carry all the same (`_uncommented`); those `_Usage` read (`read`) are done."""
    for stream in drawings(texts):
        if stream.objgen not in read:
            _uncommented(pdf, stream, found)


def _unseen_looks(page: Dictionary, found: set[str]) -> None:
    """The looks of annotations that never show on the page: all of a hidden one's, or of one
    placed wholly off the page (`_off_page`); any
    annotation's looks under the mouse and pressed (/R, /D: a link's or a mark's may show
    another drawing than its page, which no check of the page reads, nor the printed pack
    shows); and of a field's looks by state (a checkbox's "on" and "off"), all but the state
    it is in. (A public pack is read and printed, not filled in.)"""
    annots = page.get("/Annots")
    for annot in annots if isinstance(annots, Array) else ():
        if not isinstance(annot, Dictionary) or "/AP" not in annot:
            continue
        try:
            hidden = int(annot.get("/F", 0)) & _NEVER_SHOWN
        except (TypeError, ValueError):
            hidden = 0
        if hidden or _off_page(annot, page):
            del annot["/AP"]
            found.add(UNSHOWN)
            _forget_value(annot)
            continue
        ap, state = annot.get("/AP"), annot.get("/AS")
        for key in ("/R", "/D"):
            if isinstance(ap, Dictionary) and key in ap:
                del ap[key]
                found.add(TIDIED)
        for kind in list(ap.values()) if isinstance(ap, Dictionary) else ():
            if isinstance(kind, Dictionary) and not isinstance(kind, Stream):
                for name in [str(k) for k in kind.keys()]:  # noqa: SIM118
                    if not isinstance(state, Name) or name != str(state):
                        del kind[name]
                        found.add(TIDIED)


_VALUES = ("/V", "/DV", "/RV")  # a field's value, its default and its rich text


def _off_page(annot: object, page: Dictionary) -> bool:
    """Whether `annot` is placed wholly outside what its page shows (its crop box, or its
    media box): no viewer shows its look, and no check of the page reads it, but the pack
    would carry it (a look holding a whole report, placed beside the page)."""
    rect = box(annot.get("/Rect") if isinstance(annot, Dictionary | Stream) else None)
    media = box(page.get("/MediaBox"))
    shown = box(page.get("/CropBox")) or media
    if rect is None or shown is None:
        return False
    if media is not None:
        shown = within(shown, media)
    return rect[2] <= shown[0] or rect[0] >= shown[2] or rect[3] <= shown[1] or rect[1] >= shown[3]


def _forget_value(widget: Dictionary) -> None:
    """A hidden field's value, which nothing shows (a form's tools and a text extractor would
    give it): gone from the widget, and from its field if every widget of that is hidden too."""
    for key in _VALUES:
        if key in widget:
            del widget[key]
    parent, depth = widget.get("/Parent"), 0
    while isinstance(parent, Dictionary) and depth < 8:
        kids = parent.get("/Kids")
        if not isinstance(kids, Array) or not all(_never_shown(k) for k in kids):
            return
        for key in _VALUES:
            if key in parent:
                del parent[key]
        parent, depth = parent.get("/Parent"), depth + 1


def _never_shown(annot: object, depth: int = 0) -> bool:
    """Whether an annotation (a field's widget) is hidden, or a field whose widgets all are."""
    if not isinstance(annot, Dictionary):
        return True
    kids = annot.get("/Kids")
    if isinstance(kids, Array) and "/Rect" not in annot:
        return depth < 8 and all(_never_shown(k, depth + 1) for k in kids)
    try:
        return bool(int(annot.get("/F", 0)) & _NEVER_SHOWN)
    except (TypeError, ValueError):
        return False


# A colour space no instruction names but that still applies, wherever its family is used.
_ALWAYS_KEPT = {"/DefaultGray", "/DefaultRGB", "/DefaultCMYK"}
# What a picture or a drawing keeps in a public pack: what it is drawn with. Not its own
# metadata, an editor's private data (/PieceInfo) or keys of no standard meaning.
_IMAGE_KEYS = {
    "/Type", "/Subtype", "/Width", "/Height", "/ColorSpace", "/BitsPerComponent", "/Intent",
    "/ImageMask", "/Mask", "/Decode", "/Interpolate", "/SMask", "/SMaskInData", "/Name",
    "/StructParent", "/OC", "/Length", "/Filter", "/DecodeParms", "/DL",
}  # fmt: skip
_FORM_KEYS = {
    "/Type", "/Subtype", "/FormType", "/BBox", "/Matrix", "/Resources", "/Group", "/Name",
    "/StructParent", "/StructParents", "/OC", "/Length", "/Filter", "/DecodeParms", "/DL",
}  # fmt: skip


class _Usage:
    """Which entries of which resource dictionaries drawing instructions name (`_unshown`).

    A dictionary of one kind of resource (fonts, drawings ...) is known by its object number,
    or, written inside a resource dictionary, by that dictionary's (or, written inside a page
    or a drawing, by its owner's): pages sharing a dictionary keep what any of them names. A
    drawing's names count for the dictionaries of what draws it too (a reader looks a name up
    there when the drawing's own dictionary lacks it), and a drawing without a dictionary of
    its own is read once for each dictionary it is drawn with."""

    def __init__(self, pdf: Pdf) -> None:
        self.pdf = pdf
        self.found: set[str] = set()  # (comments taken out of drawing instructions)
        self.read: set[tuple[int, int]] = set()  # the drawings whose instructions were read
        self.kinds: dict[object, tuple[Dictionary, set[str]]] = {}  # with the keys named
        self.visited: set[object] = set()
        self.whole: set[object] = set()  # never pruned: the fonts of the form's fields
        self.trimmed = False  # a picture or drawing lost keys (`_IMAGE_KEYS`, `_FORM_KEYS`)
        # pictures and drawings shown otherwise than by name: a drawn picture's mask, a look
        self.elsewhere: set[tuple[int, int]] = set()
        self.pictures: set[tuple[int, int]] = set()  # the pictures drawn
        form = pdf.Root.get("/AcroForm")
        default = form.get("/DR") if isinstance(form, Dictionary) else None
        if isinstance(default, Dictionary):
            ident = _ident(default, None)
            for kind in _RESOURCE_KINDS:
                sub = default.get(kind)
                if not isinstance(sub, Dictionary):
                    continue
                sub_ident = _ident(sub, None, (ident, kind))
                if kind == "/Font":  # a viewer draws the fields' text with them
                    self.whole.add(sub_ident)
                self.kinds.setdefault(sub_ident, (sub, set()))  # else: kept if named

    def visit(self, dictionaries: list[tuple[object, Object]], data: bytes | None) -> None:
        """Drawing instructions `data` drawn with `dictionaries` (each a resource dictionary and
        its owner, the first looked in first); and what they name that draws in turn. `data`
        None: unreadable, so every name counts as used."""
        chain = [(r, _ident(r, owner)) for r, owner in dictionaries if isinstance(r, Dictionary)]
        if chain:
            self._visit(chain, data)

    def _visit(self, chain: list[tuple[Dictionary, object]], data: bytes | None) -> None:
        """`data` drawn with the dictionaries of `chain` (its own first, then its users')."""
        names = None if data is None else _names(data)
        for resources, ident in chain:
            for kind in _RESOURCE_KINDS:
                sub = resources.get(kind)
                if not isinstance(sub, Dictionary):
                    continue
                entry = self.kinds.setdefault(_ident(sub, None, (ident, kind)), (sub, set()))
                keys = [str(k) for k in sub.keys()]  # noqa: SIM118
                named = [k for k in keys if names is None or _named(k, names)]
                entry[1].update(named)
                for key in named:
                    self._draws(sub.get(key), chain)

    def _draws(self, obj: object, chain: list[tuple[Dictionary, object]]) -> None:
        """What a named resource draws in turn: a form, a tiling pattern, a Type 3 font's
        glyphs, a soft mask's group."""
        if not isinstance(obj, Dictionary | Stream):
            return
        own = obj.get("/Resources")
        if isinstance(own, Dictionary):
            chain = [(own, _ident(own, obj)), *chain]
            seen: object = obj.objgen if obj.is_indirect else None
        else:  # drawn with its user's: read again for each user
            seen = (obj.objgen, chain[0][1]) if obj.is_indirect else None
        if seen is not None:
            if seen in self.visited:
                return
            self.visited.add(seen)
        kind = obj.get("/Subtype")
        if isinstance(obj, Stream) and (kind == Name.Form or obj.get("/PatternType") == 1):
            if kind == Name.Form:
                self._trim(obj, _FORM_KEYS)
            self._visit(chain, self.instructions(obj))
        elif isinstance(obj, Stream) and kind == Name.Image:
            self._picture(obj)
        elif kind == Name.Type3:
            procs = obj.get("/CharProcs")
            for proc in procs.values() if isinstance(procs, Dictionary) else ():
                self._visit(chain, self.instructions(proc))
        elif "/SMask" in obj and not isinstance(obj, Stream):  # a graphics state's soft mask
            mask = obj.get("/SMask")
            if isinstance(mask, Dictionary):
                self._draws(mask.get("/G"), chain)

    def instructions(self, stream: object) -> bytes | None:
        """A drawing's instructions, without comments (`_uncommented`), and known as read."""
        if isinstance(stream, Stream) and stream.is_indirect:
            self.read.add(stream.objgen)
        return _uncommented(self.pdf, stream, self.found)

    def _picture(self, obj: Stream) -> None:
        """A drawn picture: its keys trimmed, its masks known."""
        if obj.is_indirect:
            self.pictures.add(obj.objgen)
        self._trim(obj, _IMAGE_KEYS)
        for key in ("/SMask", "/Mask"):
            mask = obj.get(key)
            if isinstance(mask, Stream) and mask.is_indirect:
                self.elsewhere.add(mask.objgen)

    def shown(self) -> set[tuple[int, int]]:
        """Every picture and drawing found drawn, by a page or an annotation's look."""
        return self.read | self.elsewhere | self.pictures

    def _shown_elsewhere(self, obj: Stream) -> bool:
        """Whether `obj` is shown otherwise than by name (Ghostscript lists pictures' masks
        among a page's pictures, under names no instruction uses): it stays, through what
        shows it, and is not worth a word."""
        return obj.is_indirect and obj.objgen in self.elsewhere

    def _trim(self, obj: Stream, keep: set[str]) -> None:
        # (what fetches from elsewhere goes from every pack, with its own warning)
        keep = keep | {*_FETCHING_STREAM_KEYS, *_FETCHING_KEYS}
        for key in [str(k) for k in obj.keys() if str(k) not in keep]:  # noqa: SIM118
            del obj[key]
            self.trimmed = True

    def prune(self, found: set[str]) -> None:
        for ident, (sub, named) in self.kinds.items():
            if ident in self.whole:
                continue
            for key in [str(k) for k in sub.keys() if str(k) not in named]:  # noqa: SIM118
                if key not in _ALWAYS_KEPT:
                    # a whole picture or drawing is worth a word; a font or a state is not
                    gone = sub.get(key)
                    drawing = isinstance(gone, Stream) and gone.get("/Subtype") in (
                        Name.Form,
                        Name.Image,
                    )
                    shown = isinstance(gone, Stream) and self._shown_elsewhere(gone)
                    found.add(UNSHOWN if drawing and not shown else TIDIED)
                    del sub[key]
        if self.trimmed:
            found.add(TIDIED)


def _ident(obj: Dictionary, owner: Object | None, inside: object = None) -> object:
    """How `_Usage` knows a dictionary: its number; written inside another, `inside` (that
    one's identity) or its `owner`'s number; else a number of its own (nothing shares it)."""
    if obj.is_indirect:
        return obj.objgen
    if inside is not None:
        return inside
    if owner is not None and owner.is_indirect:
        return ("in", owner.objgen)
    return ("alone", next(_ALONE))  # (a direct dictionary is written in one place only)


_ALONE = itertools.count()


def _named(key: str, names: set[bytes]) -> bool:
    """Whether drawing instructions name the resource `key` (one whose name is not plain ASCII
    is kept: only ever keeping more)."""
    return not key.isascii() or key[1:].encode() in names


def _names(data: bytes) -> set[bytes]:
    """Every name written in drawing instructions, as a resource dictionary's key reads (without
    its slash; `#xx` decoded)."""
    found = set(_NAME.findall(data))
    return {_CODE.sub(lambda m: bytes([int(m[1], 16)]), n) if b"#" in n else n for n in found}


def _page_bytes(pdf: Pdf, page: Page, found: set[str]) -> bytes | None:
    """A page's drawing instructions, decoded, without comments (`_uncommented`): read as a
    whole, as a reader reads them (a comment ends at the end of a line, not of a stream)."""
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, Array) else [contents]
    parts = [_bytes(s) for s in streams if isinstance(s, Stream)]
    if any(p is None for p in parts):
        return None
    data = b"\n".join(p for p in parts if p)
    if b"%" not in data:
        return data
    strip = _Uncommented()
    kept = page.get_filtered_contents(strip)
    if strip.dropped:
        page.obj.Contents = pdf.make_stream(kept)
        found.add(TIDIED)
        return kept
    return data


class _Uncommented(TokenFilter):
    """Every token of drawing instructions but their comments, counted (qpdf's tokenizer: a
    "%" in a string or in an inline picture's data is no comment)."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def handle_token(self, token: Token) -> Token | None:
        if token.type_ == TokenType.comment:
            self.dropped += 1
            return None
        return token


class _Last(TokenFilter):
    """Hands every token back, remembering the type of the last that is not a space."""

    def __init__(self) -> None:
        super().__init__()
        self.last: TokenType | None = None

    def handle_token(self, token: Token) -> Token:
        if token.type_ not in (TokenType.space, TokenType.eof):
            self.last = token.type_
        return token


def ends_mid_token(pdf: Pdf, data: bytes) -> bool:
    """Whether drawing instructions `data` end inside a comment, or inside an inline picture's
    data (``BI ... ID`` with no ``EI``), by qpdf's tokenizer: read only when the last line holds
    a "%", or the instructions an inline picture."""
    tail = data[max(data.rfind(b"\n"), data.rfind(b"\r")) + 1 :]
    if b"%" not in tail and b"ID" not in data:
        return False
    last = _Last()
    Page(pdf.make_stream(data, Type=Name.XObject, Subtype=Name.Form)).get_filtered_contents(last)
    return last.last in (TokenType.comment, TokenType.bad)


def _uncommented(pdf: Pdf, stream: object, found: set[str]) -> bytes | None:
    """A drawing's (or a look's, or a glyph's) instructions, decoded; without their comments,
    which are then taken out of `stream` too. A comment shows nothing, and no check reads it,
    so anything could be written there: public packs carry none. Only instructions holding a
    "%" at all are read token by token (LibreOffice writes none). None if they cannot be
    decoded (the checks refuse such pages)."""
    data = _bytes(stream)
    if data is None or b"%" not in data:
        return data
    # (qpdf filters a stream as instructions only if it says it is a drawing: a copy that does)
    scratch = pdf.make_stream(data, Type=Name.XObject, Subtype=Name.Form)
    strip = _Uncommented()
    kept = Page(scratch).get_filtered_contents(strip)
    if not strip.dropped:
        return data
    assert isinstance(stream, Stream)
    stream.write(kept)
    found.add(TIDIED)
    return kept


def _bytes(stream: object) -> bytes | None:
    """A stream's instructions, decoded; None if they cannot be (the checks refuse such pages)."""
    if not isinstance(stream, Stream):
        return None
    try:
        return stream.read_bytes()
    except Exception:  # noqa: BLE001 - undecodable: its resources are all kept
        return None


def _icons(annots: object) -> Iterator[Stream]:
    """A push button's icons (normal, rollover, down), which a viewer draws when it makes the
    button's look anew."""
    for annot in annots if isinstance(annots, Array) else ():
        mk = annot.get("/MK") if isinstance(annot, Dictionary) else None
        for key in ("/I", "/RI", "/IX"):
            icon = mk.get(key) if isinstance(mk, Dictionary) else None
            if isinstance(icon, Stream):
                yield icon


def appearances(annots: object) -> Iterator[Stream]:
    """Every appearance stream of a page's annotations (normal, rollover, down; each state)."""
    for annot in annots if isinstance(annots, Array) else ():
        ap = annot.get("/AP") if isinstance(annot, Dictionary) else None
        for kind in ap.values() if isinstance(ap, Dictionary) else ():
            if isinstance(kind, Stream):
                yield kind
            elif isinstance(kind, Dictionary):
                yield from (s for s in kind.values() if isinstance(s, Stream))
