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

The walk visits every object of the file, not only the places a viewer usually looks, so that an
action hidden anywhere (an annotation of a page, a field's kid, an outline item) is found.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from pikepdf import Array, Dictionary, Name, Object, Pdf, Stream, String

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
    pdf: Pdf, *, public: bool, texts: tuple[list[Object], list[bytes]] | None = None
) -> list[str]:
    """Remove active content from `pdf` in place, before it is saved.

    Args:
        public: a public pack also loses attached files; a private pack keeps them.
        texts: `object_texts` of `pdf` as it is now, when the caller has them already.

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
    for page in pdf.pages:
        _clean_annotations(page.obj, public, found, dropped, on_pages)
    if public:
        _stray_comments(*texts, found, dropped, on_pages)
        _unlink_dropped(*texts, dropped)
    for obj in _every_dictionary(pdf, texts):
        _clean_dictionary(obj, public, found)
    # /OpenAction and /AA of the catalog are cleaned by this walk too, as in any dictionary
    order = [SCRIPTS, MEDIA, XFA, ATTACHED, COMMENTS]
    return [what for what in order if what in found]


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
    rb"/(?:AA|JS|EF|RF|AF|EmbeddedFile|"
    + b"|".join(re.escape(n[1:].encode()) for n in sorted(UNSAFE_ACTIONS | {"/URI"}))
    + rb")"
    + _DELIMITER
    + rb"|/(?:S|Type)\s+\d+\s+\d+\s+R"
    + rb"|/(?:A|OpenAction|Next|PA)\s*(?:<<|\[)"
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


def object_texts(pdf: Pdf) -> tuple[list[Object], list[bytes]]:
    """Every indirect dictionary, array and stream of `pdf`, and its text as qpdf writes it (a
    stream's dictionary only), in the same order."""
    objects: list[Object] = []
    texts: list[bytes] = []
    for obj in pdf.objects:
        if isinstance(obj, Stream):
            texts.append(obj.stream_dict.unparse(resolved=True))
        elif isinstance(obj, Dictionary | Array):
            texts.append(obj.unparse(resolved=True))
        else:
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


def _clean_dictionary(obj: Dictionary | Stream, public: bool, found: set[str]) -> None:
    d = obj.stream_dict if isinstance(obj, Stream) else obj
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
        if public and _comment(annot, found, dropped):
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


def _comment(annot: Dictionary | Stream, found: set[str], dropped: set[tuple[int, int]]) -> bool:
    """For a public pack: whether `annot`, on a page, is a comment to leave out (a note, its
    pop-up, or an annotation that never shows: emptied too, since the structure tree or a
    reply may still refer to it); a mark that stays (`MARKUP`) keeps only how it looks, its
    description naming the mark; any other annotation loses the keys only comments use, and
    one of an unknown kind its text too. (A private pack keeps comments: members are their
    audience, as for attached files.)"""
    subtype = annot.get("/Subtype")
    kind = str(subtype) if isinstance(subtype, Name) else ""
    try:
        flags = int(annot.get("/F", 0))
    except (TypeError, ValueError):
        flags = 0
    # (a hidden form field stays: the form's fields name their widgets)
    if kind in NOTES or (flags & _NEVER_SHOWN and kind != "/Widget"):
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
