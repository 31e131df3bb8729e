"""Docs and command line cannot drift apart: every command has help and is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from packbuilder.cli import cli

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert cli.commands[name].help, f"{name} has no docstring"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    assert f"packbuilder {name}" in (ROOT / "README.md").read_text()


def test_readme_links_resolve():
    for link in re.findall(r"`((?:docs|bench)/[\w./-]+\.md)`", (ROOT / "README.md").read_text()):
        assert (ROOT / link).is_file(), f"README names {link}, which does not exist"


def test_readme_quick_start_uses_the_makefile():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("demo", "test"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
