"""Safe output: the one way the program writes a file (SPEC §6, "Hostile input ...").

Every command that writes a file (``convert``, ``timeline -o``, ``import … -o``) and the
library's :func:`sistercity.io.write` go through :class:`Output`:

- a regular file (or a new one) is written through a temporary file in its own directory and
  a rename, so it appears whole or not at all; the new file gets the usual permissions,
  ``0666`` less the umask (an existing file keeps its own);
- a symlink is followed: the link stays and its target is replaced;
- what is not a regular file (``/dev/stdout``, ``/dev/null``, a FIFO, a terminal) is written
  to as a stream, never replaced;
- ``-`` is standard output.

Streams get their bytes only on :meth:`Output.commit`: until then they are kept in an unnamed
temporary file, so an aborted run writes nothing to them either. An interrupted run (an
exception, ``KeyboardInterrupt``, or a signal that the command line turns into an exception)
removes its temporary file. :func:`refuse_same_file` refuses an output that is one of the
inputs, compared by device and inode (hard links and other spellings included).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable
from typing import IO, Final

__all__ = [
    "STDOUT",
    "Output",
    "SameFileError",
    "refuse_same_file",
    "remove_temporary_files",
    "write_bytes",
]

#: The output name that means standard output.
STDOUT: Final = "-"
#: Paths under these folders are devices and views of open files: streams, never replaced.
_SPECIAL: Final = ("/dev/", "/proc/")
_MAX_LINKS: Final = 40
#: The temporary files of the outputs in progress, for :func:`remove_temporary_files`.
_LIVE: Final[set[str]] = set()


class SameFileError(OSError):
    """The output is the same file as an input: writing it would destroy the input."""


def _stat_input(path: str) -> os.stat_result | None:
    try:
        if path == STDOUT:
            return os.fstat(sys.stdin.fileno())
        return os.stat(path)
    except (OSError, ValueError, AttributeError):
        return None


def refuse_same_file(
    output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Raise :class:`SameFileError` when ``output`` is the same regular file as an input.

    Files are compared by device and inode, after following symlinks, so a hard link, a
    symlink or another spelling of an input is caught. ``-`` among the inputs is standard
    input (caught when it is redirected from the output). An output that does not exist yet,
    or is not a regular file (a device, a FIFO), cannot be an input destroyed by writing.
    """
    name = os.fspath(output)
    try:
        # standard output may itself be an input file (``> in.jsonl``, ``1<>in.jsonl``)
        target = os.fstat(sys.stdout.fileno()) if name == STDOUT else os.stat(name)
    except (OSError, ValueError, AttributeError):
        return
    if not stat.S_ISREG(target.st_mode):
        return
    for path in inputs:
        given = os.fspath(path)
        found = _stat_input(given)
        if found is not None and os.path.samestat(found, target):
            what = "standard input" if given == STDOUT else f"the input {given}"
            where = "standard output" if name == STDOUT else name
            raise SameFileError(
                errno.EEXIST, f"{where} is the same file as {what}; writing it would destroy it"
            )


def _resolve(path: str) -> tuple[str, os.stat_result | None, bool]:
    """Follow symlinks one hop at a time: ``(final path, its stat or None, is a stream)``."""
    current = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    for _ in range(_MAX_LINKS):
        if os.path.normpath(current).startswith(_SPECIAL):
            return current, None, True
        try:
            found = os.lstat(current)
        except FileNotFoundError:
            return current, None, False
        if stat.S_ISLNK(found.st_mode):
            current = os.path.join(os.path.dirname(current), os.readlink(current))
            continue
        if stat.S_ISDIR(found.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", path)
        return current, found, not stat.S_ISREG(found.st_mode)
    raise OSError(errno.ELOOP, "too many levels of symbolic links", path)


class Output:
    """Where the bytes of one output go: see the module's documentation.

    Write to :attr:`stream`, then :meth:`commit`; :meth:`abort` (or an exception inside a
    ``with`` block) leaves the output as it was and removes the temporary file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._tmp: str | None = None
        self._target: str | None = None
        self._mode: int | None = None
        if self.path == STDOUT:
            self.is_stream = True
        else:
            self._target, found, self.is_stream = _resolve(self.path)
            if found is not None and not self.is_stream:
                if not os.access(self._target, os.W_OK):
                    raise PermissionError(errno.EACCES, "permission denied", self.path)
                self._mode = stat.S_IMODE(found.st_mode)
        self._open = True
        self.stream: IO[bytes] = self._spool() if self.is_stream else self._temporary()

    def _spool(self) -> IO[bytes]:
        # unnamed: nothing to remove if the run is killed
        return tempfile.TemporaryFile()  # closed by commit or abort

    def _temporary(self) -> IO[bytes]:
        assert self._target is not None
        # imported here, not at the top: it loads OpenSSL's hashes, which a run that writes no
        # file (most of them) does not need
        import secrets

        folder, name = os.path.split(self._target)
        while True:
            # the name is kept before the file exists, so that an interruption right after the
            # open (a signal turned into an exception) still finds it to remove
            tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
            self._tmp = tmp
            _LIVE.add(tmp)
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:  # not ours: try another name
                _LIVE.discard(tmp)
                self._tmp = None
                continue
            except BaseException:
                self.abort()
                raise
            try:
                return os.fdopen(fd, "wb")
            except BaseException:
                os.close(fd)
                self.abort()
                raise

    def commit(self) -> None:
        """Move the output into place (a file) or send it (a stream)."""
        if not self._open:
            raise ValueError("the output is closed")
        try:
            if self.is_stream:
                self._send()
            else:
                self._replace()
        except BaseException:
            self.abort()
            raise
        self._open = False

    def _replace(self) -> None:
        assert self._tmp is not None and self._target is not None
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        if self._mode is not None:
            os.chmod(self._tmp, self._mode)
        os.replace(self._tmp, self._target)
        _LIVE.discard(self._tmp)
        self._tmp = None
        with contextlib.suppress(OSError):
            folder = os.open(os.path.dirname(self._target), os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

    def _send(self) -> None:
        self.stream.flush()
        self.stream.seek(0)
        if self.path == STDOUT:
            _to_stdout(self.stream)
        else:
            assert self._target is not None
            flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0)
            with open(os.open(self.path, flags), "wb") as out:
                shutil.copyfileobj(self.stream, out)
        self.stream.close()

    def abort(self) -> None:
        """Drop what was written: the output is left as it was."""
        self._open = False
        with contextlib.suppress(OSError, ValueError, AttributeError):  # no stream yet
            self.stream.close()
        tmp, self._tmp = self._tmp, None
        if tmp is not None:
            _remove(tmp)

    def __enter__(self) -> Output:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    _LIVE.discard(tmp)


def remove_temporary_files() -> None:
    """Remove every temporary file of an output not yet committed or aborted.

    The last word of a run stopped by a signal: an exception can reach a writer between two
    statements, before it knows it has a file to remove; this finds the file all the same.
    """
    for tmp in list(_LIVE):
        _remove(tmp)


def _to_stdout(spool: IO[bytes]) -> None:
    """Copy bytes to standard output as it is now (the binary buffer when it has one)."""
    out = sys.stdout
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        shutil.copyfileobj(spool, buffer)
        buffer.flush()
        return
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    while chunk := spool.read(1 << 16):  # a text stream (tests, embedding): decode as we go
        out.write(decoder.decode(chunk))
    out.write(decoder.decode(b"", final=True))
    out.flush()


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through an :class:`Output`: whole or not at all."""
    with Output(path) as output:
        output.stream.write(data)
