"""A real browser for tests: Debian's Chromium driven by Playwright, and axe-core on a page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (make test installs it: apt install chromium)",
)


def launch() -> Iterator[Any]:
    """A headless Chromium for the duration of a fixture."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


def axe_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core's violations on the page at WCAG 2.2 A and AA: (rule, help, first targets)."""
    assert AXE.is_file(), "axe-core is not installed: run `make assets` (make test does)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("r => axe.run(document, {runOnly: r})", WCAG)
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]
