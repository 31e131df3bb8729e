"""The warm converter's helper: one LibreOffice, driven through UNO, one document per request.

This file is run as a program by a Python that has LibreOffice's UNO bridge (``import uno``):
Debian's ``python3-uno`` gives the system ``/usr/bin/python3`` one, and LibreOffice's own builds
ship ``program/python``. It is not imported by packbuilder (whose virtualenv has no bridge) and
imports nothing of packbuilder's: the supervisor (`warm`) runs it in the network sandbox, as the
leader of a process group that its LibreOffice belongs to, so killing the group stops both.

    python3 uno_worker.py SOFFICE PROFILE_URL PIPE_NAME PDF_OPTIONS_JSON [SCRATCH_FOLDER]

It starts ``soffice`` listening on a private UNO pipe, connects, converts a one-line document of
its own (`_warm_up`), prints one JSON line ``{"ready": true}``, then reads requests, one JSON line
each, ``{"in": PATH, "out": PATH}`` (a PDF), and answers each with
``{"ok": true}`` or ``{"ok": false, "error": TEXT}``. It exits when its standard input closes,
stopping LibreOffice. A LibreOffice that dies makes it exit with status 3; the supervisor sees the
end of its output and restarts both.

Documents are opened hidden, read-only, with macros never run and links never updated, and
exported as the cold path exports them: ``writer_pdf_Export`` with the supervisor's options
(`libreoffice.PDF_OPTIONS`: tagged PDF/UA, no comments) as its FilterData.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

CONNECT_SECONDS = 60
OPTIONS = ("--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck")


def _props(**values: object) -> tuple[object, ...]:
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def _reply(**values: object) -> None:
    sys.stdout.write(json.dumps(values) + "\n")
    sys.stdout.flush()


def _connect(soffice: subprocess.Popen, pipe: str):  # type: ignore[no-untyped-def,type-arg]
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException until LibreOffice listens
            if soffice.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _export(options: dict[str, object]) -> object:
    """The arguments of ``storeToURL``: the PDF filter and its options (FilterData), as a typed
    sequence (a PropertyValue holding a sequence must cross the bridge typed: `uno.invoke`)."""
    data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**options))
    return uno.Any(
        "[]com.sun.star.beans.PropertyValue",
        _props(FilterName="writer_pdf_Export", FilterData=data),
    )


def _convert(desktop, source: str, target: str, export: object) -> None:  # type: ignore[no-untyped-def]
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source),
        "_blank",
        0,
        _props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0),
    )
    if doc is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(target), export))
    finally:
        doc.close(True)


def _warm_up(desktop, export: object, scratch: str | None) -> None:  # type: ignore[no-untyped-def]
    """Convert a one-line Word document before saying ready. LibreOffice loads its Word import
    and its PDF export on their first use, 0.2 s of the first conversion; done here, that time
    overlaps the caller's own work (the warm converter starts LibreOffice ahead of its first
    conversion, and again after each restart). Whatever goes wrong here is left to the first
    real conversion."""
    # in the scratch folder its supervisor gave it, which goes with it (killed too)
    folder = tempfile.mkdtemp(prefix="warm-up-", dir=scratch)
    try:
        source = os.path.join(folder, "w.docx")
        with zipfile.ZipFile(source, "w") as docx:
            for name, xml in WARM_UP_DOCX.items():
                docx.writestr(name, xml)
        _convert(desktop, source, os.path.join(folder, "w.pdf"), export)
    except Exception:  # noqa: BLE001, S110 - only a head start
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
WARM_UP_DOCX = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_PACKAGE}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PACKAGE}/relationships"><Relationship Id="r1" '
        f'Type="{_OFFICE}/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    ),
    "word/document.xml": (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Warm</w:t></w:r></w:p></w:body></w:document>"
    ),
}


def main(argv: list[str]) -> int:
    soffice_path, profile, pipe, options, *rest = argv
    scratch = rest[0] if rest else None
    # what to put before LibreOffice's program: `env` setting what its launcher needs
    # (`process.launcher`), for LibreOffice alone
    prefix = json.loads(rest[1]) if len(rest) > 1 else []
    export = _export(json.loads(options))
    soffice = subprocess.Popen(
        [
            *prefix,
            soffice_path,
            f"-env:UserInstallation={profile}",
            *OPTIONS,
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        desktop = _connect(soffice, pipe)
        _warm_up(desktop, export, scratch)
        _reply(ready=True, pid=os.getpid())
        for line in sys.stdin:
            request = json.loads(line)
            try:
                _convert(desktop, request["in"], request["out"], export)
            except Exception as exc:
                if soffice.poll() is not None:  # LibreOffice died under us
                    return 3
                # a bridge to a dead LibreOffice raises DisposedException or RuntimeException
                name = type(exc).__name__
                if "Disposed" in name or "Bridge" in str(exc):
                    return 3
                _reply(ok=False, error=f"{name}: {exc}".strip())
                continue
            _reply(ok=True)
        with contextlib.suppress(Exception):
            desktop.terminate()
        return 0
    finally:
        try:
            soffice.wait(timeout=5)
        except subprocess.TimeoutExpired:
            soffice.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
