"""Safe to publish (issue 12): nothing exempt, nothing from outside the meeting folder and no
active content reaches a public pack, by any route.

Absence is proved with readers independent of the code under test: the raw bytes of the pack as
qpdf writes them uncompressed (``qpdf --qdf --object-streams=disable``), and pypdf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from tests.factory import make_meeting
from tests.test_bad_inputs import CORPUS, run_cli

NAME = "meeting"
ATTACHED_TEXT = b"ATTACHED-SECRET-SPREADSHEET"  # inside pdf-active-content.pdf (make_corpus.py)
# names that only active content uses; "/JS" must not match "/JSomething"
ACTIVE = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|SubmitForm|ImportData|GoToR|GoToE|Rendition|"
    rb"RichMedia\w*|Movie|Sound|Screen|3D|XFA|AA)(?![A-Za-z0-9])|javascript:|file:///"
)


def raw(pack: Path, tmp_path: Path) -> bytes:
    """The pack's bytes as qpdf writes them: every stream decompressed, no object streams."""
    out = tmp_path / f"{pack.stem}.qdf.pdf"
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(pack), str(out)],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


def _resolve(obj):  # type: ignore[no-untyped-def]
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def pypdf_active(pack: Path) -> list[str]:
    """Active content as pypdf finds it: catalog actions and trees, page and annotation actions."""
    reader = PdfReader(pack)
    root = reader.trailer["/Root"]
    found = []
    for key in ("/OpenAction", "/AA"):
        action = _resolve(root.get(key))
        if isinstance(action, dict) and action.get("/S") != "/GoTo":
            found.append(f"catalog {key}")
    names = _resolve(root.get("/Names")) or {}
    found += [f"names {k}" for k in ("/JavaScript", "/EmbeddedFiles") if k in names]
    if "/XFA" in (_resolve(root.get("/AcroForm")) or {}):
        found.append("XFA")
    for number, page in enumerate(reader.pages, start=1):
        if "/AA" in page:
            found.append(f"page {number} /AA")
        for annot in page.get("/Annots") or []:
            annot = _resolve(annot)
            subtype = annot.get("/Subtype")
            if subtype in ("/FileAttachment", "/Screen", "/RichMedia", "/3D", "/Movie", "/Sound"):
                found.append(f"page {number} {subtype}")
            if "/AA" in annot:
                found.append(f"page {number} annotation /AA")
            action = _resolve(annot.get("/A"))
            while isinstance(action, dict):
                kind = action.get("/S")
                uri = str(action.get("/URI", ""))
                if kind not in ("/GoTo", "/URI", "/Named") or (
                    kind == "/URI" and not uri.startswith("https://")
                ):
                    found.append(f"page {number} action {kind} {uri}")
                action = _resolve(action.get("/Next"))
                if isinstance(action, list):
                    action = _resolve(action[0]) if action else None
    return found


@pytest.fixture(scope="module")
def active_packs(tmp_path_factory: pytest.TempPathFactory, libreoffice) -> tuple[Path, str]:  # noqa: ARG001
    """A meeting whose public item carries the active appendix, beside an exempt item (so that
    there is a public and a private pack), built by the real CLI."""
    work = tmp_path_factory.mktemp("active")
    folder = make_meeting(
        work / NAME,
        items=[
            {"title": "Grants", "papers": ["pdf-active-content.pdf"]},
            {"title": "Contract", "papers": ["contract.pdf"], "exempt paragraph": 3},
        ],
        papers={"contract.pdf": 1},
    )
    shutil.copyfile(CORPUS / "pdf-active-content.pdf", folder / "pdf-active-content.pdf")
    result = run_cli("build", NAME, "--output", "out", cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "out", result.stderr


def _pack(out: Path, private: bool) -> Path:
    packs = [
        p for p in out.rglob("*.pdf") if ("PRIVATE" in p.name) == private and "agenda" in p.name
    ]
    assert len(packs) == 1, packs
    return packs[0]


def test_public_pack_carries_no_active_content(active_packs, tmp_path: Path) -> None:
    out, _ = active_packs
    pack = _pack(out, private=False)
    data = raw(pack, tmp_path)
    assert ACTIVE.findall(data) == []
    assert ATTACHED_TEXT not in data
    assert pypdf_active(pack) == []
    # what is harmless stays: the appendix's pages and its plain web link
    assert b"https://www.plymouth.gov.uk/" in data
    text = " ".join(p.extract_text() for p in PdfReader(pack).pages)
    assert "Active page 1" in text and "Active page 2" in text


def test_private_pack_keeps_attached_files_but_no_scripts(active_packs, tmp_path: Path) -> None:
    out, _ = active_packs
    pack = _pack(out, private=True)
    data = raw(pack, tmp_path)
    found = {m.decode() for m in ACTIVE.findall(data)}
    assert found <= {"EmbeddedFile"}, found  # the attached file's stream type, nothing else
    assert ATTACHED_TEXT in data
    assert [f for f in pypdf_active(pack) if "FileAttachment" not in f] == []


def test_advisor_is_told_what_was_removed(active_packs) -> None:
    _, stderr = active_packs
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: ")]
    assert any("pdf-active-content.pdf" in w and "JavaScript" in w for w in warnings), stderr
    assert any("pdf-active-content.pdf" in w and "attached files" in w for w in warnings), stderr
