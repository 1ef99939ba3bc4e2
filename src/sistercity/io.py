"""Reading and writing record files: JSON Lines, JSON and CSV.

Readers stream: :func:`read` yields one :class:`Item` per record (a non-blank line, an array
element or a CSV row) with the file name, the physical line where the record starts and its
index, and keeps nothing once the caller moves on. An item that cannot be read (invalid UTF-8,
invalid JSON, a number outside the 64-bit integer range, a non-finite number, a lone surrogate,
nesting deeper than ``MAX_DEPTH`` (256)) carries one ``malformed-record`` issue at that line, and
reading goes on. The raw values are then checked by :func:`sistercity._record.check_record`.

Writers are canonical and atomic: the same agreements give the same bytes every time, in the
key order of :func:`sistercity.to_dict`, and :func:`write` goes through a temporary file in the
same directory and a rename, so a crash never leaves half a file (the one safe output of the
program: symlinks followed, devices and FIFOs written as streams; see the Safety page).

>>> from sistercity import Agreement, City, Event
>>> a = Agreement(
...     id="glasgow-rostov-on-don-1986",
...     kind="twinning",
...     parties=[City("Glasgow", "GB"), City("Rostov-on-Don", "RU")],
...     events=[Event("signed", "1986")],
...     sources=["https://www.glasgow.gov.uk/"],
... )
>>> data = dumps([a], "jsonl")
>>> data[:44]
b'{"id":"glasgow-rostov-on-don-1986","kind":"t'
>>> loads(data, "jsonl") == [a]
True
>>> loads(dumps([a], "csv"), "csv") == [a]
True
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

import orjson

from ._agreements import Agreement
from ._atomic import Output
from ._read import (
    _AGREEMENT_COLUMNS,
    _JSON_CELLS,
    _PARTY_COLUMNS,
    _PARTY_JSON_CELLS,
    CSV_HEADER,
    MAX_DEPTH,
    Format,
    Item,
    UnknownFormat,
    format_of,
    parse_json,
    read,
    strict_problem,
)
from ._report import InvalidAgreement, Issue, SisterCityError
from ._text import defuse_formula
from .validation import validate_items

__all__ = [
    "CSV_HEADER",
    "MAX_DEPTH",
    "Format",
    "InvalidFile",
    "Item",
    "RecordWriter",
    "UnknownFormat",
    "UnwritableRecord",
    "dump",
    "dumps",
    "format_of",
    "load",
    "loads",
    "open_writer",
    "parse_json",
    "read",
    "record_bytes",
    "strict_problem",
    "unwritable",
    "unwritable_raw",
    "write",
]


class UnwritableRecord(SisterCityError, ValueError):
    """An agreement that the output format cannot hold (a CSV row holds two parties)."""

    def __init__(self, agreement_id: str, reason: str) -> None:
        self.id = agreement_id
        self.reason = reason
        super().__init__(f"agreement {agreement_id!r} cannot be written: {reason}")


class InvalidFile(InvalidAgreement):
    """Records in a file that cannot be read or constructed; ``issues`` holds every error."""

    def _summary(self) -> str:
        lines = [f"{len(self.issues)} error(s) in the records read:"]
        lines.extend(f"  {_where(issue)}{issue}" for issue in self.issues)
        return "\n".join(lines)


def _where(issue: Issue) -> str:
    if issue.file is None:
        return ""
    if issue.line is None:
        return f"{issue.file}: "
    return f"{issue.file}:{issue.line}: "


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def load(
    source: str | os.PathLike[str] | IO[bytes] | IO[str], format: Format | str | None = None
) -> list[Agreement]:
    """Read every agreement of a file (or ``-``, or a stream).

    Raises :class:`InvalidFile` with every error, located by file and line, when any record is
    unreadable or breaks a record rule (warnings are not errors). Collection rules are not
    checked here: use ``sistercity validate`` or the registry for those.
    """
    out: list[Agreement] = []
    errors: list[Issue] = []
    for outcome in validate_items(read(source, format), collection=False, build=True):
        if outcome.agreement is None:
            errors.extend(i for i in outcome.issues if i.is_error)
        elif not errors:
            out.append(outcome.agreement)
    if errors:
        raise InvalidFile(errors)
    return out


def loads(data: bytes | str, format: Format | str = Format.JSONL) -> list[Agreement]:
    """:func:`load` from bytes (or text) in memory."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return load(io.BytesIO(raw), format)


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


@functools.cache
def _to_dict() -> Callable[[Agreement], dict[str, Any]]:
    """:func:`sistercity.to_dict`, imported when a record is first written.

    It brings cattrs, which reading and validating do not need (a tenth of the start-up of
    ``sistercity validate``).
    """
    from .serialization import to_dict

    return to_dict


def _default(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def record_bytes(agreement: Agreement) -> bytes:
    """The canonical compact JSON of one agreement (no newline): one JSON Lines record."""
    return orjson.dumps(_to_dict()(agreement), default=_default)


def _compact(value: Any) -> str:
    return orjson.dumps(value, default=_default).decode("utf-8")


def unwritable(agreement: Agreement, format: Format | str) -> str | None:
    """Why ``format`` cannot hold ``agreement``, or ``None`` when it can.

    A CSV row holds exactly two parties; JSON and JSON Lines hold every agreement.
    """
    return _unwritable(agreement.id, len(agreement.parties), format)


def unwritable_raw(raw: Mapping[str, Any], format: Format | str) -> str | None:
    """:func:`unwritable` for a valid raw record (a mapping that passed the record rules)."""
    return _unwritable(raw.get("id"), len(raw.get("parties") or ()), format)


def _unwritable(rid: object, parties: int, format: Format | str) -> str | None:
    if Format(format) is Format.CSV and parties != 2:
        return (
            f"agreement {rid!r} has {parties} parties and a CSV row holds two; write it as "
            "JSON or JSON Lines"
        )
    return None


def _csv_row(agreement: Agreement) -> list[str]:
    reason = unwritable(agreement, Format.CSV)
    if reason is not None:
        raise UnwritableRecord(agreement.id, reason)
    record = _to_dict()(agreement)
    cells: list[str] = []

    def put(obj: Mapping[str, Any], columns: tuple[str, ...]) -> None:
        for column in columns:
            if column == "x":
                ext = {k: v for k, v in obj.items() if k.startswith("x-")}
                cells.append(_compact(ext) if ext else "")
                continue
            value = obj.get(column)
            if value is None:
                cells.append("")
            elif column in _JSON_CELLS or column in _PARTY_JSON_CELLS:
                cells.append(_compact(value))
            else:
                cells.append(str(value))

    put(record, _AGREEMENT_COLUMNS)
    for party in record["parties"]:
        put(party, _PARTY_COLUMNS)
    return cells


class _Encoder:
    """The canonical bytes of a sequence of agreements, written to a binary stream as they come.

    The one implementation behind :func:`dump`, :func:`dumps` and :class:`RecordWriter`.
    """

    def __init__(self, out: IO[bytes], format: Format, *, escape_formulas: bool = False) -> None:
        if escape_formulas and format is not Format.CSV:
            raise ValueError(
                f"escape_formulas applies to CSV only (a {format.value} output holds no formulas)"
            )
        self.out = out
        self.format = format
        self.escape_formulas = escape_formulas
        self.count = 0
        self._text: io.TextIOWrapper | None = None
        self._csv: Any = None
        if format is Format.JSON:
            out.write(b"[")
        elif format is Format.CSV:
            self._text = io.TextIOWrapper(out, encoding="utf-8", newline="")
            self._text.write("\ufeff")
            self._csv = csv.writer(self._text, lineterminator="\r\n")
            self._csv.writerow(CSV_HEADER)

    def write(self, agreement: Agreement) -> None:
        """Add one agreement; raise :class:`UnwritableRecord` (writing nothing) if it cannot."""
        if self.format is Format.JSONL:
            self.out.write(record_bytes(agreement) + b"\n")
        elif self.format is Format.JSON:
            body = orjson.dumps(_to_dict()(agreement), default=_default, option=orjson.OPT_INDENT_2)
            self.out.write((b",\n  " if self.count else b"\n  ") + body.replace(b"\n", b"\n  "))
        else:
            row = _csv_row(agreement)
            self._csv.writerow(map(defuse_formula, row) if self.escape_formulas else row)
        self.count += 1

    def finish(self) -> None:
        """Close the array (JSON) and flush; the stream stays open."""
        if self.format is Format.JSON:
            self.out.write(b"\n]\n" if self.count else b"]\n")
        if self._text is not None:
            self._text.flush()
            self._text.detach()
            self._text = None
        self.out.flush()


class RecordWriter:
    """Write agreements one at a time to a file, atomically: see :func:`open_writer`."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        format: Format | str | None = None,
        *,
        escape_formulas: bool = False,
    ) -> None:
        self.path = os.fspath(path)
        self._output: Output | None = Output(self.path)  # a directory fails here
        try:
            self.format = format_of(self.path, format)
            self._encoder = _Encoder(
                self._output.stream, self.format, escape_formulas=escape_formulas
            )
        except BaseException:
            self.abort()
            raise

    @property
    def count(self) -> int:
        """The number of agreements written so far."""
        return self._encoder.count

    def write(self, agreement: Agreement) -> None:
        """Add one agreement; raise :class:`UnwritableRecord` (writing nothing) if it cannot."""
        if self._output is None:
            raise ValueError("the writer is closed")
        self._encoder.write(agreement)

    def commit(self) -> int:
        """Finish the file and move it into place; return the number of agreements written."""
        output, self._output = self._output, None
        if output is None:
            raise ValueError("the writer is closed")
        try:
            self._encoder.finish()
        except BaseException:
            output.abort()
            raise
        output.commit()
        return self.count

    def abort(self) -> None:
        """Drop what was written: the target is left as it was."""
        output, self._output = self._output, None
        if output is not None:
            output.abort()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def open_writer(
    path: str | os.PathLike[str],
    format: Format | str | None = None,
    *,
    escape_formulas: bool = False,
) -> RecordWriter:
    """A :class:`RecordWriter` to ``path``: used as a context manager, it commits on success.

    Nothing appears at ``path`` until :meth:`RecordWriter.commit`; :meth:`RecordWriter.abort`
    (or an exception inside the ``with`` block) leaves ``path`` as it was. ``path`` is written
    as every output of the program is: a symlink is followed, a device or FIFO is
    written to as a stream, ``-`` is standard output. ``escape_formulas`` (CSV only) prefixes
    every cell that a spreadsheet would run as a formula with ``'``.
    """
    return RecordWriter(path, format, escape_formulas=escape_formulas)


def write(
    path: str | os.PathLike[str],
    agreements: Iterable[Agreement],
    format: Format | str | None = None,
    *,
    escape_formulas: bool = False,
) -> int:
    """Write ``agreements`` to ``path`` canonically and atomically; return how many.

    The format comes from ``format`` or the extension. When one agreement cannot be written
    (:class:`UnwritableRecord`), nothing is written and ``path`` is left as it was. ``path``
    and ``escape_formulas`` are as for :func:`open_writer`.
    """
    with open_writer(path, format, escape_formulas=escape_formulas) as writer:
        for agreement in agreements:
            writer.write(agreement)
    return writer.count


def dump(
    agreements: Iterable[Agreement],
    stream: IO[bytes],
    format: Format | str = Format.JSONL,
    *,
    escape_formulas: bool = False,
) -> int:
    """Write ``agreements`` canonically to a binary stream as they come; return how many.

    Not atomic: an :class:`UnwritableRecord` stops it part way. Use :func:`write` for files.
    ``escape_formulas`` (CSV only; :class:`ValueError` for another format) prefixes every cell
    that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return with ``'``, so that
    a spreadsheet shows it as text instead of running it. Such a file is for people, not for
    round trips: reading it back keeps the ``'``.
    """
    encoder = _Encoder(stream, Format(format), escape_formulas=escape_formulas)
    for agreement in agreements:
        encoder.write(agreement)
    encoder.finish()
    return encoder.count


def dumps(
    agreements: Iterable[Agreement],
    format: Format | str = Format.JSONL,
    *,
    escape_formulas: bool = False,
) -> bytes:
    """The canonical bytes of ``agreements`` in ``format`` (``escape_formulas``: :func:`dump`)."""
    out = io.BytesIO()
    dump(agreements, out, format, escape_formulas=escape_formulas)
    return out.getvalue()
