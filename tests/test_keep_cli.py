"""``sistercity diff``, ``stats`` and ``export`` on the command line (SPEC §8)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sistercity import cli
from sistercity.cli._args import parse_today
from sistercity.cli._diff import diff_text
from sistercity.cli._output import Locator
from sistercity.cli._records import read_valid
from sistercity.compare import diff_records
from sistercity.strategies import broken_records, records

TODAY = "2024-06-30"
MANCHESTER = {"name": "Manchester", "country": "GB", "wikidata": "Q18125"}
SPB = {"name": "Saint Petersburg", "country": "RU", "wikidata": "Q656"}
CHEMNITZ = {"name": "Chemnitz", "country": "DE", "wikidata": "Q2795"}


def record(rid: str, partner: dict[str, Any], *events: dict[str, Any], **more: Any) -> str:
    raw: dict[str, Any] = {"id": rid, "kind": more.pop("kind", "twinning"),
                           "parties": [MANCHESTER, partner]}  # fmt: skip
    if events:
        raw["events"] = list(events)
    raw["sources"] = ["https://www.manchester.gov.uk/"]
    raw.update(more)
    return json.dumps(raw)


SIGNED = {"type": "signed", "date": "1962"}
SUSPENDED = {"type": "suspended", "date": "2022-02-26", "by": "Manchester", "reason": "war"}


def files(tmp_path: Path, old: list[str], new: list[str]) -> tuple[str, str]:
    a, b = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    a.write_text("".join(line + "\n" for line in old), encoding="utf-8")
    b.write_text("".join(line + "\n" for line in new), encoding="utf-8")
    return str(a), str(b)


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_text_lists_each_difference_then_the_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = files(
        tmp_path,
        [record("m-spb", SPB, SIGNED, kind="friendship"), record("m-x", CHEMNITZ, SIGNED)],
        [record("m-spb", SPB, SIGNED, SUSPENDED, kind="friendship"),
         record("m-c", CHEMNITZ, SIGNED, kind="friendship")],
    )  # fmt: skip
    code, out, err = call(capsys, "diff", old, new, "--today", TODAY)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "+ m-c",
        "- m-x",
        '~ m-spb $.events[1]: null -> {"type":"suspended","date":"2022-02-26","by":"Manchester",'
        '"reason":"war"}',
        "~ m-spb status: active -> suspended",
        "added: 1, removed: 1, changed: 1, unchanged: 0",
    ]


def test_diff_json_and_exit_status_0_without_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = files(tmp_path, [record("m-spb", SPB, SIGNED)], [record("m-spb", SPB, SIGNED)])
    code, out, err = call(capsys, "diff", old, new, "--format", "json", "--today", TODAY)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "summary": {"added": 0, "removed": 0, "changed": 0, "unchanged": 1},
        "added": [],
        "removed": [],
        "changed": [],
    }


def test_diff_by_places_pairs_records_whose_ids_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = files(
        tmp_path,
        [record("m-spb", SPB, SIGNED, kind="friendship")],
        [record("wikidata-Q656-Q18125", SPB, SIGNED, kind="unspecified")],
    )
    code, out, _ = call(capsys, "diff", old, new, "--match", "places", "--format", "json")
    assert code == 1
    (changed,) = json.loads(out)["changed"]
    assert (changed["old_id"], changed["new_id"]) == ("m-spb", "wikidata-Q656-Q18125")
    assert {c["path"] for c in changed["changes"]} == {"$.id", "$.kind"}


def test_diff_leaves_out_invalid_records_and_reports_them_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dup = record("m-spb", SPB, SIGNED)
    old, new = files(
        tmp_path,
        [record("m-spb", SPB, SIGNED)],
        [dup, dup, record("bad", SPB, kind="twin town"), "{not json"],
    )
    code, out, err = call(capsys, "diff", old, new, "--today", TODAY)
    # the two records that share an id and the two broken ones take no part
    assert out.splitlines() == ["- m-spb", "added: 0, removed: 1, changed: 0, unchanged: 0"]
    assert code == 1
    assert f"{new}:3: error[invalid-kind] $.kind:" in err
    assert f"{new}:4: error[malformed-record] $:" in err
    assert f"{new}:1: error[duplicate-id] $:" in err
    assert "4 of 4 records are not valid" in err


def test_diff_of_a_missing_file_is_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, _ = files(tmp_path, [], [])
    code, out, err = call(capsys, "diff", old, str(tmp_path / "nope.jsonl"))
    assert (code, out) == (2, "")
    assert "no such file" in err and len(err.splitlines()) == 1


def test_stats_json_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = files(tmp_path, [record("m-spb", SPB, SIGNED, SUSPENDED), "[1]"], [])
    plot = tmp_path / "events.svg"
    code, out, err = call(capsys, "stats", path, "--on", "2021", "--format", "json",
                          "--plot", str(plot), "--today", TODAY)  # fmt: skip
    assert code == 1  # the second record is not valid
    assert "error[malformed-record]" in err
    data = json.loads(out)
    assert data["agreements"] == 1 and data["on"] == "2021-12-31"
    assert data["status"]["active"] == 1
    assert data["events_per_year"] == {"1962": {"signed": 1}, "2022": {"suspended": 1}}
    assert plot.read_text(encoding="utf-8").startswith("<?xml")


def test_stats_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = files(tmp_path, [record("m-spb", SPB, SIGNED, SUSPENDED)], [])
    code, out, _ = call(capsys, "stats", path, "--today", TODAY)
    assert code == 0
    assert out.splitlines()[:3] == ["agreements: 1", "status on 2024-06-30:", "  proposed        0"]
    assert "     2022       1  suspended 1" in out.splitlines()


def test_stats_bad_on_is_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = files(tmp_path, [], [])
    code, _, err = call(capsys, "stats", path, "--on", "26 Feb 2022")
    assert code == 2 and "--on" in err


@pytest.mark.parametrize("suffix", ["csv", "graphml", "gexf"])
def test_export_writes_the_format_of_the_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path, _ = files(tmp_path, [record("m-spb", SPB, SIGNED, SUSPENDED)], [])
    out = tmp_path / f"links.{suffix}"
    code, stdout, err = call(capsys, "export", path, "-o", str(out), "--on", "2021")
    assert (code, stdout, err) == (0, "", "")
    text = out.read_text(encoding="utf-8-sig")
    if suffix == "csv":
        assert text.splitlines()[1].endswith(",1962,,active,suspended,2022-02-26")
    else:
        assert "m-spb" in text and "Manchester" in text


def test_export_refuses_an_unknown_extension_and_its_own_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = files(tmp_path, [record("m-spb", SPB, SIGNED)], [])
    code, _, err = call(capsys, "export", path, "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and ".graphml, .gexf or .csv" in err
    same = tmp_path / "links.csv"
    same.write_text("id\n", encoding="utf-8")
    code, _, err = call(capsys, "export", str(same), "-o", str(same))
    assert code == 2 and "writing it would destroy it" in err
    assert same.read_text(encoding="utf-8") == "id\n"


def test_diff_reports_a_record_the_same_in_both_files_in_each_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record found the same in NEW is not checked again, yet its issues are reported there,
    at its own line, as a second ``validate`` would."""
    unsourced = json.dumps(
        {"id": "m-spb", "kind": "twinning", "parties": [MANCHESTER, SPB], "events": [SIGNED]}
    )
    bad = record("bad", SPB, kind="twin town")
    old, new = files(tmp_path, [unsourced, bad], [record("m-c", CHEMNITZ), bad, unsourced])
    code, out, err = call(capsys, "diff", old, new, "--today", TODAY)
    assert out.splitlines() == ["+ m-c", "added: 1, removed: 0, changed: 0, unchanged: 1"]
    assert code == 1
    for where in (f"{old}:1", f"{new}:3"):
        assert f"{where}: warning[missing-source] $: " in err
    for where in (f"{old}:2", f"{new}:2"):
        assert f"{where}: error[invalid-kind] $.kind: " in err
    assert "1 of 2 records are not valid" in err and "1 of 3 records are not valid" in err
    assert len(err.splitlines()) == 6


@st.composite
def _versions(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two versions of a list: kept, changed, renamed, broken, on one side only."""
    pool = draw(st.lists(records() | broken_records().map(lambda case: case[1]), max_size=6))
    old: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for n, raw in enumerate(pool):
        fate = draw(st.sampled_from(["old", "new", "same", "same", "notes", "kind", "id"]))
        if fate != "new":
            old.append(raw)
        if fate in ("new", "same"):
            new.append(raw)
        elif fate == "notes":
            new.append({**raw, "notes": "Checked against the minutes."})
        elif fate == "kind":
            new.append({**raw, "kind": "unspecified"})
        elif fate == "id":
            new.append({**raw, "id": f"wikidata-{n}"})
    return old, draw(st.permutations(new))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(versions=_versions(), match=st.sampled_from(["id", "places"]))
def test_diff_on_the_command_line_compares_the_valid_records_of_each_file(
    versions: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    match: Literal["id", "places"],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What ``diff`` prints (records checked once when the same in both files, kept packed) is
    what checking each file on its own and comparing its valid record dicts gives."""
    with tempfile.TemporaryDirectory() as folder:
        old, new = files(Path(folder), *([json.dumps(r) for r in v] for v in versions))
        code, out, err = call(capsys, "diff", old, new, "--today", TODAY, "--match", match)
        today, locator = parse_today(TODAY), Locator()
        before, after = (
            read_valid("diff", p, None, locator, today, build=False) for p in (old, new)
        )
        found = diff_records(before.raw, after.raw, match=match, today=today)
        assert (out, err) == (diff_text(found), capsys.readouterr().err)
        assert code == (0 if found.empty else 1)
