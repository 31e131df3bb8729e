"""Docs and command line cannot drift apart: every command has help and is documented."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass
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


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_serve_installs_only_what_the_web_page_needs():
    """`make serve` (the web page, on a council's server) installed what the tests need too:
    Chromium, and Redis and PostgreSQL, whose Debian packages start them as services, left
    running beside the page that uses neither. docs/web.md says what it installs."""

    def planned(target: str) -> str:
        # (-n: what it would run, running nothing; -B: as on a machine that has nothing yet)
        return subprocess.run(
            ["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout

    serve, test = planned("serve"), planned("test")
    for package in ("chromium", "redis-server", "postgresql"):
        assert package not in serve, package
        assert package in test, package
    for package in ("libreoffice-writer-nogui", "fonts-liberation", "poppler-utils", "npm"):
        assert package in serve, package


# --- every error message is documented and says what to do ---------------------------------------

PACKAGE = ROOT / "packbuilder"
ERROR_CLASSES = {
    "PackError",
    "InputError",
    "MissingPaperError",
    "TemplateError",
    "ConversionError",
    "AssemblyError",
    "PublishError",
    "BuildLockedError",
}
HOLE = "\x00"  # where a message has a value filled in: a file name, a cell's text
# what an instruction starts with: the verbs our messages tell the user to do something with, and
# "must" for a rule the user has to follow ("minute numbers must count up")
INSTRUCTION = re.compile(
    r"\b(add|ask|build|change|check|choose|clear|copy|correct|delete|fill|fix|free|give|install|"
    r"leave|mark|move|must|name|number|open|print|put|re-?save|remove|rename|report|restore|"
    r"retype|round|run|save|select|set|type|unmerge|use|wait|write)\b",
    re.I,
)


@dataclass(frozen=True)
class Message:
    where: str  # file:line of the raise
    text: str  # the message, HOLE for each value filled in

    @property
    def parts(self) -> tuple[str, str]:
        """What is wrong, and what to do: split at the first '; ' outside brackets."""
        depth = 0
        for i, ch in enumerate(self.text):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0 and self.text.startswith("; ", i):
                return self.text[:i], self.text[i + 2 :]
        return self.text, ""

    @property
    def key(self) -> str:
        """The longest fixed wording of what is wrong, details in brackets left out: the phrase
        the docs must hold."""
        what = re.sub(r"\([^()]*\)", HOLE, self.parts[0])
        chunks = [c.strip(" ,.:'\"") for c in what.split(HOLE)]
        return _norm(max(chunks, key=lambda c: (len(c.split()), len(c))))

    def __str__(self) -> str:
        return f"{self.where}: {self.text.replace(HOLE, '{}')!r}"


def _norm(text: str) -> str:
    return " ".join(text.replace("`", "").replace("\u2019", "'").lower().split())


def _pieces(node: ast.AST) -> str | None:
    """A string literal, f-string or concatenation of them, with HOLE for each value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pieces(node.left), _pieces(node.right)
        return None if left is None or right is None else left + right
    return None


def _messages_of(node: ast.AST, scope: ast.AST, tree: ast.Module) -> list[str]:
    """Every message `node` (an error's first argument) can be, following local names, the
    arguments a function is called with, and functions returning a message."""
    text = _pieces(node)
    if text is not None:
        return [text]
    if isinstance(node, ast.Name):
        found = [
            m
            for a in ast.walk(scope)
            if isinstance(a, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in a.targets
            )
            for m in _messages_of(a.value, scope, tree)
        ]
        if found or not isinstance(scope, ast.FunctionDef):
            return found
        # a parameter: the values it is given wherever the function is called
        return [
            m
            for path in PACKAGE.rglob("*.py")
            for call in ast.walk(ast.parse(path.read_text()))
            if isinstance(call, ast.Call) and _called(call) == scope.name
            for kw in call.keywords
            if kw.arg == node.id
            for m in _messages_of(kw.value, scope, tree)
        ]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        # a helper of the module that words the message
        return [
            m
            for f in tree.body
            if isinstance(f, ast.FunctionDef) and f.name == node.func.id
            for r in ast.walk(f)
            if isinstance(r, ast.Return) and r.value is not None
            for m in _messages_of(r.value, f, tree)
        ]
    return []


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _str_of_exception(node: ast.AST) -> bool:
    """``str(exc)``: the message of an exception raised deeper in the same module."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "str"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
    )


def error_messages() -> list[Message]:
    """Every message packbuilder can raise as an error, found in the source."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        rel = path.relative_to(ROOT)
        scopes = [tree, *(f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef))]
        for scope in scopes:
            for node in ast.iter_child_nodes(scope) if scope is tree else ast.walk(scope):
                if not (
                    isinstance(node, ast.Call)
                    and _called(node) in ERROR_CLASSES
                    and node.args
                ):
                    continue
                if scope is tree:
                    continue  # module level: raised inside a function, found there
                arg = node.args[0]
                if _str_of_exception(arg):
                    texts = [
                        t
                        for r in ast.walk(tree)
                        if isinstance(r, ast.Call) and _called(r) == "ValueError" and r.args
                        for t in _messages_of(r.args[0], scope, tree)
                    ]
                else:
                    texts = _messages_of(arg, scope, tree)
                assert texts, f"{rel}:{node.lineno}: cannot tell what this error message says"
                out += [Message(f"{rel}:{node.lineno}", t) for t in texts]
    return sorted(set(out), key=lambda m: (m.where, m.text))


def test_every_error_message_is_found() -> None:
    # a guard on the scanner itself: it finds the messages we know are there
    texts = [m.text for m in error_messages()]
    assert len(texts) > 80
    assert any(t.startswith("no sheet named") for t in texts)  # a plain f-string
    assert any("zip archive but not a Word document" in t for t in texts)  # a parameter's value
    assert any(t.startswith("template syntax error") for t in texts)  # a helper's return value
    assert any("fractions of a penny" in t for t in texts)  # str(exc) of a ValueError


def test_every_error_message_is_in_docs_errors_md() -> None:
    """docs/errors.md holds the fixed wording of every error, so that the docs cannot drift."""
    docs = _norm((ROOT / "docs" / "errors.md").read_text())
    missing = [m for m in error_messages() if m.key not in docs]
    assert not missing, (
        f"{len(missing)} error messages are not in docs/errors.md (each needs its phrase in the "
        "table, shown after =>):\n"
        + "\n".join(f"  {m}  =>  {m.key!r}" for m in missing)
    )


def test_every_error_message_says_what_to_do() -> None:
    """'<what is wrong>; <what to do>': after the first '; ' comes an instruction."""
    vague = [m for m in error_messages() if not INSTRUCTION.search(m.parts[1])]
    assert not vague, (
        f"{len(vague)} error messages do not end with what to do ('...; <instruction>'):\n"
        + "\n".join(f"  {m}" for m in vague)
    )
