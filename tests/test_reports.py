"""validate's reports for pipelines: counts that agree with convert, files, GitHub and JUnit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity import cli
from sistercity import io as recordio
from sistercity.strategies import broken_records, records

TODAY = "2026-06-30"


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def link(rid: str, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": rid,
        "kind": "twinning",
        "parties": [
            {"name": "Glasgow", "country": "GB", "wikidata": "Q4093"},
            {"name": "Mykolaiv", "country": "UA", "wikidata": "Q26550"},
        ],
        "events": [{"type": "signed", "date": "2024-02-06"}],
        "sources": ["https://www.glasgow.gov.uk/"],
    }
    base.update(changes)
    return base


def jsonl(path: Path, items: list[Any]) -> str:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return str(path)


# ---- valid is what convert --skip-invalid writes -----------------------------------------------


@st.composite
def record_files(draw: st.DrawFn) -> list[Any]:
    """Valid and broken records, with repeated ids and conflicting countries now and then."""
    items: list[Any] = draw(st.lists(records(), min_size=1, max_size=5))
    items += draw(st.lists(broken_records().map(lambda pair: pair[1]), max_size=3))
    if draw(st.booleans()) and items:
        items.append(dict(items[0]))  # a repeated record: duplicate-id names both
    return draw(st.permutations(items))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=record_files(), collection=st.booleans())
def test_valid_is_what_convert_skip_invalid_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], items: list[Any], collection: bool
) -> None:
    """SPEC §6: ``valid`` is the number of records convert --skip-invalid writes to .jsonl."""
    source = jsonl(tmp_path / "in.jsonl", items)
    options = ["--today", TODAY] + ([] if collection else ["--no-collection"])
    _, out, _ = call(capsys, "validate", "--format", "json", *options, source)
    summary = json.loads(out)["summary"]
    target = tmp_path / "out.jsonl"
    target.unlink(missing_ok=True)
    call(capsys, "convert", "--skip-invalid", *options, source, str(target))
    written = len(recordio.load(target)) if target.exists() else 0
    assert summary["valid"] == written
    assert summary["valid"] + summary["invalid"] == summary["records"] == len(items)


def test_a_conflicting_set_is_left_out_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One Wikidata id given with two countries: no record of the set is preferred."""
    odd = link("b")
    odd["parties"] = [
        odd["parties"][0],
        {"name": "Mykolaiv", "country": "RU", "wikidata": "Q26550"},
    ]
    source = jsonl(tmp_path / "in.jsonl", [link("a"), odd, link("c", sources=["https://x.org"])])
    code, out, _ = call(capsys, "validate", "--today", TODAY, source)
    assert code == 1
    assert out.splitlines()[-1] == "records: 3, valid: 0, invalid: 3, errors: 1, warnings: 1"


# ---- the JSON report -------------------------------------------------------------------------


def test_json_report_lists_every_input_and_is_complete_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = jsonl(tmp_path / "good.jsonl", [link("a")])
    missing = str(tmp_path / "missing.jsonl")
    code, out, err = call(capsys, "validate", "--format", "json", "--today", TODAY, good, missing)
    assert code == 2
    assert err.strip() == f"sistercity validate: error: {missing}: no such file"
    document = json.loads(out)
    assert list(document) == ["issues", "summary", "files"]
    assert document["summary"]["records"] == 1
    assert document["files"] == [
        {"path": good, "records": 1, "error": None},
        {"path": missing, "records": 0, "error": f"{missing}: no such file"},
    ]


def test_the_same_file_twice_is_checked_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate a.jsonl a.jsonl reported duplicate ids against itself."""
    source = jsonl(tmp_path / "a.jsonl", [link("a")])
    code, out, _ = call(capsys, "validate", "--format", "json", "--today", TODAY, source, source)
    document = json.loads(out)
    assert code == 0
    assert document["issues"] == []
    assert document["summary"]["records"] == 1
    assert document["files"][1]["error"].startswith("the same file as an earlier input")


def test_validate_file_and_the_json_report_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The API and the command share one loop: the same issues and the same summary."""
    source = jsonl(tmp_path / "in.jsonl", [{}, link("a"), link("a"), link("b", kind="x")])
    report = sc.validate_file(source, today=TODAY)
    code, out, _ = call(capsys, "validate", "--format", "json", "--today", TODAY, source)
    document = json.loads(out)
    assert code == 1
    assert [(i["rule"], i["line"]) for i in document["issues"]] == [
        (i.rule, i.line) for i in report.issues
    ]
    assert document["summary"] == dict(report.summary)
    assert report.summary["invalid"] == 4  # {} and b are broken; both a's share an id


_ODD_MESSAGES: list[Any] = [1, True, 1.0, ["a", "b"], {"k": None}, 2**63 - 1]


@pytest.fixture
def odd_message_rule() -> Any:
    """A custom rule whose messages are not text, one a record (``Issue`` takes any value)."""

    @sc.record_rule("odd-message", severity="warning", summary="a test rule")
    def check(agreement: sc.Agreement) -> Any:
        yield "$.id", _ODD_MESSAGES[int(agreement.id)]

    yield check
    sc.unregister_rule("odd-message")


@pytest.mark.usefixtures("odd_message_rule")
def test_the_json_report_writes_each_custom_message_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Equal-comparing values (1, True, 1.0) stay apart, and unhashable ones do not crash: a
    report written from a cache keyed by the values got both wrong."""
    items = [link(str(n)) for n in range(len(_ODD_MESSAGES))]
    source = jsonl(tmp_path / "in.jsonl", items)
    code, out, err = call(capsys, "validate", "--format", "json", "--today", TODAY, source)
    assert code == 0, err
    found = [i["message"] for i in json.loads(out)["issues"] if i["rule"] == "odd-message"]
    assert found == _ODD_MESSAGES
    assert [type(m) for m in found[:3]] == [int, bool, float]


# ---- GitHub annotations ------------------------------------------------------------------------


@pytest.fixture
def multiline_rule() -> Any:
    @sc.record_rule("multiline-note", severity="error", summary="a test rule")
    def check(agreement: sc.Agreement) -> Any:
        if agreement.notes:
            yield "$.notes", f"50% of this\r\n::error::is forged: {agreement.notes}"

    yield check
    sc.unregister_rule("multiline-note")


@pytest.mark.usefixtures("multiline_rule")
def test_github_annotations_escape_as_github_requires(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a,b:c"
    folder.mkdir()
    source = jsonl(folder / "in.jsonl", [link("a", notes="x"), link("b", sources=None)])
    code, out, _ = call(capsys, "validate", "--format", "github", "--today", TODAY, source)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3  # a message cannot start a workflow command of its own
    escaped_file = source.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert lines[0] == (
        f"::error file={escaped_file},line=1,title=multiline-note::"
        "$.notes: 50%25 of this%0D%0A::error::is forged: x"
    )
    assert lines[1].startswith(f"::warning file={escaped_file},line=2,title=missing-source::$: ")
    assert lines[-1] == "records: 2, valid: 1, invalid: 1, errors: 1, warnings: 1"


def test_github_annotations_locate_json_elements_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps([link("a"), link("b", kind="x")], indent=2), encoding="utf-8")
    _, out, _ = call(capsys, "validate", "--format", "github", "--today", TODAY, str(source))
    first = out.splitlines()[0]
    line = int(first.split(",line=")[1].split(",")[0])
    text = source.read_text(encoding="utf-8").splitlines()
    assert text[line - 1].strip() == "{"  # where the second element starts
    assert '"id": "b"' in text[line]


# ---- JUnit ------------------------------------------------------------------------------------


def test_junit_is_one_xml_document_with_a_testcase_per_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = link("x\x1b[2J\ufffe", kind="\x00twin", notes="\u202eevil")
    source = jsonl(tmp_path / "in.jsonl", [link("a"), hostile, link("a")])
    code, out, _ = call(capsys, "validate", "--format", "junit", "--today", TODAY, source)
    assert code == 1
    root = ET.fromstring(out)  # the document alone, well-formed whatever the data
    cases = root.findall(".//testcase")
    assert len(cases) == 3
    assert cases[0].get("name") == f"{source}:1 a"
    failures = [[f.get("type") for f in case.findall("failure")] for case in cases]
    # the duplicate id fails both records it names; the hostile record fails on its kind
    assert failures[0] == ["duplicate-id"] and failures[2] == ["duplicate-id"]
    assert "invalid-kind" in failures[1]
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "3"


def test_junit_shows_control_and_bidi_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CI server shows the report in a browser: C1 controls (U+0085, U+009B: CSI) and bidi
    overrides in a file name, an id or a key are escaped as in the text report, not raw."""
    folder = tmp_path / "in\u202edir\x1b"
    folder.mkdir()
    hostile = link("\u0085\u009b31m\u202e", **{"\u202ebad\u0000": 1})
    source = jsonl(folder / "in.jsonl", [hostile])
    code, out, _ = call(capsys, "validate", "--format", "junit", "--today", TODAY, source)
    assert code == 1
    root = ET.fromstring(out)
    shown = [out] + [v for e in root.iter() for v in [*e.attrib.values(), e.text or ""]]
    for text in shown:
        assert not any(c in text for c in "\x1b\x85\x9b\u202e"), text
    (case,) = root.findall(".//testcase")
    assert case.get("name", "").endswith(":1 \\x85\\x9b31m\\u202e")


def test_junit_with_strict_shows_the_warnings_that_fail_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A red build must show why: with --strict, warnings are failures in the report."""
    other = link("b")
    other["parties"] = [other["parties"][0], {"name": "Kyiv", "country": "UA"}]
    source = jsonl(tmp_path / "in.jsonl", [link("a", sources=None), other])
    code, out, _ = call(capsys, "validate", "--format", "junit", "--today", TODAY, source)
    assert code == 0
    assert ET.fromstring(out).find("testsuite").get("failures") == "0"  # type: ignore[union-attr]
    code, out, _ = call(
        capsys, "validate", "--format", "junit", "--strict", "--today", TODAY, source
    )
    assert code == 1
    root = ET.fromstring(out)
    assert root.find("testsuite").get("failures") == "1"  # type: ignore[union-attr]
    cases = root.findall(".//testcase")
    assert [f.get("type") for f in cases[0].findall("failure")] == ["missing-source"]
    assert cases[1].findall("failure") == []


def test_junit_names_an_input_it_could_not_read_and_keeps_a_testcase_a_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unreadable input is no record: no testcase for it (one testcase a record, as SPEC §6
    says), but the suite's system-err names it, and the status is 2."""
    good = jsonl(tmp_path / "in.jsonl", [link("a"), link("b")])
    missing = str(tmp_path / "missing.jsonl")
    code, out, err = call(capsys, "validate", "--format", "junit", "--today", TODAY, missing, good)
    assert code == 2 and "no such file" in err
    root = ET.fromstring(out)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and len(root.findall(".//testcase")) == 2
    assert suite.findtext("system-err") == f"could not read: {missing}: no such file"
