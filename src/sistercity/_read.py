"""Reading record files: JSON Lines, JSON and CSV, strictly, one located item per record.

Readers stream: :func:`read` yields one :class:`Item` per record (a non-blank line, an array
element or a CSV row) with the file name, the physical line where the record starts and its
index, and keeps nothing once the caller moves on. An item that cannot be read (invalid UTF-8,
invalid JSON, a number outside the 64-bit integer range, a non-finite number, a lone surrogate,
nesting deeper than ``MAX_DEPTH`` (256), a key twice in one object) carries one
``malformed-record`` issue at that line, and reading goes on. Checking the raw values is the
validation loop's (``sistercity.validation``).

Hostile input: input is read in bounded pieces, never a
whole line, row or document past ``max_record_bytes`` (default :data:`MAX_RECORD_BYTES`). A
longer line or CSV row is one ``malformed-record`` and is skipped by reading on to its end
without keeping it; on an input that is not a regular file (a pipe, a device) the skip reads
at most :data:`ENDLESS_BYTES` more (or 16 times the limit, if that is larger), then takes the
input as endless (``/dev/zero``) and stops reading, saying so. A ``.json`` document longer than
the limit is one ``malformed-record`` and is not read. A file that starts with a UTF-16 or
UTF-32 byte-order mark is one ``malformed-record`` naming the encoding.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import math
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, BinaryIO, Final

import attrs
import orjson

from ._fields import key_path
from ._report import Issue, RecordRef, Severity, SisterCityError

__all__ = [
    "CSV_HEADER",
    "ENDLESS_BYTES",
    "MAX_DEPTH",
    "MAX_RECORD_BYTES",
    "Format",
    "Item",
    "UnknownFormat",
    "format_of",
    "parse_json",
    "read",
    "spool",
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

#: The default limit of one record's bytes (a JSON Lines line, a CSV row, a ``.json`` file):
#: ``--max-record-bytes``, ``read(..., max_record_bytes=)``.
MAX_RECORD_BYTES: Final = 64 * 2**20

#: How far an oversized line of a pipe or device is skipped (at least) before the input is
#: taken as endless and reading stops: ``/dev/zero`` has no line end and no end of file.
ENDLESS_BYTES: Final = 2**30

_CHUNK: Final = 2**20
_UNICODE_BOMS: Final = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (b"\xff\xfe\x00\x00", "UTF-32", "little-endian"),
    (b"\x00\x00\xfe\xff", "UTF-32", "big-endian"),
    (b"\xff\xfe", "UTF-16", "little-endian"),
    (b"\xfe\xff", "UTF-16", "big-endian"),
)

_BOM: Final = b"\xef\xbb\xbf"
_JSON_SPACE: Final = b" \t\r\n"
# 19 digits in a row may be an integer outside the 64-bit range, which orjson would turn into
# a float silently: such lines take the exact (slower) path. Found by mapping every digit to
# "0" and searching for nineteen of them, five times faster than a regular expression.
# Fewer brackets than this cannot nest past MAX_DEPTH (nor past orjson's own limits).
_MANY_BRACKETS: Final = 200
_DIGITS_AS_ZERO: Final = bytes.maketrans(b"0123456789", b"0" * 10)
_LONG_DIGITS: Final = b"0" * 19
_CONTAINERS: Final = (dict, list)
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


@attrs.define
class Item:
    """One record as read: its raw JSON value, or the issue that says why it is unreadable.

    ``line`` is the physical line (1-based) where the record starts, ``index`` its 0-based
    position among the records of the file (``None`` for a ``.json`` file or CSV header that
    cannot be read at all, which counts as one record), ``file`` the name it was read from
    (``-`` for standard input). ``raw`` is the record only when ``issue`` is ``None``; with an
    issue it is what could be parsed (or ``None``), kept so that the issue can name the id.
    ``text`` is the JSON Lines line that ``raw`` was parsed from (bytes, without trailing white
    space), for a readable record of a JSON Lines file; else ``None``.

    Not frozen: the reader makes one per record, and a frozen ``attrs`` class costs about three
    times as much to make (each field set through ``object.__setattr__``).
    """

    raw: Any
    file: str
    line: int | None
    index: int | None
    format: Format = Format.JSONL
    issue: Issue | None = None
    text: bytes | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def readable(self) -> bool:
        """Whether the record could be read (its raw value is known)."""
        return self.issue is None

    @property
    def id(self) -> str | None:
        """The record's ``id`` when it has a string one."""
        raw = self.raw
        if type(raw) is dict or isinstance(raw, Mapping):
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
    """Parse one JSON text strictly: ``(value, None)``, or ``(value or None, (path, message))``.

    Refused, with the path of the offending value: invalid UTF-8, invalid JSON, ``NaN`` and
    ``Infinity``, numbers that overflow a double, integers outside the 64-bit range (of any
    length), lone surrogates, nesting deeper than ``MAX_DEPTH`` (256) and a key that appears
    twice in one object (at that object). With a problem, the value is what could be parsed
    (or ``None``), so that the caller can still name the record's id.

    >>> parse_json(b'{"geonames": 1e400}')
    ({'geonames': <number 1e400>}, ('$.geonames', 'number 1e400 is not finite'))
    >>> parse_json(b'[1, 2')[1]
    ('$', "not valid JSON: Expecting ',' delimiter (column 6)")
    >>> parse_json(b'{"parties": [{"name": "A", "name": "B"}]}')[1]
    ('$.parties[0]', "the key 'name' appears twice in one object")
    """
    try:
        value = orjson.loads(data)
        # written with integers held to JavaScript's safe range, so that an integer past 64
        # bits, which orjson reads as a float or (up to 2**64) as an unsigned int, never
        # writes back to its own text
        written = orjson.dumps(value, option=orjson.OPT_STRICT_INTEGER)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _parse_exactly(data)
    if written == data and type(value) in _CONTAINERS:
        # the common case, a line as orjson writes it (sistercity's own output, compact JSON):
        # parsed and written back to the same bytes, so no key repeats (see below), no
        # integer is out of range, and no deeper than orjson's writer goes (254 < MAX_DEPTH)
        return value, None
    if (
        _LONG_DIGITS in data.translate(_DIGITS_AS_ZERO)
        or data.count(b"[") + data.count(b"{") >= _MANY_BRACKETS
    ):
        return _parse_exactly(data)  # perhaps an integer past 64 bits, or nested too deep
    if _may_repeat_a_key(data, value, written):
        return _parse_exactly(data)
    return value, None


# Duplicate keys, cheaply: orjson keeps the last of two equal keys silently, so a parsed value
# is checked against its text, the cheapest proof first:
# 1. The value written back compactly is the text itself (what the writers produce): had a key
#    repeated, the text would hold a key and value more than the value does.
# 2. Else count key ends. In the text with its JSON white space deleted, every key of every
#    object ends in ``":``, so ``count(b'":')`` there is at least the number of keys in the
#    text, which is at least the number of keys the parsed objects hold, and the two are equal
#    only when no key repeats. The parsed objects' keys are counted in the compact text orjson
#    writes back, where ``":`` ends a key or opens a string that starts with ``:``; without a
#    backslash in either text no string is escaped, so the same strings open in the input,
#    and equal counts prove that no key repeats. With a backslash, the parsed value is walked.
#    Anything else (rare) takes the exact path.
_JSON_SPACE_BYTES: Final = b" \t\r\n"


def _may_repeat_a_key(data: bytes, value: Any, written: bytes) -> bool:
    """Whether a key may repeat in ``data``, parsed as ``value`` and written back as ``written``."""
    kind = type(value)
    if kind is not dict and kind is not list:
        return False
    keys_at_most = data.translate(None, _JSON_SPACE_BYTES).count(b'":')
    if b"\\" in data or b"\\" in written:
        return keys_at_most != _count_keys(value)
    return keys_at_most != written.count(b'":')


def _count_keys(node: Any) -> int:
    """The number of keys of every object in a parsed JSON value (a dict or a list)."""
    keys = 0
    if type(node) is dict:
        keys = len(node)
        node = node.values()
    for child in node:
        kind = type(child)
        if kind is dict or kind is list:
            keys += _count_keys(child)
    return keys


# A lone carriage return ends no line (SPEC §4), so a file saved with classic Mac OS line
# ends is one long line (or CSV row) that does not parse: the message says why.
_LONE_CR: Final = (
    "a carriage return (\\r) with no line feed after it: lines end only at \\n, so a file "
    "saved with classic Mac OS line ends is read as one line; convert its line ends first, "
    "e.g. with tr '\\r' '\\n'"
)


def _lone_cr(text: str) -> str:
    """What to add to a message about ``text`` when it holds a lone carriage return."""
    return f"; the line holds {_LONE_CR}" if "\r" in text.replace("\r\n", "") else ""


def _parse_exactly(data: bytes) -> tuple[Any, tuple[str, str] | None]:
    """The reference parse (the standard library's), then the strict checks of SPEC §4."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, ("$", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte {exc.start + 1}")
    try:
        value = _STRICT.decode(text)
    except json.JSONDecodeError as exc:
        hint = _lone_cr(text) if exc.msg == "Extra data" else ""  # records joined at a lone \r
        return None, ("$", f"not valid JSON: {exc.msg} (column {exc.colno}){hint}")
    except RecursionError:
        return None, ("$", f"nested more than {MAX_DEPTH} levels deep")
    return value, strict_problem(value)


@attrs.frozen(repr=False)
class _Refused:
    """A number the reader refuses (out of range, not finite), kept in place of its value."""

    literal: str
    message: str

    def __repr__(self) -> str:
        return f"<number {self.literal}>"


class _RepeatedKey(dict[str, Any]):
    """An object in which ``key`` appears more than once (its last values, as orjson keeps)."""

    key: str = ""


def _number_text(literal: str) -> str:
    """A number as a message shows it: a very long one shortened, with its digit count."""
    if len(literal) <= 40:
        return literal
    digits = sum(c.isdigit() for c in literal)
    return f"{literal[:12]}…{literal[-6:]} ({digits} digits)"


def _int_text(value: int) -> str:
    """An integer as a message shows it, without ``str()`` (which raises past 4,300 digits)."""
    if value.bit_length() <= 128:
        return str(value)
    digits = int(value.bit_length() * math.log10(2)) + 1
    return f"{'-' if value < 0 else ''}… (about {digits} digits)"


def _out_of_range(literal: str) -> str:
    return f"number {_number_text(literal)} is outside the 64-bit integer range"


def _int(literal: str) -> int | _Refused:
    # 19 digits hold every 64-bit integer; a longer literal is refused before int() (which
    # raises past 4,300 digits)
    if len(literal) > 20:
        return _Refused(_number_text(literal), _out_of_range(literal))
    value = int(literal)
    if not _INT64[0] <= value <= _INT64[1]:
        return _Refused(literal, _out_of_range(literal))
    return value


def _float(literal: str) -> float | _Refused:
    value = float(literal)
    if not math.isfinite(value):
        return _constant(literal)
    return value


def _constant(literal: str) -> _Refused:
    text = _number_text(literal)
    return _Refused(text, f"number {text} is not finite")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    seen: set[str] = set()
    repeated = _RepeatedKey(value)
    for key, _ in pairs:  # pragma: no branch - some key repeats
        if key in seen:
            repeated.key = key
            break
        seen.add(key)
    return repeated


#: The exact decoder: every number and object goes through the checks above.
_STRICT: Final = json.JSONDecoder(
    parse_int=_int, parse_float=_float, parse_constant=_constant, object_pairs_hook=_object
)


def strict_problem(value: Any) -> tuple[str, str] | None:
    """The first value (in document order) that the record format makes ``malformed-record``."""
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
                return path, _out_of_range(_int_text(node))
        elif isinstance(node, float):
            if not math.isfinite(node):
                literal = "NaN" if math.isnan(node) else ("-" if node < 0 else "") + "Infinity"
                return path, f"number {literal} is not finite"
        elif isinstance(node, _Refused):
            return path, node.message
        elif isinstance(node, list):
            if depth >= MAX_DEPTH:
                return path, f"nested more than {MAX_DEPTH} levels deep"
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, dict):
            if depth >= MAX_DEPTH:
                return path, f"nested more than {MAX_DEPTH} levels deep"
            if isinstance(node, _RepeatedKey):
                return path, f"the key {node.key!r} appears twice in one object"
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
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[Item]:
    """Read records from a path, ``-`` (standard input) or an open stream, one :class:`Item` each.

    The format comes from ``format`` or the file's extension (``-`` and streams: JSON Lines).
    The file is opened at once, so a missing file raises :class:`OSError` here and an unknown
    extension :class:`UnknownFormat`; problems inside the file become items with an issue.
    No record is held whole past ``max_record_bytes``: a longer line or CSV row, or a longer
    ``.json`` document, is one ``malformed-record`` item (see the module's documentation).
    """
    return _open(source, format, name, max_record_bytes, shared=False)


def read_shared(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    format: Format | str | None = None,
    *,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[Item]:
    """:func:`read`, for a caller that is done with each item before it asks for the next.

    The readable records of a JSON Lines input come as one :class:`Item`, its ``raw``,
    ``line``, ``index`` and ``text`` set anew for each: ``sistercity validate`` reads so,
    without making and dropping an item per record (a fiftieth of its time).
    """
    return _open(source, format, None, max_record_bytes, shared=True)


def _open(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    format: Format | str | None,
    name: str | None,
    max_record_bytes: int,
    *,
    shared: bool,
) -> Iterator[Item]:
    """:func:`read` (``shared``: :func:`read_shared`)."""
    if max_record_bytes < 1:
        raise ValueError(f"max_record_bytes must be a positive number (got {max_record_bytes})")
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path != "-" and os.path.isdir(path):  # before its name is read for a format
            raise IsADirectoryError(f"{path!r} is a directory")
        fmt = format_of(path, format)
        if path == "-":
            return _items(
                stdin_bytes(), fmt, name or "-", max_record_bytes, close=False, shared=shared
            )
        stream: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the generator
        return _items(stream, fmt, name or path, max_record_bytes, close=True, shared=shared)
    fmt = format_of("-", format)
    label = name if name is not None else getattr(source, "name", None)
    label = label if isinstance(label, str) else "-"
    return _items(_binary(source), fmt, label, max_record_bytes, close=False, shared=shared)


def stdin_bytes() -> IO[bytes]:
    """Standard input as bytes (``-``).

    :class:`OSError` when the program was started with it closed (``<&-``): ``sys.stdin`` is
    then ``None``.
    """
    if sys.stdin is None:
        raise OSError("standard input is closed")
    return sys.stdin.buffer


def spool(stream: IO[bytes], max_record_bytes: int = MAX_RECORD_BYTES) -> IO[bytes]:
    """A copy of ``stream`` that can be read twice (``convert`` reads a pipe in two passes).

    The copy is an anonymous temporary file, so it is never left behind and costs no memory.
    Of a line longer than the limit only the first ``max_record_bytes + 2`` bytes are copied
    (enough for :func:`read` to refuse it the same way); at an input taken as endless
    (``/dev/zero``) the copy stops.
    """
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    src = _Input(stream, max_record_bytes)
    cap = max_record_bytes + 2
    while True:
        line = src.readline(cap)
        if not line:
            break
        out.write(line)
        if len(line) == cap and line[-1] != _NEWLINE:
            ended, newlines = src.skip_line()
            if not ended:
                break
            if newlines:
                out.write(b"\n")
    out.seek(0)
    return out


def _binary(stream: IO[bytes] | IO[str]) -> IO[bytes]:
    if isinstance(stream, io.TextIOBase):
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            return buffer  # type: ignore[no-any-return]
        return io.BytesIO(stream.read().encode("utf-8", "surrogatepass"))
    return stream  # type: ignore[return-value]


_NEWLINE: Final = 0x0A
_QUOTE: Final = b'"'


def _bounded(stream: IO[bytes]) -> bool:
    """Whether the input surely ends: a regular file, or bytes in memory (no file number)."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation: a BytesIO
        return True
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        return False


class _Input:
    """A binary stream read in bounded pieces, with bytes put back when read ahead."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._pending = b""
        self.limit = limit
        #: How far an oversized line is skipped before the input is taken as endless.
        self.budget: int | None = None if _bounded(stream) else max(ENDLESS_BYTES, 16 * limit)
        self._read1: Callable[[int], bytes] = getattr(stream, "read1", stream.read)

    def unread(self, data: bytes) -> None:
        self._pending = data + self._pending

    def read_block(self) -> bytes:
        """The bytes put back, else up to a chunk as the stream gives them (``b""``: the end)."""
        pending = self._pending
        if pending:
            self._pending = b""
            return pending
        return self._read1(_CHUNK)

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at the end of the input.

        Read a chunk at a time: a stream's ``read(size)`` sets aside ``size`` bytes first, so a
        limit of gigabytes (``--max-record-bytes``) would fail on an 11-byte file.
        """
        parts = [self._pending[:size]]
        self._pending = self._pending[size:]
        have = len(parts[0])
        while have < size:
            part = self._stream.read(min(size - have, _CHUNK))
            if not part:
                break
            parts.append(part)
            have += len(part)
        return b"".join(parts)

    def readline(self, size: int) -> bytes:
        r"""One line with its ``\n``, or its first ``size`` bytes (only ``\n`` ends a line)."""
        size = min(size, sys.maxsize)  # a stream takes no larger size (the limit can be 2**63)
        pending = self._pending
        if not pending:
            return self._stream.readline(size)
        end = pending.find(b"\n", 0, size)
        if end >= 0:
            self._pending = pending[end + 1 :]
            return pending[: end + 1]
        if len(pending) >= size:
            self._pending = pending[size:]
            return pending[:size]
        self._pending = b""
        return pending + self._stream.readline(size - len(pending))

    def skip_line(self, *, csv_quotes: bool = False, odd: bool = False) -> tuple[bool, int]:
        r"""Read and drop the rest of a line, keeping nothing: ``(ended, line ends read)``.

        With ``csv_quotes``, the line ends only at a ``\n`` after an even number of ``"``
        (``odd``: an odd number came before), so a quoted field's line breaks are skipped
        too. ``ended`` is false when the input was taken as endless (see ``budget``).
        """
        skipped = 0
        newlines = 0
        while True:
            data = self.read_block()
            if not data:
                return True, newlines
            start = 0
            while True:
                end = data.find(b"\n", start)
                if end < 0:
                    if csv_quotes:
                        odd ^= bool(data.count(_QUOTE, start) & 1)
                    break
                newlines += 1
                if csv_quotes:
                    odd ^= bool(data.count(_QUOTE, start, end) & 1)
                if not odd:
                    self._pending = data[end + 1 :]
                    return True, newlines
                start = end + 1
            skipped += len(data)
            if self.budget is not None and skipped > self.budget:
                return False, newlines


@attrs.frozen
class _Overlong:
    """A line longer than the limit, read and dropped; ``ended`` false: reading stopped there."""

    ended: bool


_OVERLONG: Final = _Overlong(ended=True)


def _too_long(what: str, src: _Input, ended: bool) -> str:
    message = (
        f"the {what} is longer than {src.limit} bytes, the limit for one record, and is "
        "skipped unread (raise the limit with --max-record-bytes, or max_record_bytes= "
        "from Python)"
    )
    if not ended:
        message += (
            f"; no line end came in the next {src.budget} bytes either, so the input is "
            "taken as endless and reading stopped here"
        )
    return message


def _items(
    stream: IO[bytes], fmt: Format, name: str, limit: int, *, close: bool, shared: bool = False
) -> Iterator[Item]:
    """The items read from ``stream``, closed at the end if ``close``.

    ``shared``: the readable records of a JSON Lines input come as one item (:func:`read_shared`).
    """
    try:
        src = _Input(stream, limit)
        refused = _refused_encoding(src, fmt, name)
        if refused is not None:
            yield refused
        elif fmt is Format.JSONL:  # in line: a generator less for each record
            index = 0
            number = 0
            reused: Item | None = None  # the item of every readable record, when shared
            for lines in _line_blocks(src):
                for line in lines:
                    number += 1
                    if isinstance(line, _Overlong):
                        yield Item(None, name, number, index, Format.JSONL,
                                   _malformed("$", _too_long("line", src, line.ended)))  # fmt: skip
                        index += 1
                        continue
                    body = line.rstrip(_JSON_SPACE)  # leading space kept: columns count from 1
                    if not body:
                        continue
                    if index == 0 and body.lstrip(_JSON_SPACE) in _PRETTY:
                        message = _pretty_printed(body)
                        yield Item(None, name, 1, 0, Format.JSONL, _malformed("$", message))
                        return
                    value, problem = parse_json(body)
                    if problem is not None:
                        if index == 0 and value is None:
                            problem = (problem[0], problem[1] + _csv_hint(body))
                        # the value (when it parsed) is kept so that the issue can name the id
                        yield Item(value, name, number, index, Format.JSONL, _malformed(*problem))
                    elif reused is None:
                        item = Item(value, name, number, index, Format.JSONL, None, body)
                        if shared:
                            reused = item
                        yield item
                    else:
                        reused.raw = value
                        reused.line = number
                        reused.index = index
                        reused.text = body
                        yield reused
                    index += 1
        elif fmt is Format.JSON:
            yield from _read_json(src, name)
        else:
            yield from _read_csv(src, name)
    finally:
        if close:
            stream.close()


def _refused_encoding(src: _Input, fmt: Format, name: str) -> Item | None:
    """The item that refuses a UTF-16 or UTF-32 input (by its byte-order mark), else ``None``.

    Reads the first bytes and puts them back, without a UTF-8 byte-order mark.
    """
    head = src.read(4)
    for mark, encoding, order in _UNICODE_BOMS:
        if head.startswith(mark):
            message = (
                f"the file is {encoding} ({order}: it starts with a {encoding} byte-order "
                f"mark); records must be UTF-8: convert it first, e.g. with "
                f"'iconv -f {encoding} -t UTF-8'"
            )
            index = 0 if fmt is Format.JSONL else None
            return Item(None, name, 1, index, fmt, _malformed("$", message))
    src.unread(head[len(_BOM) :] if head.startswith(_BOM) else head)
    return None


def _line_blocks(src: _Input) -> Iterator[Iterable[bytes | _Overlong]]:
    r"""The physical lines (ended by ``\n`` alone, which they keep), a block read at a time.

    A line longer than the limit (its ``\n`` or ``\r\n`` not counted) is an :class:`_Overlong`
    in its place: of a line that goes on past the limit and two bytes nothing more is kept,
    and the rest is skipped (``skip_line``). The lines and limits are those of reading a line
    at a time with ``readline(limit + 2)``, for a third less: a block is split by ``BytesIO``
    (which finds line ends as ``readline`` does, not a byte at a time as ``split`` does).
    """
    limit = src.limit
    cap = limit + 2
    read_block = src.read_block
    parts: list[bytes] = []  # the start of a line that goes on past the blocks read so far
    size = 0  # the bytes in parts (fewer than cap)
    while True:
        block = read_block()
        if not block:
            if size:  # the last line, without a line end
                yield [b"".join(parts) if size <= limit else _OVERLONG]
            return
        end = block.rfind(b"\n") + 1  # the block's whole lines end there
        if end:
            whole = block[:end] if end < len(block) else block
            if parts:
                parts.append(whole)
                whole = b"".join(parts)
                parts, size = [], 0
            if len(whole) <= limit:  # the lines are within the limit (the common case)
                yield io.BytesIO(whole)
            else:
                yield [
                    line if len(line) - 1 - line.endswith(b"\r\n") <= limit else _OVERLONG
                    for line in io.BytesIO(whole)
                ]
            if end == len(block):
                continue
            block = block[end:]
        parts.append(block)
        size += len(block)
        if size >= cap:  # over the limit: keep nothing, and put back what is past the cap
            src.unread(block[len(block) - (size - cap) :])
            parts, size = [], 0
            ended, _ = src.skip_line()
            yield [_Overlong(ended)]
            if not ended:
                return


_PRETTY: Final = (b"[", b"{")


def _csv_hint(first: bytes) -> str:
    """What to add when the first line of a JSON Lines input is no JSON: a CSV header's hint."""
    if first.lstrip(_JSON_SPACE).startswith((b"{", b"[")) or b"," not in first:
        return ""
    return (
        "; the first line looks like a CSV header, not JSON: read a CSV file with "
        "--input-format csv (or name it .csv)"
    )


def _pretty_printed(body: bytes) -> str:
    return (
        f"the first line is {body.strip().decode()!r} alone: this looks like pretty-printed "
        "JSON, not JSON Lines (one record per line), and is read no further; read it with "
        "--input-format json (format='json' from Python)"
    )


def _read_json(src: _Input, name: str) -> Iterator[Item]:
    data = src.read(src.limit + 1)
    if len(data) > src.limit:
        message = (
            f"the .json document is longer than {src.limit} bytes, the limit for one record "
            "(a .json file is read whole), and is not read: write large collections as JSON "
            "Lines, or raise the limit with --max-record-bytes (max_record_bytes= from Python)"
        )
        yield Item(None, name, 1, None, Format.JSON, _malformed("$", message))
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = f"0x{data[exc.start]:02x}"
        yield Item(
            None, name, line, None, Format.JSON, _malformed("$", f"not valid UTF-8: byte {byte}")
        )
        return
    del data
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

    A top-level array gives its elements; anything else is one record; white space alone,
    none. Numbers and objects go through the strict decoder's checks (``strict_problem``
    finds what they refused).
    """
    decoder = _STRICT
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
        return []
    out: list[tuple[int, Any]] = []
    try:
        first_end = -1  # where a first value that is no array ends
        if text[pos] != "[":
            value, end = decoder.raw_decode(text, pos)
            out.append((line_at(pos), value))
            first_end = end
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
        # a one-line object, then another on a later line: JSON Lines read as one document
        json_lines = (
            text[pos] == "{"
            and text.startswith("{", end)
            and "\n" not in text[pos:first_end]
            and "\n" in text[first_end:end]
        )
        hint = (
            "; one object a line, as in JSON Lines: read JSON Lines with --input-format jsonl "
            "(or name the file .jsonl)"
            if json_lines
            else ""
        )
        return failure(end, f"not valid JSON: Extra data (line {line} column {column}){hint}")
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


class _CsvLines:
    """The physical lines of a CSV input for ``csv.reader``, each decoded, none unbounded.

    A row that grows past the limit (one long line, or a quoted field running over many) is
    skipped to its end and raises :class:`_RowTooLong` out of the reader's ``next``. An
    iterator class, not a generator, so that it goes on after raising.
    """

    def __init__(self, src: _Input) -> None:
        self.src = src
        self.line_num = 0  # physical lines read, skipped ones included
        self.row_bytes = 0
        self.odd = False  # an odd number of quotes in the row so far: inside a quoted field

    def __iter__(self) -> _CsvLines:
        return self

    def new_row(self) -> None:
        self.row_bytes = 0
        self.odd = False

    def __next__(self) -> str:
        src = self.src
        cap = src.limit + 2
        line = src.readline(cap)
        if not line:
            raise StopIteration
        self.line_num += 1
        self.row_bytes += len(line)
        self.odd ^= bool(line.count(_QUOTE) & 1)
        cut = len(line) == cap and line[-1] != _NEWLINE  # the line goes on past the limit
        if self.row_bytes <= cap and not cut:
            return line.decode("utf-8", "surrogateescape")
        ended, newlines = True, 0
        if cut:
            del line
            ended, newlines = src.skip_line(csv_quotes=True, odd=self.odd)
        elif self.odd:  # a quoted field goes on
            ended, newlines = src.skip_line(csv_quotes=True, odd=True)
        self.line_num += newlines
        raise _RowTooLong(ended)


class _RowTooLong(Exception):
    def __init__(self, ended: bool) -> None:
        super().__init__(ended)
        self.ended = ended


def _read_csv(src: _Input, name: str) -> Iterator[Item]:
    lines = _CsvLines(src)
    reader = csv.reader(lines, strict=True)
    # csv's field limit is process-wide: set to the record limit while reading, then restored
    field_limit = min(src.limit + 2, _FIELD_LIMIT)
    header: list[str] | None = None
    index = 0
    while True:
        start = lines.line_num + 1
        lines.new_row()
        issue: Issue | None = None
        ended = True
        saved = csv.field_size_limit(field_limit)
        try:
            row = next(reader)
        except StopIteration:
            break
        except _RowTooLong as exc:
            issue = _malformed("$", _too_long("CSV row", src, exc.ended))
            ended = exc.ended
        except csv.Error as exc:
            # lines end only at \n, so the "new-line character" csv saw is a lone \r; its
            # words ask about Python's "universal-newline mode"
            if "new-line character seen in unquoted field" in str(exc):
                found = f"an unquoted field holds {_LONE_CR}"
            else:  # (and if csv's words change, its own message)
                found = str(exc)
            issue = _malformed("$", f"not valid CSV: {found}{_span(start, lines.line_num)}")
        finally:
            csv.field_size_limit(saved)
        if issue is not None:
            if header is None:  # without a header no row can be read
                yield Item(None, name, start, None, Format.CSV, issue)
                return
            yield Item(None, name, start, index, Format.CSV, issue)
            index += 1
            if not ended:
                return
            continue
        if not row or (len(row) == 1 and not row[0].strip()):  # a blank line holds no row
            continue
        if header is None:
            header = row
            problem = _header_problem(header)
            if problem is not None:
                yield Item(None, name, start, None, Format.CSV, _malformed("$", problem))
                return
            continue
        raw, refusal = _row_to_raw(header, row)
        if refusal is not None and lines.line_num > start:
            refusal = _malformed(refusal.path, refusal.message + _span(start, lines.line_num))
        yield Item(raw, name, start, index, Format.CSV, refusal)
        index += 1


def _span(start: int, end: int) -> str:
    """For a broken row over several lines: say which lines it swallowed, so none is lost."""
    if end <= start:
        return ""
    return (
        f" (this row runs from line {start} to line {end}: a quote that is never closed joins "
        "the lines after it into one cell, so they are not read as rows of their own)"
    )


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
            "the first row must be the CSV header of the record format (id, kind, term, ..., "
            f"party1_name, ...; see the docs' CSV page); found {', '.join(map(repr, header[:4]))}"
            "; a table of another layout is read by 'sistercity import table'"
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
            if problem is not None:  # located inside the cell's value: $.events[0].date
                where = (base if key == "x" else key_path(base, key)) + problem[0][1:]
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
            number = _int(cell)
            if isinstance(number, _Refused):
                return None, _malformed(key_path(base, key), number.message)
            target[key] = number
        else:
            target[key] = cell
    record["parties"] = [party for party in parties if party]
    return record, None
