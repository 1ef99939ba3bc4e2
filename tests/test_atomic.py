"""The one safe output (SPEC §6 "Hostile input and the file system", and convert's "Also")."""

from __future__ import annotations

import io as stdio
import os
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sistercity._atomic import (
    Output,
    SameFileError,
    refuse_same_file,
    remove_temporary_files,
    write_bytes,
)


def leftovers(folder: Path) -> list[str]:
    """Temporary files left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def current_umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


# -- regular files -----------------------------------------------------------------------------


def test_a_new_file_gets_0666_less_the_umask(tmp_path: Path) -> None:
    """'the new file gets the usual permissions (0666 less the umask)'"""
    for umask in (0o022, 0o077, 0o002):
        old = os.umask(umask)
        try:
            target = tmp_path / f"new-{umask:o}.txt"
            write_bytes(target, b"x\n")
        finally:
            os.umask(old)
        assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "private.txt"
    target.write_bytes(b"old\n")
    target.chmod(0o600)
    write_bytes(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_nothing_appears_before_commit_and_abort_leaves_the_old_file(tmp_path: Path) -> None:
    """'It writes through a temporary file and a rename: never half a file'"""
    target = tmp_path / "out.txt"
    target.write_bytes(b"old\n")
    output = Output(target)
    output.stream.write(b"half a fi")
    assert target.read_bytes() == b"old\n"
    assert len(leftovers(tmp_path)) == 1  # the temporary file is in the output's directory
    output.abort()
    assert target.read_bytes() == b"old\n"
    assert leftovers(tmp_path) == []


def test_an_exception_in_the_block_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(KeyboardInterrupt), Output(target) as output:
        output.stream.write(b"partial")
        raise KeyboardInterrupt
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_a_directory_or_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        Output(tmp_path)
    with pytest.raises(FileNotFoundError):
        Output(tmp_path / "missing" / "out.txt")


def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write any file")
    target = tmp_path / "ro.txt"
    target.write_bytes(b"keep\n")
    target.chmod(0o444)
    with pytest.raises(PermissionError):
        write_bytes(target, b"new\n")
    assert target.read_bytes() == b"keep\n"


# -- symlinks, devices, FIFOs --------------------------------------------------------------------


def test_a_symlink_is_followed_and_stays(tmp_path: Path) -> None:
    """'A symlink as output is followed: the link stays and its target is replaced atomically.'"""
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "data.txt"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(Path("real") / "data.txt")  # relative, as ln -s makes them
    write_bytes(link, b"new\n")
    assert link.is_symlink()
    assert target.read_bytes() == b"new\n"
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "real") == []


def test_a_chain_of_symlinks_and_a_dangling_one(tmp_path: Path) -> None:
    link1, link2 = tmp_path / "l1", tmp_path / "l2"
    link2.symlink_to(tmp_path / "made.txt")  # dangling: the target is created
    link1.symlink_to(link2)
    write_bytes(link1, b"x\n")
    assert link1.is_symlink() and link2.is_symlink()
    assert (tmp_path / "made.txt").read_bytes() == b"x\n"


def test_a_symlink_loop_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OSError):
        write_bytes(tmp_path / "a", b"x")


def test_a_symlink_to_the_null_device_stays_a_symlink(tmp_path: Path) -> None:
    """'An output that is not a regular file (/dev/null ...) is written to as a stream'"""
    link = tmp_path / "null.txt"
    link.symlink_to(os.devnull)
    before = os.stat(os.devnull)
    write_bytes(link, b"x\n" * 1000)
    after = os.stat(os.devnull)
    assert link.is_symlink() and os.readlink(link) == os.devnull
    assert stat.S_ISCHR(after.st_mode)
    assert (before.st_ino, before.st_dev) == (after.st_ino, after.st_dev)
    assert leftovers(tmp_path) == []


def test_a_fifo_is_written_to_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_bytes(fifo, b"line 1\nline 2\n")
    reader.join(timeout=30)
    assert got == [b"line 1\nline 2\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert leftovers(tmp_path) == []


def test_a_stream_gets_nothing_when_aborted(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    output = Output(fifo)  # opening for writing would block without a reader: nothing opened yet
    output.stream.write(b"unchecked")
    output.abort()
    assert leftovers(tmp_path) == []


def test_dash_is_standard_output(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = stdio.BytesIO()
    text = stdio.TextIOWrapper(raw, encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", text)
    write_bytes("-", "Łódź\n".encode())
    assert raw.getvalue() == "Łódź\n".encode()


def test_dash_on_a_text_only_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    out = stdio.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    data = "Łódź ".encode() * 20000  # chunks cut characters in two
    write_bytes("-", data)
    assert out.getvalue() == data.decode()


def test_a_file_named_dash_is_never_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdout", stdio.StringIO())
    write_bytes("-", b"x")
    assert list(tmp_path.iterdir()) == []


# -- the same file -------------------------------------------------------------------------------


def test_the_same_file_is_refused_by_any_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'An output path that is the same file as an input ... is refused'"""
    data = tmp_path / "in.jsonl"
    data.write_bytes(b"{}\n")
    os.link(data, tmp_path / "hard.jsonl")
    (tmp_path / "soft.jsonl").symlink_to(data)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    for spelling in ("../in.jsonl", str(data), "../hard.jsonl", "../soft.jsonl", "./../in.jsonl"):
        with pytest.raises(SameFileError):
            refuse_same_file(spelling, [str(data)])
        with pytest.raises(SameFileError):
            refuse_same_file(str(data), ["other", spelling])
    refuse_same_file("../new.jsonl", [str(data)])  # does not exist yet: cannot be an input
    refuse_same_file("-", [str(data)])
    assert data.read_bytes() == b"{}\n"


def test_a_copy_is_not_the_same_file(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"same bytes")
    b.write_bytes(b"same bytes")
    refuse_same_file(b, [a])


def test_standard_input_redirected_from_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(b"{}\n")
    with data.open("rb") as stream:
        monkeypatch.setattr(sys, "stdin", stdio.TextIOWrapper(stream))
        with pytest.raises(SameFileError, match="standard input"):
            refuse_same_file(data, ["-"])


def test_a_lost_output_is_swept_by_remove_temporary_files(tmp_path: Path) -> None:
    """An exception between two statements can lose a writer; the sweep still finds its file."""
    output = Output(tmp_path / "out.txt")
    output.stream.write(b"partial")
    assert len(leftovers(tmp_path)) == 1
    remove_temporary_files()
    assert leftovers(tmp_path) == []
    output.abort()  # and the writer's own cleanup later is harmless
    assert not (tmp_path / "out.txt").exists()
