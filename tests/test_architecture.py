"""docs/architecture.md names every module of the package, so the map cannot drift from the code;
and each third-party library stays with the modules that own it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "packbuilder"
DOC = (ROOT / "docs" / "architecture.md").read_text()


def modules() -> list[str]:
    """Every module, as the doc names it: `kinds/minutes.py`; the web app as `web/`."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "web":
            found.add("web/")
        elif rel.name not in ("__init__.py", "__main__.py"):
            found.add(str(rel))
    return sorted(found)


@pytest.mark.parametrize("module", modules())
def test_every_module_is_in_the_architecture_doc(module: str) -> None:
    assert f"`{module}`" in DOC, f"docs/architecture.md does not name {module}"


def test_the_doc_names_no_module_that_is_gone() -> None:
    first_cells = re.findall(r"^\| (`.*?) \|", DOC, re.M)
    named = {m for cell in first_cells for m in re.findall(r"`([^`]+)`", cell)}
    assert named and named <= set(modules()), named - set(modules())


# a library -> the modules allowed to import it (the rest of the package sees only our model)
OWNERS = {
    "openpyxl": {"sheets.py"},
    "docxtpl": {"render.py"},
    "matplotlib": {"charts.py"},
    "PIL": {"pictures.py"},
    "django": {"web/"},
    "filelock": {"lock.py", "convert/profiles.py"},
    "httpx": {"convert/gotenberg.py"},
    "redis": {"lock.py"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_library_is_imported_only_by_its_owner(library: str) -> None:
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        where = "web/" if rel.parts[0] == "web" else str(rel)
        if library in _imports(path):
            assert where in OWNERS[library], f"{where} imports {library}"
