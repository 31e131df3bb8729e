"""Filling Word templates: the one module importing docxtpl.

Templates are ordinary .docx files with Jinja tags that a user can open and restyle in Word. They
render in a sandboxed Jinja environment with autoescaping, because users edit templates and
spreadsheet text is data: a cell holding ``{{ x }}``, ``&`` or ``<`` comes out literally and never
runs. An undefined variable is an error naming the template and the variable, not a silently blank
field.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import enum
import errno
import functools
import hashlib
import importlib.util
import io
import marshal
import math
import os
import pickle
import re
import sys
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

import jinja2
import jinja2.nodes
import jinja2.runtime
import jinja2.utils
from jinja2.sandbox import SandboxedEnvironment

from packbuilder.concealed import check_concealed
from packbuilder.digests import seal, unsealed
from packbuilder.errors import InputError, Source, TemplateError
from packbuilder.external import check_external
from packbuilder.filters import FILTERS
from packbuilder.model import DocumentData
from packbuilder.scratch import disk_full_error
from packbuilder.settings import settings
from packbuilder.templates import read_template
from packbuilder.unprintable import fonts_signature


@dataclass(frozen=True)
class Picture:
    """An image a template shows where it writes ``{{ value }}`` (alone in its paragraph): PNG
    bytes, the printed width, and the alt text that a screen reader speaks in its place."""

    data: bytes
    width_mm: float
    alt: str


def _with_pictures(value: Any, doc: Any) -> Any:
    """`value` with every `Picture` inside dicts, lists and tuples made a docxtpl inline image
    carrying its alt text (wp:docPr descr, which LibreOffice exports as the PDF figure's /Alt).
    Containers without a picture are passed on as they are."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    class _Image(InlineImage):  # type: ignore[misc]
        def __init__(self, picture: Picture) -> None:
            super().__init__(doc, None, width=Mm(picture.width_mm))
            self.picture = picture

        def _insert_image(self) -> str:
            inline = self.tpl.current_rendering_part.new_pic_inline(
                io.BytesIO(self.picture.data), self.width, self.height
            )
            inline.docPr.set("descr", self.picture.alt)
            return (
                f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
                '<w:t xml:space="preserve">'
            )

    def walk(v: Any) -> Any:
        if isinstance(v, Picture):
            return _Image(v)
        if isinstance(v, Mapping):
            items = {k: walk(x) for k, x in v.items()}
            return items if any(items[k] is not x for k, x in v.items()) else v
        if type(v) in (list, tuple):
            seq = [walk(x) for x in v]
            return type(v)(seq) if any(a is not b for a, b in zip(seq, v, strict=True)) else v
        return v

    return walk(value)


MAX_REPEAT = 100_000  # items or characters one `*` in a template may make
MAX_POWER = 1_000  # largest exponent of `**`


# compiled template parts kept in this process (`_Sandbox.compile`), the most recently used
MAX_COMPILED = 64
MAX_TEXT = 8 * 1024 * 1024  # characters of template text, all entries together
_COMPILED: collections.OrderedDict[tuple[str, str], Any] = collections.OrderedDict()
_COMPILED_LOCK = threading.Lock()


class _Sandbox(SandboxedEnvironment):
    """The sandbox, also refusing arithmetic that would exhaust memory or time (``'x' * 10**9``)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER:
            raise jinja2.exceptions.SecurityError(f"the power {right} is too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(times, int)
                    and len(seq) * times > MAX_REPEAT
                ):
                    raise jinja2.exceptions.SecurityError(
                        f"a repetition makes more than {MAX_REPEAT:,} items"
                    )
        return super().call_binop(context, operator, left, right)

    def compile(  # type: ignore[override]
        self,
        source: str | jinja2.nodes.Template,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        """Jinja's compilation, remembered in this process by the template's text, and kept in
        the cache folder (`kept`): a build renders the public and the private frontsheet from
        one template, a long-running caller renders the same templates build after build, and
        each command renders templates compiled by the one before (compiling the agenda
        template took 26 ms of a 0.9 s rebuild)."""
        if not isinstance(source, str) or name or filename or raw or defer_init:
            return super().compile(source, name, filename, raw, defer_init)  # type: ignore[call-overload]
        key = (source, self._settings())
        with _COMPILED_LOCK:
            code = _COMPILED.get(key)
            if code is not None:
                _COMPILED.move_to_end(key)
                return code
        code = marshal.loads(
            kept(
                "code",
                f"{jinja2.__version__}|{importlib.util.MAGIC_NUMBER.hex()}|{key[1]}|{source}",
                lambda: marshal.dumps(super(_Sandbox, self).compile(source)),
            )
        )
        with _COMPILED_LOCK:
            _COMPILED[key] = code
            while len(_COMPILED) > MAX_COMPILED or sum(len(k[0]) for k in _COMPILED) > MAX_TEXT:
                _COMPILED.popitem(last=False)
        return code

    def _settings(self) -> str:
        """Everything of this environment that its compiled code depends on, the same in every
        process: filters and tests by name, where they come from and what Jinja passes them (the
        code calls them by name, passing what their decorator asks for)."""
        return repr(
            (
                type(self).__qualname__,
                self.block_start_string,
                self.block_end_string,
                self.variable_start_string,
                self.variable_end_string,
                self.comment_start_string,
                self.comment_end_string,
                self.line_statement_prefix,
                self.line_comment_prefix,
                self.trim_blocks,
                self.lstrip_blocks,
                self.newline_sequence,
                self.keep_trailing_newline,
                sorted(self.extensions),
                self.autoescape if isinstance(self.autoescape, bool) else _named(self.autoescape),
                self.finalize is None,
                self.optimized,
                sorted((n, _named(f)) for n, f in self.filters.items()),
                sorted((n, _named(f)) for n, f in self.tests.items()),
            )
        )

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Only what a template needs is reachable: text, numbers, dates, lists, mappings and
        packbuilder's own records, and their methods. Jinja's sandbox alone lets a template call
        any public method: a record's `Source` leads to a `pathlib.Path`, which reads and writes
        files anywhere on the machine, and a chart to the whole `DocxTemplate`."""
        return (
            super().is_safe_attribute(obj, attr, value)
            and _harmless(obj)
            and _harmless(getattr(value, "__self__", value))  # a method: of what it is bound to
        )


def _named(function: Any) -> str:
    """A filter, test or autoescape function as its compiled code depends on it: where it comes
    from and what Jinja passes it (``pass_context`` and the like)."""
    where = getattr(function, "__module__", None), getattr(function, "__qualname__", None)
    if where[1] is None:  # (a callable object)
        where = type(function).__module__, type(function).__qualname__
    return f"{where[0]}.{where[1]}:{getattr(function, 'jinja_pass_arg', None)}"


# Template work kept in the cache folder (`kept`), by the text it was made from: docxtpl's
# clean-up of a template's XML and Jinja's compiled code, the same for every render of a template.
KEPT = "templates"


def kept(kind: str, made_from: str, make: Callable[[], bytes], folder: str = KEPT) -> bytes:
    """What `make` returns for `made_from`, kept in the cache folder under ``templates/`` (or
    `folder`): read from there when a process made it before, else made and kept. An entry that
    cannot be read, or whose bytes do not match the digest it was kept with, is made again; a
    cache that cannot be written is only slower."""
    key = hashlib.sha256(f"{kind}|{made_from}".encode("utf-8", "surrogatepass")).hexdigest()
    path = settings().cache_dir / folder / key[:2] / f"{key[2:]}.{kind}"
    known = unsealed(path)
    if known is not None:
        return known
    value = make()
    seal(path, value)
    return value


@functools.cache
def _template_class() -> type:
    """docxtpl's `DocxTemplate`, its clean-up of a part's XML before Jinja reads it (``patch_xml``,
    a pure function of the XML: 17 ms of regular expressions for the agenda template) `kept`."""
    import docxtpl
    from docxtpl import DocxTemplate

    class _Template(DocxTemplate):  # type: ignore[misc]
        def patch_xml(self, src_xml: str) -> str:
            return kept(
                "patched",
                f"{docxtpl.__version__}|{src_xml}",
                lambda: DocxTemplate.patch_xml(self, src_xml).encode("utf-8", "surrogatepass"),
            ).decode("utf-8", "surrogatepass")

    return _Template


_PLAIN = (
    str,
    int,
    float,
    bool,
    Decimal,
    dt.date,
    dt.time,
    dt.timedelta,
    Mapping,
    list,
    tuple,
    enum.Enum,
    # Jinja's own helpers: `loop.index`, `namespace()`, `cycler()`, `joiner()`
    jinja2.runtime.LoopContext,
    jinja2.utils.Namespace,
    jinja2.utils.Cycler,
    jinja2.utils.Joiner,
)


def _harmless(value: Any) -> bool:
    """Whether a template may use `value` and look into it (see `_Sandbox.is_safe_attribute`)."""
    if value is None or isinstance(value, (*_PLAIN, Picture)):
        return True
    if isinstance(value, PurePath | Source):
        return False
    # a record of the model: its attributes are judged one by one
    return type(value).__module__.startswith("packbuilder.") and dataclasses.is_dataclass(value)


def environment() -> SandboxedEnvironment:
    env = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)  # dates, times and pounds, worded as everywhere else
    return env


# what writing the rendered document can meet that no template causes
MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def _raise_if_machine(exc: Exception, out: Path) -> None:
    """Raise what the machine, not the template, caused: the scratch disk full (said as such,
    not as "a tag in the template failed"), or another such OSError, naming the folder."""
    if not isinstance(exc, OSError) or exc.errno not in MACHINE_ERRNOS:
        return
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        raise disk_full_error(Path(tempfile.gettempdir())) from None
    raise OSError(exc.errno, exc.strerror, str(out.parent)) from None


def render(template: Path, context: Mapping[str, Any] | DocumentData | None, out: Path) -> Path:
    """Render `template` with `context` into `out` (.docx).

    `context` is a data paper's model (turned into its template's context by
    `contexts.template_context`) or, for the frontsheets, the context itself. A data paper
    rendered before from the same template, model, code and fonts is not rendered again: its
    document is kept in the cache folder (`RENDERED`), and only a render that passed every check
    is kept.

    Raises:
        TemplateError: naming the template, and the tag or variable at fault.
    """
    try:
        data = read_template(template)
    except OSError as exc:
        raise TemplateError(
            f"cannot read the template ({exc.strerror}); check that it opens in Word", template
        ) from None
    if not isinstance(context, DocumentData):
        return _filled(template, data, context or {}, out)
    made_from = _made_from(data, context)
    if made_from is None:
        return _filled(template, data, context, out)
    made: list[Path] = []

    def make() -> bytes:
        made.append(_filled(template, data, context, out))
        return zlib.compress(out.read_bytes(), 1)

    document = kept("docx", made_from, make, folder=RENDERED)
    if not made:
        try:
            out.write_bytes(zlib.decompress(document))
        except OSError as exc:
            _raise_if_machine(exc, out)
            raise
    return out


# Data papers rendered before, kept in the cache folder by all they were made from (`_made_from`):
# a rebuild whose workbooks did not change renders none (a performance report's charts, drawn
# with matplotlib, took a second of every rebuild of the example meeting).
RENDERED = "rendered"


def _made_from(template: bytes, data: DocumentData) -> str | None:
    """All that a data paper's rendered document is made from, hashed: the template's bytes, the
    paper's model as pickled (every field, whatever its kind: `_Pickler`), the code that turns
    them into a document (`_render_code`) and the installed fonts (the charts' text). None for a
    model that cannot be pickled, which is rendered every time."""
    pickled = io.BytesIO()
    try:
        _Pickler(pickled, protocol=5).dump(data)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    h = hashlib.sha256(_render_code())
    h.update(fonts_signature())
    h.update(hashlib.sha256(template).digest())
    h.update(pickled.getbuffer())
    return h.hexdigest()


class _Pickler(pickle.Pickler):
    """A model pickled as a template can see it: a `Source` (where a value was read: the
    build's own copy of the workbook, in a folder of its own) as its repr, the file's name, sheet
    and cell, which is all of it a template that prints a whole record shows."""

    def persistent_id(self, obj: Any) -> Any:
        return ("source", repr(obj)) if isinstance(obj, Source) else None


@functools.cache
def _render_code() -> bytes:
    """The code that fills a template (`code_digest` of packbuilder's folder), once a process."""
    return code_digest(Path(__file__).resolve().parent, sys.path)


def code_digest(package: Path, import_path: list[str]) -> bytes:
    """A digest of every module of `package` (for packbuilder: the kinds' contexts, the charts,
    the filters, the checks of what was filled, and all they use), of the Python that runs them
    and of every distribution installed on `import_path` by name and version (docxtpl,
    python-docx, Jinja, matplotlib, Pillow...), as its folders list them."""
    h = hashlib.sha256(sys.version.encode() + b"\0")
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for entry in import_path:
        with contextlib.suppress(OSError):
            installed = sorted(
                name
                for name in os.listdir(entry or ".")
                if name.endswith((".dist-info", ".egg-info"))
            )
            h.update(f"{entry}\0{installed}\0".encode())
    return h.digest()


def _filled(
    template: Path, data: bytes, context: Mapping[str, Any] | DocumentData, out: Path
) -> Path:
    """`render`, with the template's bytes read."""
    if isinstance(context, DocumentData):
        # (the papers' kinds, imported for a data paper only: not by a rebuild of frontsheets)
        from packbuilder.contexts import template_context  # noqa: PLC0415

        context = template_context(context)
    try:
        doc = _template_class()(io.BytesIO(data))  # docxtpl's, imported when first needed
        doc.render(_with_pictures(dict(context), doc), jinja_env=environment(), autoescape=True)
        _keep_every_cell(doc.docx)
        _split_rows_taller_than_a_page(doc.docx)
        with _stored():
            doc.save(str(out))
    except jinja2.UndefinedError as exc:
        name = _undefined_name(str(exc))
        known = ", ".join(sorted(context))
        raise TemplateError(
            f"the template uses {name}, which is not defined here (available: {known}); correct "
            "the tag in the template, or add the value to the workbook",
            template,
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(_syntax_message(template, exc), template) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(
            f"the template tries something unsafe and was stopped ({exc}); remove that tag from "
            "the template",
            template,
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"the template failed ({_one_line(str(exc))}); check the tags of the template", template
        ) from None
    except Exception as exc:  # noqa: BLE001 - users edit templates: whatever a tag or filter
        # raises (a damaged .docx, a filter given the wrong kind of value) is a template problem
        _raise_if_machine(exc, out)
        if _is_not_docx(template):
            raise TemplateError(
                "the template is not a readable Word document; open it in Word and save it as "
                ".docx",
                template,
            ) from None
        raise TemplateError(
            f"a tag in the template failed ({type(exc).__name__}: {_one_line(str(exc))}); check "
            "the tags and filters of the template",
            template,
        ) from None
    try:
        # what LibreOffice will be given: a template, like a paper, may link to nothing outside
        # the meeting folder (a picture "linked to file" would be read into the pack), nor hold
        # an object hidden in Word, which LibreOffice would print on every page it fills
        check_external(out)
        check_concealed(out)
    except InputError as exc:
        exc.source = Source(template)  # told against the template, not the filled copy
        raise exc from None
    return out


_STORED_LOCK = threading.Lock()


@contextlib.contextmanager
def _stored() -> Iterator[None]:
    """python-docx saves its parts uncompressed meanwhile: a rendered document is scratch, read
    by packbuilder's checks and by LibreOffice, never published as it is, and its 0.8 MB of XML
    (a frontsheet's) took 4 ms to compress, and as long to decompress each time it was read (its
    key, its checks, the published line filled in, the converter's copy): 30 ms of a rebuild."""
    from docx.opc import phys_pkg

    # one save at a time (a web server renders in threads): each puts back what it found
    with _STORED_LOCK:
        before = phys_pkg.ZIP_DEFLATED  # what its writer compresses with, read as it opens
        setattr(phys_pkg, "ZIP_DEFLATED", zipfile.ZIP_STORED)  # noqa: B010 - (typed Final)
        try:
            yield
        finally:
            setattr(phys_pkg, "ZIP_DEFLATED", before)  # noqa: B010


def rendered_key(docx: Path) -> str:
    """A hash of what a rendered document shows: every part of the .docx but its properties
    (``docProps/``: times, the template's author and revision), by name, whatever the zip's order
    or compression. A template saved again, or filled by another packbuilder, with the same
    result has the same key (`versions.pack_content`)."""
    h = hashlib.sha256()
    with zipfile.ZipFile(docx) as zf:
        for name in sorted(zf.namelist()):
            if name.startswith("docProps/"):
                continue
            h.update(name.encode() + b"\0" + hashlib.sha256(zf.read(name)).digest())
    return h.hexdigest()


def _keep_every_cell(document: Any) -> None:
    """Give every table cell left without a paragraph an empty one.

    A Word cell must hold at least one paragraph. A cell whose paragraphs are all ``{%p %}`` tags
    (a loop over an empty list) has none once rendered, and LibreOffice then drops the cell, so the
    rest of its row shifts left under the wrong headings. The shipped templates guard every such
    cell; this keeps a user's restyled template from breaking its table the same way.
    """
    parts = [document.part] + [
        rel.target_part
        for rel in document.part.rels.values()
        if rel.reltype.endswith(("/header", "/footer"))
    ]
    for part in parts:
        for cell in part.element.xpath(".//w:tc[not(w:p)]"):
            cell.append(cell.makeelement(cell.tag[: -len("tc")] + "p", {}))


# the largest share of a page's body a row kept on one page may need, by the estimate below: the
# repeated header row, and the estimate's own error (within a fifth, against LibreOffice's
# layout of the shipped templates), must still fit beside it
_KEPT_ROW_SHARE = 0.7


def _split_rows_taller_than_a_page(document: Any) -> None:
    """Let a row marked "keep on one page" (``w:cantSplit``) break when it may not fit on a page.

    The templates keep each row of a table on one page (a project's amount and comments are read
    on the page of its title). LibreOffice honours that even for a row taller than a page's body
    and cuts off what does not fit: the end of a long outline was lost from the pack, silently.
    A row whose estimated height is more than `_KEPT_ROW_SHARE` of the body loses the mark and
    breaks like any other (`_Heights` estimates it from the text, fonts and column widths).
    """
    from docx.oxml.ns import qn  # noqa: PLC0415 - python-docx comes with docxtpl, imported here

    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    size = sect.find(qn("w:pgSz")) if sect is not None else None
    margins = sect.find(qn("w:pgMar")) if sect is not None else None
    if size is None or margins is None:
        return
    twips = [
        int(el.get(qn(name)) or 0)
        for el, name in ((size, "w:h"), (margins, "w:top"), (margins, "w:bottom"))
    ]
    limit = (twips[0] - twips[1] - twips[2]) / 20 * _KEPT_ROW_SHARE  # in points
    heights = _Heights(document.styles.element, qn)
    for keep in body.iter(qn("w:cantSplit")):
        row = keep.getparent().getparent()
        if keep.get(qn("w:val"), "true") not in {"0", "false"} and heights.row(row) > limit:
            keep.set(qn("w:val"), "false")


def _em(char: str) -> float:
    """About how wide a character is in Arial, in ems: capitals are wider than small letters
    (a row typed in capitals is half as long again), CJK characters a whole em."""
    if char.isspace():
        return 0.28
    if ord(char) >= 0x2E80:
        return 1.0
    if char.isupper():
        return 0.7
    return 0.56 if char.isdigit() else 0.52


class _Heights:
    """Estimates of table rows' heights in points, from their text, its paragraph styles (font
    size, spacing, indent, line spacing) and the table's column widths, as LibreOffice lays Arial
    (Liberation Sans) out: each character by its width (`_em`), single-spaced lines 1.15 times
    the font size apart (`_line`)."""

    def __init__(self, styles: Any, qn: Any) -> None:
        self.qn = qn
        self.styles = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
        defaults = styles.find(qn("w:docDefaults"))
        self.default = defaults if defaults is not None else styles.makeelement("x", {})
        # what `_find` found, by style, path and attribute: a frontsheet asks the same few
        # questions of every paragraph of its rows (1,500 of them at 4,000 pages)
        self._found: dict[tuple[str | None, str, str], str | None] = {}

    def _find(self, style_id: str | None, path: str, attr: str) -> str | None:
        """`attr` of the first element at `path` in the style, its base styles, the defaults."""
        key = (style_id, path, attr)
        if key not in self._found:
            self._found[key] = self._look_up(style_id, path, attr)
        return self._found[key]

    def _look_up(self, style_id: str | None, path: str, attr: str) -> str | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            el = style.find(path)
            if el is not None and el.get(attr) is not None:
                return str(el.get(attr))
            based = style.find(self.qn("w:basedOn"))
            style_id = based.get(self.qn("w:val")) if based is not None else None
        el = self.default.find(".//" + path)
        return str(el.get(attr)) if el is not None and el.get(attr) is not None else None

    def paragraph(self, para: Any, width: float) -> float:
        q = self.qn
        ppr = para.find(q("w:pPr"))
        pstyle = ppr.find(q("w:pStyle")) if ppr is not None else None
        style = pstyle.get(q("w:val")) if pstyle is not None else "Normal"
        sizes = [
            int(sz.get(q("w:val")) or 0) / 2
            for r in para.iter(q("w:r"))
            for sz in r.iter(q("w:sz"))
        ]
        pt = (
            max(sizes)
            if sizes
            else int(self._find(style, f"{q('w:rPr')}/{q('w:sz')}", q("w:val")) or 22) / 2
        )
        spacing = f"{q('w:pPr')}/{q('w:spacing')}"
        space = (
            sum(int(self._find(style, spacing, q(a)) or 0) for a in ("w:before", "w:after")) / 20
        )
        indent = int(self._find(style, f"{q('w:pPr')}/{q('w:ind')}", q("w:left")) or 0) / 20
        text = "".join(t.text or "" for t in para.iter(q("w:t")))
        ems = sum(map(_em, text))
        per_line = max(width - indent, pt) * 0.9  # 0.9: lines break between words, not letters
        lines = max(1, math.ceil(ems * pt / per_line))
        return lines * self._line(para, style, pt) + space

    def _line(self, para: Any, style: str, pt: float) -> float:
        """A line's height in points: single spacing is 1.15 times the font size in Arial; a
        template restyled with 1.5 or double spacing, or an exact or least line height, has its
        own (the paragraph's own spacing first, then its style's)."""
        q = self.qn
        own = para.find(f"{q('w:pPr')}/{q('w:spacing')}")
        found = []
        for attr in ("w:line", "w:lineRule"):
            value = own.get(q(attr)) if own is not None else None
            if value is None:
                value = self._find(style, f"{q('w:pPr')}/{q('w:spacing')}", q(attr))
            found.append(value)
        single = pt * 1.15
        try:
            line = int(found[0]) if found[0] is not None else 240
        except ValueError:
            return single
        if found[1] == "exact":
            return line / 20
        if found[1] == "atLeast":
            return max(line / 20, single)
        return single * max(line, 1) / 240

    def row(self, row: Any) -> float:
        """The height of the row's tallest cell: its paragraphs and pictures."""
        q = self.qn
        table = row.getparent()
        grid = [int(c.get(q("w:w")) or 0) / 20 for c in table.iter(q("w:gridCol"))]
        tallest = 0.0
        column = 0
        for cell in row.iterchildren(q("w:tc")):
            span_el = cell.find(f"{q('w:tcPr')}/{q('w:gridSpan')}")
            span = int(span_el.get(q("w:val"))) if span_el is not None else 1
            width = max(sum(grid[column : column + span]) - 6, 12.0)  # less the cell's margins
            column += span
            height = sum(self.paragraph(p, width) for p in cell.iter(q("w:p")))
            for extent in cell.iter(q("wp:extent")):
                height += int(extent.get("cy") or 0) / 12700  # EMU to points
            tallest = max(tallest, height)
        return tallest


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_not_docx(template: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(template) as zf:
            return "word/document.xml" not in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True


def _syntax_message(template: Path, exc: jinja2.TemplateSyntaxError) -> str:
    """Jinja's message, with the paragraph holding the bad tag (the XML line number means nothing
    to someone who edits the template in Word)."""
    where = _bad_paragraph(template)
    near = f' in the paragraph "{_one_line(where, 80)}"' if where else ""
    what = _one_line(exc.message or str(exc)).rstrip(".")
    return (
        f"template syntax error{near}: {what}; open the template in Word and check its "
        "{{ }} and {% %} tags"
    )


def _paragraphs(template: Path) -> list[str]:
    """The text of every paragraph of the document, its headers and footers (runs joined)."""
    import html
    import zipfile

    texts = []
    try:
        with zipfile.ZipFile(template) as zf:
            parts = [
                n
                for n in zf.namelist()
                if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)
            ]
            for name in parts:
                xml = zf.read(name).decode("utf-8", errors="replace")
                for para in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S):
                    runs = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para)
                    texts.append(html.unescape("".join(runs)))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return []
    return texts


def _bad_paragraph(template: Path) -> str | None:
    """The first paragraph with unbalanced tag brackets, or with a {{ }} tag that does not parse."""
    env = environment()
    for text in _paragraphs(template):
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return text
        for tag in re.findall(r"\{\{.*?\}\}", text, re.S):
            try:
                env.parse(tag)
            except jinja2.TemplateSyntaxError:
                return text
    return None


def _undefined_name(message: str) -> str:
    m = re.search(r"'([^']+)' is undefined", message)
    if m:
        return repr(m.group(1))
    m = re.search(r"has no attribute '([^']+)'", message)
    if m:
        return repr(m.group(1))
    return message
