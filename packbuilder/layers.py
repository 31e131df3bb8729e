"""Layers switched off: a paper that hides part of itself when it is opened is refused.

A PDF can put content on layers (optional content groups: a plan's annotations, a map's
boundaries, a "draft" watermark) and say which are shown when it is opened (the default
configuration, ``/OCProperties /D``). An officer may make a "public version" of a report by
switching off the layer with the names or prices on it: the file still holds them, and so would
a pack made of it, for anyone to copy, to switch back on, or to see in a viewer that ignores
layers. A pack cannot take such content out faithfully either: hidden text still moves what
follows it, hidden drawings hide in forms, patterns, glyphs and structure-tree text, and a page
rewritten wrongly publishes or loses what a member should read (a review found a dozen ways).

So a paper with a layer switched off is refused, naming its layers, with what to do: switch them
on and save it, or print it to a new PDF with them hidden (which holds only what shows). A paper
whose layers are all shown goes into the packs as it is.

Viewers differ in what they hide, so the check takes the strictest reading of each way a file can
say it: a layer the file lists (``/OCGs``; viewers show one it does not) is hidden if any of its
configurations switches it off (the default ``/D``, or one of ``/Configs``: ``/BaseState``, then
``/ON`` and ``/OFF``), or its ``/Usage`` hides it on screen (``/ViewState /OFF``) or at some zoom;
a membership dictionary (a dictionary with ``/VE`` or ``/OCGs`` that is not a layer, found by
those keys, which are always written out) hides its content if its expression (``/VE``), or else
its policy (``/P`` over its ``/OCGs``), says so with those states, as ``/P /AllOff`` does with
every layer on; and a layer given in place in a page's drawing (``/OC <<...>> BDC``), which some
viewers honour, counts as hidden. An expression that is malformed counts as hidden; one too large
to evaluate makes the paper "too unusual" to check (`TooComplex`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pikepdf import Array, Dictionary, Name, Object, Pdf, Stream, String

_NAMES_SHOWN = 3  # layers named in the refusal
MAX_STEPS = 1_000_000  # of the walk for memberships and of their evaluation, in a file
MAX_DEPTH = 100  # of a visibility expression: deeper counts as hidden
IN_PLACE = "given in its drawing"  # the name of a layer given in place, for the refusal
_IN_PLACE = re.compile(rb"/OC\s*<<")


class TooComplex(Exception):
    """Layers too many or too deeply nested to check (a crafted file)."""


def layers_switched_off(pdf: Pdf, texts: tuple[list[Object], list[bytes]]) -> list[str]:
    """The names of `pdf`'s layers that hide content when it is opened (see the module's
    docstring; "unnamed" for a layer without a name); empty if it hides nothing.

    Args:
        texts: `sanitize.object_texts` of `pdf`: only the objects whose text has a membership
            dictionary's keys are walked for one.

    Raises:
        TooComplex: more than `MAX_STEPS` to walk or evaluate.
    """
    props = pdf.Root.get("/OCProperties")
    if not isinstance(props, Dictionary):
        return []  # a viewer shows every layer of a file that lists none
    shown = _Visibility(props)
    hidden = [_name(layer) for layer in shown.layers if shown.layer_off(layer)]
    for obj, written in zip(*texts, strict=True):
        if b"/VE" not in written and b"/OCGs" not in written:
            continue
        for membership in _memberships(obj, props, shown):
            if not shown.membership_on(membership):
                members = [_name(g) for g in _groups(membership.get("/OCGs"))]
                hidden += members or ["unnamed"]
    if not hidden and _given_in_place(pdf):
        hidden.append(IN_PLACE)
    return list(dict.fromkeys(hidden))


def named(names: list[str]) -> str:
    """Layers' names for a message: the first few, and how many more."""
    shown = ", ".join(n if n == IN_PLACE else f"'{n}'" for n in names[:_NAMES_SHOWN])
    if len(names) > _NAMES_SHOWN:
        shown += f" and {len(names) - _NAMES_SHOWN} more"
    return shown


class _Visibility:
    """Whether a layer, or a membership dictionary, may be hidden when the file is opened."""

    def __init__(self, props: Dictionary) -> None:
        groups = props.get("/OCGs")
        self.layers = list(_groups(groups)) if isinstance(groups, Array) else []
        self.listed = {g.objgen for g in self.layers if g.is_indirect}
        configs = [props.get("/D")]
        others = props.get("/Configs")
        configs += list(others) if isinstance(others, Array) else []
        self.configs = [
            (c.get("/BaseState") != Name.OFF, _refs(c.get("/ON")), _refs(c.get("/OFF")))
            for c in configs
            if isinstance(c, Dictionary)
        ] or [(True, set(), set())]
        self.steps = 0
        self._known: dict[tuple[int, int], bool] = {}  # expressions given by reference

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TooComplex

    def layer_off(self, layer: Object) -> bool:
        if not isinstance(layer, Dictionary) or not layer.is_indirect:
            return False
        if layer.objgen not in self.listed:
            return False  # a layer the file does not list: viewers show it
        key = layer.objgen
        if any(key in off or not (base_on or key in on) for base_on, on, off in self.configs):
            return True
        usage = layer.get("/Usage")
        if isinstance(usage, Dictionary):
            view = usage.get("/View")
            if isinstance(view, Dictionary) and view.get("/ViewState") == Name.OFF:
                return True
            if "/Zoom" in usage:  # shown only at some magnifications
                return True
        return False

    def membership_on(self, ocmd: Dictionary) -> bool:
        if "/VE" in ocmd:
            return self._expression(ocmd.get("/VE"), 0)
        states = [not self.layer_off(g) for g in _groups(ocmd.get("/OCGs"))]
        if not states:
            return True  # a membership of no layers has no effect
        policy = ocmd.get("/P")
        if policy == Name.AllOn:
            return all(states)
        if policy == Name.AnyOff:
            return not all(states)
        if policy == Name.AllOff:
            return not any(states)
        return any(states)  # /AnyOn, the default

    def _expression(self, term: Object | None, depth: int) -> bool:
        """A visibility expression's value, malformed counting as hidden (False)."""
        self.step()
        if isinstance(term, Dictionary):
            return not self.layer_off(term)
        if not isinstance(term, Array) or depth > MAX_DEPTH:
            return False
        key = term.objgen if term.is_indirect else None
        if key is not None and key in self._known:
            return self._known[key]
        if key is not None:
            self._known[key] = False  # (an expression that contains itself: hidden)
        value = self._operation(term, depth)
        if key is not None:
            self._known[key] = value
        return value

    def _operation(self, term: Array, depth: int) -> bool:
        op, operands = term[0], list(term)[1:]
        if not operands or not all(isinstance(t, Dictionary | Array) for t in operands):
            return False
        values = [self._expression(t, depth + 1) for t in operands]
        if op == Name.Not:
            return len(values) == 1 and not values[0]
        if op == Name.And:
            return all(values)
        if op == Name.Or:
            return any(values)
        return False


def _groups(value: Object | None) -> Iterator[Dictionary]:
    """The layers an /OCGs entry names: one, or an array of them (anything else: none)."""
    if isinstance(value, Dictionary):
        yield value
    elif isinstance(value, Array):
        yield from (g for g in value if isinstance(g, Dictionary))


def _refs(value: Object | None) -> set[tuple[int, int]]:
    return {v.objgen for v in _groups(value) if v.is_indirect}


def _memberships(top: Object, props: Dictionary, count: _Visibility) -> Iterator[Dictionary]:
    """The membership dictionaries in an object and in what is written inside it: dictionaries
    with /VE or /OCGs that are neither a layer nor the file's list of layers."""
    stack = [top]
    while stack:
        obj = stack.pop()
        count.step()
        if isinstance(obj, Dictionary | Stream):
            d = obj.stream_dict if isinstance(obj, Stream) else obj
            if ("/VE" in d or "/OCGs" in d) and d.get("/Type") != Name.OCG and not _same(d, props):
                yield d
            stack.extend(_written_inside(d.values()))
        elif isinstance(obj, Array):
            stack.extend(_written_inside(obj))


def _same(d: Dictionary, props: Dictionary) -> bool:
    if d.is_indirect or props.is_indirect:
        return d.is_indirect and props.is_indirect and d.objgen == props.objgen
    return "/D" in d and d == props


def _written_inside(values: Iterable[Object]) -> list[Object]:
    return [v for v in values if isinstance(v, Dictionary | Array) and not v.is_indirect]


def _given_in_place(pdf: Pdf) -> bool:
    """Whether a page's or a form's drawing gives a layer in place (``/OC <<...>> BDC``)."""
    streams = [s for page in pdf.pages for s in _contents(page.obj)]
    streams += [
        o
        for o in pdf.objects
        if isinstance(o, Stream) and o.stream_dict.get("/Subtype") == Name.Form
    ]
    return any(_IN_PLACE.search(s.read_bytes()) for s in streams)


def _contents(page: Dictionary) -> list[Stream]:
    contents = page.get("/Contents")
    if isinstance(contents, Stream):
        return [contents]
    if isinstance(contents, Array):
        return [s for s in contents if isinstance(s, Stream)]
    return []


def _name(group: Object) -> str:
    name = group.get("/Name") if isinstance(group, Dictionary) else None
    if isinstance(name, String) and str(name).split():
        return " ".join(str(name).split())[:60]
    return "unnamed"
