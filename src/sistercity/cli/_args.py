"""Arguments several subcommands share, parsed in one place: ``--today``, rules, input files."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Final, NoReturn

from .. import io as recordio
from .._atomic import STDOUT, SameFileError, refuse_same_file, write_bytes
from .._catalogue import RuleSelection
from .._dates import PartialDate, as_day
from .._read import MAX_RECORD_BYTES, read_shared, spool, stdin_bytes
from .._report import SisterCityError, UnknownRuleError
from .._text import printable
from ._output import Locator, OutputError

_FORMATS = tuple(f.value for f in recordio.Format)


class UsageError(SisterCityError, ValueError):
    """The command could not do its job (status 2); the message is one line for stderr.

    The message is the reason alone: ``main`` writes it as ``sistercity COMMAND: error:
    MESSAGE`` (:func:`~sistercity.cli._output.error_line`), the one form every command uses.
    """


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and a status of 2, without exiting."""

    commands: tuple[str, ...] = ()

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# --------------------------------------------------------------------------------------------
# Arguments shared by several subcommands
# --------------------------------------------------------------------------------------------


def parse_today(value: str | None) -> dt.date:
    """``--today`` or ``SISTERCITY_TODAY`` (a partial date means its last day), else today.

    The one parser of "today" for every subcommand; a bad value is a :class:`UsageError`.
    """
    origin = "--today"
    if value is None:
        value = os.environ.get("SISTERCITY_TODAY") or None
        origin = "SISTERCITY_TODAY"
    if value is None:
        return dt.date.today()
    return as_day(parse_date(value, origin))


def parse_date(value: str, origin: str) -> PartialDate:
    """A partial-date option (``--since``, ``--on``); a bad value is a :class:`UsageError`."""
    try:
        return PartialDate(value)
    except ValueError as exc:
        raise UsageError(f"{origin}: {exc}") from None


def selection(args: argparse.Namespace) -> RuleSelection:
    select = ",".join(args.select) if args.select else None
    ignore = ",".join(args.ignore) if args.ignore else None
    try:
        return RuleSelection.of(select, ignore)
    except UnknownRuleError as exc:
        raise UsageError(str(exc)) from None


def open_input(
    path: str,
    input_format: str | None,
    locator: Locator | None = None,
    *,
    max_record_bytes: int = MAX_RECORD_BYTES,
    shared: bool = False,
) -> Iterator[recordio.Item]:
    """Open a record file; :class:`UsageError` for a file the command cannot read.

    ``shared``: for a caller done with each item before it asks for the next, as
    :func:`~sistercity._read.read_shared` says.
    """
    if path != "-" and not os.path.exists(path):
        raise UsageError(f"{path}: no such file")
    if path == "-":
        _say_reading_a_terminal()
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a directory")
    try:
        fmt = recordio.format_of(path, input_format)
        read = read_shared if shared else recordio.read
        items = read(path, fmt, max_record_bytes=max_record_bytes)
    except recordio.UnknownFormat as exc:
        raise UsageError(f"{exc}; give --input-format") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory") from None
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None
    if locator is not None and fmt is recordio.Format.JSON:
        locator.json_files.add(path)
    return items


def _say_reading_a_terminal() -> None:
    """Say on stderr that standard input is read, when it is a terminal.

    Else a command given no file waits without a word, and looks hung.
    """
    if _at_terminal(sys.stdin):
        print(
            "sistercity: reading records from standard input (end with Ctrl-D; give a file "
            "name to check a file)",
            file=sys.stderr,
        )


def _at_terminal(stream: IO[str] | None) -> bool:
    """Whether ``stream`` is an open terminal (standard input may be closed or missing)."""
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # closed
        return False


#: Picture formats a user may name an output for, which the commands do not draw (they draw SVG).
_NOT_SVG: Final = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".pdf"}
)


def check_picture(command: str, output: str) -> None:
    """Refuse a picture output named for another picture format (:class:`UsageError`).

    The commands draw SVG only, and ``-o t.png`` wrote SVG into ``t.png``: a ``.png``, ``.jpg``,
    ``.pdf`` (etc.) name is refused. Any other name is written as given (``-``, a FIFO, a
    device, a name without an extension).
    """
    extension = os.path.splitext(output)[1].lower()
    if extension in _NOT_SVG:
        raise UsageError(
            f"cannot write {output}: {command} draws SVG pictures, not {extension[1:].upper()}; "
            "name the file '.svg' (convert it afterwards if you need another format)"
        )


def check_output(command: str, output: str, inputs: Iterable[str]) -> None:
    """Refuse an output before anything is written.

    A directory, a file in a folder that does not exist, or the same file as an input. The one
    check of every command that writes a file (``convert``, ``timeline -o``,
    ``import … -o``, ``export -o``, ``stats --plot``): :class:`UsageError` (status 2) when it
    fails, before the command prints or computes anything.
    """
    if output != STDOUT and os.path.isdir(output):
        raise UsageError(f"{output}: is a directory")
    folder = os.path.dirname(output)
    if output != STDOUT and folder and not os.path.isdir(folder):
        what = "not a folder" if os.path.exists(folder) else "no such folder"
        raise UsageError(f"cannot write {output}: {what} {folder!r}")
    try:
        refuse_same_file(output, inputs)
    except SameFileError as exc:
        raise UsageError(f"{exc.strerror}") from None


def write_text_output(command: str, path: str, text: str) -> None:
    """Write a command's text output through the one safe output (``-``: standard output)."""
    try:
        write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        raise output_failed(command, path, exc) from None


def output_failed(command: str, output: str, exc: OSError) -> UsageError | OutputError:
    """The error for an output that could not be written: standard output's, or a file's."""
    reason = exc.strerror or str(exc)
    if output == STDOUT:
        return OutputError(f"cannot write the output: {reason}")
    return UsageError(f"cannot write {output}: {reason}")


def spool_input(path: str, max_record_bytes: int) -> IO[bytes]:
    """Standard input (``-``) or a pipe, copied so that it can be read twice (``convert``).

    The copy is an anonymous temporary file, not memory; lines past the limit are cut as the
    reader would refuse them anyway. :class:`UsageError` when the input cannot be read.
    """
    try:
        if path == "-":
            _say_reading_a_terminal()
            return spool(stdin_bytes(), max_record_bytes)
        with open(path, "rb") as stream:
            return spool(stream, max_record_bytes)
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def _record_bytes(value: str) -> int:
    try:
        number = int(value) if len(value) <= 30 else 0
    except ValueError:
        number = 0
    if not 1 <= number <= sys.maxsize:
        raise argparse.ArgumentTypeError(
            f"expected a positive number of bytes, at most {sys.maxsize} "
            f"(got {printable(value[:40])!r})"
        )
    return number


def add_input_format(parser: argparse.ArgumentParser) -> None:
    """``--input-format`` and ``--max-record-bytes``: how every command that reads records reads."""
    parser.add_argument(
        "--input-format",
        choices=_FORMATS,
        help="the input's format (default: from the file's extension; standard input: jsonl)",
    )
    parser.add_argument(
        "--max-record-bytes",
        type=_record_bytes,
        default=MAX_RECORD_BYTES,
        metavar="N",
        help="the most bytes one record may take (a JSON Lines line, a CSV row, a whole .json "
        "file); a longer one is one malformed-record, skipped unread (default: 64 MiB)",
    )


def add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        metavar="DATE",
        help="the day that 'now' and future-date mean: a partial date, meaning its last day "
        "(default: $SISTERCITY_TODAY, else the real date)",
    )
