"""The command line as a user meets it: paths on stdout, one-line errors, nothing half-written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.factory import make_meeting, run_cli, write_pdf

pytestmark = pytest.mark.libreoffice


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "packbuilder", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_build_prints_each_pdf_path_and_a_summary(tmp_path):
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 2})
    proc = run("build", str(folder), "--output", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    paths = proc.stdout.split()
    assert paths == [str(tmp_path / "out" / "public" / "m-agenda-pack.pdf")]
    assert Path(paths[0]).is_file()
    assert "1 item with papers" in proc.stderr and "built m in" in proc.stderr


def test_default_output_is_output_slash_meeting_name(tmp_path):
    folder = make_meeting(
        tmp_path / "2021-01-01-x", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1}
    )
    proc = run("build", str(folder), "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "output" / "2021-01-01-x"
    assert (out / "public" / "2021-01-01-x-agenda-pack.pdf").is_file()
    assert proc.stderr == ""


@pytest.mark.parametrize("typed, cwd", [(".", "m"), ("./", "m"), ("..", "m/sub"), ("m/sub/..", "")])
def test_a_folder_given_as_dot_names_its_packs_after_the_folder(tmp_path, typed, cwd):
    """`cd` into the meeting folder, `packbuilder build .`: the packs, the record and the check's
    list are named after the folder, not '-agenda-pack.pdf' after an empty name."""
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    (folder / "sub").mkdir()
    out = tmp_path / "out"
    proc = run("build", typed, "--output", str(out), cwd=tmp_path / cwd)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (out / "public").iterdir()) == [
        "m-agenda-pack.html",
        "m-agenda-pack.pdf",
    ]
    assert (out / "packbuilder-m.json").is_file()
    assert "built m in" in proc.stderr
    checked = run("check", typed, cwd=tmp_path / cwd)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("m: ") and "m-agenda-pack.pdf" in checked.stdout


def test_bad_date_is_one_line_naming_the_cell_and_nothing_is_replaced(tmp_path):
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    out = tmp_path / "out"
    assert run("build", str(folder), "--output", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    make_meeting(folder, items=[{"papers": ["a.pdf"]}], fields={"Date": "next Thursday"})
    proc = run("build", str(folder), "--output", str(out))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "meeting.xlsx, sheet Meeting, cell B3" in lines[0] and "'next Thursday'" in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_check_reports_every_problem_grouped_by_file(tmp_path):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"papers": ["gone.pdf"]}, {"item": 1, "papers": []}, {"status": "maybe"}],
        fields={"Start time": "teatime"},
    )
    proc = run("check", str(folder))
    assert proc.returncode == 1
    err = proc.stderr
    assert "4 problems found" in err
    for expected in ("cell B4", "'gone.pdf'", "used twice", "'maybe'"):
        assert expected in err
    assert "Traceback" not in err


def test_check_of_a_good_meeting_says_what_it_would_build(tmp_path):
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    proc = run("check", str(folder))
    assert proc.returncode == 0
    assert "will build m-agenda-pack.pdf" in proc.stdout


def test_missing_folder_is_one_line_and_writes_nothing(tmp_path):
    proc = run("build", str(tmp_path / "nope"), cwd=tmp_path)
    assert proc.returncode == 1
    assert "meeting folder not found" in proc.stderr
    assert list(tmp_path.iterdir()) == [], "a failed build left files behind"


def test_a_first_build_that_fails_leaves_no_output_folder(tmp_path):
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["gone.pdf"]}])
    proc = run("build", str(folder), "--output", str(tmp_path / "out"))
    assert proc.returncode == 1 and "gone.pdf" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_check_warns_of_a_copied_folder_and_of_a_paper_nobody_names(tmp_path):
    folder = make_meeting(
        tmp_path / "2020-01-09-board", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1}
    )
    write_pdf(folder / "appB.pdf", 1)  # a late paper saved under another name
    (folder / "~$meeting.xlsx").write_bytes(b"Excel's lock file")  # open in Excel
    write_pdf(folder / "Strategy report.pdf", 1)  # (not a lock file's: Word makes none for PDF)
    (folder / "~$rategy report.docx").write_bytes(b"Word's lock file, of a file not here")
    proc = run("check", str(folder))
    assert proc.returncode == 0, proc.stderr
    warnings = [
        line for line in proc.stdout.splitlines()
        if line.startswith("warning: ")
        and "untagged" not in line  # the factory's PDFs are
        and "it has been held" not in line  # (a meeting of 2020)
    ]  # fmt: skip
    assert warnings == [
        "warning: the meeting folder is named for Thursday 9 January 2020 (2020-01-09) but the "
        "Date in sheet Meeting is Thursday 5 March 2020; correct whichever is wrong. If the Date "
        "is right, rename the folder to 2020-03-05-board before its packs are published (packs "
        "are named after the folder, so a folder copied from another meeting would replace that "
        "meeting's packs; after renaming, packs start again at version 1 in an output folder of "
        "the new name)",
        "warning: Strategy report.pdf is in the meeting folder but no agenda item names it; add "
        "it to an item's Papers, or remove it",
        "warning: appB.pdf is in the meeting folder but no agenda item names it; add it to an "
        "item's Papers, or remove it",
        "warning: meeting.xlsx is open in Excel or Word (its lock file ~$meeting.xlsx is in the "
        "meeting folder): save it and close it before building, or changes not saved yet will "
        "not be in the pack",
    ]


def test_giving_meeting_xlsx_instead_of_its_folder_says_so(tmp_path):
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    proc = run("check", str(folder / "meeting.xlsx"))
    assert proc.returncode == 1
    assert "this is a file, not a meeting folder; give the folder that holds it" in proc.stderr
    assert str(folder) in proc.stderr


def test_a_misspelt_paper_name_suggests_the_file_that_is_there(tmp_path):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"papers": ["Organised Crime Profile update.pdf"]}],
        papers={"Organised Crime Profiles update.pdf": 1},
    )
    proc = run("check", str(folder))
    assert proc.returncode == 1
    assert (
        "paper 'Organised Crime Profile update.pdf' of item 1 is not in the meeting folder; add "
        "the file or correct its name (did you mean 'Organised Crime Profiles update.pdf'?)"
    ) in proc.stderr


def test_build_reports_several_problems_grouped_by_file_as_check_does(tmp_path):
    folder = make_meeting(
        tmp_path / "m",
        items=[{"papers": ["gone.pdf"]}, {"item": 1, "papers": []}, {"status": "maybe"}],
        fields={"Start time": "teatime"},
    )
    built = run("build", str(folder), "--output", str(tmp_path / "out"))
    checked = run("check", str(folder))
    assert built.returncode == checked.returncode == 1
    assert built.stderr == checked.stderr  # the same lines, grouped by file
    lines = built.stderr.splitlines()
    assert lines[0] == "4 problems found:"
    assert lines[1].endswith("meeting.xlsx:")
    assert all(line.startswith("  error: ") for line in lines[2:])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "status", "said"),
    [
        (["--version"], 0, "version"),
        (["bogus"], 2, "No such command"),
        (None, 1, "went wrong"),  # sys.exit("went wrong") somewhere in a command
    ],
)
def test_the_command_ends_without_taking_python_apart_but_runs_its_exit_handlers(
    tmp_path: Path, argv: list[str] | None, status: int, said: str
) -> None:
    """The interpreter's teardown (freeing a build's objects one by one, 0.2 s) is skipped;
    what exiting must do is done: exit handlers, output flushed, the status kept."""
    marker = tmp_path / "handler-ran"
    call = (
        f"sys.argv = ['packbuilder', *{argv!r}]\nfrom packbuilder.cli import main\nmain()"
        if argv is not None
        else "from packbuilder.cli import _leave\n_leave('went wrong')"
    )
    driver = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').write('ran'))\n"
        "class Torn:\n"
        "    def __del__(self):\n"
        "        print('TORN DOWN', file=sys.stderr)\n"
        "kept = Torn()\n"
        "print('unflushed output', end='')\n" + call + "\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", driver], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == status, proc.stderr
    assert said in proc.stdout + proc.stderr
    assert proc.stdout.startswith("unflushed output")
    assert marker.read_text() == "ran"
    assert "TORN DOWN" not in proc.stderr


def test_a_command_started_with_its_output_closed_ends_cleanly(tmp_path: Path) -> None:
    """cron and some service managers start a command with no standard output at all."""
    proc = subprocess.run(
        ["sh", "-c", 'exec >&- ; "$0" -m packbuilder --version', sys.executable],
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_build_dates_its_packs_as_status_reads_the_day(tmp_path):
    """PACKBUILDER_TODAY (asking what a scheduled run would do, tests) is the day for `build`
    as for `status` and `build-due`: the frontsheet and the record say the same date."""
    from pypdf import PdfReader

    from tests.factory import run_cli

    make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    env = {"PACKBUILDER_TODAY": "2020-02-20"}
    result = run_cli("build", "m", "--output", "out/m", "--quiet", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    front = PdfReader(tmp_path / "out" / "m" / "public" / "m-agenda-pack.pdf").pages[0]
    assert "Published Thursday 20 February 2020" in " ".join(front.extract_text().split())
    status = run_cli("status", ".", "--output-root", "out", cwd=tmp_path, env=env)
    assert "published Thursday 20 February 2020" in status.stdout + status.stderr


def test_a_draft_to_check_is_no_version_and_leaves_the_published_packs_alone(tmp_path):
    """A new user's: every build was a publication, so the drafts a clerk makes while putting
    a pack right went out as "version 6, replacing the pack published on ..." (which it never
    was). `build --draft` makes drafts to check in <output>/draft, saying so on the frontsheet,
    and never a version; the build that publishes after is version 1 (or the next one)."""
    from pypdf import PdfReader

    from tests.factory import run_cli

    make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    env = {"PACKBUILDER_TODAY": "2020-02-20"}

    def front(path: Path) -> str:
        return " ".join(PdfReader(path).pages[0].extract_text().split())

    for n in range(2):  # drafts made again and again: each one as fresh
        make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1},
                     fields={"Venue": f"Room {n}"})  # fmt: skip
        draft = run_cli("build", "m", "--output", "out/m", "--draft", cwd=tmp_path, env=env)
        assert draft.returncode == 0, draft.stderr
        # a draft saved, uploaded or attached says what it is by its name too
        made = tmp_path / "out" / "m" / "draft" / "public" / "m-agenda-pack-DRAFT.pdf"
        assert sorted(p.name for p in (tmp_path / "out" / "m" / "draft" / "public").iterdir()) == [
            "m-agenda-pack-DRAFT.html",
            "m-agenda-pack-DRAFT.pdf",
        ]
        text = front(made)
        assert "Published not yet: this is a DRAFT to check, made Thursday 20 February 2020" in (
            text
        )
        assert f"Room {n}" in text and "version" not in text
        assert "a draft, not published" in draft.stderr and "for the website" not in draft.stderr
        # what it changes: nothing is published; the second, since the draft made before it
        assert "changed since the last publication:\n    no version of this pack is published" in (
            draft.stderr
        )
        before = "changed since the draft made before it, on "  # (the day and time it was made)
        assert (before in draft.stderr) == (n == 1)
        moved = "frontsheet: 'Place: Room 0' is now 'Place: Room 1'"
        assert (moved in draft.stderr) == (n == 1), draft.stderr
        assert not (tmp_path / "out" / "m" / "public").exists()
        assert not (tmp_path / "out" / "m" / "draft" / "archive").exists()
        # a draft forwarded or printed says so: its title, every page, its HTML agenda
        reader = PdfReader(made)
        title = "DRAFT - Test Partnership Board - 5 March 2020: Agenda and reports"
        assert reader.metadata.title == title
        assert all("DRAFT - not published" in p.extract_text() for p in reader.pages)
        html = made.with_suffix(".html").read_text()
        assert "<title>DRAFT - Agenda: Test Partnership Board - 5 March 2020</title>" in html
        assert "DRAFT, not published: a draft to check, made" in html
        # status says a draft is there, when it was made, and that it is not published
        status = run_cli("status", ".", "--output-root", "out", cwd=tmp_path, env=env)
        said = status.stdout
        assert "m: meeting" in said and "not built" in said  # (a draft is no build)
        assert "  draft: made Thursday 20 February 2020 at " in said
        assert "not published (a draft to check, in out/m/draft" in said
        assert "inputs changed since" not in said
    make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1},
                 fields={"Venue": "Room 3"})  # fmt: skip
    status = run_cli("status", ".", "--output-root", "out", cwd=tmp_path, env=env)
    assert "not published (a draft to check" in status.stdout
    assert "inputs changed since" in status.stdout
    published = run_cli("build", "m", "--output", "out/m", cwd=tmp_path, env=env)
    assert published.returncode == 0, published.stderr
    pack = tmp_path / "out" / "m" / "public" / "m-agenda-pack.pdf"
    text = front(pack)
    assert "Published Thursday 20 February 2020" in text and "version" not in text
    assert "version 1" in published.stderr
    reader = PdfReader(pack)
    assert reader.metadata.title == "Test Partnership Board - 5 March 2020: Agenda and reports"
    assert not any("DRAFT" in p.extract_text() for p in reader.pages)
    assert "DRAFT" not in pack.with_suffix(".html").read_text()
    # a reviewer's: the draft stayed beside the packs that replaced it, and status went on
    # listing it as the draft to check. The build that publishes removes it, and says so
    assert not (tmp_path / "out" / "m" / "draft").exists()
    assert "the draft in out/m/draft was removed: these packs replace it" in published.stderr
    status = run_cli("status", ".", "--output-root", "out", cwd=tmp_path, env=env)
    assert "draft" not in status.stdout and "built and current" in status.stdout
    # a draft of what is published says that it is: nothing changed since
    draft = run_cli("build", "m", "--output", "out/m", "--draft", cwd=tmp_path, env=env)
    since = "changed since the pack published on Thursday 20 February 2020:\n    nothing: it is "
    assert since in draft.stderr


@pytest.mark.parametrize("inside", ["public", "private/x", "archive"])
@pytest.mark.parametrize("draft", [False, True])
def test_an_output_folder_inside_a_packs_folder_is_refused(tmp_path, inside, draft):
    """A reviewer's: `build --draft --output output/<meeting>/public` wrote the private pack,
    exempt papers and all, into public/ (the folder that goes on the website). An output folder
    inside public/, private/ or archive/ of a meeting's output folder is refused, naming the
    folder to give; nothing is written."""
    from tests.factory import run_cli

    make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    assert run_cli("build", "m", "--output", "out/m", "--quiet", cwd=tmp_path).returncode == 0
    before = sorted(p for p in (tmp_path / "out").rglob("*"))
    args = ["build", "m", "--output", f"out/m/{inside}", *(["--draft"] if draft else [])]
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"is inside {inside.split('/')[0]}/ of the output folder" in result.stderr
    assert "give the meeting's output folder itself" in result.stderr
    assert sorted(p for p in (tmp_path / "out").rglob("*")) == before


def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    """`packbuilder status | head -1`: the pipe closes while status still writes; that is the
    reader's choice, not a failure to report ("error: Broken pipe; nothing was published")."""
    inputs = tmp_path / "inputs"
    for n in range(40):
        make_meeting(inputs / f"2020-03-{n % 28 + 1:02d}-m{n}", items=[{"title": "A"}])
    for _ in range(5):  # (whether the pipe closes mid-write depends on timing: try a few times)
        proc = subprocess.run(
            f"{sys.executable} -m packbuilder status {inputs} | head -c 1",
            shell=True, capture_output=True, text=True, timeout=300, cwd=tmp_path,
        )  # fmt: skip
        assert "error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_build_read_as_one_stream_names_each_pdf_once(tmp_path):
    """`build ... 2>&1 | less`: the paths (for scripts, on standard output) and the summary (on
    standard error) arrive together, so the summary does not name the paths again; sent apart,
    each names them."""
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 2})
    pack = str(tmp_path / "out" / "public" / "m-agenda-pack.pdf")
    proc = subprocess.run(
        [sys.executable, "-m", "packbuilder", "build", str(folder), "--output",
         str(tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.count(pack) == 1, proc.stdout
    assert "Agenda pack: 1 item with papers, 4 pages (2 numbered), version 1\n" in proc.stdout
    apart = run("build", str(folder), "--output", str(tmp_path / "out"))
    assert apart.stdout.split() == [pack] and f"unchanged -> {pack}" in apart.stderr


def test_a_rebuild_after_one_cell_says_it_made_frontsheets_not_papers(tmp_path):
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.docx"]}], papers={"a.docx": 2})
    first = run("build", str(folder), "--output", str(tmp_path / "out"))
    assert first.returncode == 0, first.stderr
    assert "(1 paper converted, 0 from the cache; 1 frontsheet made)" in first.stderr
    make_meeting(folder, items=[{"papers": ["a.docx"], "title": "Retitled"}])
    again = run("build", str(folder), "--output", str(tmp_path / "out"))
    assert "(0 papers converted, 1 from the cache; 1 frontsheet made)" in again.stderr
    same = run("build", str(folder), "--output", str(tmp_path / "out"))
    assert "(0 papers converted, 1 from the cache)" in same.stderr


def test_status_lists_the_public_pack_before_the_private_one(tmp_path):
    inputs = tmp_path / "inputs"
    make_meeting(
        inputs / "2020-03-05-m",
        items=[
            {"papers": ["a.pdf"]},
            {"papers": ["b.pdf"], "exempt paragraph": 3},
            {"papers": ["c.pdf"], "status": "to follow"},
        ],
        papers={"a.pdf": 1, "b.pdf": 1, "c.pdf": 1},
    )
    out = tmp_path / "out"
    assert run("build", str(inputs / "2020-03-05-m"), "-q", "-o", str(out / "2020-03-05-m"))
    proc = run("status", str(inputs), "--output-root", str(out))
    labels = [line.split(":")[0].strip() for line in proc.stdout.splitlines()[1:]]
    assert labels == ["Agenda pack (public)", "Agenda pack (private)", "Supplement 1"], proc.stdout


def test_a_build_after_the_deadline_or_the_meeting_says_so(tmp_path):
    """The meeting is on Thursday 5 March 2020, its deadline Wednesday 26 February: a pack
    published on 2 March is late, and one published on 6 March comes after the meeting. A
    rebuild that publishes nothing new says nothing."""
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    out = str(tmp_path / "out")
    late = run_cli(
        "build", str(folder), "-o", out, cwd=tmp_path, env={"PACKBUILDER_TODAY": "2020-03-02"}
    )
    assert late.returncode == 0, late.stderr
    assert (
        "warning: Agenda pack is dated today, Monday 2 March 2020, after the publication "
        "deadline of Wednesday 26 February 2020 (5 clear working days before the meeting on "
        "Thursday 5 March 2020): 2 clear working days remain before it; late items need"
    ) in late.stderr
    checked = run_cli("check", str(folder), cwd=tmp_path, env={"PACKBUILDER_TODAY": "2020-03-02"})
    assert (
        "warning: a pack changed now would be published today, Monday 2 March 2020, after"
        in checked.stdout
    )
    same = run_cli(
        "build", str(folder), "-o", out, cwd=tmp_path, env={"PACKBUILDER_TODAY": "2020-03-03"}
    )
    assert "deadline" not in same.stderr
    make_meeting(folder, items=[{"papers": ["a.pdf"], "title": "Retitled"}])
    after = run_cli(
        "build", str(folder), "-o", out, cwd=tmp_path, env={"PACKBUILDER_TODAY": "2020-03-06"}
    )
    assert (
        "warning: Agenda pack is dated today, Friday 6 March 2020, but the meeting was on "
        "Thursday 5 March 2020: it has been held"
    ) in after.stderr


def _one_line(result, says: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr
    return lines[0]


def test_a_folder_named_at_the_longest_length_allowed_builds_and_keeps_its_versions(tmp_path):
    """The length a too-long folder is told to cut its name to is one whose every file fits: the
    packs, their versions in the archive, a pack the record does not know kept aside under its
    fingerprint, and the files written aside first. A longer name is refused as the docs say,
    before the lock is taken (not 'cannot create the build lock ... check that the output
    folder can be written')."""
    long = make_meeting(tmp_path / ("m" * 240), items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    line = _one_line(
        run_cli("build", long.name, "--output", "out", cwd=tmp_path), "too long to name its packs"
    )
    assert "build lock" not in line and not (tmp_path / "out").exists()
    assert "too long to name its packs" in run_cli("check", long.name, cwd=tmp_path).stderr
    limit = int(line.split("at most ")[1].split()[0])
    folder = long.rename(tmp_path / ("m" * limit))
    first = run_cli("build", folder.name, "--output", "out", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    pack = tmp_path / "out" / "public" / f"{folder.name}-agenda-pack.pdf"
    make_meeting(folder, items=[{"title": "Changed", "papers": ["a.pdf"]}])
    second = run_cli("build", folder.name, "--output", "out", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    pack.write_bytes(pack.read_bytes() + b"\n% edited by hand\n")  # the record does not know it
    make_meeting(folder, items=[{"title": "Changed again", "papers": ["a.pdf"]}])
    third = run_cli("build", folder.name, "--output", "out", cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    archive = sorted(p.name for p in (tmp_path / "out" / "archive").iterdir())
    assert f"{folder.name}-agenda-pack.v1.pdf" in archive
    assert any(".unrecorded-" in name for name in archive), archive
    assert not [p for p in (tmp_path / "out").rglob("*.tmp")]


def test_a_folder_name_with_a_line_break_is_refused_before_anything_is_written(tmp_path):
    """The packs are named after the folder: a line break would split the paths `build` prints
    one a line (and `status`'s lines, and a website's links)."""
    folder = make_meeting(
        tmp_path / "two\nlines", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1}
    )
    line = _one_line(run_cli("build", folder.name, "--output", "out", cwd=tmp_path), "line break")
    assert line.startswith("error: two lines: the meeting folder's name holds"), line
    assert not (tmp_path / "out").exists()
    assert "line break" in run_cli("check", folder.name, cwd=tmp_path).stderr
    # status and build-due name it on one line each, saying what is wrong
    (tmp_path / "in").mkdir()
    folder.rename(tmp_path / "in" / folder.name)
    for command in ("status", "build-due"):
        result = run_cli(command, "in", "--output-root", "out", cwd=tmp_path)
        lines = (result.stdout + result.stderr).splitlines()
        assert len(lines) == 1 and "two lines" in lines[0] and "line break" in lines[0], lines


@pytest.mark.parametrize(
    "there, says",
    [
        ("Meeting.XLSX", "there is 'Meeting.XLSX'; rename it meeting.xlsx exactly"),
        ("meeting .xlsx", "there is 'meeting .xlsx'; rename it meeting.xlsx exactly"),
        ("meeting.xlsx.xlsx", "there is 'meeting.xlsx.xlsx'; rename it meeting.xlsx exactly"),
        (
            "meeting.xls",
            "there is 'meeting.xls'; open it in Excel and save it as an Excel Workbook",
        ),
        (
            "meeting.ods",
            "there is 'meeting.ods'; open it in Excel and save it as an Excel Workbook",
        ),
        (
            "meeting.csv",
            "there is 'meeting.csv'; open it in Excel and save it as an Excel Workbook",
        ),
    ],
)
def test_a_workbook_by_another_name_is_named_not_reported_missing(tmp_path, there, says):
    """`Meeting.xlsx` (Windows does not mind the capital) or the workbook saved as .xls: the
    advisor is told which file and what to do, not to start again from a copy; `status` and
    `build-due` list the meeting as failing instead of leaving it out unseen."""
    folder = make_meeting(tmp_path / "in" / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    (folder / "meeting.xlsx").rename(folder / there)
    _one_line(run_cli("build", "in/m", "--output", "out", cwd=tmp_path), says)
    assert not (tmp_path / "out").exists()
    checked = run_cli("check", "in/m", cwd=tmp_path)
    assert checked.returncode == 1 and says in checked.stderr
    status = run_cli("status", "in", "--output-root", "out", cwd=tmp_path)
    assert status.returncode == 0 and says in status.stdout, status.stdout
    due = run_cli("build-due", "in", "--output-root", "out", cwd=tmp_path)
    assert due.returncode == 1 and says in due.stdout + due.stderr


@pytest.mark.parametrize("args, cwd", [((".",), "m"), (("m", "--output", "m/out"), "")])
def test_an_output_folder_inside_the_meeting_folder_is_refused(tmp_path, args, cwd):
    """`cd` into the meeting folder and `packbuilder build .`: the default output/<meeting> is
    then inside it, and the private pack would lie among the papers officers share."""
    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    result = run_cli("build", *args, cwd=tmp_path / cwd)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "is inside the meeting folder" in lines[0], result.stderr
    assert "give --output a folder outside it" in lines[0]
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


def test_a_build_in_a_longer_process_leaves_the_collector_as_it_was(tmp_path):
    """The command line's own process freezes what importing made, for its collections (it
    ends with the build); the same command run inside a longer process (a test's, a caller's
    click runner) does not, or that process would keep every object it held then for good."""
    import gc

    folder = make_meeting(tmp_path / "m", items=[{"papers": ["a.pdf"]}], papers={"a.pdf": 1})
    build = ("build", str(folder), "--output", str(tmp_path / "out"), "--quiet")
    assert run_cli(*build, cwd=tmp_path).returncode == 0
    # built again: its numbered part kept, nothing assembled (which freezes and unfreezes)
    before = gc.get_freeze_count()
    result = run_cli(*build, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert gc.get_freeze_count() == before
