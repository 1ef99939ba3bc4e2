"""Every command that writes: hostile data and hostile output paths (SPEC §6 "Hostile input").

Each test asserts what a user would notice: no traceback, a status of 0, 1 or 2, the inputs
unchanged, no temporary file left, and output that cannot rewrite a terminal, run in a
spreadsheet or break an XML parser.
"""

from __future__ import annotations

import csv
import datetime as dt
import io as stdio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity import cli
from sistercity import io as recordio
from sistercity._svg import Canvas
from sistercity.cli._main import show_text
from sistercity.timeline import render

TODAY = "2024-12-31"
DATA = Path(__file__).parent / "data"
#: What SPEC §6 says never reaches a terminal raw: C0, DEL, C1, bidirectional formatting.
UNSAFE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | set(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
HOSTILE = "\x1b[2J\x1b]0;pwned\x07\r\x1b[2K\u202eevil\x00\x7f\x85\x9b\ufffe\uffff\t\n"


def record(rid: str = "a", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": rid,
        "kind": "twinning",
        "parties": [{"name": "Glasgow", "country": "GB"}, {"name": "Nuremberg", "country": "DE"}],
        "events": [{"type": "signed", "date": "1985"}],
        "sources": ["https://www.glasgow.gov.uk/"],
    }
    base.update(changes)
    return base


def jsonl(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def run(*args: str, cwd: Path | None = None, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sistercity", *args],
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
        **kw,
    )


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.name: (p.read_bytes(), p.stat().st_ino)
        for p in folder.iterdir()
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A record file (one valid record, one refused), a table and its mapping, Wikidata JSON."""
    (tmp_path / "in.jsonl").write_bytes(jsonl(record("a"), record("b", kind="twin town")))
    (tmp_path / "t.csv").write_bytes((DATA / "table_twintowns_sample.csv").read_bytes())
    (tmp_path / "m.toml").write_bytes((DATA / "table_twintowns.toml").read_bytes())
    (tmp_path / "w.json").write_bytes((DATA / "wikidata_pairs.json").read_bytes())
    return tmp_path


# -- an output that is an input ------------------------------------------------------------------

WRITERS: list[tuple[str, Callable[[Path, str], list[str]]]] = [
    ("convert", lambda t, out: ["convert", "--skip-invalid", str(t / "in.jsonl"), out]),
    ("timeline", lambda t, out: ["timeline", str(t / "in.jsonl"), "-o", out]),
    (
        "table",
        lambda t, out: ["import", "table", str(t / "t.csv"), "--map", str(t / "m.toml"), "-o", out],
    ),
    ("wikidata", lambda t, out: ["import", "wikidata", str(t / "w.json"), "-o", out]),
]
SAME_FILES = [
    ("convert", "in.jsonl"),
    ("timeline", "in.jsonl"),
    ("table", "t.csv"),
    ("table", "m.toml"),
    ("wikidata", "w.json"),
]


@pytest.mark.parametrize(("command", "victim"), SAME_FILES)
@pytest.mark.parametrize("spelling", ["plain", "dotted", "hard link", "symlink"])
def test_an_input_as_output_is_refused_before_anything_is_written(
    inputs: Path, capsys: pytest.CaptureFixture[str], command: str, victim: str, spelling: str
) -> None:
    """'An output path that is the same file as an input (or as the mapping file) is refused
    with status 2 before anything is written.'"""
    target = inputs / victim
    if spelling == "dotted":
        out = str(inputs / "." / ".." / inputs.name / victim)
    elif spelling == "hard link":
        os.link(target, inputs / "hard")
        out = str(inputs / "hard")
    elif spelling == "symlink":
        (inputs / "soft").symlink_to(victim)
        out = str(inputs / "soft")
    else:
        out = str(target)
    before = snapshot(inputs)
    make = dict(WRITERS)[command]
    status, stdout, err = call(capsys, *make(inputs, out))
    assert status == 2
    assert "same file" in err and len(err.splitlines()) == 1
    assert stdout == ""
    assert snapshot(inputs) == before
    assert leftovers(inputs) == []


_ALL_WRITERS = [
    *WRITERS,
    ("export", lambda t, out: ["export", str(t / "in.jsonl"), "-o", out + ".csv"]),
    ("stats --plot", lambda t, out: ["stats", str(t / "in.jsonl"), "--plot", out + ".svg"]),
]


@pytest.mark.parametrize(("command", "make"), _ALL_WRITERS)
def test_an_output_in_a_missing_folder_is_refused_before_anything_is_printed(
    inputs: Path, capsys: pytest.CaptureFixture[str], command: str, make: Any
) -> None:
    """Every command that writes a file checks its folder first: 'stats --plot' printed its
    whole report and only then failed to write the picture."""
    before = snapshot(inputs)
    status, stdout, err = call(capsys, *make(inputs, str(inputs / "missing" / "out")))
    assert status == 2, err
    assert stdout == "" and "no such folder" in err and len(err.splitlines()) == 1
    assert snapshot(inputs) == before
    # a 'folder' that is a file is named so
    status, stdout, err = call(capsys, *make(inputs, str(inputs / "in.jsonl" / "out")))
    assert status == 2 and stdout == "" and "not a folder" in err
    assert snapshot(inputs) == before


# -- symlinks, devices, FIFOs, standard output ---------------------------------------------------


@pytest.mark.parametrize(("command", "make"), WRITERS)
def test_a_symlinked_output_is_followed(
    inputs: Path, capsys: pytest.CaptureFixture[str], command: str, make: Any
) -> None:
    """'A symlink as output is followed: the link stays and its target is replaced.'"""
    (inputs / "real").mkdir()
    target = inputs / "real" / ("out.svg" if command == "timeline" else "out.jsonl")
    target.write_bytes(b"old\n")
    link = inputs / "link.jsonl"
    link.symlink_to(target)
    status, _, _ = call(capsys, *make(inputs, str(link)))
    assert status in (0, 1)
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes() not in (b"", b"old\n")
    assert leftovers(inputs) == []


@pytest.mark.parametrize(("command", "make"), WRITERS)
def test_a_symlink_to_the_null_device_is_written_as_a_stream(
    inputs: Path, capsys: pytest.CaptureFixture[str], command: str, make: Any
) -> None:
    """'An output that is not a regular file (/dev/null ...) is written to as a stream,
    never replaced.'"""
    link = inputs / "null.jsonl"
    link.symlink_to(os.devnull)
    before = os.stat(os.devnull)
    status, _, _ = call(capsys, *make(inputs, str(link)))
    assert status in (0, 1)
    after = os.stat(os.devnull)
    assert link.is_symlink() and os.readlink(link) == os.devnull
    assert (after.st_ino, after.st_dev, after.st_rdev) == (
        before.st_ino,
        before.st_dev,
        before.st_rdev,
    )
    assert leftovers(inputs) == []


@pytest.mark.parametrize(("command", "make"), WRITERS)
def test_a_fifo_is_written_as_a_stream(inputs: Path, command: str, make: Any) -> None:
    fifo = inputs / "pipe.jsonl"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    done = run(*make(inputs, str(fifo)))
    reader.join(timeout=60)
    assert done.returncode in (0, 1), done.stderr
    assert b"Traceback" not in done.stderr
    assert stat_is_fifo(fifo)
    assert got and got[0].startswith(b"<?xml" if command == "timeline" else b'{"id":')
    assert leftovers(inputs) == []


def stat_is_fifo(path: Path) -> bool:
    import stat

    return stat.S_ISFIFO(path.lstat().st_mode)


@pytest.mark.parametrize(("command", "make"), WRITERS)
def test_dash_is_standard_output_and_messages_go_to_stderr(
    inputs: Path, command: str, make: Any
) -> None:
    """'`-` as an output ... is standard output, and then every message goes to stderr.'"""
    done = run(*make(inputs, "-"), cwd=inputs)
    assert done.returncode in (0, 1), done.stderr
    assert not (inputs / "-").exists()
    if command == "timeline":
        ET.fromstring(done.stdout)
    else:
        for line in done.stdout.splitlines():
            sc.from_dict(json.loads(line))  # every line a record: no message among them
        assert done.stdout
    assert done.stderr.strip()
    assert b"Traceback" not in done.stderr


def test_convert_to_dash_takes_the_output_format(inputs: Path) -> None:
    done = run("convert", "--skip-invalid", "--output-format", "csv", str(inputs / "in.jsonl"), "-")
    assert done.returncode == 1  # one record refused
    rows = list(csv.reader(stdio.StringIO(done.stdout.decode("utf-8-sig"))))
    assert rows[0] == list(recordio.CSV_HEADER)
    assert [row[0] for row in rows[1:]] == ["a"]
    assert b"'b'" in done.stderr and b"wrote 1 of 2 records" in done.stderr


COMMANDS_TO_STDOUT: list[Callable[[Path], list[str]]] = [
    lambda t: ["validate", str(t / "in.jsonl")],
    lambda t: ["schema"],
    lambda t: ["rules"],
    lambda t: ["show", "--today", TODAY, str(t / "in.jsonl")],
    lambda t: ["convert", "--skip-invalid", str(t / "in.jsonl"), "-"],
    lambda t: ["timeline", "--today", TODAY, str(t / "in.jsonl")],
    lambda t: ["timeline", "--today", TODAY, str(t / "in.jsonl"), "-o", "-"],
    lambda t: ["import", "table", str(t / "t.csv"), "--map", str(t / "m.toml"), "-o", "-"],
    lambda t: ["import", "wikidata", str(t / "w.json"), "-o", "-"],
]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("make", COMMANDS_TO_STDOUT)
def test_standard_output_that_fails_is_one_line_and_status_2(inputs: Path, make: Any) -> None:
    """'Standard output that fails (> /dev/full): one line and status 2.'"""
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "sistercity", *make(inputs)],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    errors = [line for line in done.stderr.decode().splitlines() if "cannot write" in line]
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
    assert len(errors) == 1


# -- signals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    """'SIGINT, SIGTERM and SIGHUP leave no temporary file behind (exit status 128 + the
    signal's number).'"""
    big = tmp_path / "big.jsonl"
    with big.open("wb") as out:
        for n in range(60_000):
            out.write(jsonl(record(f"r-{n}")))
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "sistercity", "convert", "--no-collection", str(big), str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not leftovers(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert leftovers(tmp_path), "the second pass never started"
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, err
    assert b"Traceback" not in err
    assert leftovers(tmp_path) == []
    assert target.read_bytes() == b"old\n"


# -- what the data holds: terminals, spreadsheets, XML -------------------------------------------

hostile_text = st.text(
    alphabet=st.sampled_from([*sorted(UNSAFE), "\ufffe", "\uffff", "a", " ", "=", "<", "&"]),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(notes=hostile_text, reason=hostile_text, term=hostile_text, source=hostile_text)
def test_show_never_prints_a_control_character(
    notes: str, reason: str, term: str, source: str
) -> None:
    """'Human-readable output (..., show, ...) shows C0 and C1 control characters and
    bidirectional overrides escaped, never raw.'"""
    agreement = sc.Agreement(
        id="a",
        kind="twinning",
        term=term or None,
        parties=[sc.City("Glasgow", "GB"), sc.City("Nuremberg", "DE")],
        events=[
            sc.Event("signed", "1985"),
            sc.Event("suspended", "2022", reason=reason or None, source=source or None),
        ],
        notes=notes or None,
    )
    text = show_text(agreement, dt.date(2024, 12, 31))
    assert not UNSAFE & (set(text) - {"\n"})
    # every line is where show put it: data cannot add a line or rewrite one
    lines = text.split("\n")
    status_lines = [line for line in lines if "status now" in line]
    assert status_lines == ["  status now (2024-12-31): suspended"]


def test_show_on_a_file_that_rewrites_the_status_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = "see minutes\x1b[3A\r\x1b[2K  status now (2024-12-31): active\x1b[3B\r\x1b[2K"
    events = [
        {"type": "signed", "date": "1986"},
        {"type": "suspended", "date": "2022-03-02", "reason": "war\u202e"},
    ]
    (tmp_path / "f.jsonl").write_bytes(jsonl(record("f", notes=forged, events=events)))
    status, out, _ = call(capsys, "show", "--today", TODAY, str(tmp_path / "f.jsonl"))
    assert status == 0
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "see minutes\\x1b[3A\\x0d\\x1b[2K" in out
    assert "war\\u202e" in out


def test_messages_show_hostile_file_names_escaped(
    inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = inputs / "o\x1b]0;x\x07.jsonl"
    status, stdout, err = call(
        capsys, "convert", "--skip-invalid", str(inputs / "in.jsonl"), str(out)
    )
    assert status == 1 and out.exists()
    assert "\x1b" not in stdout + err and "\\x1b]0;x\\x07" in stdout


@settings(max_examples=60, deadline=None)
@given(title=hostile_text, desc=hostile_text, label=hostile_text, attr=hostile_text)
def test_svg_is_well_formed_whatever_the_text(title: str, desc: str, label: str, attr: str) -> None:
    """'SVG pictures are well-formed XML whatever the data (a character XML 1.0 cannot hold
    is shown as U+FFFD).'"""
    canvas = Canvas(100, 50, title=title, desc=desc or None)
    group = canvas.group(canvas.root, title=label, data_note=attr)
    canvas.text(group, 1, 2, label, class_=attr)
    root = ET.fromstring(canvas.to_string().encode("utf-8"))
    texts = [(el.text or "").strip("\n ") for el in root.iter()]  # less the indentation
    texts += [value for el in root.iter() for value in el.attrib.values()]
    assert not any(UNSAFE & set(text) for text in texts)


@settings(max_examples=30, deadline=None)
@given(term=hostile_text, reason=hostile_text, title=hostile_text)
def test_timeline_is_well_formed_whatever_the_records(term: str, reason: str, title: str) -> None:
    agreement = sc.Agreement(
        id="a",
        kind="twinning",
        term=term or None,
        parties=[sc.City("Glasgow", "GB"), sc.City("Nuremberg", "DE")],
        events=[sc.Event("signed", "1985"), sc.Event("suspended", "2022", reason=reason or None)],
    )
    svg = render([agreement], today="2024-12-31", title=title)
    ET.fromstring(svg.encode("utf-8"))


def test_timeline_command_on_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "bad\x01\x07\x0b\x1b[31mred\x00\ufffe\uffff"
    events = [
        {"type": "signed", "date": "1962"},
        {"type": "suspended", "date": "2022", "reason": bad},
    ]
    (tmp_path / "c.jsonl").write_bytes(jsonl(record("c", term=bad, notes=bad, events=events)))
    status, _, _ = call(
        capsys,
        "timeline",
        "--today",
        TODAY,
        str(tmp_path / "c.jsonl"),
        "-o",
        str(tmp_path / "c.svg"),
    )
    assert status == 0
    svg = (tmp_path / "c.svg").read_bytes()
    ET.fromstring(svg)
    assert "bad\\x01\\x07\\x0b\\x1b[31mred\\x00\ufffd\ufffd".encode() in svg


FORMULAS = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_escape_formulas_prefixes_each_kind_of_formula_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'convert --escape-formulas prefixes a cell that starts with =, +, -, @, a tab or a
    carriage return with '.'"""
    records = [
        record(f"f{n}", term=f, notes=f, events=[{"type": "signed", "date": "1985", "reason": "x"}])
        for n, f in enumerate(FORMULAS)
    ]
    records.append(record("plain", term="Partnerschaft", notes="ok = fine"))
    (tmp_path / "in.jsonl").write_bytes(jsonl(*records))
    status, _, _ = call(
        capsys, "convert", "--escape-formulas", str(tmp_path / "in.jsonl"), str(tmp_path / "o.csv")
    )
    assert status == 0
    rows = list(
        csv.DictReader(
            stdio.StringIO((tmp_path / "o.csv").read_bytes().decode("utf-8-sig"), newline="")
        )
    )
    by_id = {row["id"]: row for row in rows}
    for n, formula in enumerate(FORMULAS):
        assert by_id[f"f{n}"]["term"] == "'" + formula
        assert by_id[f"f{n}"]["notes"] == "'" + formula
    assert by_id["plain"]["term"] == "Partnerschaft"
    assert by_id["plain"]["notes"] == "ok = fine"


def test_without_escape_formulas_csv_stays_lossless(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Without the option, CSV output stays lossless.'"""
    records = [record(f"f{n}", term=f, notes=f) for n, f in enumerate(FORMULAS)]
    (tmp_path / "in.jsonl").write_bytes(jsonl(*records))
    assert call(capsys, "convert", str(tmp_path / "in.jsonl"), str(tmp_path / "o.csv"))[0] == 0
    assert recordio.load(tmp_path / "o.csv") == recordio.load(tmp_path / "in.jsonl")


@pytest.mark.parametrize("out", ["o.json", "o.jsonl", "-"])
def test_escape_formulas_is_refused_for_json(
    inputs: Path, capsys: pytest.CaptureFixture[str], out: str
) -> None:
    target = str(inputs / out) if out != "-" else out
    status, stdout, err = call(
        capsys, "convert", "--escape-formulas", str(inputs / "in.jsonl"), target
    )
    assert status == 2 and stdout == ""
    assert "CSV output only" in err
    assert not (inputs / out).exists()


def test_the_library_escapes_formulas_for_csv_only() -> None:
    agreement = sc.from_dict(record("x", notes="=cmd|' /C calc'!A0"))
    assert b"'=cmd" in recordio.dumps([agreement], "csv", escape_formulas=True)
    assert b"'=cmd" not in recordio.dumps([agreement], "csv")
    with pytest.raises(ValueError, match="CSV only"):
        recordio.dumps([agreement], "jsonl", escape_formulas=True)


@pytest.mark.parametrize(
    ("closed", "args", "said"),
    [
        (0, ["validate", "-"], "standard input is closed"),
        (0, ["validate"], "standard input is closed"),
        (0, ["convert", "-", "out.jsonl"], "standard input is closed"),
        (1, ["validate", "in.jsonl"], "standard output is closed"),
        (1, ["rules"], "standard output is closed"),
    ],
)
def test_a_closed_standard_stream_is_one_line_and_status_2(
    inputs: Path, closed: int, args: list[str], said: str
) -> None:
    """Started with standard input or output closed (``<&-``, ``>&-``), Python's ``sys.stdin``
    or ``sys.stdout`` is None: that was an AttributeError traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "sistercity", *args],
        cwd=inputs,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE if closed == 0 else None,
        preexec_fn=lambda: os.close(closed),  # POSIX only, as this test is
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert said in done.stderr.decode() and b"Traceback" not in done.stderr
    assert leftovers(inputs) == [] and not (inputs / "out.jsonl").exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda t, out: ["timeline", str(t / "in.jsonl"), "-o", out],
        lambda t, out: ["stats", str(t / "in.jsonl"), "--plot", out],
    ],
)
def test_a_picture_named_for_another_format_is_refused(
    inputs: Path, capsys: pytest.CaptureFixture[str], make: Any
) -> None:
    """The pictures are SVG: '-o t.png' wrote SVG into t.png. '.SVG' is fine."""
    status, stdout, err = call(capsys, *make(inputs, str(inputs / "t.png")))
    assert status == 2 and stdout == "" and "draws SVG pictures" in err
    assert not (inputs / "t.png").exists()
    status, _, err = call(capsys, *make(inputs, str(inputs / "t.SVG")))
    assert (inputs / "t.SVG").read_bytes().startswith(b"<"), err
