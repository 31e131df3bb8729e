"""Check that packbuilder installs like a package: `make wheel-check`.

Builds a wheel of this checkout, installs it (no editable install, no source tree on the path) in a
throwaway virtualenv, builds the example meeting with the installed command from a folder outside
the checkout, and reads the pack back. A wheel that lacks the shipped templates (package data) fails
here, as every data workbook would fail for a user who ran ``pip install``.

Dependencies come from pip's own cache when they are there, so a second run takes seconds.

Run: .venv/bin/python tools/wheel_check.py [meeting folder]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ("agenda", "supplement", "minutes", "commissioning-plan", "evaluation-return")


def run(*cmd: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=1200
    )
    if result.returncode != 0:
        sys.exit(f"wheel-check: {' '.join(map(str, cmd))} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def main() -> None:
    meeting = ROOT / (sys.argv[1] if len(sys.argv) > 1 else "inputs/2020-03-05-safer-plymouth")
    with tempfile.TemporaryDirectory(prefix="packbuilder-wheel-") as tmp:
        work = Path(tmp)
        run(
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            work / "dist",
            ROOT,
            cwd=work,
        )
        wheels = list((work / "dist").glob("packbuilder-*.whl"))
        assert len(wheels) == 1, wheels
        names = set(zipfile.ZipFile(wheels[0]).namelist())
        missing = [t for t in TEMPLATES if f"packbuilder/templates/{t}.docx" not in names]
        if missing:
            sys.exit(f"wheel-check: the wheel lacks the templates {', '.join(missing)}")
        venv = work / "venv"
        run(sys.executable, "-m", "venv", venv, cwd=work)
        run(venv / "bin" / "pip", "install", "-q", wheels[0], cwd=work)
        where = run(
            venv / "bin" / "python",
            "-c",
            "import packbuilder; print(packbuilder.__file__)",
            cwd=work,
        )
        if str(ROOT) in where:
            sys.exit(f"wheel-check: the installed packbuilder is the checkout ({where.strip()})")
        folder = work / meeting.name
        shutil.copytree(meeting, folder)
        run(venv / "bin" / "packbuilder", "build", folder.name, "--output", "out", cwd=work)
        packs = sorted((work / "out").rglob("*.pdf"))
        if not packs:
            sys.exit("wheel-check: the installed packbuilder wrote no pack")
        for pack in packs:
            reader = PdfReader(pack)
            text = " ".join((p.extract_text() or "") for p in reader.pages)
            if len(reader.pages) < 3 or "Agenda Item" not in text or "Page 1" not in text:
                sys.exit(f"wheel-check: {pack.name} does not read as a pack")
            print(f"wheel-check: {pack.relative_to(work)}: {len(reader.pages)} pages")
    print("wheel-check: the wheel installs and builds the example")


if __name__ == "__main__":
    main()
