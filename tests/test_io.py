"""Reading and writing record files (SPEC §4 "Files"): sistercity.io."""

from __future__ import annotations

import io as stdio
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import sistercity as sc
import sistercity._read
from sistercity import io as recordio
from sistercity import strategies as scst
from sistercity.io import Format, InvalidFile, Item, UnknownFormat, UnwritableRecord

FORMATS = ("jsonl", "json", "csv")


def manchester() -> sc.Agreement:
    return sc.from_dict(
        {
            "id": "manchester-saint-petersburg-1962",
            "kind": "friendship",
            "term": "friendship agreement",
            "parties": [
                {
                    "name": "Manchester",
                    "country": "GB",
                    "subdivision": "GB-MAN",
                    "wikidata": "Q18125",
                },
                {
                    "name": "Saint Petersburg",
                    "country": "RU",
                    "wikidata": "Q656",
                    "geonames": 498817,
                    "former_names": [
                        {"name": "Leningrad", "from": "1924-01-26", "until": "1991-09-06"}
                    ],
                    "x-note": {"nested": [1, None, "é"]},
                },
            ],
            "events": [
                {"type": "signed", "date": "1962"},
                {
                    "type": "suspended",
                    "date": "2022-02-26",
                    "by": "Manchester",
                    "reason": "Russian invasion of Ukraine",
                    "x-vote": 1.5,
                },
            ],
            "sources": ["https://www.manchester.gov.uk/"],
            "notes": 'quotes " and commas, and\r\na line break',
            "x-row": 7,
            "x-a": True,
        }
    )


def three_parties() -> sc.Agreement:
    return sc.Agreement(
        id="three-towns",
        kind="twinning",
        parties=[sc.City("A", "GB"), sc.City("B", "FR"), sc.City("C", "DE")],
        events=[sc.Event("signed", "1990")],
        sources=["https://example.org"],
    )


def items(data: bytes, fmt: str = "jsonl") -> list[Item]:
    return list(recordio.read(stdio.BytesIO(data), fmt, name="in"))


def summary(found: list[Item]) -> list[tuple[int | None, int | None, str | None]]:
    return [(i.line, i.index, None if i.issue is None else i.issue.rule) for i in found]


RECORD = (
    b'{"id":"a","kind":"twinning","parties":[{"name":"A","country":"GB"},'
    b'{"name":"B","country":"FR"}],"sources":["s"]}'
)


# ---- formats -------------------------------------------------------------------------------


def test_format_from_extension_and_override() -> None:
    assert recordio.format_of("a.jsonl") is Format.JSONL
    assert recordio.format_of("a.NDJSON") is Format.JSONL
    assert recordio.format_of("dir.d/a.json") is Format.JSON
    assert recordio.format_of("a.csv") is Format.CSV
    assert recordio.format_of("a.txt", "csv") is Format.CSV
    with pytest.raises(UnknownFormat, match=r"extension '\.txt'"):
        recordio.format_of("a.txt")
    with pytest.raises(UnknownFormat, match="no extension"):
        recordio.format_of("agreements")
    with pytest.raises(UnknownFormat, match="unknown format 'xml'"):
        recordio.format_of("a.json", "xml")


# ---- JSON Lines reading --------------------------------------------------------------------


def test_jsonl_bom_crlf_blank_lines_and_no_final_newline() -> None:
    data = b"\xef\xbb\xbf" + RECORD + b"\r\n\r\n  \t\n" + RECORD + b"\n\n" + RECORD
    found = items(data)
    # blank lines are skipped and not counted; lines are physical lines
    assert summary(found) == [(1, 0, None), (4, 1, None), (6, 2, None)]
    assert all(i.raw["id"] == "a" for i in found)
    assert [i.file for i in found] == ["in"] * 3


def test_jsonl_bad_lines_are_one_issue_each_and_reading_goes_on() -> None:
    lines = [
        RECORD,
        b'{"id": "x", "kind": ',  # invalid JSON
        b'{"id": "\xff\xfe"}',  # invalid UTF-8
        b'{"x-n": 9223372036854775808}',  # one past the 64-bit range
        b'{"x-n": 18446744073709551616}',  # orjson would make this a float
        b'{"x-n": -9223372036854775809}',
        b'{"x-n": NaN}',
        b'{"x-n": [Infinity]}',
        b'{"x-n": -Infinity}',
        b'{"x-n": 1e400}',
        b'{"x-s": "\\ud800"}',  # lone surrogate
        b'{"x-s": "\\udc00\\ud800"}',  # a pair in the wrong order
        b'{"\\ud800": 1}',  # in a key
        RECORD,
    ]
    found = items(b"\n".join(lines) + b"\n")
    assert [i.line for i in found] == list(range(1, len(lines) + 1))
    assert [i.index for i in found] == list(range(len(lines)))
    assert found[0].readable and found[-1].readable
    bad = found[1:-1]
    assert all(not i.readable for i in bad)
    assert {i.issue.rule for i in bad if i.issue} == {"malformed-record"}
    messages = [(i.issue.path, i.issue.message) for i in bad if i.issue]
    assert messages[0][0] == "$" and messages[0][1].startswith("not valid JSON")
    assert messages[1] == ("$", "not valid UTF-8: byte 0xff at byte 9")
    assert messages[2] == (
        "$['x-n']",
        "number 9223372036854775808 is outside the 64-bit integer range",
    )
    assert messages[3][0] == "$['x-n']" and "18446744073709551616" in messages[3][1]
    assert messages[4][0] == "$['x-n']" and "-9223372036854775809" in messages[4][1]
    assert messages[5] == ("$['x-n']", "number NaN is not finite")
    assert messages[6] == ("$['x-n'][0]", "number Infinity is not finite")
    assert messages[7] == ("$['x-n']", "number -Infinity is not finite")
    assert messages[8] == ("$['x-n']", "number 1e400 is not finite")
    assert messages[9] == ("$['x-s']", "a string holds a lone surrogate")
    assert messages[10] == ("$['x-s']", "a string holds a lone surrogate")
    assert messages[11] == ("$", "a key holds a lone surrogate")


def test_jsonl_numbers_at_the_64_bit_limits_are_read_exactly() -> None:
    found = items(b'{"x-a": 9223372036854775807, "x-b": -9223372036854775808, "x-c": 1e308}')
    assert found[0].raw == {"x-a": 2**63 - 1, "x-b": -(2**63), "x-c": 1e308}
    # 19 digits inside a string take the exact path and stay a string
    found = items(b'{"id": "1234567890123456789012"}')
    assert found[0].raw == {"id": "1234567890123456789012"}


def test_jsonl_deep_nesting_is_one_issue_not_a_crash() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    unclosed = b'{"x-a": ' + b"[" * 50_000
    just_over = b'{"x-a": ' + b"[" * 300 + b"]" * 300 + b"}"
    ok = b'{"x-a": ' + b"[" * 100 + b"]" * 100 + b"}"
    found = items(b"\n".join([deep, unclosed, just_over, ok]))
    assert [i.readable for i in found] == [False, False, False, True]
    assert found[0].issue is not None and "nested" in found[0].issue.message
    assert found[2].issue is not None and "nested more than 256 levels" in found[2].issue.message
    value: Any = found[3].raw["x-a"]
    for _ in range(100):
        assert isinstance(value, list)
        value = value[0] if value else None
    assert value is None


def test_jsonl_very_long_line() -> None:
    notes = "ü" * 3_000_000
    record = json.loads(RECORD)
    record["notes"] = notes
    data = b"\n" + json.dumps(record, ensure_ascii=False).encode() + b"\n" + RECORD
    found = items(data)
    assert summary(found) == [(2, 0, None), (3, 1, None)]
    assert found[0].raw["notes"] == notes


def test_jsonl_values_that_are_not_objects_are_read_for_the_check_to_refuse() -> None:
    found = items(b'[]\n"text"\n3\nnull\ntrue\n')
    assert [i.raw for i in found] == [[], "text", 3, None, True]
    assert all(i.readable for i in found)


def test_item_reference_and_location() -> None:
    (item,) = items(b"\n" + RECORD)
    assert item.ref == sc.RecordRef("a", 0, "in", 2)
    issue = item.locate(sc.Issue("missing-source", "warning", "m"))
    assert (issue.file, issue.line, issue.index, issue.id) == ("in", 2, 0, "a")


# ---- JSON reading --------------------------------------------------------------------------


def test_json_array_elements_carry_their_lines() -> None:
    data = b'[\n  {"id": "a"},\n\n  {"id":\n "b"}, {"id": "c"},\n  {"x-n": NaN}\n]\n'
    found = items(data, "json")
    assert summary(found) == [
        (2, 0, None),
        (4, 1, None),
        (5, 2, None),
        (6, 3, "malformed-record"),
    ]
    assert [i.raw for i in found[:3]] == [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    assert found[3].issue is not None and found[3].issue.path == "$['x-n']"


def test_json_single_object_empty_array_and_bom() -> None:
    found = items(b"\xef\xbb\xbf\n\n" + RECORD + b"\n", "json")
    assert summary(found) == [(3, 0, None)]
    assert items(b" [ ]\n", "json") == []


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b'[\n  {"id": "a"},\n  {"id": "b"}\n  {"id": "c"}\n]\n', 4, "Expecting ',' delimiter"),
        (b'[\n  {"id": "a"},\n', 3, "Expecting value"),
        (b'{"id": "a"}\n{"id": "b"}\n', 2, "Extra data"),
        (b'[\n{"id": "a"},\n{"id": "\xff"}]', 3, "not valid UTF-8"),
        (b"[" * 100_000, 1, "nested"),
    ],
)
def test_json_that_does_not_parse_is_one_issue_at_the_error_line(
    data: bytes, line: int, fragment: str
) -> None:
    found = items(data, "json")
    assert len(found) == 1
    (item,) = found
    assert item.issue is not None and item.issue.rule == "malformed-record"
    assert (item.line, item.index) == (line, None)
    assert fragment in item.issue.message


# ---- CSV reading ---------------------------------------------------------------------------


def csv_bytes(*rows: list[str], header: tuple[str, ...] = recordio.CSV_HEADER) -> bytes:
    out = stdio.StringIO(newline="")
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def row(**cells: str) -> list[str]:
    return [cells.get(column, "") for column in recordio.CSV_HEADER]


def test_csv_header_is_the_one_of_the_spec() -> None:
    party = ["name", "country", "subdivision", "level", "wikidata", "geonames", "former_names", "x"]
    expected = ["id", "kind", "term", "supersedes", "notes", "sources", "events", "x"]
    expected += [f"party1_{c}" for c in party] + [f"party2_{c}" for c in party]
    assert list(recordio.CSV_HEADER) == expected


def test_csv_row_to_raw_record() -> None:
    data = csv_bytes(
        row(
            id="a",
            kind="twinning",
            notes="line one\nline two",
            sources='["s1","s2"]',
            events='[{"type":"signed","date":"1990"}]',
            x='{"x-row":3}',
            party1_name="Aachen",
            party1_country="DE",
            party1_geonames="3247449",
            party1_x='{"x-k":[1]}',
            party2_name="Reims",
            party2_country="FR",
            party2_former_names='[{"name":"Durocortorum","until":"0500"}]',
        ),
        row(id="b", kind="twinning", party1_name="A", party1_country="GB"),
    )
    first, second = items(data, "csv")
    assert first.raw == {
        "id": "a",
        "kind": "twinning",
        "notes": "line one\nline two",
        "sources": ["s1", "s2"],
        "events": [{"type": "signed", "date": "1990"}],
        "x-row": 3,
        "parties": [
            {"name": "Aachen", "country": "DE", "geonames": 3247449, "x-k": [1]},
            {
                "name": "Reims",
                "country": "FR",
                "former_names": [{"name": "Durocortorum", "until": "0500"}],
            },
        ],
    }
    # a quoted cell spanning two lines: the next record starts two physical lines later
    assert (first.line, first.index, second.line, second.index) == (2, 0, 4, 1)
    # an empty party is absent, so the check says too few parties
    assert second.raw["parties"] == [{"name": "A", "country": "GB"}]
    issues, _ = sc._record.check_record(second.raw)
    assert "too-few-parties" in {i.rule for i in issues}


def test_csv_bad_rows_are_one_issue_each() -> None:
    data = csv_bytes(
        row(id="ok", kind="twinning"),
        row(id="a", events="[{"),
        row(id="b", x='{"id":"c"}'),
        row(id="c", party2_x="[1]"),
        row(id="d", party1_former_names="NaN"),
        ["too", "few"],
        row(id="e", party1_geonames="12.5", party1_level="town"),
    )
    data += "é".encode("latin-1") + b"," * (len(recordio.CSV_HEADER) - 1) + b"\r\n"
    found = items(data, "csv")
    assert [i.line for i in found] == [2, 3, 4, 5, 6, 7, 8, 9]
    issues = [None if i.issue is None else (i.issue.path, i.issue.message) for i in found]
    assert issues[0] is None
    assert issues[1] is not None and issues[1][0] == "$.events"
    assert issues[1][1].startswith("the 'events' cell holds no valid JSON")
    assert issues[2] == ("$", "the 'x' cell holds only 'x-' keys (got 'id')")
    assert issues[3] == ("$.parties[1]", "the 'party2_x' cell must hold a JSON object of 'x-' keys")
    assert issues[4] is not None and issues[4][0] == "$.parties[0].former_names"
    assert issues[5] == (
        "$",
        f"the row has 2 cells where the header has {len(recordio.CSV_HEADER)}",
    )
    # a cell that is not a number stays text, and the record check calls it the wrong type
    assert issues[6] is None and found[6].raw["parties"][0]["geonames"] == "12.5"
    assert issues[7] is not None and "not valid UTF-8" in issues[7][1]


def test_csv_unknown_columns_become_unknown_fields() -> None:
    header = (*recordio.CSV_HEADER, "contry", "party1_contry")
    data = csv_bytes([*row(id="a"), "x", "y"], header=header)
    (item,) = items(data, "csv")
    assert item.raw["contry"] == "x"
    assert item.raw["parties"][0]["contry"] == "y"
    issues, _ = sc._record.check_record(item.raw)
    paths = {i.path for i in issues if i.rule == "unknown-field"}
    assert paths == {"$.contry", "$.parties[0].contry"}


def test_csv_header_problems_stop_the_file() -> None:
    (item,) = items(csv_bytes(row(id="a"), header=("id", "kind", "id")), "csv")
    assert item.issue is not None and "names the column 'id' twice" in item.issue.message
    (item,) = items(b"name,country\r\nA,GB\r\n", "csv")
    assert item.issue is not None and "header" in item.issue.message
    (item,) = items(b'id,"kind"x\r\na,b\r\n', "csv")
    assert item.issue is not None and "not valid CSV" in item.issue.message
    assert (item.line, item.index) == (1, None)
    assert items(b"", "csv") == []
    assert items(csv_bytes(), "csv") == []


def test_csv_quoting_error_is_one_issue() -> None:
    data = csv_bytes(row(id="a")) + b'b,"x"y' + b"," * 23 + b"\r\n"
    found = items(data, "csv")
    assert [i.readable for i in found] == [True, False]
    assert found[1].issue is not None and "not valid CSV" in found[1].issue.message


# ---- writing -------------------------------------------------------------------------------


def test_jsonl_bytes_are_compact_utf8_with_final_newline() -> None:
    a = manchester()
    expected = json.dumps(sc.to_dict(a), ensure_ascii=False, separators=(",", ":")) + "\n"
    assert recordio.dumps([a, a], "jsonl") == (expected * 2).encode()
    assert recordio.dumps([], "jsonl") == b""


def test_json_bytes_are_an_indented_array_with_final_newline() -> None:
    a = manchester()
    expected = json.dumps([sc.to_dict(a)] * 2, ensure_ascii=False, indent=2) + "\n"
    assert recordio.dumps([a, a], "json") == expected.encode()
    assert recordio.dumps([], "json") == b"[]\n"


def test_csv_bytes_have_bom_crlf_and_the_spec_columns() -> None:
    data = recordio.dumps([manchester()], "csv")
    assert data.startswith(b"\xef\xbb\xbfid,kind,term,supersedes,notes,sources,events,x,party1_")
    assert data.endswith(b"\r\n")
    text = data.decode("utf-8-sig")
    assert ',"{""x-note"":{""nested"":[1,null,""é""]}}"' in text
    assert ',"[{""type"":""signed"",""date"":""1962""},' in text
    assert '"{""x-a"":true,""x-row"":7}"' in text


def test_csv_refuses_three_parties_naming_the_agreement(tmp_path: Path) -> None:
    assert recordio.unwritable(three_parties(), "csv") is not None
    assert recordio.unwritable(three_parties(), "json") is None
    with pytest.raises(UnwritableRecord, match="'three-towns'") as caught:
        recordio.dumps([manchester(), three_parties()], "csv")
    assert caught.value.id == "three-towns"
    target = tmp_path / "out.csv"
    target.write_bytes(b"before")
    with pytest.raises(UnwritableRecord):
        recordio.write(target, [manchester(), three_parties()])
    assert target.read_bytes() == b"before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_extension_keys_survive_every_format(fmt: str) -> None:
    a = manchester()
    (back,) = recordio.loads(recordio.dumps([a], fmt), fmt)
    assert back == a
    assert dict(back.extensions) == {"x-a": True, "x-row": 7}
    assert dict(back.parties[1].extensions) == {"x-note": {"nested": [1, None, "é"]}}
    assert dict(back.events[1].extensions) == {"x-vote": 1.5}


@pytest.mark.parametrize("fmt", FORMATS)
def test_write_is_atomic_when_the_agreements_fail_part_way(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    target.write_bytes(b"old contents")

    def agreements() -> Iterator[sc.Agreement]:
        yield manchester()
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError):
        recordio.write(target, agreements())
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{fmt}"]


def test_write_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"")
    os.chmod(target, 0o640)
    assert recordio.write(target, [manchester()]) == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "new.jsonl"
    umask = os.umask(0o027)
    try:
        recordio.write(fresh, [manchester()])
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640


def test_writer_abort_leaves_nothing(tmp_path: Path) -> None:
    writer = recordio.open_writer(tmp_path / "x.json")
    writer.write(manchester())
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_write_to_a_directory_or_missing_folder_fails(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        recordio.write(tmp_path, [])
    with pytest.raises(FileNotFoundError):
        recordio.write(tmp_path / "missing" / "x.jsonl", [])


def test_dump_to_a_stream() -> None:
    out = stdio.BytesIO()
    assert recordio.dump([manchester(), manchester()], out, "jsonl") == 2
    assert out.getvalue() == recordio.dumps([manchester()] * 2)


# ---- load ----------------------------------------------------------------------------------


def test_load_reports_every_error_located(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    good = recordio.record_bytes(manchester())
    path.write_bytes(good + b'\n{"id": "x"}\n\nnot json\n' + good + b"\n")
    with pytest.raises(InvalidFile) as caught:
        recordio.load(path)
    where = {(i.rule, i.line, i.path) for i in caught.value.issues}
    assert ("malformed-record", 2, "$.kind") in where
    assert ("malformed-record", 4, "$") in where
    assert all(i.file == str(path) and i.is_error for i in caught.value.issues)
    assert f"{path}:4: error[malformed-record]" in str(caught.value)
    assert isinstance(caught.value, sc.InvalidAgreement)


def test_load_from_text_stream_and_path(tmp_path: Path) -> None:
    text = recordio.dumps([manchester()]).decode()
    assert recordio.load(stdio.StringIO(text)) == [manchester()]
    path = tmp_path / "a.json"
    recordio.write(path, [manchester()])
    assert recordio.load(path) == [manchester()]
    assert recordio.load(str(path)) == [manchester()]


# ---- properties ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(scst.agreements(), max_size=3), st.sampled_from(FORMATS))
def test_load_dump_round_trip(agreements: list[sc.Agreement], fmt: str) -> None:
    """SPEC §4: "Reading what was written gives equal objects. Nothing is dropped silently."

    Only CSV cannot hold more than two parties; those agreements are refused, never dropped.
    """
    if fmt == "csv" and any(len(a.parties) != 2 for a in agreements):
        with pytest.raises(UnwritableRecord):
            recordio.dumps(agreements, fmt)
        return
    data = recordio.dumps(agreements, fmt)
    assert recordio.loads(data, fmt) == agreements


@settings(max_examples=60, deadline=None)
@given(st.lists(scst.agreements(), max_size=3))
def test_canonical_bytes_are_stable(agreements: list[sc.Agreement]) -> None:
    """SPEC §4: "Writing is canonical: ... the same bytes every time."

    Writing what was read gives the same bytes again, in every format.
    """
    for fmt in FORMATS:
        two = [a for a in agreements if len(a.parties) == 2] if fmt == "csv" else agreements
        data = recordio.dumps(two, fmt)
        assert recordio.dumps(recordio.loads(data, fmt), fmt) == data


AGREEMENT_KEYS = ["id", "kind", "term", "parties", "events", "sources", "supersedes", "notes"]


@settings(max_examples=60, deadline=None)
@given(scst.records())
def test_jsonl_line_is_the_canonical_record(record: dict[str, Any]) -> None:
    """SPEC §4: known keys in the order of the format, then the ``x-`` keys sorted."""
    agreement = sc.from_dict(record)
    line = recordio.record_bytes(agreement)
    assert b"\n" not in line
    back = json.loads(line)
    assert back == record
    keys = list(back)
    known = [k for k in keys if not k.startswith("x-")]
    extensions = [k for k in keys if k.startswith("x-")]
    assert keys == known + extensions
    assert known == [k for k in AGREEMENT_KEYS if k in back]
    assert extensions == sorted(extensions)


_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(st.characters(), max_size=5)
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_fast_parse_agrees_with_the_reference(value: Any) -> None:
    """SPEC §4: numbers outside 64 bits, non-finite numbers and lone surrogates are malformed.

    The fast path (orjson) and the reference (the standard library's json, then the strict
    checks) accept and refuse the same texts, and read the same values.
    """
    text = json.dumps(value, ensure_ascii=True).encode()  # NaN, Infinity, \\ud800 escapes
    fast = recordio.parse_json(text)
    reference = sistercity._read._parse_exactly(text)
    assert fast[1] == reference[1]
    if fast[1] is None:
        assert fast[0] == reference[0] == value
        assert orjson.dumps(fast[0]) == orjson.dumps(reference[0])


@settings(max_examples=300, deadline=None)
@given(_json_values, st.booleans())
def test_fast_parse_agrees_with_the_reference_on_compact_text(value: Any, ascii: bool) -> None:
    """Compact text, as orjson and ``convert`` write it, takes the quickest path (parsed,
    written back to the same bytes): it accepts and refuses exactly what the reference does."""
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=ascii).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written raw: not UTF-8 at all
        assume(False)
    assert recordio.parse_json(text) == sistercity._read._parse_exactly(text)


@pytest.mark.parametrize("depth", [253, 254, 255, 256, 257, 300])
@pytest.mark.parametrize(
    "number",
    [str(n) for n in (1, 2**53 - 1, 2**53, -(2**53) - 1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1)]
    + [str(2**64 - 1), str(2**64), str(10**30)],
)
def test_compact_text_at_the_limits_agrees_with_the_reference(depth: int, number: str) -> None:
    """The quick path's proofs hold at their edges: nesting around orjson's writer limit and
    MAX_DEPTH; integers around the writer's strict limit (2**53, past which the quick path
    hands over to the reference) and the signed and unsigned 64-bit limits."""
    text = ('{"x-deep":' + "[" * (depth - 1) + number + "]" * (depth - 1) + "}").encode()
    fast = recordio.parse_json(text)
    assert fast == sistercity._read._parse_exactly(text)
    assert (fast[1] is None) == (depth <= recordio.MAX_DEPTH and -(2**63) <= int(number) < 2**63)


def test_jsonl_error_columns_count_from_the_start_of_the_line() -> None:
    found = items(b'  {"a": x}\r\n{"id": "cut off\n')
    assert [(i.line, i.issue.message if i.issue else None) for i in found] == [
        (1, "not valid JSON: Expecting value (column 9)"),
        (2, "not valid JSON: Unterminated string starting at (column 8)"),
    ]


_jsonish = st.text(st.sampled_from(' \t\r\n{}[]:,"\\ue0-19.+Ebnultrsfa\u00e9\x00\x7f'), max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=40), _jsonish.map(lambda t: t.encode("utf-8"))))
def test_fast_parse_agrees_with_the_reference_on_any_bytes(data: bytes) -> None:
    """Where orjson and the standard library disagree on what JSON is, the SPEC's answer wins:
    the fast path accepts and refuses exactly what the reference does, with the same message.
    """
    assert recordio.parse_json(data) == sistercity._read._parse_exactly(data)


def test_validate_file_of_a_directory_says_it_is_one(tmp_path: Path) -> None:
    """A directory's name has no extension to read a format from: that was UnknownFormat
    ('cannot tell the format'), not what is wrong."""
    with pytest.raises(IsADirectoryError, match="is a directory"):
        sc.validate_file(tmp_path)
    with pytest.raises(IsADirectoryError):
        list(recordio.read(tmp_path))
