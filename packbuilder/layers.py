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

"Switched off" is the default configuration's: ``/BaseState`` (on unless it says off), then its
``/ON`` and ``/OFF`` lists, for the layers the file lists in ``/OCGs`` (viewers show a layer it
does not list); and a membership dictionary (``/OCMD``) that hides its content with those states
(by its ``/VE`` expression, or else its ``/P`` policy), as ``/P /AllOff`` does with every layer
on. What cannot be read as shown (an expression too deep to follow) counts as hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pikepdf import Array, Dictionary, Name, Object, Pdf, Stream, String

_MAX_DEPTH = 50  # of a visibility expression: deeper is not followed, and counts as hidden
_NAMES_SHOWN = 3  # layers named in the refusal


def layers_switched_off(pdf: Pdf, texts: tuple[list[Object], list[bytes]]) -> list[str]:
    """The names of `pdf`'s layers that hide content when it is opened (a layer without a name
    as "unnamed"); empty if it hides nothing.

    Args:
        texts: `sanitize.object_texts` of `pdf`: the objects whose text names a membership
            dictionary are the only ones walked for one.
    """
    props = pdf.Root.get("/OCProperties")
    if not isinstance(props, Dictionary):
        return []  # a viewer shows every layer of a file that lists none
    shown = _Visibility(props)
    hidden = [_name(layer) for layer in shown.layers if not shown.layer_on(layer)]
    objects, text = texts
    for obj, written in zip(objects, text, strict=True):
        if b"/OCMD" in written:
            for membership in _memberships(obj):
                if not shown.shown(membership):
                    groups = membership.get("/OCGs")
                    members = [groups] if isinstance(groups, Dictionary) else list(groups or [])
                    hidden += [_name(g) for g in members] or ["unnamed"]
    return list(dict.fromkeys(hidden))


def named(names: list[str]) -> str:
    """Layers' names for a message: the first few, and how many more."""
    shown = ", ".join(f"'{n}'" for n in names[:_NAMES_SHOWN])
    if len(names) > _NAMES_SHOWN:
        shown += f" and {len(names) - _NAMES_SHOWN} more"
    return shown


class _Visibility:
    """Whether a layer, or a membership dictionary, is shown when the file is opened."""

    def __init__(self, props: Dictionary) -> None:
        config = props.get("/D")
        config = config if isinstance(config, Dictionary) else Dictionary()
        groups = props.get("/OCGs")
        self.layers = (
            [g for g in groups if isinstance(g, Dictionary)] if isinstance(groups, Array) else []
        )
        self.listed = {g.objgen for g in self.layers if g.is_indirect}
        self.base_on = config.get("/BaseState") != Name.OFF
        self.on = _refs(config.get("/ON"))
        self.off = _refs(config.get("/OFF"))

    def layer_on(self, layer: Object) -> bool:
        if not layer.is_indirect or layer.objgen not in self.listed:
            return True  # a layer the file does not list: viewers show it
        if layer.objgen in self.off:
            return False
        return self.base_on or layer.objgen in self.on

    def shown(self, oc: Object | None, depth: int = 0) -> bool:
        if not isinstance(oc, Dictionary):
            return True
        if oc.get("/Type") != Name.OCMD:
            return self.layer_on(oc)
        expression = oc.get("/VE")
        if isinstance(expression, Array):
            return self._expression(expression, depth + 1)
        groups = oc.get("/OCGs")
        members = [groups] if isinstance(groups, Dictionary) else list(groups or [])
        states = [self.layer_on(g) for g in members if isinstance(g, Dictionary)]
        if not states:
            return True
        policy = oc.get("/P", Name.AnyOn)
        if policy == Name.AllOn:
            return all(states)
        if policy == Name.AnyOff:
            return not all(states)
        if policy == Name.AllOff:
            return not any(states)
        return any(states)

    def _expression(self, expression: Object, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False  # not followed: counts as hidden
        if isinstance(expression, Dictionary):
            return self.layer_on(expression)
        if not isinstance(expression, Array) or len(expression) < 2:
            return True
        op = expression[0]
        values = [self._expression(term, depth + 1) for term in list(expression)[1:]]
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


def _memberships(top: Object) -> Iterator[Dictionary]:
    """The membership dictionaries in an object and in what is written inside it."""
    stack, seen = [top], 0
    while stack and seen < 100_000:
        obj = stack.pop()
        seen += 1
        if isinstance(obj, Dictionary | Stream):
            d = obj.stream_dict if isinstance(obj, Stream) else obj
            if d.get("/Type") == Name.OCMD:
                yield d
            stack.extend(_written_inside(d.values()))
        elif isinstance(obj, Array):
            stack.extend(_written_inside(obj))


def _written_inside(values: Iterable[Object]) -> list[Object]:
    return [v for v in values if isinstance(v, Dictionary | Array) and not v.is_indirect]


def _name(group: Object) -> str:
    name = group.get("/Name") if isinstance(group, Dictionary) else None
    if isinstance(name, String) and str(name).strip():
        return str(name).strip()
    return "unnamed"
