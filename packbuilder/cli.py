"""The command line: a thin layer over `packbuilder.build` and friends.

Every deliberate error prints as one line (file, sheet, cell: what is wrong and what to do) and
exits with status 1; anything else is a bug and still prints one line, asking for a report.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from packbuilder import __version__
from packbuilder.errors import ErrorList, PackError


def _fail(exc: PackError) -> None:
    if isinstance(exc, ErrorList):
        click.echo(f"{_problems(len(exc.errors))} found:", err=True)
        for e in exc.errors:
            click.echo(f"error: {e}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(1)


def _problems(n: int) -> str:
    return "1 problem" if n == 1 else f"{n} problems"


def handles_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PackError as exc:
            _fail(exc)
        except OSError as exc:
            # the machine, not the input: a full disk, a vanished file, a folder we may not write
            what = (
                "the disk is full; free some space" if exc.errno == errno.ENOSPC else exc.strerror
            )
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(
                f"error: {where}{what or exc}; nothing was published and the previous pack is "
                "untouched",
                err=True,
            )
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted; the previous pack is untouched", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - a bug: one line, never a traceback
            click.echo(
                f"error: unexpected {type(exc).__name__}: {exc} (this is a bug in packbuilder; "
                "please report it with the meeting folder)",
                err=True,
            )
            sys.exit(2)

    return wrapper


def _progress(quiet: bool) -> Callable[[str], None] | None:
    if quiet or not sys.stderr.isatty():
        return None

    def say(message: str) -> None:
        click.echo(f"  {message}", err=True)

    return say


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packbuilder")
def cli() -> None:
    """Build paginated meeting packs from a meeting folder (meeting.xlsx and its papers)."""


@cli.command()
@click.argument("meeting_dir", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Folder for the packs (default: output/<meeting folder name>).",
)
@click.option("--no-cache", is_flag=True, help="Convert every Word document afresh.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary; only the paths written.")
@handles_errors
def build(meeting_dir: Path, output: Path | None, no_cache: bool, quiet: bool) -> None:
    """Build the meeting's packs and print the path of each PDF written."""
    from packbuilder.convert import CachingConverter, LibreOffice

    lo = LibreOffice()
    lo.prestart()  # LibreOffice starts while Python imports the rest and checks the inputs
    try:
        from packbuilder.build import build as run_build
        from packbuilder.build import default_output
        from packbuilder.errors import PublishError
        from packbuilder.meeting import find_workbook
        from packbuilder.schedule import meeting_lock

        find_workbook(meeting_dir)  # a wrong folder must not leave an empty output folder behind
        outdir = output or default_output(meeting_dir)
        # the same lock as build-due, so a manual build and a scheduled one never overlap
        with meeting_lock(outdir) as locked:
            if not locked:
                raise PublishError(
                    "another build of this meeting is running into this folder; wait for it "
                    "to finish and build again",
                    outdir,
                )
            result = run_build(
                meeting_dir,
                outdir,
                converter=lo if no_cache else CachingConverter(lo),
                progress=_progress(quiet),
            )
    finally:
        lo.close()
    for pack in result.packs:
        click.echo(str(pack.path))
    if not quiet:
        for line in result.summary():
            click.echo(line, err=True)


@cli.command()
@click.argument("meeting_dir", type=click.Path(path_type=Path))
@handles_errors
def check(meeting_dir: Path) -> None:
    """Check a meeting folder without building: report every problem found, grouped by file."""
    from packbuilder.check import check_meeting

    problems, summary = check_meeting(meeting_dir)
    if problems:
        click.echo(f"{_problems(sum(len(v) for v in problems.values()))} found:", err=True)
        for file, errors in problems.items():
            click.echo(f"{file}:", err=True)
            for e in errors:
                click.echo(f"  error: {e}", err=True)
        sys.exit(1)
    for line in summary:
        click.echo(line)


from packbuilder.cli_schedule import register as _register_schedule  # noqa: E402 - needs `cli`

_register_schedule(cli)


def main() -> None:
    cli(prog_name="packbuilder")


if __name__ == "__main__":
    main()
