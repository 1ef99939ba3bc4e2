"""The ``sistercity`` command line (SPEC §6)."""

from __future__ import annotations

import io as stdio
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import sistercity as sc
import sistercity.cli._output
from sistercity import cli
from sistercity import io as recordio

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "data"
TODAY = "2026-06-30"


def run(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command as a user would: ``python -m sistercity ...``."""
    environment = {k: v for k, v in os.environ.items() if k != "SISTERCITY_TODAY"}
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "sistercity", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def call(
    capsys: pytest.CaptureFixture[str], *args: str, stdin: bytes | None = None
) -> tuple[int, str, str]:
    """Run :func:`sistercity.cli.main` in-process (faster, for the many ordinary cases)."""
    if stdin is not None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "stdin", stdio.TextIOWrapper(stdio.BytesIO(stdin)))
            code = cli.main(list(args))
    else:
        code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def record(rid: str = "a", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": rid,
        "kind": "twinning",
        "parties": [
            {"name": "Glasgow", "country": "GB", "wikidata": "Q4093"},
            {"name": "Nuremberg", "country": "DE", "wikidata": "Q2090"},
        ],
        "events": [{"type": "signed", "date": "1985"}],
        "sources": ["https://www.glasgow.gov.uk/"],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def jsonl(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


# ---- the bundled data set -------------------------------------------------------------------


def test_bundled_clean_file_validates() -> None:
    result = run("validate", str(DATA / "agreements.jsonl"), env={"SISTERCITY_TODAY": TODAY})
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == "records: 11, valid: 11, invalid: 0, errors: 0, warnings: 0\n"


def test_bundled_mistakes_give_a_useful_report() -> None:
    path = str(DATA / "mistakes.jsonl")
    result = run("validate", path, "--today", TODAY)
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert f"{path}:1: error[invalid-kind] $.kind: " in "\n".join(lines)
    assert any(
        line.startswith(f"{path}:1: error[invalid-country] $.parties[0].country: ")
        and "did you mean 'GB'?" in line
        for line in lines
    )
    assert any(line.startswith(f"{path}:2: error[unknown-field] $.soruces: ") for line in lines)
    assert any(line.startswith(f"{path}:11: error[malformed-record] $: ") for line in lines)
    duplicate = [line for line in lines if "error[duplicate-id]" in line]
    assert len(duplicate) == 1
    assert duplicate[0].startswith(f"{path}:9: error[duplicate-id] $: ")
    assert f"{path}:10 'coventry-dresden-1959'" in duplicate[0]  # names the other record
    # both records of the duplicate id are invalid: convert --skip-invalid writes neither
    assert lines[-1] == "records: 10, valid: 2, invalid: 8, errors: 11, warnings: 4"


# ---- validate: reports ---------------------------------------------------------------------


def test_text_report_lines_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path / "in.jsonl",
        b"\n"
        + jsonl(record("a"))
        + b"\n\n"
        + jsonl(record("b", kind="twin town", sources=None))
        + b"{broken\n",
    )
    code, out, err = call(capsys, "validate", path)
    assert code == 1
    assert err == ""
    assert out.splitlines() == [
        f"{path}:5: error[invalid-kind] $.kind: 'kind' must be one of twinning, friendship, "
        "cooperation, sponsorship, unspecified (got 'twin town'; 'twin town' is a source term "
        "for 'twinning': put it in 'term')",
        f"{path}:5: warning[missing-source] $: the record gives no 'sources' and no event "
        "'source'; say where it comes from",
        f"{path}:6: error[malformed-record] $: not valid JSON: Expecting property name enclosed "
        "in double quotes (column 2)",
        "records: 3, valid: 1, invalid: 2, errors: 2, warnings: 1",
    ]


def test_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "in.jsonl", jsonl(record("a"), record("a"), record("b", kind="x")))
    code, out, err = call(capsys, "validate", "--format", "json", path)
    assert code == 1 and err == ""
    document = json.loads(out)
    # both 'a' records are named by the duplicate-id error, and 'b' breaks invalid-kind
    assert document["summary"] == {
        "records": 3,
        "valid": 0,
        "invalid": 3,
        "errors": 2,
        "warnings": 1,
    }
    keys = ["rule", "severity", "message", "path", "id", "file", "line", "index", "records"]
    assert all(list(issue) == keys for issue in document["issues"])
    kind, duplicate_id, duplicate = document["issues"]
    assert (kind["rule"], kind["path"], kind["id"], kind["line"], kind["index"]) == (
        "invalid-kind",
        "$.kind",
        "b",
        3,
        2,
    )
    assert kind["file"] == path and kind["records"] == []
    assert duplicate_id["rule"] == "duplicate-id"
    assert duplicate_id["records"] == [
        {"id": "a", "file": path, "line": 1, "index": 0},
        {"id": "a", "file": path, "line": 2, "index": 1},
    ]
    assert (duplicate_id["line"], duplicate_id["index"]) == (1, 0)
    assert duplicate["rule"] == "duplicate-agreement" and duplicate["severity"] == "warning"


def test_json_files_are_located_by_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "[\n" + ",\n".join(json.dumps(r) for r in [record("a"), record("b", kind="x")]) + "\n]\n"
    path = write(tmp_path / "in.json", text.encode())
    code, out, _ = call(capsys, "validate", "--format", "json", path)
    (issue,) = json.loads(out)["issues"]
    assert (issue["index"], issue["line"]) == (1, 3)
    code, out, _ = call(capsys, "validate", path)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{path}[1]: error[invalid-kind] $.kind: ")


def test_json_file_that_does_not_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "in.json", b'[\n  {"id": "a"},\n  {"id": "b"\n]\n')
    code, out, _ = call(capsys, "validate", path)
    assert code == 1
    assert out.splitlines() == [
        f"{path}:4: error[malformed-record] $: not valid JSON: Expecting ',' delimiter "
        "(line 4 column 1)",
        "records: 1, valid: 0, invalid: 1, errors: 1, warnings: 0",
    ]


def test_csv_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = sc.from_dict(record("a"))
    data = recordio.dumps([good, sc.from_dict(record("b"))], "csv")
    path = write(tmp_path / "in.csv", data.replace(b"\r\nb,twinning", b"\r\nb,twin town"))
    code, out, _ = call(capsys, "validate", "--no-collection", path)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{path}:3: error[invalid-kind] $.kind: ")
    assert out.splitlines()[-1] == "records: 2, valid: 1, invalid: 1, errors: 1, warnings: 0"


def test_standard_input_without_path_or_with_dash(capsys: pytest.CaptureFixture[str]) -> None:
    data = jsonl(record("a"), record("b", kind="x"))
    for args in (["validate"], ["validate", "-"]):
        code, out, err = call(capsys, *args, stdin=data)
        assert code == 1 and err == ""
        assert out.splitlines()[0].startswith("-:2: error[invalid-kind] $.kind: ")
    code, out, _ = call(capsys, "validate", "--input-format", "json", "-", stdin=b"[1]")
    assert out.splitlines()[0].startswith("-[0]: error[malformed-record] $: ")


def test_several_files_and_a_collection_issue_across_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = write(tmp_path / "one.jsonl", jsonl(record("a")))
    two = write(tmp_path / "two.json", json.dumps([record("b"), record("a")]).encode())
    code, out, _ = call(capsys, "validate", one, two)
    assert code == 1
    lines = out.splitlines()
    (duplicate_id,) = [line for line in lines if "[duplicate-id]" in line]
    assert duplicate_id.startswith(f"{one}:1: error[duplicate-id] $: ")
    assert duplicate_id.endswith(f"(also {two}[1] 'a')")
    # the two 'a' records are invalid: convert --skip-invalid would write only 'b'
    assert lines[-1].startswith("records: 3, valid: 1, invalid: 2, errors: 1,")


# ---- validate: rule selection, strictness, today --------------------------------------------


def test_select_and_ignore_change_errors_and_status_not_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "in.jsonl", jsonl(record("a", kind="x", sources=None)))
    code, out, _ = call(capsys, "validate", "--ignore", "invalid-kind", path)
    assert code == 0
    assert out.splitlines() == [
        f"{path}:1: warning[missing-source] $: the record gives no 'sources' and no event "
        "'source'; say where it comes from",
        "records: 1, valid: 0, invalid: 1, errors: 0, warnings: 1",
    ]
    code, out, _ = call(capsys, "validate", "--select", "missing-source,duplicate-id", path)
    assert code == 0
    assert out.splitlines()[-1] == "records: 1, valid: 0, invalid: 1, errors: 0, warnings: 1"
    code, out, _ = call(capsys, "validate", "--select", "invalid-kind", "--strict", path)
    assert code == 1
    assert out.splitlines()[-1] == "records: 1, valid: 0, invalid: 1, errors: 1, warnings: 0"


def test_malformed_record_and_unknown_field_cannot_be_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "in.jsonl", b"nonsense\n" + jsonl(record("a", colour="red")))
    code, out, _ = call(capsys, "validate", "--ignore", "malformed-record,unknown-field", path)
    assert code == 1
    assert "error[malformed-record]" in out and "error[unknown-field]" in out


def test_strict_makes_warnings_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "in.jsonl", jsonl(record("a", sources=None)))
    assert call(capsys, "validate", path)[0] == 0
    assert call(capsys, "validate", "--strict", path)[0] == 1
    assert call(capsys, "validate", "--strict", "--ignore", "missing-source", path)[0] == 0


def test_no_collection_skips_the_collection_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "in.jsonl", jsonl(record("a"), record("a")))
    code, out, _ = call(capsys, "validate", "--no-collection", path)
    assert code == 0
    assert out == "records: 2, valid: 2, invalid: 0, errors: 0, warnings: 0\n"


def test_today_decides_future_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    events = [{"type": "signed", "date": "2024-05"}]
    path = write(tmp_path / "in.jsonl", jsonl(record("a", events=events)))
    out = call(capsys, "validate", "--today", "2024-04-30", path)[1]
    assert "warning[future-date] $.events[0].date" in out
    # a partial date means its last day: 2024-04 is 2024-04-30
    assert "future-date" in call(capsys, "validate", "--today", "2024-04", path)[1]
    assert "future-date" not in call(capsys, "validate", "--today", "2024-05-01", path)[1]
    assert "future-date" not in call(capsys, "validate", "--today", "2024", path)[1]
    monkeypatch.setenv("SISTERCITY_TODAY", "2023")
    assert "future-date" in call(capsys, "validate", path)[1]
    # the option wins over the environment
    assert "future-date" not in call(capsys, "validate", "--today", "2025", path)[1]


# ---- validate: the command cannot do its job (status 2) -------------------------------------


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.jsonl")
    result = run("validate", missing)
    assert_one_line_error(result, missing, "no such file")
    assert result.stdout == "records: 0, valid: 0, invalid: 0, errors: 0, warnings: 0\n"


def test_missing_file_among_several_the_others_are_checked(tmp_path: Path) -> None:
    good = write(tmp_path / "good.jsonl", jsonl(record("a"), record("b", kind="x")))
    missing = str(tmp_path / "missing.json")
    result = run("validate", missing, good)
    assert_one_line_error(result, missing)
    assert f"{good}:2: error[invalid-kind]" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "records: 2, valid: 1, invalid: 1, errors: 1, warnings: 0"
    )


def test_a_directory(tmp_path: Path) -> None:
    assert_one_line_error(run("validate", str(tmp_path)), str(tmp_path), "is a directory")


def test_unknown_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "in.txt", jsonl(record("a")))
    assert_one_line_error(run("validate", path), "in.txt", "--input-format")
    result = run("validate", "--input-format", "jsonl", path)
    assert result.returncode == 0 and result.stderr == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["validate", "--select", "no-such-rule", "x.jsonl"], "unknown rule id 'no-such-rule'"),
        (["validate", "--ignore", "missing-sources"], "did you mean 'missing-source'?"),
        (["validate", "--format", "xml"], "invalid choice: 'xml'"),
        (["validate", "--input-format", "yaml"], "invalid choice: 'yaml'"),
        (["validate", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["validate", "--today", "26 Feb 2022"], "--today"),
        (["convert", "only-one.jsonl"], "required: OUT"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "choose a command"),
    ],
)
def test_usage_errors(args: list[str], fragment: str) -> None:
    result = run(*args)
    assert_one_line_error(result, fragment)
    assert result.stdout == ""


def test_bad_today_in_the_environment() -> None:
    result = run("validate", env={"SISTERCITY_TODAY": "yesterday"})
    assert_one_line_error(result, "SISTERCITY_TODAY")


def test_help_and_version() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("validate", "convert", "schema", "rules", "show"):
        assert command in result.stdout
    result = run("validate", "--help")
    assert result.returncode == 0 and "--no-collection" in result.stdout
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"sistercity {sc.__version__}"


def test_standard_input_through_the_real_command() -> None:
    result = run("validate", stdin=b"\xef\xbb\xbf" + jsonl(record("a")) + b"\xff\n")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "-:2: error[malformed-record] $: not valid UTF-8: byte 0xff at byte 1",
        "records: 2, valid: 1, invalid: 1, errors: 1, warnings: 0",
    ]
    assert result.stderr == ""


# ---- progress ----------------------------------------------------------------------------------


class _Terminal(stdio.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "in.jsonl", jsonl(*[record(f"r{n}") for n in range(2000)]))
    monkeypatch.setattr(sistercity.cli._output, "PROGRESS_AFTER", 0.0)
    code, out, err = call(capsys, "validate", "--no-collection", path)
    assert code == 0 and err == ""  # captured stderr is not a terminal
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = cli.main(["validate", "--no-collection", path])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out == "records: 2000, valid: 2000, invalid: 0, errors: 0, warnings: 0\n"
    assert "2,000 records checked" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")


def test_no_progress_when_piped(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", jsonl(*[record(f"r{n}") for n in range(3000)]))
    result = run("validate", path)
    assert result.stderr == ""


# ---- convert ------------------------------------------------------------------------------------


def test_convert_between_every_format(tmp_path: Path) -> None:
    source = str(DATA / "agreements.jsonl")
    expected = recordio.load(source)
    previous = source
    for name in ("a.csv", "b.json", "c.ndjson", "d.jsonl"):
        target = str(tmp_path / name)
        result = run("convert", previous, target)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout == f"wrote 11 of 11 records to {target}\n"
        assert recordio.load(target) == expected
        previous = target
    # the bundled file is canonical: a round trip through every format gives its bytes again
    assert (tmp_path / "d.jsonl").read_bytes() == (DATA / "agreements.jsonl").read_bytes()


def test_convert_refuses_records_with_errors(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", jsonl(record("a"), record("b", kind="x")) + b"oops\n")
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    result = run("convert", source, str(target))
    assert result.returncode == 1
    assert result.stderr == ""
    assert f"{source}:2: error[invalid-kind] $.kind" in result.stdout
    assert f"{source}:3: error[malformed-record] $" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        f"nothing written to {target}: 2 of 3 records refused (--skip-invalid writes the rest)"
    )
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.csv"]


def test_convert_says_why_when_the_reasons_are_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record-rule error refuses a record whatever --ignore says; with the rule ignored,
    convert said '1 of 2 records refused' and nothing else about it."""
    source = write(tmp_path / "in.jsonl", jsonl(record("a", kind="x"), record("b")))
    target = str(tmp_path / "out.jsonl")
    code, out, _ = call(capsys, "convert", "--ignore", "invalid-kind", source, target)
    assert code == 1 and "invalid-kind" not in out
    assert f"{source}:1: refused for errors of rules that --select/--ignore leave out" in out
    code, out, _ = call(capsys, "convert", source, target)  # reported: no second word
    assert "refused for errors of rules" not in out and "error[invalid-kind]" in out


def test_convert_skip_invalid_writes_the_rest_and_names_what_it_left_out(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.jsonl",
        jsonl(record("a"), record("b", kind="x"), record("c"), record("a")),
    )
    target = str(tmp_path / "out.json")
    result = run("convert", "--skip-invalid", source, target)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{source}:4: error[duplicate-id]" not in result.stdout  # located at the first
    assert any(line.startswith(f"{source}:1: error[duplicate-id]") for line in lines)
    # every record a collection error names is left out: no record of a conflicting set is
    # preferred, so both 'a' records go
    assert lines[-2] == f"left out 3 records: {source}:1 'a', {source}:2 'b', {source}:4 'a'"
    assert lines[-1] == f"wrote 1 of 4 records to {target}"
    assert [a.id for a in recordio.load(target)] == ["c"]


def test_convert_refuses_what_csv_cannot_hold(tmp_path: Path) -> None:
    parties = [
        {"name": "Glasgow", "country": "GB"},
        {"name": "Nuremberg", "country": "DE"},
        {"name": "Rostov-on-Don", "country": "RU"},
    ]
    source = write(tmp_path / "in.jsonl", jsonl(record("three", parties=parties), record("b")))
    target = tmp_path / "out.csv"
    result = run("convert", source, str(target))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"{source}:1: error[unwritable-record] $.parties: agreement 'three' has 3 parties and a "
        "CSV row holds two; write it as JSON or JSON Lines"
    )
    assert not target.exists()
    result = run("convert", "--skip-invalid", source, str(target))
    assert result.returncode == 1
    assert f"left out 1 record: {source}:1 'three'" in result.stdout
    assert [a.id for a in recordio.load(target)] == ["b"]


def test_convert_from_standard_input(tmp_path: Path) -> None:
    target = str(tmp_path / "out.json")
    result = run("convert", "-", target, stdin=jsonl(record("a")))
    assert result.returncode == 0
    assert [a.id for a in recordio.load(target)] == ["a"]


@pytest.mark.parametrize(
    ("make_args", "fragment"),
    [
        (lambda t: ["convert", str(t / "missing.jsonl"), str(t / "o.json")], "no such file"),
        (lambda t: ["convert", str(t / "in.jsonl"), str(t / "o.xml")], "extension '.xml'"),
        (lambda t: ["convert", str(t / "in.jsonl"), str(t / "no" / "o.json")], "o.json"),
        (lambda t: ["convert", str(t / "in.jsonl"), str(t)], "is a directory"),
    ],
)
def test_convert_cannot_do_its_job(tmp_path: Path, make_args: Any, fragment: str) -> None:
    write(tmp_path / "in.jsonl", jsonl(record("a")))
    result = run(*make_args(tmp_path))
    assert_one_line_error(result, fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


# ---- schema, rules -------------------------------------------------------------------------------


def test_rules_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "rules")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == len(sc.RULES)
    for line, rule in zip(lines, sc.RULES.values(), strict=True):
        assert line.split()[:3] == [rule.id, rule.severity.value, rule.scope]
        assert line.endswith(rule.summary)
    code, out, _ = call(capsys, "rules", "--format", "json")
    rows = json.loads(out)
    assert [row["id"] for row in rows] == list(sc.RULES)
    assert rows[0] == {
        "id": "malformed-record",
        "severity": "error",
        "scope": "record",
        "summary": sc.RULES["malformed-record"].summary,
    }


def test_schema_through_the_real_command() -> None:
    result = run("schema")
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# ---- show ----------------------------------------------------------------------------------------


def test_show_a_timeline() -> None:
    result = run(
        "show",
        str(DATA / "agreements.jsonl"),
        "--id",
        "manchester-saint-petersburg-1962",
        "--today",
        "2024",
    )
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "manchester-saint-petersburg-1962"
    assert lines[1] == '  kind:    friendship (source term: "friendship agreement")'
    assert "    Manchester (GB, GB-MAN, Q18125)" in lines
    assert (
        "    Saint Petersburg (RU, RU-SPE, Q656); formerly Leningrad (SU) from 1924-01-26 until "
        "1991-09-06"
    ) in lines
    # the parties' names at the time of each event
    assert "    1962        signed     Manchester \u2013 Leningrad" in lines
    assert (
        "    2022-02-26  suspended  Manchester \u2013 Saint Petersburg; by Manchester; "
        "reason: Russian invasion of Ukraine"
    ) in lines
    assert "  status now (2024-12-31): suspended" in lines


def test_show_status_now_follows_today(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "agreements.jsonl")
    args = ["show", path, "--id", "manchester-saint-petersburg-1962"]
    out = call(capsys, *args, "--today", "2021")[1]
    assert "  status now (2021-12-31): active" in out
    out = call(capsys, *args, "--today", "1950")[1]
    assert "  status now (1950-12-31): unknown" in out


def test_show_every_agreement_without_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "show", str(DATA / "agreements.jsonl"), "--today", "2024")
    assert code == 0
    firsts = [block.splitlines()[0] for block in out.split("\n\n")]
    assert firsts == [a.id for a in recordio.load(DATA / "agreements.jsonl")]


def test_show_undated_events_and_actors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = [
        {"type": "signed", "by": "Q2090"},
        {"type": "signed", "date": "1985", "by": "Glasgow (GB)", "source": "minutes"},
    ]
    path = write(tmp_path / "in.jsonl", jsonl(record("a", events=events)))
    code, out, _ = call(capsys, "show", path, "--today", "2020")
    assert code == 0
    assert "    undated  signed  Glasgow \u2013 Nuremberg; by Nuremberg" in out
    assert "    1985     signed  Glasgow \u2013 Nuremberg; by Glasgow; source: minutes" in out
    assert "  status now (2020-12-31): active" in out


def test_show_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", jsonl(record("a"), record("b", kind="x")))
    result = run("show", path, "--id", "nope")
    assert_one_line_error(result, "no agreement with id 'nope'")
    result = run("show", path, "--id", "b")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"{path}:2: error[invalid-kind] $.kind: ")
    assert_one_line_error(run("show", str(tmp_path / "missing.jsonl")), "no such file")


# ---- extension subcommands ---------------------------------------------------------------------


def test_extension_subcommands_plug_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = types.ModuleType("fake_extension")

    def handler(args: Any) -> int:
        print(f"hello {args.name}")
        return 1

    def add_parser(subparsers: Any) -> None:
        parser = subparsers.add_parser("hello", help="say hello")
        parser.add_argument("name")
        parser.set_defaults(handler=handler)

    module.add_parser = add_parser  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_extension", module)
    monkeypatch.setitem(cli.EXTENSIONS, "hello", "fake_extension")
    monkeypatch.setitem(cli.EXTENSIONS, "absent", "no_such_module_anywhere")
    assert call(capsys, "hello", "world")[:2] == (1, "hello world\n")
    parser = cli.build_parser()
    assert "hello" in parser.commands and "absent" not in parser.commands
    # validate does not load the extensions, so it starts fast
    assert "absent" not in cli.build_parser(()).commands


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", b"nonsense\n" * 50_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "sistercity", "validate", path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == 1
    assert first.startswith(f"{path}:1: error[malformed-record]".encode())
    assert error == b""


def test_convert_reads_a_pipe_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pipe cannot be read twice: convert keeps its bytes, and drops nothing."""
    import threading

    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    data = jsonl(record("a"), record("b"))

    def feed() -> None:
        with open(fifo, "wb") as stream:
            stream.write(data)

    feeder = threading.Thread(target=feed)
    feeder.start()
    target = str(tmp_path / "out.json")
    code, out, err = call(capsys, "convert", str(fifo), target)
    feeder.join(timeout=60)
    assert (code, err) == (0, "")
    assert out == f"wrote 2 of 2 records to {target}\n"
    assert [a.id for a in recordio.load(target)] == ["a", "b"]


def test_custom_rules_run_and_can_be_selected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    @sc.record_rule("test-needs-term", summary="a term is given")
    def needs_term(agreement: sc.Agreement) -> list[tuple[str, str]]:
        return [] if agreement.term else [("$.term", "give the source's term")]

    @sc.collection_rule("test-at-most-one", severity="error", summary="one agreement")
    def at_most_one(agreements: Any) -> list[tuple[str, str]]:
        return [("$", f"{len(agreements)} agreements")] if len(agreements) > 1 else []

    try:
        other = [{"name": "Glasgow", "country": "GB"}, {"name": "Bethlehem", "country": "PS"}]
        second = record("b", term="twin town", parties=other)
        path = write(tmp_path / "in.jsonl", jsonl(record("a"), second))
        code, out, _ = call(capsys, "validate", path)
        assert code == 1
        assert out.splitlines() == [
            f"{path}:1: warning[test-needs-term] $.term: give the source's term",
            "(input): error[test-at-most-one] $: 2 agreements",
            "records: 2, valid: 2, invalid: 0, errors: 1, warnings: 1",
        ]
        code, out, _ = call(capsys, "validate", "--ignore", "test-at-most-one", path)
        assert code == 0 and "test-at-most-one" not in out
        code, out, _ = call(capsys, "validate", "--no-collection", path)
        assert code == 0 and "test-needs-term" in out
    finally:
        sc.unregister_rule("test-needs-term")
        sc.unregister_rule("test-at-most-one")


def test_show_the_act_body_dates_and_condition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SPEC §4: "`show` prints the body, the three dates where they differ and the condition"."""
    suspended = {
        "type": "suspended",
        "date": "2022-03-07",
        "by": "Glasgow",
        "reason": "invasion",
        "body": "council\x1b[2Jleader",
        "decided": "2022-03-04",
        "announced": "2022-03-04",
        "condition": "until \u202efurther notice",
    }
    same_day = {"type": "reinstated", "date": "2023", "decided": "2023", "body": "full council"}
    events = [{"type": "signed", "date": "1985"}, suspended, same_day]
    path = write(tmp_path / "in.jsonl", jsonl(record("a", events=events)))
    code, out, _ = call(capsys, "show", path, "--today", "2024")
    assert code == 0
    assert (
        "    2022-03-07  suspended   Glasgow \u2013 Nuremberg; by Glasgow (council\\x1b[2Jleader); "
        "decided 2022-03-04, announced 2022-03-04, took effect 2022-03-07; reason: invasion; "
        "condition: until \\u202efurther notice"
    ) in out.splitlines()
    # decided on the day it took effect: no dates repeated; a body without 'by' is named
    assert "    2023        reinstated  Glasgow \u2013 Nuremberg; body: full council" in out


def test_the_command_line_starts_without_what_only_some_commands_need() -> None:
    """cattrs (writing records), xml.sax.saxutils (the JUnit report), secrets (naming an
    output's temporary file) and the comparison, statistics and registry code are imported
    when first used: together they were a fifth of the start-up of ``sistercity validate``."""
    code = (
        "import sys; import sistercity, sistercity.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('cattrs', 'xml', 'secrets') or m in "
        "('sistercity.compare', 'sistercity.statistics', 'sistercity._registry')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
    # and what they give is there when asked for
    assert sc.to_dict is sc.serialization.to_dict and sc.Registry.__name__ == "Registry"


class _TerminalInput(stdio.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_reading_a_terminal_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """Given no file at a terminal, a command reads standard input: it says so on stderr,
    else it waits without a word and looks hung. From a pipe it says nothing."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", _TerminalInput(stdio.BytesIO(b"")))
        code = cli.main(["validate"])
    out, err = capsys.readouterr()
    assert code == 0 and "reading records from standard input" in err
    assert out == "records: 0, valid: 0, invalid: 0, errors: 0, warnings: 0\n"
    assert call(capsys, "validate", stdin=b"")[2] == ""
