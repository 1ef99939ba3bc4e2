"""Hostile input (SPEC §4 "Files", §6 "Hostile input and the file system"), read side.

Every input here is built at test time: huge numbers, over-long lines and rows, UTF-16 and
UTF-32 files, duplicate keys, pretty-printed JSON given as JSON Lines, white space alone.
The corpus at the end runs each through every subcommand in a subprocess.
"""

from __future__ import annotations

import csv
import io as stdio
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity import _read
from sistercity import io as recordio

GOOD: dict[str, Any] = {
    "id": "coventry-kiel",
    "kind": "twinning",
    "parties": [{"name": "Coventry", "country": "GB"}, {"name": "Kiel", "country": "DE"}],
    "sources": ["https://example.org/"],
}
GOOD_LINE = json.dumps(GOOD, separators=(",", ":")).encode()
HUGE = "7" * 5000  # past Python's int-string limit of 4,300 digits
HUGE_B = HUGE.encode()


def items(data: bytes, fmt: str, **kwargs: Any) -> list[recordio.Item]:
    return list(recordio.read(stdio.BytesIO(data), fmt, **kwargs))


def issues_of(found: list[recordio.Item]) -> list[tuple[int | None, str, str]]:
    return [(i.line, i.issue.path, i.issue.message) for i in found if i.issue is not None]


# ---- numbers past the int-string limit -------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("geonames", "$.parties[0].geonames"),
        ("x", "$['x-n'][1]"),
        ("event", "$.events[0]['x-n']"),
    ],
)
def test_a_5000_digit_integer_is_one_malformed_record_at_its_path(where: str, path: str) -> None:
    """SPEC §6: an integer of 5,000 digits is one malformed-record and checking goes on."""
    text = GOOD_LINE.decode()
    if where == "geonames":
        bad = text.replace('"country":"GB"', '"country":"GB","geonames":' + HUGE)
    elif where == "x":
        bad = text[:-1] + ',"x-n":[1,-' + HUGE + "]}"
    else:
        bad = text[:-1] + ',"events":[{"type":"signed","x-n":' + HUGE + "}]}"
    data = (bad + "\n").encode() + GOOD_LINE + b"\n"
    found = items(data, "jsonl")
    assert [i.readable for i in found] == [False, True]
    ((line, at, message),) = issues_of(found)
    assert (line, at) == (1, path)
    assert "outside the 64-bit integer range" in message and "digits" in message
    assert found[0].id == "coventry-kiel"
    # the same value inside a .json array
    array = b"[\n" + bad.encode() + b",\n" + GOOD_LINE + b"\n]\n"
    found = items(array, "json")
    assert [i.readable for i in found] == [False, True]
    assert issues_of(found)[0][1] == path


def test_a_5000_digit_integer_in_csv_cells() -> None:
    header = ",".join(recordio.CSV_HEADER)
    good = recordio.dumps([sc.from_dict(GOOD)], "csv").decode("utf-8-sig").splitlines()[1]
    cells = next(csv.reader([good]))
    as_geonames = dict(zip(recordio.CSV_HEADER, cells, strict=True))
    as_geonames["party1_geonames"] = HUGE
    as_events = dict(zip(recordio.CSV_HEADER, cells, strict=True))
    as_events["events"] = '[{"type":"signed","x-n":' + HUGE + "}]"
    out = stdio.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(next(csv.reader([header])))
    for row in (as_geonames, as_events, dict(zip(recordio.CSV_HEADER, cells, strict=True))):
        writer.writerow([row[c] for c in recordio.CSV_HEADER])
    found = items(out.getvalue().encode(), "csv")
    assert [i.readable for i in found] == [False, False, True]
    assert [p for _, p, _ in issues_of(found)] == ["$.parties[0].geonames", "$.events[0]['x-n']"]


# ---- unbounded reads -----------------------------------------------------------------------


class Spy(stdio.BytesIO):
    """A stream that records the largest piece any call returned."""

    largest = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.largest = max(self.largest, len(data))
        return data

    def read1(self, size: int | None = -1, /) -> bytes:
        data = super().read1(size)
        self.largest = max(self.largest, len(data))
        return data

    def readline(self, size: int | None = -1, /) -> bytes:
        data = super().readline(size)
        self.largest = max(self.largest, len(data))
        return data


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_an_over_long_line_is_skipped_without_being_held(ending: bytes) -> None:
    """SPEC §6: a line longer than the limit is one malformed-record, skipped, and reading
    goes on; no read returns much more than the limit."""
    limit = 1000
    long_line = b'{"id":"x","notes":"' + b"y" * 3_000_000 + b'"}'
    stream = Spy(GOOD_LINE + b"\n" + long_line + ending + GOOD_LINE + b"\n")
    found = list(recordio.read(stream, "jsonl", max_record_bytes=limit))
    assert [(i.line, i.readable) for i in found] == [(1, True), (2, False), (3, True)]
    assert "longer than 1000 bytes" in issues_of(found)[0][2]
    assert "--max-record-bytes" in issues_of(found)[0][2]
    assert stream.largest <= 2**20  # a chunk, never the 3 MB line


def test_the_limit_counts_the_line_without_its_line_end() -> None:
    exact = b'{"id":"' + b"a" * 20 + b'"}'
    for end in (b"\n", b"\r\n"):
        assert items(exact + end, "jsonl", max_record_bytes=len(exact))[0].issue is None
        (item,) = items(exact + b" " + end, "jsonl", max_record_bytes=len(exact))
        assert item.issue is not None and "longer than" in item.issue.message


def test_a_json_document_over_the_limit_is_one_issue_and_not_read() -> None:
    data = json.dumps([GOOD] * 50).encode()
    stream = Spy(data)
    found = list(recordio.read(stream, "json", max_record_bytes=len(data) - 1))
    assert [(i.line, i.index, i.readable) for i in found] == [(1, None, False)]
    assert "longer than" in issues_of(found)[0][2]
    assert len(items(data, "json", max_record_bytes=len(data))) == 50


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
@pytest.mark.parametrize("limit", [2**63 - 1, 2**40])
def test_a_huge_limit_reads_a_small_file(fmt: str, limit: int, tmp_path: Path) -> None:
    """The limit is a bound, not a size to set aside: an 11-byte ``.json`` file with a limit of
    2**40 raised MemoryError, and 2**63 - 1 (the option's maximum) OverflowError for ``.json``
    and ``.csv``."""
    path = tmp_path / f"in.{fmt}"
    path.write_bytes(recordio.dumps([sc.from_dict(GOOD)], fmt))
    for source in (path, stdio.BytesIO(path.read_bytes())):
        found = list(recordio.read(source, fmt, max_record_bytes=limit))
        assert [(i.readable, i.raw["id"]) for i in found] == [(True, GOOD["id"])]


def test_an_over_long_csv_row_is_skipped_and_reading_goes_on() -> None:
    rows = recordio.dumps([sc.from_dict(GOOD)], "csv").splitlines(keepends=True)
    header, good = rows[0], rows[1]
    # a quoted notes cell running over many lines, longer than the limit
    cells = next(csv.reader([good.decode()]))
    cells[recordio.CSV_HEADER.index("notes")] = "line,\r\n" * 2000
    out = stdio.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    long_row = out.getvalue().encode()
    data = header + good + long_row + good
    found = items(data, "csv", max_record_bytes=2000)
    assert [(i.line, i.readable) for i in found] == [(2, True), (3, False), (2004, True)]
    assert "CSV row is longer than 2000 bytes" in issues_of(found)[0][2]


def test_csv_field_size_limit_is_not_changed_for_the_process() -> None:
    before = csv.field_size_limit()
    rows = recordio.dumps([sc.from_dict(GOOD)] * 3, "csv")
    reader = recordio.read(stdio.BytesIO(rows), "csv")
    next(reader)
    assert csv.field_size_limit() == before  # not even while the reader is suspended
    list(reader)
    assert csv.field_size_limit() == before


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_endless_input_is_refused_and_reading_stops(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/dev/zero has no line end and no end: after the skip budget, reading stops."""
    monkeypatch.setattr(_read, "ENDLESS_BYTES", 4 * 2**20)
    with open("/dev/zero", "rb") as zero:
        found = list(recordio.read(zero, fmt, max_record_bytes=1000))
    ((line, _, message),) = issues_of(found)
    assert line == 1 and len(found) == 1
    assert "endless" in message and "reading stopped" in message


class Pieces(stdio.BytesIO):
    """A stream that gives its bytes in pieces of the sizes given, in turn, as a pipe does."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        super().__init__(data)
        self.sizes = itertools.cycle(sizes)

    def read1(self, size: int | None = -1, /) -> bytes:
        piece = next(self.sizes)
        return super().read1(piece if size is None or size < 0 else min(size, piece))


def lines_one_at_a_time(src: Any) -> Iterator[bytes | tuple[str, bool]]:
    """The physical lines as the reader took them before it read blocks: ``readline`` each."""
    limit = src.limit
    cap = limit + 2
    while True:
        line = src.readline(cap)
        size = len(line)
        if size <= limit:
            if not line:
                return
            yield line
        elif line[-1] == ord("\n") or size < cap:  # whole: over the limit unless by its end
            body = size - line.endswith(b"\n") - line.endswith(b"\r\n")
            yield line if body <= limit else ("overlong", True)
        else:
            ended, _ = src.skip_line()
            yield ("overlong", ended)
            if not ended:
                return


@st.composite
def line_inputs(draw: Any) -> tuple[bytes, int, list[int], int]:
    """Bytes of lines near a limit, with every kind of line end, read in pieces of any size."""
    limit = draw(st.integers(1, 12))
    pieces = [b"\n", b"\r\n", b"\r", b" ", b"a", b"{}", b"a" * (limit - 1), b"a" * limit]
    pieces += [b"a" * (limit + 1), b"a" * (limit + 2), b"a" * (3 * limit)]
    data = b"".join(draw(st.lists(st.sampled_from(pieces), max_size=30)))
    sizes = draw(st.lists(st.integers(1, 3 * limit + 6), min_size=1, max_size=6))
    return data, limit, sizes, draw(st.integers(0, 4))


@settings(max_examples=500, deadline=None)
@given(line_inputs())
def test_lines_read_a_block_at_a_time_are_the_lines_read_one_at_a_time(
    case: tuple[bytes, int, list[int], int],
) -> None:
    """The lines, their order and which are over the limit, however the input comes in."""
    data, limit, sizes, head = case

    def source() -> Any:
        src = _read._Input(Pieces(data, sizes), limit)
        src.unread(src.read(head))  # as the check of a byte-order mark does
        return src

    by_blocks = [
        ("overlong", line.ended) if isinstance(line, _read._Overlong) else line
        for block in _read._line_blocks(source())
        for line in block
    ]
    assert by_blocks == list(lines_one_at_a_time(source()))


def _fields(item: recordio.Item) -> tuple[Any, ...]:
    return (item.raw, item.file, item.line, item.index, item.format, item.issue, item.text)


_LINES = [GOOD_LINE, GOOD_LINE.replace(b"coventry", b"x"), b"", b" \t", b"{", b"[1,2]"]
_LINES += [b'{"id":"a","id":"b"}', b'{"id":"' + b"y" * 60 + b'"}', b"\xff", b"{ }"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_LINES), max_size=12), st.sampled_from([b"\n", b"\r\n"]))
def test_a_shared_item_reads_as_items_of_their_own(lines: list[bytes], end: bytes) -> None:
    """``read_shared`` (what ``validate`` reads with) gives what ``read`` gives, each item as it
    comes, the readable ones as one item."""
    data = end.join(lines)
    limit = len(GOOD_LINE) + 20  # the long line is over it
    own = [_fields(i) for i in recordio.read(stdio.BytesIO(data), max_record_bytes=limit)]
    shared = list(_read.read_shared(stdio.BytesIO(data), max_record_bytes=limit))
    again = _read.read_shared(stdio.BytesIO(data), max_record_bytes=limit)
    assert [_fields(i) for i in again] == own
    assert len({id(i) for i in shared if i.readable}) <= 1


# ---- encodings, line ends, white space -----------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "name", "order"),
    [
        ("utf-16-le", "UTF-16", "little-endian"),
        ("utf-16-be", "UTF-16", "big-endian"),
        ("utf-32-le", "UTF-32", "little-endian"),
        ("utf-32-be", "UTF-32", "big-endian"),
    ],
)
@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_a_utf16_or_utf32_file_is_one_issue_naming_it(
    codec: str, name: str, order: str, fmt: str, tmp_path: Path
) -> None:
    """SPEC §4: one malformed-record naming the encoding and byte order, one record."""
    text = recordio.dumps([sc.from_dict(GOOD)] * 3, fmt).decode("utf-8-sig")
    path = tmp_path / f"in.{fmt}"
    path.write_bytes("\ufeff".encode(codec) + text.encode(codec))
    report = sc.validate_file(path, today="2026")
    assert report.summary["records"] == 1 and report.summary["invalid"] == 1
    (issue,) = report.issues
    assert issue.rule == "malformed-record" and issue.line == 1
    assert name in issue.message and order in issue.message


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085"])
def test_unicode_line_separators_are_text(char: str) -> None:
    record = dict(GOOD, notes=f"one{char}two")
    data = json.dumps(record, ensure_ascii=False).encode() + b"\n" + GOOD_LINE + b"\n"
    found = items(data, "jsonl")
    assert [(i.line, i.readable) for i in found] == [(1, True), (2, True)]
    assert found[0].raw["notes"] == f"one{char}two"


@pytest.mark.parametrize("char", [b"\x0c", b"\x0b", b"\r"])
def test_form_feed_vertical_tab_and_lone_cr_are_not_line_ends(char: bytes) -> None:
    """Raw inside a string they are not JSON: the line is one malformed-record, not two."""
    inside = GOOD_LINE.replace(b'"Kiel"', b'"Ki' + char + b'el"')
    between = GOOD_LINE + char + GOOD_LINE
    found = items(inside + b"\n" + between + b"\n" + GOOD_LINE + b"\n", "jsonl")
    assert [(i.line, i.readable) for i in found] == [(1, False), (2, False), (3, True)]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
@pytest.mark.parametrize("data", [b"", b"\n", b"  \r\n\t\n \n", b"\xef\xbb\xbf \n"])
def test_white_space_alone_is_zero_records(fmt: str, data: bytes, tmp_path: Path) -> None:
    path = tmp_path / f"in.{fmt}"
    path.write_bytes(data)
    assert sc.validate_file(path, today="2026").summary["records"] == 0


# ---- duplicate keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "key"),
    [
        ('{"id":"a","kind":"twinning","kind":"friendship","parties":[]}', "$", "kind"),
        ('{"id":"a","parties":[{"name":"A","name":"B","country":"GB"}]}', "$.parties[0]", "name"),
        ('{"id" : "a", "kind" :"x", "kind":"y"}', "$", "kind"),  # spaced before the colon
        ('{"id":"a","kind":"x","kind"\t:"y"}', "$", "kind"),
        ('{"id":"a","events":[{"type":"signed","\\u0074ype":"renewed"}]}', "$.events[0]", "type"),
        ('{"id":"a","x-a":1,"x-a":1,"notes":"\\u0022:"}', "$", "x-a"),
    ],
)
def test_a_duplicate_key_is_one_malformed_record_at_its_object(
    text: str, path: str, key: str
) -> None:
    """SPEC §4: a key twice in one object is one malformed-record there, naming the key."""
    for fmt, data in (("jsonl", text.encode() + b"\n"), ("json", f"[\n{text}\n]".encode())):
        (item,) = items(data, fmt)
        assert item.issue is not None and item.issue.rule == "malformed-record"
        assert item.issue.path == path and repr(key) in item.issue.message
        assert item.id == "a"


def test_a_duplicate_key_is_the_records_only_issue(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_bytes(GOOD_LINE.replace(b'"kind":"twinning"', b'"kind":"twinning","kind":"x"'))
    report = sc.validate_file(path, today="2026")
    assert [(i.rule, i.path) for i in report.issues] == [("malformed-record", "$")]
    assert "'kind'" in report.issues[0].message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(st.tuples(st.sampled_from(["a", "b", "c", 'x":', ""]), inner), max_size=4)
    ),
    max_leaves=12,
)


def dump(value: Any, spaced: bool) -> str:
    """JSON text keeping every pair of a list of pairs, repeated keys included."""
    sep = ", " if spaced else ","
    colon = " : " if spaced else ":"
    if isinstance(value, list) and value and all(isinstance(p, tuple) for p in value):
        return "{" + sep.join(json.dumps(k) + colon + dump(v, spaced) for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + sep.join(dump(v, spaced) for v in value) + "]"
    return json.dumps(value)


def has_repeat(value: Any) -> bool:
    if isinstance(value, list) and value and all(isinstance(p, tuple) for p in value):
        keys = [k for k, _ in value]
        return len(set(keys)) < len(keys) or any(has_repeat(v) for _, v in value)
    if isinstance(value, list):
        return any(has_repeat(v) for v in value)
    return False


@given(json_values, st.booleans())
def test_duplicate_keys_are_found_exactly(value: Any, spaced: bool) -> None:
    """Property: a parsed text is refused for a repeated key exactly when a key repeats."""
    _, problem = recordio.parse_json(dump(value, spaced).encode())
    repeated = problem is not None and "appears twice" in problem[1]
    assert repeated == has_repeat(value)


# ---- pretty-printed JSON given as JSON Lines -----------------------------------------------


@pytest.mark.parametrize("opener", [b"[", b"{", b"  [  "])
def test_pretty_printed_json_as_json_lines_is_one_issue(opener: bytes) -> None:
    pretty = json.dumps([GOOD], indent=2).encode().replace(b"[", opener, 1)
    found = items(b"\n" + pretty, "jsonl")
    assert [(i.line, i.index) for i in found] == [(1, 0)]
    assert "--input-format json" in issues_of(found)[0][2]


# ---- the Python API ------------------------------------------------------------------------

CITIES = (sc.City("Coventry", "GB"), sc.City("Kiel", "DE"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sources", "https://example.org/"),
        ("sources", {"https://example.org/": 1}),
        ("sources", b"https://example.org/"),
        ("sources", 5),
        ("events", "signed"),
        ("events", {"type": "signed"}),
        ("parties", "AB"),
        pytest.param("parties", 10**5000, id="parties-huge-int"),
    ],
)
def test_a_list_field_refuses_a_str_or_mapping(field: str, value: Any) -> None:
    """SPEC §4: never 28 one-character sources."""
    kwargs: dict[str, Any] = {"id": "a", "kind": "twinning", "parties": CITIES, field: value}
    with pytest.raises(sc.InvalidAgreement) as info:
        sc.Agreement(**kwargs)
    assert [(i.rule, i.path) for i in info.value.issues] == [("malformed-record", f"$.{field}")]


def test_former_names_refuses_a_str() -> None:
    with pytest.raises(sc.InvalidAgreement) as info:
        sc.City("Saint Petersburg", "RU", former_names="Leningrad")  # type: ignore[arg-type]
    assert [(i.rule, i.path) for i in info.value.issues] == [("malformed-record", "$.former_names")]


def test_a_list_field_takes_any_iterable_of_the_right_things() -> None:
    a = sc.Agreement(id="a", kind="twinning", parties=iter(CITIES), sources=(s for s in ["u"]))
    assert a.parties == CITIES and a.sources == ("u",)


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_a_tuple_in_an_extension_round_trips_equal(fmt: str) -> None:
    """A tuple in an x- value is kept as a list, so every format reads back an equal object."""
    a = sc.Agreement(
        id="a",
        kind="twinning",
        parties=(sc.City("Coventry", "GB", extensions={"x-ids": (1, ("a", 2))}), CITIES[1]),
        extensions={"x-pair": (1, 2), "x-deep": {"k": [(3,)]}},
    )
    assert a.extensions["x-pair"] == [1, 2]
    assert sc.from_dict(sc.to_dict(a)) == a
    assert recordio.loads(recordio.dumps([a], fmt), fmt) == [a]


@pytest.mark.parametrize(
    "value",
    [10**5000, -(10**5000), [10**5000], {"k": 10**5000}],
    ids=["huge", "-huge", "list", "mapping"],
)
def test_huge_integers_from_python_are_issues_not_crashes(value: Any) -> None:
    record = dict(GOOD, **{"x-n": value})
    report = sc.validate_records([record, GOOD], today="2026")
    assert report.summary["invalid"] == 1
    assert [i.rule for i in report.issues if i.is_error] == ["malformed-record"]
    party = dict(GOOD["parties"][0], geonames=value)
    with pytest.raises(sc.InvalidAgreement) as info:
        sc.from_dict(dict(GOOD, parties=[party, GOOD["parties"][1]]))
    assert [i.path for i in info.value.issues] == ["$.parties[0].geonames"]


# ---- the hostile corpus, through every subcommand ------------------------------------------

ENV = {**os.environ, "PYTHONPATH": str(Path(sc.__file__).parent.parent), "SISTERCITY_TODAY": "2026"}


def hostile_files(root: Path) -> Iterator[Path]:
    """Small hostile files of every kind above, written now."""
    lines = {
        "huge-int.jsonl": GOOD_LINE.replace(b'"GB"', b'"GB","geonames":' + HUGE.encode()),
        "dup-key.jsonl": GOOD_LINE.replace(b'"kind":', b'"kind":"x","kind":'),
        "pretty.jsonl": json.dumps([GOOD], indent=2).encode(),
        "form-feed.jsonl": GOOD_LINE + b"\x0c" + GOOD_LINE,
        "blank.json": b" \n\t\n",
        "huge-int.json": b"[" + GOOD_LINE.replace(b'"GB"', b'"GB","geonames":-' + HUGE_B) + b"]",
        "dup-key.json": b"[" + GOOD_LINE.replace(b'"Kiel"', b'"K","name":"Kiel"') + b"]",
        "broken.json": b"[\n" + GOOD_LINE + b",\n{",
    }
    for name, body in lines.items():
        path = root / name
        path.write_bytes(body + (b"\n" if name.endswith("l") else b""))
        yield path
    for codec in ("utf-16-le", "utf-32-be"):
        path = root / f"{codec}.jsonl"
        path.write_bytes(("\ufeff" + GOOD_LINE.decode() + "\n").encode(codec))
        yield path
    csv_good = recordio.dumps([sc.from_dict(GOOD)], "csv")
    path = root / "huge-int.csv"
    path.write_bytes(csv_good.replace(b",GB,", b",GB,,,,," + HUGE.encode() + b",", 1))
    yield path
    path = root / "long-line.jsonl"  # over the limit the runs give
    path.write_bytes(GOOD_LINE + b"\n" + b'{"notes":"' + b"z" * 5000 + b'"}\n' + GOOD_LINE + b"\n")
    yield path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sistercity", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in root.iterdir()}


def test_the_hostile_corpus_through_every_subcommand(tmp_path: Path) -> None:
    """No traceback, status 0/1/2, no file changed but the named output, no temporary left."""
    inputs = tmp_path / "in"
    outputs = tmp_path / "out"
    inputs.mkdir()
    outputs.mkdir()
    files = list(hostile_files(inputs))
    before = snapshot(inputs)
    limit = ["--max-record-bytes", "4096"]
    for path in files:
        commands: list[list[str]] = [
            ["validate", str(path), *limit],
            ["validate", "--format", "json", str(path), *limit],
            ["show", str(path), *limit],
            ["timeline", str(path), "-o", str(outputs / "t.svg"), *limit],
        ]
        commands += [
            ["convert", "--skip-invalid", str(path), str(outputs / f"c.{fmt}"), *limit]
            for fmt in ("jsonl", "json", "csv")
        ]
        if path.suffix in (".json", ".jsonl"):  # the Wikidata importer reads JSON too
            commands.append(["import", "wikidata", str(path), "-o", str(outputs / "w.jsonl")])
        for command in commands:
            done = run(*command, cwd=tmp_path)
            where = f"{command}: {done.stderr[-500:]}"
            assert "Traceback" not in done.stderr, where
            assert done.returncode in (0, 1, 2), where
        assert snapshot(inputs) == before, path
        named = {"t.svg", "c.jsonl", "c.json", "c.csv", "w.jsonl"}
        assert {p.name for p in outputs.iterdir()} <= named  # no temporary file left
    done = run(
        "import", "table", str(files[0]), "--map", str(files[1]), "-o", "x.jsonl", cwd=tmp_path
    )
    assert "Traceback" not in done.stderr and done.returncode in (0, 1, 2)
    assert snapshot(inputs) == before


def test_dev_zero_is_refused_by_every_command_that_reads(tmp_path: Path) -> None:
    for command in (
        ["validate", "--input-format", "jsonl", "/dev/zero"],
        ["convert", "--input-format", "jsonl", "/dev/zero", str(tmp_path / "o.jsonl")],
        ["show", "--input-format", "csv", "/dev/zero"],
    ):
        done = run(*command, "--max-record-bytes", "100000", cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "longer than 100000 bytes" in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []


def stdin_run(data: bytes, *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sistercity", *args],
        input=data,
        cwd=cwd,
        env=ENV,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_pretty_printed_json_on_standard_input_says_what_to_do(tmp_path: Path) -> None:
    done = stdin_run(json.dumps([GOOD], indent=2).encode(), "validate", cwd=tmp_path)
    assert done.returncode == 1
    assert b"-:1: error[malformed-record]" in done.stdout
    assert b"--input-format json" in done.stdout
    assert b"records: 1, valid: 0, invalid: 1" in done.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_classic_mac_line_ends_are_named(fmt: str) -> None:
    """A lone \\r ends no line (SPEC §4), so a file saved with classic Mac OS line ends is one
    line that does not parse: the message says why, not 'Extra data' or csv's question about
    'universal-newline mode'."""
    data = recordio.dumps([sc.from_dict(GOOD)] * 2, fmt)
    lone = data.replace(b"\r\n", b"\r") if fmt == "csv" else data.replace(b"\n", b"\r")
    (item,) = items(lone, fmt)
    assert item.issue is not None and "classic Mac OS line ends" in item.issue.message
    assert "universal-newline" not in item.issue.message
    assert all(i.readable for i in items(data, fmt))  # \n and \r\n line ends read as ever


def test_a_file_read_in_the_wrong_format_says_which_to_use() -> None:
    """A CSV file read as JSON Lines (from standard input, say) and JSON Lines read as one
    .json document fail on their first line: the message names the format to give."""
    records = [sc.from_dict(GOOD)] * 2
    first = items(recordio.dumps(records, "csv"), "jsonl")[0]
    assert first.issue is not None and "--input-format csv" in first.issue.message
    (document,) = items(recordio.dumps(records, "jsonl"), "json")
    assert document.issue is not None and "--input-format jsonl" in document.issue.message
    # a broken line of a JSON Lines file gets no such word
    broken = items(b'{"id": 1,}\n' + recordio.dumps(records, "jsonl"), "jsonl")[0]
    assert broken.issue is not None and "--input-format" not in broken.issue.message


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b'{"id": "a"}\n\n  x\n', "json"),  # stray text, not a second record
        (b'{\n "id": "a"\n}\n{\n "id": "b"\n}\n', "json"),  # pretty-printed objects
        (b'[{"id": "a"}]\n{"id": "b"}\n', "json"),  # an array, then more
        (b'{"id": "a",\r"kind": "twinning",}\n', "jsonl"),  # a lone \r is white space here
    ],
)
def test_a_hint_is_given_only_where_it_helps(data: bytes, fmt: str) -> None:
    """The wrong-format and line-end hints name a cause only where it is the cause: stray text
    is not JSON Lines, and a lone \\r between tokens is JSON white space, not the error."""
    (item,) = items(data, fmt)
    assert item.issue is not None
    assert "--input-format" not in item.issue.message
    assert "classic Mac OS" not in item.issue.message
