"""The command line: a thin layer over the library (`packbuilder.build`, `check`, `schedule`).

It parses arguments and prints; every rule lives in the library. The command group turns every
deliberate error into one line (file, sheet, cell: what is wrong and what to do) and exit status 1;
anything else is a bug and still prints one line, asking for a report.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from packbuilder import __version__
from packbuilder.errors import ErrorList, PackError


def _problems(n: int) -> str:
    return "1 problem" if n == 1 else f"{n} problems"


def _fail(exc: PackError) -> None:
    if isinstance(exc, ErrorList):
        _grouped(exc.by_file(Path.cwd()))
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(1)


def _grouped(problems: dict[str, list[str]]) -> None:
    """Several problems, grouped by the file they are in (as `check` and `build` both show)."""
    click.echo(f"{_problems(sum(len(v) for v in problems.values()))} found:", err=True)
    for file, errors in problems.items():
        click.echo(f"{file}:", err=True)
        for e in errors:
            click.echo(f"  error: {e}", err=True)


def _machine_error(exc: OSError) -> None:
    # the machine, not the input: a full disk, a vanished file, a folder we may not write
    what = "the disk is full; free some space" if exc.errno == errno.ENOSPC else exc.strerror
    where = f"{exc.filename}: " if exc.filename else ""
    click.echo(
        f"error: {where}{what or exc}; nothing was published and the previous pack is untouched",
        err=True,
    )
    sys.exit(1)


class PackGroup(click.Group):
    """The packbuilder command group: one line for every error, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PackError as exc:
            _fail(exc)
        except BrokenPipeError:  # the reader went away (`status | head -1`): nothing to say
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(120)
        except OSError as exc:
            _machine_error(exc)
        except KeyboardInterrupt:
            click.echo("interrupted; the previous pack is untouched", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: one line, never a traceback
            click.echo(
                f"error: unexpected {type(exc).__name__}: {exc} (this is a bug in packbuilder; "
                "please report it with the meeting folder)",
                err=True,
            )
            sys.exit(2)


class _Progress(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"  {record.getMessage()}", err=True)


def _show_progress(quiet: bool) -> None:
    """Progress lines on a terminal (never in cron or when --quiet); library noise stays quiet."""
    log = logging.getLogger("packbuilder")
    if not quiet and sys.stderr.isatty():
        log.addHandler(_Progress())
        log.setLevel(logging.INFO)
        log.propagate = False


@click.group(cls=PackGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option(
    "--draft",
    is_flag=True,
    help="A draft to check before publishing: its title and every page say DRAFT, not "
    "published; it goes into <output>/draft and is no version (the published packs are not "
    "touched).",
)
def build(meeting_dir: Path, output: Path | None, no_cache: bool, quiet: bool, draft: bool) -> None:
    """Build the meeting's packs and print the path of each PDF written."""
    # LibreOffice takes a second to start: for a folder that looks like a meeting, it starts
    # before the rest of packbuilder is imported (build() says what is wrong with any other)
    from packbuilder.convert import open_converter

    with contextlib.ExitStack() as stack:
        converter = None
        if (meeting_dir / "meeting.xlsx").is_file():
            converter = stack.enter_context(
                contextlib.closing(open_converter(cache=not no_cache, prestart=True))
            )
        from packbuilder.build import build as run_build

        if _one_shot:
            # what importing made (the modules' own objects) is never garbage in a process that
            # ends with the build: the collector leaves it alone, where it walked it all at
            # every full collection (two or three a rebuild, 13-30 ms each)
            gc.freeze()
        _show_progress(quiet)
        result = run_build(
            meeting_dir, output, cache=not no_cache, converter=converter, draft=draft
        )
    # the paths, one a line, for a script; at a terminal the summary names them already
    printed = quiet or not sys.stdout.isatty()
    if printed:
        for pack in result.packs:
            click.echo(str(pack.path))
    if not quiet:
        # read where the paths were printed (`build ... 2>&1 | less`), the summary does not
        # name them again
        for line in result.summary(paths=not (printed and _same_place())):
            click.echo(line, err=True)


def _same_place() -> bool:
    """Whether standard output and standard error go to the same file, pipe or terminal."""
    try:
        out, err = os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):  # (click's test runner: no real files)
        return False
    return (out.st_dev, out.st_ino) == (err.st_dev, err.st_ino)


@cli.command()
@click.argument("meeting_dir", type=click.Path(path_type=Path))
def check(meeting_dir: Path) -> None:
    """Check a meeting folder without building: report every problem found, grouped by file."""
    from packbuilder.check import check_meeting

    problems, summary = check_meeting(meeting_dir)
    if problems:
        _grouped(problems)
        for line in summary:  # the warnings found on the way
            click.echo(line, err=True)
        sys.exit(1)
    for line in summary:
        click.echo(line)


from packbuilder.cli_schedule import build_due, deadline, status  # noqa: E402 - after `cli`

cli.add_command(deadline)
cli.add_command(status)
cli.add_command(build_due)


_one_shot = False  # the command line's own process (`main`), which ends with its command


def main() -> None:
    global _one_shot
    _one_shot = True
    _keep_patterns()
    try:
        cli(prog_name="packbuilder")
        code: object = 0
    except SystemExit as exc:  # click ends every command with one
        code = exc.code
    _leave(code)


def _keep_patterns() -> None:
    """The command's regular expressions compiled from those earlier commands kept
    (`patterns`), before the command imports what compiles them. Settings that cannot be read
    are reported by the command itself."""
    from packbuilder import patterns
    from packbuilder.settings import settings

    with contextlib.suppress(PackError):
        patterns.keep(settings().cache_dir)


def _leave(code: object) -> None:
    """End the process once the command is done, without taking the interpreter apart: the
    objects of a build (a whole pack's PDF objects, parsed workbooks and templates) took 0.2 s
    to free one by one, a sixth of a rebuild, for a process about to end anyway. What exiting
    would do that matters is done first: the exit handlers run (logging's flush among them) and
    the output is flushed; every file and process of the build was closed by the command."""
    if isinstance(code, str):  # sys.exit("message"): said on stderr, status 1
        print(code, file=sys.stderr)
        code = 1
    status = code if isinstance(code, int) else (0 if code is None else 1)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # (None: started with it closed)
                stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| head`): as Python says it
            status = status or (120 if stream is sys.stdout else 0)
    os._exit(status)


if __name__ == "__main__":
    main()
