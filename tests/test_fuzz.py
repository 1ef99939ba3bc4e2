"""No input makes ``sistercity validate`` crash; it always returns a report (SPEC §6).

These run the command in-process through :func:`sistercity.cli.main`, with the input on a
stand-in standard input, so that many inputs can be tried quickly.
"""

from __future__ import annotations

import contextlib
import copy
import io as stdio
import json
import sys
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from sistercity import strategies as scst
from sistercity.cli import main


def validate(data: bytes, *options: str) -> tuple[int, dict[str, Any], str]:
    """Run ``sistercity validate --format json -`` on ``data``; return status, report, stderr."""
    out, err = stdio.StringIO(), stdio.StringIO()
    stdin = stdio.TextIOWrapper(stdio.BytesIO(data))
    with (
        mock.patch.object(sys, "stdin", stdin),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(["validate", "--format", "json", "--today", "2025-01-01", *options, "-"])
    return code, json.loads(out.getvalue()), err.getvalue()


def check_report(code: int, report: dict[str, Any], err: str) -> dict[str, int]:
    """The invariants of every report: a data verdict, consistent counts, no stderr."""
    assert code in (0, 1)
    assert err == ""
    summary: dict[str, int] = report["summary"]
    assert summary["valid"] + summary["invalid"] == summary["records"]
    assert min(summary.values()) >= 0
    errors = sum(1 for i in report["issues"] if i["severity"] == "error")
    assert errors == summary["errors"]
    assert len(report["issues"]) - errors == summary["warnings"]
    assert (code == 1) == (summary["errors"] > 0)
    # an invalid record has at least one error reported, at its line or naming it among the
    # records of a collection error (malformed-record cannot be ignored, and nothing is
    # selected away here)
    named = sum(len(i["records"]) or 1 for i in report["issues"] if i["severity"] == "error")
    assert named >= summary["invalid"]
    for issue in report["issues"]:
        assert issue["rule"] and issue["path"].startswith("$")
        assert issue["file"] == "-"
    return summary


def non_blank_lines(data: bytes) -> int:
    """JSON Lines records, counted from the SPEC: every line that is not blank."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return sum(1 for line in data.split(b"\n") if line.strip(b" \t\r\n"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_json_lines(data: bytes) -> None:
    """SPEC §6: "an unreadable line is one malformed-record issue at that line, never a crash".

    ``records`` counts every non-blank line, readable or not.
    """
    summary = check_report(*validate(data))
    assert summary["records"] == non_blank_lines(data)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(("json", "csv")))
def test_arbitrary_bytes_as_json_and_csv(data: bytes, fmt: str) -> None:
    """Whatever the bytes, a .json or .csv input gives a report, never a crash."""
    check_report(*validate(data, "--input-format", fmt))


_scalars = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8)
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_json, max_size=5))
def test_arbitrary_json_values(values: list[Any]) -> None:
    """Any JSON value on a line (numbers outside 64 bits, NaN, surrogates included)."""
    data = b"".join(json.dumps(v).encode() + b"\n" for v in values)
    summary = check_report(*validate(data))
    assert summary["records"] == len(values)
    # a value that is not an object is never a valid agreement
    assert summary["invalid"] >= sum(1 for v in values if not isinstance(v, dict))


_keys = st.sampled_from(
    ["id", "kind", "term", "parties", "events", "sources", "supersedes", "notes", "name",
     "country", "subdivision", "level", "wikidata", "geonames", "former_names", "type", "date",
     "by", "reason", "source", "from", "until", "x-a"]
)  # fmt: skip


@st.composite
def mutated_records(draw: st.DrawFn) -> Any:
    """A valid record with one value somewhere replaced by an arbitrary JSON value."""
    record = copy.deepcopy(draw(scst.records()))
    node: Any = record
    for _ in range(draw(st.integers(0, 4))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not children:
            break
        node = draw(st.sampled_from(children))[1]
    replacement = draw(_json)
    if isinstance(node, dict):
        node[draw(_keys)] = replacement
    elif node:
        node[draw(st.integers(0, len(node) - 1))] = replacement
    return record


@settings(max_examples=60, deadline=None)
@given(st.lists(mutated_records(), min_size=1, max_size=2), st.sampled_from(("jsonl", "json")))
def test_valid_records_with_one_arbitrary_value(records: list[Any], fmt: str) -> None:
    """Values of every wrong type, anywhere in the record, give issues and never a crash."""
    if fmt == "jsonl":
        data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    else:
        data = json.dumps(records).encode()
    summary = check_report(*validate(data, "--input-format", fmt))
    assert summary["records"] == len(records)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 200_000), st.sampled_from("[{"), st.booleans())
def test_deep_nesting(depth: int, opener: str, closed: bool) -> None:
    """Deep nesting is one malformed record (or a record nested within the limit), no crash."""
    if opener == "[":
        value = "[" * depth + ("]" * depth if closed else "")
    else:
        value = '{"x-a":' * depth + ("1" + "}" * depth if closed else "")
    line = '{"id": "deep", "x-deep": ' + value + ("}" if closed else "")
    data = (line + "\n").encode()
    summary = check_report(*validate(data))
    assert summary["records"] == 1
    assert summary["invalid"] == 1  # no kind and no parties, whatever the nesting


@settings(max_examples=10, deadline=None)
@given(st.integers(100_000, 3_000_000), st.sampled_from(["a", "é", "😀"]))
def test_very_long_lines(length: int, char: str) -> None:
    """A very long line is read whole and checked like any other."""
    record = {
        "id": "long",
        "kind": "twinning",
        "parties": [{"name": "A", "country": "GB"}, {"name": "B", "country": "FR"}],
        "sources": ["s"],
        "notes": char * length,
    }
    data = b"\n" + json.dumps(record).encode() + b"\n" + b"x" * length + b"\n"
    summary = check_report(*validate(data))
    assert (summary["records"], summary["valid"], summary["invalid"]) == (2, 1, 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(_json, max_size=4))
def test_arbitrary_json_values_in_a_json_array(values: list[Any]) -> None:
    """Each element of a .json array is one record, whatever its value."""
    data = json.dumps(values, indent=1).encode()
    summary = check_report(*validate(data, "--input-format", "json"))
    assert summary["records"] == len(values)


_cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "GB", "Q1", "twinning", "1962", "[", "{}", "[1]", '{"x-a":1}', "NaN"]),
    _json.map(json.dumps),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_cells, min_size=24, max_size=26), max_size=3))
def test_arbitrary_cells_under_the_csv_header(rows: list[list[str]]) -> None:
    """Rows of any cells under the SPEC's header: one record per row, never a crash."""
    import csv

    from sistercity.io import CSV_HEADER

    text = stdio.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    data = text.getvalue().encode("utf-8", "surrogatepass")
    summary = check_report(*validate(data, "--input-format", "csv"))
    assert summary["records"] == sum(1 for r in rows if r)


# ---- the Python API with hostile values ------------------------------------------------------

hostile_values = st.one_of(
    st.integers(min_value=-(10**6000), max_value=10**6000),
    st.sampled_from([10**5000, -(10**4400), float("nan"), float("inf"), b"bytes", "\ud800"]),
    st.text(max_size=30),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.integers(), st.text(max_size=3)),
    st.frozensets(st.integers(), max_size=2),
    st.none(),
)
FIELDS = ("id", "kind", "term", "parties", "events", "sources", "supersedes", "notes", "x-v")
PARTY_FIELDS = ("name", "country", "subdivision", "level", "wikidata", "geonames", "former_names")


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(FIELDS),
    st.sampled_from(PARTY_FIELDS),
    hostile_values,
    st.booleans(),
)
def test_the_python_api_never_raises_for_hostile_values(
    field: str, party_field: str, value: Any, in_party: bool
) -> None:
    """SPEC §6: validate never raises for bad data; from_dict and the constructors raise
    InvalidAgreement, never another exception (huge integers, wrong containers, strings
    where lists belong)."""
    import sistercity as sc

    record: dict[str, Any] = {
        "id": "a",
        "kind": "twinning",
        "parties": [{"name": "A", "country": "GB"}, {"name": "B", "country": "FR"}],
        "sources": ["https://example.org/"],
    }
    if in_party:
        record["parties"][0][party_field] = value
    else:
        record[field] = value
    report = sc.validate_records([record], today="2026")
    assert report.summary["records"] == 1
    with contextlib.suppress(sc.InvalidAgreement):
        agreement = sc.from_dict(record)
        assert sc.from_dict(sc.to_dict(agreement)) == agreement
    python_field = field if field != "x-v" else "extensions"
    python_value = value if field != "x-v" else {"x-v": value}
    kwargs: dict[str, Any] = {
        "id": "a",
        "kind": "twinning",
        "parties": (sc.City("A", "GB"), sc.City("B", "FR")),
        python_field: python_value,
    }
    with contextlib.suppress(sc.InvalidAgreement):
        sc.Agreement(**kwargs)
    city: dict[str, Any] = {"name": "A", "country": "GB", party_field: value}
    with contextlib.suppress(sc.InvalidAgreement):
        sc.City(**city)
