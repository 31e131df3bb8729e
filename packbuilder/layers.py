"""Layers switched off: what a paper hides when it is opened, no pack shows or holds.

A PDF can put content on layers (optional content groups: a plan's annotations, a map's
boundaries, a "draft" watermark) and say which are shown when it is opened (the default
configuration, ``/OCProperties /D``). An officer may make a "public version" of a report by
switching off the layer with the names or prices on it: the file still holds them. A pack carries
no layers (every paper's pages are merged into one document), so without this module whatever a
layer switched off holds would be drawn on the pack's pages, for everyone to read.

`remove_hidden_layers` takes it out of the paper before its pages are copied: the drawing
instructions inside a hidden marked-content section (``/OC /name BDC ... EMC``) paint nothing and
show no text, a form or image that is itself on a hidden layer is not drawn, and an annotation on
one is dropped. Everything else stays: the marked-content sections themselves (a tagged paper's
structure still finds each of its marked-content ids on its page), and the graphics state set
inside them, as a viewer keeps it when it hides the content (a hidden section that clips the page
clips it still). A path the hidden content would have painted is ended without painting (``n``).

Visibility is the default configuration's: ``/BaseState`` (on unless it says off), then its
``/ON`` and ``/OFF`` lists; membership dictionaries (``/OCMD``) by their ``/VE`` expression, or
else their ``/P`` policy over their ``/OCGs``. Whatever cannot be read as a layer switched off
(a damaged reference, an expression too deep) counts as shown: the page is then as it was before
this module, and never loses content a viewer would show.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, Operator, Pdf, Stream

# drawing instructions a hidden section keeps no part of (a path is ended unpainted: `_hidden`)
_PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_SHOW = {"Tj", "TJ", "sh", "Do", "INLINE IMAGE"}
# above this, a content stream is not rewritten (parsed into Python objects it would take
# gigabytes): the paper is refused, naming the page (`LayersTooLarge`)
MAX_REWRITTEN_BYTES = 20 * 1024 * 1024
_MAX_DEPTH = 32  # of a visibility expression, or of forms drawn by forms


class LayersTooLarge(Exception):
    """A page (1-based `page`) whose content on hidden layers is too large to take out."""

    def __init__(self, page: int) -> None:
        super().__init__(page)
        self.page = page


def remove_hidden_layers(pdf: Pdf) -> bool:
    """Take out of `pdf`, in place, what its layers switched off would show (see the module's
    docstring). Returns whether there was any.

    Raises:
        LayersTooLarge: a page to rewrite has more than `MAX_REWRITTEN_BYTES` of drawing
            instructions.
    """
    props = pdf.Root.get("/OCProperties")
    if not isinstance(props, Dictionary):
        return False  # a viewer shows every layer of a file that lists none
    shown = _Visibility(props)
    removed = False
    done: dict[tuple[int, int], bool] = {}  # forms, by object: rewritten once, however drawn
    for number, page in enumerate(pdf.pages, start=1):
        try:
            removed |= _clean_container(pdf, page.obj, page, shown, done, 0)
            removed |= _clean_annotations(pdf, page.obj, shown, done)
        except LayersTooLarge:
            raise LayersTooLarge(number) from None
    return removed


class _Visibility:
    """Whether an ``/OC`` value (a layer or a membership dictionary) is shown on opening."""

    def __init__(self, props: Dictionary) -> None:
        config = props.get("/D")
        config = config if isinstance(config, Dictionary) else Dictionary()
        self.base_on = config.get("/BaseState") != Name.OFF
        self.on = _refs(config.get("/ON"))
        self.off = _refs(config.get("/OFF"))

    def layer_on(self, layer: Object) -> bool:
        if not layer.is_indirect:
            return True
        objgen = layer.objgen
        if objgen in self.off:
            return False
        return self.base_on or objgen in self.on

    def shown(self, oc: Object | None, depth: int = 0) -> bool:
        if depth > _MAX_DEPTH or not isinstance(oc, Dictionary):
            return True
        kind = oc.get("/Type")
        if kind == Name.OCMD:
            expression = oc.get("/VE")
            if isinstance(expression, Array):
                return self._expression(expression, depth + 1)
            return self._policy(oc)
        return self.layer_on(oc)

    def _policy(self, ocmd: Dictionary) -> bool:
        groups = ocmd.get("/OCGs")
        members = [groups] if isinstance(groups, Dictionary) else list(groups or [])
        states = [self.layer_on(g) for g in members if isinstance(g, Dictionary)]
        if not states:
            return True
        policy = ocmd.get("/P", Name.AnyOn)
        if policy == Name.AllOn:
            return all(states)
        if policy == Name.AnyOff:
            return not all(states)
        if policy == Name.AllOff:
            return not any(states)
        return any(states)

    def _expression(self, expression: Object, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return True
        if isinstance(expression, Dictionary):
            return self.layer_on(expression)
        if not isinstance(expression, Array) or len(expression) < 2:
            return True
        op, terms = expression[0], list(expression)[1:]
        values = [self._expression(t, depth + 1) for t in terms]
        if op == Name.Not:
            return not values[0]
        if op == Name.And:
            return all(values)
        if op == Name.Or:
            return any(values)
        return True


def _refs(value: Object | None) -> set[tuple[int, int]]:
    if not isinstance(value, Array):
        return set()
    return {v.objgen for v in value if isinstance(v, Dictionary) and v.is_indirect}


def _clean_container(
    pdf: Pdf,
    owner: Dictionary | Stream,
    drawn: pikepdf.Page | Stream,
    shown: _Visibility,
    done: dict[tuple[int, int], bool],
    depth: int,
) -> bool:
    """Rewrite the drawing instructions of a page (`drawn`, its dictionary `owner`) or of a form
    (both the form) without what hidden layers hold, after the forms it draws; whether anything
    was taken out."""
    resources = _dictionary(owner.get("/Resources"))
    properties = _dictionary(resources.get("/Properties"))
    xobjects = _dictionary(resources.get("/XObject"))
    removed = False
    if depth < _MAX_DEPTH:
        for xobject in xobjects.values():
            removed |= _clean_form(pdf, xobject, shown, done, depth + 1)
    sections = {name for name, value in properties.items() if not shown.shown(value)}
    drawings = {
        name
        for name, value in xobjects.items()
        if isinstance(value, Stream) and "/OC" in value and not shown.shown(value.OC)
    }
    streams = [drawn] if isinstance(drawn, Stream) else _streams(owner)
    # read only where a hidden layer is named: an /OC section by a name of the resources (in
    # whatever spelling: only the operators are looked for), a form or image by `Do`
    data = b"".join(s.read_bytes() for s in streams) if sections or drawings else b""
    if not ((sections and b"BDC" in data) or (drawings and b"Do" in data)):
        return removed
    hidden = sections | drawings
    if len(data) > MAX_REWRITTEN_BYTES:
        raise LayersTooLarge(0)
    kept = _visible(pikepdf.parse_content_stream(drawn), hidden)
    if kept is None:
        return removed
    data = pikepdf.unparse_content_stream(kept)
    if isinstance(drawn, Stream):
        drawn.write(data)
    else:
        owner.Contents = pdf.make_stream(data)
    return True


def _clean_form(
    pdf: Pdf, xobject: Object, shown: _Visibility, done: dict[tuple[int, int], bool], depth: int
) -> bool:
    if not isinstance(xobject, Stream) or xobject.get("/Subtype") != Name.Form:
        return False
    key = xobject.objgen
    if key in done:
        return done[key]
    done[key] = False  # (a form that draws itself is rewritten once)
    removed = _clean_container(pdf, xobject, xobject, shown, done, depth)
    done[key] = removed
    return removed


def _clean_annotations(
    pdf: Pdf, page: Dictionary, shown: _Visibility, done: dict[tuple[int, int], bool]
) -> bool:
    """Drop the annotations on hidden layers; take hidden content out of the others' looks."""
    annots = page.get("/Annots")
    if not isinstance(annots, Array):
        return False
    kept = [a for a in annots if not isinstance(a, Dictionary) or shown.shown(a.get("/OC"))]
    removed = len(kept) != len(annots)
    if removed:
        page.Annots = Array(kept)
    for annot in kept:
        if not isinstance(annot, Dictionary):
            continue
        for look in _dictionary(annot.get("/AP")).values():
            # an appearance is a form, or a form for each state (a checkbox's on and off)
            forms = [look] if isinstance(look, Stream) else list(_dictionary(look).values())
            for form in forms:
                removed |= _clean_form(pdf, form, shown, done, 1)
    return removed


def _dictionary(value: Object | None) -> Dictionary:
    if isinstance(value, Dictionary) and not isinstance(value, Stream):
        return value
    return Dictionary()


def _streams(page: Dictionary | Stream) -> list[Stream]:
    contents = page.get("/Contents")
    if isinstance(contents, Stream):
        return [contents]
    if isinstance(contents, Array):
        return [s for s in contents if isinstance(s, Stream)]
    return []


def _visible(
    instructions: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage],
    hidden: set[str],
) -> list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] | None:
    """`instructions` without what hidden sections and hidden forms draw; None if none does."""
    kept: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    sections: list[bool] = []  # the marked-content sections open: whether each hides
    hiding = 0
    changed = False
    for instruction in instructions:
        op = str(instruction.operator)
        operands = list(instruction.operands) if op != "INLINE IMAGE" else []
        if op == "BDC":
            hides = (
                len(operands) == 2
                and operands[0] == Name.OC
                and isinstance(operands[1], Name)
                and str(operands[1]) in hidden
            )
            sections.append(hides)
            hiding += hides
        elif op == "BMC":
            sections.append(False)
        elif op == "EMC" and sections:
            hiding -= sections.pop()
        if hiding or (op == "Do" and operands and str(operands[0]) in hidden):
            instead = _hidden(op, operands)
            if instead is not None:
                changed = True
                kept.extend(instead)
                continue
        kept.append(instruction)
    return kept if changed else None


def _hidden(op: str, operands: list[Object]) -> list[pikepdf.ContentStreamInstruction] | None:
    """What an instruction of hidden content becomes: None if it stays (it paints nothing),
    else the instructions in its place (none: dropped)."""
    if op in _PAINT:
        return [pikepdf.ContentStreamInstruction([], Operator("n"))]
    if op in _SHOW:
        return []
    if op == "'":
        return [pikepdf.ContentStreamInstruction([], Operator("T*"))]
    if op == '"':  # word and character spacing are set, then a new line
        if len(operands) != 3:
            return []
        return [
            pikepdf.ContentStreamInstruction([operands[0]], Operator("Tw")),
            pikepdf.ContentStreamInstruction([operands[1]], Operator("Tc")),
            pikepdf.ContentStreamInstruction([], Operator("T*")),
        ]
    return None
