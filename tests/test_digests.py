"""The digests of files: a paper is hashed every time; packbuilder's own files are remembered
for as long as they are not written to (`digests`)."""

from __future__ import annotations

import hashlib
import os

import pytest

from packbuilder import digests


@pytest.fixture
def settled(monkeypatch):  # type: ignore[no-untyped-def]
    """Every file counts as long left alone (a test cannot wait seconds for each file)."""
    monkeypatch.setattr(digests, "SETTLED_NS", -(10**12))
    monkeypatch.setattr(digests, "_known", {})


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry(path):  # type: ignore[no-untyped-def]
    return digests._entry(digests.stamp(path.stat()))


def test_the_digest_is_the_sha256_of_the_bytes(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.7 one" * 100_000)
    assert digests.file_digest(path) == _sha(path.read_bytes())
    with path.open("rb") as fh:
        fh.read(10)
        assert digests.handle_digest(fh) == _sha(path.read_bytes())
        assert fh.tell() == 0


def test_a_file_just_written_is_not_remembered(tmp_path):
    # a write within the same tick of the file system's clock would not change its stamp
    path = tmp_path / "a.pdf"
    path.write_bytes(b"fresh")
    digests.kept_digest(path)
    assert not _entry(path).exists()
    assert digests.stamp(path.stat()) not in digests._known


def test_a_settled_file_is_remembered_in_the_cache_folder_for_the_next_process(tmp_path, settled):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"settled")
    assert digests.kept_digest(path) == _sha(b"settled")
    assert digests.unsealed(_entry(path)) == _sha(b"settled").encode()
    # what a new process (a rebuild from the command line) finds: the entry, without reading
    digests._known.clear()
    digests.seal(_entry(path), b"f" * 64)
    assert digests.kept_digest(path) == "f" * 64


def test_a_write_in_place_is_seen_even_with_size_and_time_put_back(tmp_path, settled):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"version one")
    before = path.stat()
    assert digests.kept_digest(path) == _sha(b"version one")
    with path.open("r+b") as fh:  # same size, same inode
        fh.write(b"VERSION ONE")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time put back
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert digests.kept_digest(path) == _sha(b"VERSION ONE")


def test_a_replaced_file_is_hashed_again(tmp_path, settled):
    path, other = tmp_path / "a.pdf", tmp_path / "b.pdf"
    path.write_bytes(b"first")
    other.write_bytes(b"other")
    assert digests.kept_digest(path) == _sha(b"first")
    other.replace(path)
    assert digests.kept_digest(path) == _sha(b"other")


def test_a_damaged_entry_is_not_believed(tmp_path, settled):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"content")
    digests.kept_digest(path)
    digests._known.clear()
    _entry(path).write_text("not a digest")
    assert digests.kept_digest(path) == _sha(b"content")


def test_an_entry_edited_by_hand_is_not_believed(tmp_path, settled):
    # a valid digest, but not the one the entry was sealed with (a bit flipped, a hand edit)
    path = tmp_path / "a.pdf"
    path.write_bytes(b"content")
    digests.kept_digest(path)
    digests._known.clear()
    entry = _entry(path)
    data = bytearray(entry.read_bytes())
    data[-1] = ord("0") if data[-1] != ord("0") else ord("1")
    entry.write_bytes(bytes(data))
    assert digests.kept_digest(path) == _sha(b"content")
    assert digests.unsealed(entry) == _sha(b"content").encode()  # sealed again


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"",
        lambda data: data[:5] + bytes([data[5] ^ 1]) + data[6:],  # a bit of the seal flipped
        lambda data: data[:-1] + bytes([data[-1] ^ 4]),  # a bit of the value flipped
        lambda data: data[32:],  # the value alone, as an older packbuilder wrote entries
        lambda data: hashlib.sha256(data[32:]).digest() + data[32:],  # sealed without its name
    ],
)
def test_a_sealed_entry_is_read_back_only_whole(tmp_path, damage):
    entry = tmp_path / "ab" / "entry.json"
    digests.seal(entry, b'{"title": "Budget"}')
    assert digests.unsealed(entry) == b'{"title": "Budget"}'
    assert [p.name for p in entry.parent.iterdir()] == ["entry.json"]  # nothing left aside
    entry.write_bytes(damage(entry.read_bytes()))
    assert digests.unsealed(entry) is None


def test_a_sealed_entry_copied_under_another_name_is_not_believed(tmp_path):
    # (entries are named by what they are about: another paper's facts, another file's digest)
    one, other = tmp_path / "ab" / "one.json", tmp_path / "ab" / "other.json"
    digests.seal(one, b'{"pages": 3}')
    digests.seal(other, b'{"pages": 40}')
    other.write_bytes(one.read_bytes())
    assert digests.unsealed(one) == b'{"pages": 3}' and digests.unsealed(other) is None


def test_sealing_where_nothing_can_be_written_leaves_nothing_behind(tmp_path, monkeypatch):
    entry = tmp_path / "ab" / "entry.json"

    def full(*args):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(digests.os, "replace", full)
    digests.seal(entry, b"value")
    assert digests.unsealed(entry) is None
    assert list(entry.parent.iterdir()) == []


def test_a_cache_that_cannot_be_written_is_only_slower(tmp_path, settled, monkeypatch):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("PACKBUILDER_CACHE", str(blocker))
    from packbuilder.settings import settings

    settings.cache_clear()
    path = tmp_path / "a.pdf"
    path.write_bytes(b"content")
    assert digests.kept_digest(path) == _sha(b"content")


def test_a_paper_is_hashed_every_time_whatever_its_stamp_says(tmp_path, settled, monkeypatch):
    # a write through a memory map, or a file system that lets times be set, leaves the stamp as
    # it was: nothing known about a paper may rest on it
    path = tmp_path / "a.pdf"
    path.write_bytes(b"version one")
    monkeypatch.setattr(digests, "stamp", lambda st: ("always the same",))
    assert digests.file_digest(path) == _sha(b"version one")
    path.write_bytes(b"VERSION ONE")
    assert digests.file_digest(path) == _sha(b"VERSION ONE")
    with path.open("rb") as fh:
        assert digests.handle_digest(fh) == _sha(b"VERSION ONE")
    assert not digests._known, "a paper's digest was remembered"


def test_a_stamp_names_this_boot_of_this_machine(tmp_path):
    # device and inode numbers mean nothing on another machine sharing the cache, or after a restart
    path = tmp_path / "a.pdf"
    path.write_bytes(b"x")
    assert digests.stamp(path.stat())[0] == digests._boot() != ""


def test_a_builds_copy_of_a_paper_is_read_once_while_its_stamp_holds(tmp_path, monkeypatch):
    # the copy is the build's own, read-only: its checks and its assembly key it without reading
    # it again; written to after all, it is read again
    from packbuilder import pdf as pdfmod

    copy = tmp_path / "copy.pdf"
    copy.write_bytes(b"the copy")
    digests.copied(copy, _sha(b"the copy"))
    reads = []
    real = digests.handle_digest
    monkeypatch.setattr(digests, "handle_digest", lambda fh: reads.append(fh) or real(fh))
    with pdfmod.pinned(copy) as (key, _same, fh):
        assert fh.read() == b"the copy"  # the handle is at its start
    assert reads == []
    assert key == pdfmod.content_key(copy) != ""
    copy.write_bytes(b"THE COPY")
    with pdfmod.pinned(copy) as (changed, _same, _fh):
        pass
    assert len(reads) == 1
    assert changed != key


@pytest.mark.parametrize("size", [0, 1, 65536 - 1, 65536, 65536 * 3 + 17])
@pytest.mark.parametrize("kernel", ["copies", "refuses", "says 0"])
def test_a_copy_is_hashed_whole_window_by_window(tmp_path, monkeypatch, size, kernel):
    monkeypatch.setattr(digests, "HASH_WINDOW", 65536)  # several windows from a small file
    if kernel != "copies":  # another file system, an old kernel: copied by reading and writing

        def refuse(*_args):  # type: ignore[no-untyped-def]
            if kernel == "says 0":  # (some file systems answer "nothing here" so)
                return 0
            raise OSError(18, "Invalid cross-device link")

        monkeypatch.setattr(digests.os, "copy_file_range", refuse)
    data = os.urandom(size)
    (tmp_path / "paper.pdf").write_bytes(data)
    with (tmp_path / "paper.pdf").open("rb") as src, (tmp_path / "copy.pdf").open("x+b") as dst:
        hashed = digests.copy_hashed(src, dst)
    assert (tmp_path / "copy.pdf").read_bytes() == data
    assert hashed.hexdigest() == _sha(data)


def test_a_touch_keeps_the_digest_for_the_new_stamp(tmp_path, settled, monkeypatch):
    """A kept part (or conversion) used again has its time moved for `prune`: the next build,
    seconds later, does not read it again (before, it did: its new stamp was not yet settled)."""
    monkeypatch.setattr(digests, "SETTLED_NS", 10**12)  # nothing settles on its own now
    path = tmp_path / "part.pdf"
    path.write_bytes(b"a kept part")
    long_ago = 1_000_000_000
    os.utime(path, (long_ago, long_ago))
    digests._remember(digests.stamp(path.stat()), _sha(b"a kept part"))  # found by an earlier build
    digests.touch(path)
    assert path.stat().st_mtime > long_ago + 10**6
    reads = []
    real = digests.handle_digest
    monkeypatch.setattr(digests, "handle_digest", lambda fh: reads.append(1) or real(fh))
    assert digests.kept_digest(path) == _sha(b"a kept part")
    assert reads == []
    # a file whose digest was not known is read after a touch, as before
    other = tmp_path / "other.pdf"
    other.write_bytes(b"unknown")
    digests.touch(other)
    assert digests.kept_digest(other) == _sha(b"unknown")
    assert reads == [1]


def test_a_mark_says_nothing_under_another_name(tmp_path):
    # (a paper's "nothing to clean for a private pack" renamed to say "... for a public pack")
    private, public = tmp_path / "ab" / "key.private", tmp_path / "ab" / "key.public"
    digests.put_mark(private)
    assert digests.has_mark(private) and not digests.has_mark(public)
    public.write_bytes(private.read_bytes())
    assert not digests.has_mark(public)
    public.write_bytes(b"")  # an empty file, as an earlier packbuilder marked
    assert not digests.has_mark(public)
