"""Reading record files: JSON Lines, JSON and CSV, strictly, one located item per record.

Readers stream: :func:`read` yields one :class:`Item` per record (a non-blank line, an array
element or a CSV row) with the file name, the physical line where the record starts and its
index, and keeps nothing once the caller moves on. An item that cannot be read (invalid UTF-8,
invalid JSON, a number outside the 64-bit integer range, a non-finite number, a lone surrogate,
nesting deeper than ``MAX_DEPTH`` (256)) carries one ``malformed-record`` issue at that line, and
reading goes on. Checking the raw values is the validation loop's (``sistercity.validation``).
"""

from __future__ import annotations

import contextlib
import csv
import enum
import io
import json
import math
import os
import re
import sys
from collections.abc import Iterator, Mapping
from typing import IO, Any, BinaryIO, Final

import attrs
import orjson

from ._fields import key_path
from ._report import Issue, RecordRef, Severity, SisterCityError

__all__ = [
    "CSV_HEADER",
    "MAX_DEPTH",
    "Format",
    "Item",
    "UnknownFormat",
    "format_of",
    "parse_json",
    "read",
    "strict_problem",
]


class Format(enum.StrEnum):
    """A record file format."""

    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


#: File name extensions and the format each stands for.
EXTENSIONS: Final = {
    ".json": Format.JSON,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".csv": Format.CSV,
}

#: Records nested deeper than this are ``malformed-record`` (an ``x-`` value may nest 200 deep).
MAX_DEPTH: Final = 256

_BOM: Final = b"\xef\xbb\xbf"
_JSON_SPACE: Final = b" \t\r\n"
# 19 digits in a row may be an integer outside the 64-bit range, which orjson would turn into
# a float silently: such lines take the exact (slower) path.
_LONG_DIGITS: Final = re.compile(rb"[0-9]{19}")
_INT64: Final = (-(2**63), 2**63 - 1)
_WS: Final = re.compile(r"[ \t\n\r]*")


class UnknownFormat(SisterCityError, ValueError):
    """A file name whose format cannot be told from its extension, or an unknown format name."""


def format_of(path: str | os.PathLike[str], format: Format | str | None = None) -> Format:
    """The format of ``path``: ``format`` when given, else from the extension.

    ``-`` (standard input or output) is JSON Lines. Raises :class:`UnknownFormat`.

    >>> format_of("agreements.ndjson"), format_of("x.CSV"), format_of("-")
    (<Format.JSONL: 'jsonl'>, <Format.CSV: 'csv'>, <Format.JSONL: 'jsonl'>)
    """
    if format is not None:
        try:
            return Format(str(format).lower())
        except ValueError:
            names = ", ".join(f.value for f in Format)
            raise UnknownFormat(f"unknown format {format!r} (expected one of {names})") from None
    name = os.fspath(path)
    if name == "-":
        return Format.JSONL
    ext = os.path.splitext(name)[1].lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    known = ", ".join(EXTENSIONS)
    found = f"extension {ext!r}" if ext else "no extension"
    raise UnknownFormat(
        f"cannot tell the format of {name!r} from its name ({found}; expected {known})"
    )


@attrs.frozen
class Item:
    """One record as read: its raw JSON value, or the issue that says why it is unreadable.

    ``line`` is the physical line (1-based) where the record starts, ``index`` its 0-based
    position among the records of the file (``None`` for a ``.json`` file or CSV header that
    cannot be read at all, which counts as one record), ``file`` the name it was read from
    (``-`` for standard input). ``raw`` is the record only when ``issue`` is ``None``; with an
    issue it is what could be parsed (or ``None``), kept so that the issue can name the id.
    """

    raw: Any
    file: str
    line: int | None
    index: int | None
    format: Format = Format.JSONL
    issue: Issue | None = None

    @property
    def readable(self) -> bool:
        """Whether the record could be read (its raw value is known)."""
        return self.issue is None

    @property
    def id(self) -> str | None:
        """The record's ``id`` when it has a string one."""
        raw = self.raw
        if isinstance(raw, Mapping):
            rid = raw.get("id")
            if isinstance(rid, str):
                return rid
        return None

    @property
    def ref(self) -> RecordRef:
        """Where the record was read, for collection rules."""
        return RecordRef(self.id, self.index, self.file, self.line)

    def locate(self, issue: Issue) -> Issue:
        """``issue`` with this record's file, line, index and id filled in."""
        return issue.located(file=self.file, line=self.line, index=self.index, id=self.id)


# --------------------------------------------------------------------------------------------
# Parsing JSON exactly as SPEC §4 says
# --------------------------------------------------------------------------------------------


def parse_json(data: bytes) -> tuple[Any, tuple[str, str] | None]:
    """Parse one JSON text strictly: ``(value, None)``, or ``(None, (path, message))``.

    Refused, with the path of the offending value: invalid UTF-8, invalid JSON, ``NaN`` and
    ``Infinity``, numbers that overflow a double, integers outside the 64-bit range, lone
    surrogates and nesting deeper than ``MAX_DEPTH`` (256).

    >>> parse_json(b'{"geonames": 1e400}')
    (None, ('$.geonames', 'number 1e400 is not finite'))
    >>> parse_json(b'[1, 2')[1]
    ('$', "not valid JSON: Expecting ',' delimiter (column 6)")
    """
    if _LONG_DIGITS.search(data) is None:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            return _parse_exactly(data)
        if data.count(b"[") + data.count(b"{") >= MAX_DEPTH:
            problem = strict_problem(value)
            if problem is not None:
                return None, problem
        return value, None
    return _parse_exactly(data)


def _parse_exactly(data: bytes) -> tuple[Any, tuple[str, str] | None]:
    """The reference parse (the standard library's), then the strict checks of SPEC §4."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, ("$", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte {exc.start + 1}")
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_float)
    except json.JSONDecodeError as exc:
        return None, ("$", f"not valid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return None, ("$", f"nested more than {MAX_DEPTH} levels deep")
    except _NonFinite as exc:
        return None, _locate_non_finite(text, str(exc))
    return value, strict_problem(value)


class _NonFinite(ValueError):
    pass


def _constant(name: str) -> float:
    raise _NonFinite(name)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NonFinite(text)
    return value


def _locate_non_finite(text: str, literal: str) -> tuple[str, str]:
    """Find the path of a non-finite number by parsing again with it replaced by a marker."""
    marker = object()

    def keep(name: str) -> object:
        return marker

    def keep_float(found: str) -> object:
        value = float(found)
        return value if math.isfinite(value) else marker

    path = "$"
    with contextlib.suppress(ValueError, RecursionError):
        value = json.loads(text, parse_constant=keep, parse_float=keep_float)
        stack: list[tuple[Any, str]] = [(value, "$")]
        while stack:
            node, where = stack.pop()
            if node is marker:
                path = where
                break
            if isinstance(node, list):
                stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(node))))
            elif isinstance(node, dict):
                stack.extend((v, key_path(where, k)) for k, v in reversed(list(node.items())))
    return path, f"number {literal} is not finite"


def strict_problem(value: Any) -> tuple[str, str] | None:
    """The first value (in document order) that SPEC §4 makes ``malformed-record``, if any."""
    stack: list[tuple[Any, str, int]] = [(value, "$", 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, str):
            if not node.isascii() and not _encodable(node):
                return path, "a string holds a lone surrogate"
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int):
            if not _INT64[0] <= node <= _INT64[1]:
                return path, f"number {node} is outside the 64-bit integer range"
        elif isinstance(node, float):
            if not math.isfinite(node):
                literal = "NaN" if math.isnan(node) else ("-" if node < 0 else "") + "Infinity"
                return path, f"number {literal} is not finite"
        elif isinstance(node, list):
            if depth >= MAX_DEPTH:
                return path, f"nested more than {MAX_DEPTH} levels deep"
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, dict):
            if depth >= MAX_DEPTH:
                return path, f"nested more than {MAX_DEPTH} levels deep"
            for key in node:
                if not key.isascii() and not _encodable(key):
                    return path, "a key holds a lone surrogate"
            stack.extend((v, key_path(path, k), depth + 1) for k, v in reversed(list(node.items())))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _malformed(path: str, message: str) -> Issue:
    return Issue("malformed-record", Severity.ERROR, message, path)


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


def read(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    format: Format | str | None = None,
    *,
    name: str | None = None,
) -> Iterator[Item]:
    """Read records from a path, ``-`` (standard input) or an open stream, one :class:`Item` each.

    The format comes from ``format`` or the file's extension (``-`` and streams: JSON Lines).
    The file is opened at once, so a missing file raises :class:`OSError` here and an unknown
    extension :class:`UnknownFormat`; problems inside the file become items with an issue.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        fmt = format_of(path, format)
        if path == "-":
            return _items(sys.stdin.buffer, fmt, name or "-", close=False)
        if os.path.isdir(path):
            raise IsADirectoryError(f"{path!r} is a directory")
        stream: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the generator
        return _items(stream, fmt, name or path, close=True)
    fmt = format_of("-", format)
    label = name if name is not None else getattr(source, "name", None)
    return _items(_binary(source), fmt, label if isinstance(label, str) else "-", close=False)


def _binary(stream: IO[bytes] | IO[str]) -> IO[bytes]:
    if isinstance(stream, io.TextIOBase):
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            return buffer  # type: ignore[no-any-return]
        return io.BytesIO(stream.read().encode("utf-8", "surrogatepass"))
    return stream  # type: ignore[return-value]


def _items(stream: IO[bytes], fmt: Format, name: str, *, close: bool) -> Iterator[Item]:
    try:
        if fmt is Format.JSONL:
            yield from _read_jsonl(stream, name)
        elif fmt is Format.JSON:
            yield from _read_json(stream, name)
        else:
            yield from _read_csv(stream, name)
    finally:
        if close:
            stream.close()


def _read_jsonl(stream: IO[bytes], name: str) -> Iterator[Item]:
    index = 0
    for number, line in enumerate(stream, 1):
        if number == 1 and line.startswith(_BOM):
            line = line[3:]
        body = line.rstrip(_JSON_SPACE)  # leading space kept: columns count from the line start
        if not body:
            continue
        value, problem = parse_json(body)
        if problem is None:
            yield Item(value, name, number, index, Format.JSONL)
        else:
            # the value (when it parsed) is kept so that the issue can name the record's id
            yield Item(value, name, number, index, Format.JSONL, _malformed(*problem))
        index += 1


def _read_json(stream: IO[bytes], name: str) -> Iterator[Item]:
    data = stream.read()
    if data.startswith(_BOM):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = f"0x{data[exc.start]:02x}"
        yield Item(
            None, name, line, None, Format.JSON, _malformed("$", f"not valid UTF-8: byte {byte}")
        )
        return
    parsed = _split_json(text)
    if isinstance(parsed, Issue):
        yield Item(None, name, parsed.line, None, Format.JSON, attrs.evolve(parsed, line=None))
        return
    for index, (line, value) in enumerate(parsed):
        problem = strict_problem(value)
        if problem is None:
            yield Item(value, name, line, index, Format.JSON)
        else:
            yield Item(value, name, line, index, Format.JSON, _malformed(*problem))


def _split_json(text: str) -> list[tuple[int, Any]] | Issue:
    """Parse a ``.json`` document into ``(line, element)`` pairs, or one issue where it fails.

    A top-level array gives its elements; anything else is one record.
    """
    decoder = json.JSONDecoder(parse_constant=float)
    lines_before = 0
    last = 0

    def line_at(pos: int) -> int:
        nonlocal lines_before, last
        lines_before += text.count("\n", last, pos)
        last = pos
        return lines_before + 1

    def failure(pos: int, message: str) -> Issue:
        return attrs.evolve(_malformed("$", message), line=text.count("\n", 0, pos) + 1)

    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if pos == len(text):
        return failure(pos, "the file is empty: expected an agreement or an array of them")
    out: list[tuple[int, Any]] = []
    try:
        if text[pos] != "[":
            value, end = decoder.raw_decode(text, pos)
            out.append((line_at(pos), value))
        else:
            end = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if text.startswith("]", end):
                end += 1
            else:
                while True:
                    value, after = decoder.raw_decode(text, end)
                    out.append((line_at(end), value))
                    end = _WS.match(text, after).end()  # type: ignore[union-attr]
                    if text.startswith(",", end):
                        end = _WS.match(text, end + 1).end()  # type: ignore[union-attr]
                        continue
                    if text.startswith("]", end):
                        end += 1
                        break
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, end)
    except json.JSONDecodeError as exc:
        return failure(exc.pos, f"not valid JSON: {exc.msg} (line {exc.lineno} column {exc.colno})")
    except RecursionError:
        return failure(end if out else pos, f"nested more than {MAX_DEPTH} levels deep")
    end = _WS.match(text, end).end()  # type: ignore[union-attr]
    if end != len(text):
        line = text.count("\n", 0, end) + 1
        column = end - text.rfind("\n", 0, end)
        return failure(end, f"not valid JSON: Extra data (line {line} column {column})")
    return out


# ---- CSV -----------------------------------------------------------------------------------

_AGREEMENT_COLUMNS: Final = ("id", "kind", "term", "supersedes", "notes", "sources", "events", "x")
_PARTY_COLUMNS: Final = (
    "name", "country", "subdivision", "level", "wikidata", "geonames", "former_names", "x",
)  # fmt: skip
#: The CSV header of SPEC §4, in order.
CSV_HEADER: Final = _AGREEMENT_COLUMNS + tuple(
    f"party{n}_{column}" for n in (1, 2) for column in _PARTY_COLUMNS
)
_JSON_CELLS: Final = frozenset({"sources", "events", "x"})
_PARTY_JSON_CELLS: Final = frozenset({"former_names", "x"})
_PARTY_PREFIX: Final = re.compile(r"party([12])_(.+)", re.DOTALL)
_INTEGER: Final = re.compile(r"-?[0-9]+")
_ESCAPED: Final = re.compile("[\udc80-\udcff]")
_FIELD_LIMIT: Final = 2**31 - 1


def _read_csv(stream: IO[bytes], name: str) -> Iterator[Item]:
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        reader = csv.reader(text, strict=True)
        header: list[str] | None = None
        index = 0
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                issue = _malformed("$", f"not valid CSV: {exc}")
                if header is None:  # without a header no row can be read
                    yield Item(None, name, start, None, Format.CSV, issue)
                    return
                yield Item(None, name, start, index, Format.CSV, issue)
                index += 1
                continue
            if not row:
                continue
            if header is None:
                header = row
                problem = _header_problem(header)
                if problem is not None:
                    yield Item(None, name, start, None, Format.CSV, _malformed("$", problem))
                    return
                continue
            raw, refusal = _row_to_raw(header, row)
            yield Item(raw, name, start, index, Format.CSV, refusal)
            index += 1
    finally:
        text.detach()


def _header_problem(header: list[str]) -> str | None:
    if any(_ESCAPED.search(cell) for cell in header):
        return "the CSV header is not valid UTF-8"
    seen: set[str] = set()
    for column in header:
        if column in seen:
            return f"the CSV header names the column {column!r} twice"
        seen.add(column)
    if "id" not in seen:
        return (
            "the first row must be the CSV header of SPEC §4 (id, kind, term, ..., "
            f"party1_name, ...); found {', '.join(map(repr, header[:4]))}"
        )
    return None


def _row_to_raw(header: list[str], row: list[str]) -> tuple[Any, Issue | None]:
    if len(row) != len(header):
        return None, _malformed(
            "$", f"the row has {len(row)} cells where the header has {len(header)}"
        )
    record: dict[str, Any] = {}
    parties: list[dict[str, Any]] = [{}, {}]
    for column, cell in zip(header, row, strict=True):
        if cell == "":
            continue
        if _ESCAPED.search(cell):
            return None, _malformed("$", f"the {column!r} cell is not valid UTF-8")
        match = _PARTY_PREFIX.fullmatch(column)
        if match is not None:
            target = parties[int(match.group(1)) - 1]
            key = match.group(2)
            base = f"$.parties[{int(match.group(1)) - 1}]"
        else:
            target, key, base = record, column, "$"
        if key in (_PARTY_JSON_CELLS if match is not None else _JSON_CELLS):
            value, problem = parse_json(cell.encode("utf-8"))
            if problem is not None:
                where = base if key == "x" else key_path(base, key)
                return None, _malformed(where, f"the {column!r} cell holds no valid JSON: "
                                        f"{problem[1]}")  # fmt: skip
            if key == "x":
                if not isinstance(value, dict):
                    return None, _malformed(
                        base, f"the {column!r} cell must hold a JSON object of 'x-' keys"
                    )
                wrong = [k for k in value if not k.startswith("x-")]
                if wrong:
                    return None, _malformed(
                        base,
                        f"the {column!r} cell holds only 'x-' keys (got {wrong[0]!r})",
                    )
                target.update(value)
            else:
                target[key] = value
        elif key == "geonames" and match is not None and _INTEGER.fullmatch(cell):
            target[key] = int(cell)
        else:
            target[key] = cell
    record["parties"] = [party for party in parties if party]
    return record, None
