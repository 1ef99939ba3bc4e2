"""Kinds an outside probe found: each a whole kind, tested with inputs of our own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import sistercity as sc

RECORD = {
    "id": "a",
    "kind": "twinning",
    "parties": [{"name": "A", "country": "GB"}, {"name": "B", "country": "FR"}],
    "events": [{"type": "signed", "date": "1990"}],
    "sources": ["https://example.org"],
}


def run(*args: str, cwd: Path, stdout: int | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sistercity", *args],
        cwd=cwd,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
    )


def test_a_file_name_that_is_not_utf8_does_not_break_the_json_or_junit_report(
    tmp_path: Path,
) -> None:
    name = os.fsdecode(b"bad\xff.jsonl")
    (tmp_path / name).write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    for fmt in ("json", "junit"):
        done = run("validate", "--format", fmt, "--today", "2026", name, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert b"Traceback" not in done.stderr
        if fmt == "json":
            assert json.loads(done.stdout)["files"][0]["path"] == "bad\\udcff.jsonl"
        else:
            ET.fromstring(done.stdout)


@pytest.mark.parametrize("command", ["timeline", "convert"])
def test_standard_output_that_is_the_input_file_is_refused(tmp_path: Path, command: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    before = source.read_bytes()
    args = [command, "in.jsonl"] + (["-"] if command == "convert" else [])
    fd = os.open(source, os.O_RDWR)  # as the shell's 1<>in.jsonl: no truncation
    try:
        done = run(*args, cwd=tmp_path, stdout=fd)
    finally:
        os.close(fd)
    assert done.returncode == 2
    assert b"standard output is the same file as the input" in done.stderr
    assert source.read_bytes() == before


def test_an_enormous_max_record_bytes_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    done = run("validate", "--max-record-bytes", "9" * 25, "in.jsonl", cwd=tmp_path)
    assert done.returncode == 2
    assert b"at most" in done.stderr and b"Traceback" not in done.stderr


def test_importers_refuse_an_input_larger_than_they_read(tmp_path: Path) -> None:
    from sistercity.importers import ImportFailed, read_input

    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    with pytest.raises(ImportFailed, match="longer than 0 MiB"):
        read_input(str(big), "a Wikidata JSON file", limit=1024)
    assert read_input(str(big), "a Wikidata JSON file", limit=4096) == b" " * 2048


def test_graphml_and_gexf_are_well_formed_whatever_the_names(tmp_path: Path) -> None:
    pytest.importorskip("networkx")
    from sistercity.export import render

    link = sc.from_dict(
        {**RECORD, "parties": [{"name": "A\ufffe\uffff", "country": "GB"}, RECORD["parties"][1]]}
    )
    for fmt in ("graphml", "gexf"):
        ET.fromstring(render([link], fmt, today="2026").encode("utf-8"))


def test_stats_refuses_to_mix_its_picture_with_its_stats_on_stdout(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    done = run("stats", "in.jsonl", "--plot", "-", cwd=tmp_path)
    assert done.returncode == 2
    assert b"--plot -" in done.stderr


@pytest.mark.parametrize("sources", [{"s1", "s2"}, frozenset({"s1"})])
def test_a_set_for_a_list_field_is_refused(sources: object) -> None:
    parties = [sc.City("A", "GB"), sc.City("B", "FR")]
    with pytest.raises(sc.InvalidAgreement, match=r"\$\.sources"):
        sc.Agreement("a", "twinning", parties, sources=sources)  # type: ignore[arg-type]


def test_extensions_that_are_not_a_mapping_are_refused() -> None:
    with pytest.raises(sc.InvalidAgreement, match="'extensions' must be a mapping"):
        sc.City("A", "GB", extensions="x-a")  # type: ignore[arg-type]


def test_a_csv_row_with_an_unclosed_quote_names_the_lines_it_swallowed(tmp_path: Path) -> None:
    """Never a silent drop: the broken row's issue says which lines it joined."""
    from sistercity import io as recordio

    links = [sc.from_dict({**RECORD, "id": f"r{i}", "notes": "a, b"}) for i in (1, 2)]
    lines = recordio.dumps(links, "csv").split(b"\r\n")
    broken = b"\r\n".join([lines[0], b'r0,twinning,"never closed', *lines[1:]])
    path = tmp_path / "in.csv"
    path.write_bytes(broken)
    report = sc.validate_file(path, today="2026")
    malformed = [i for i in report.issues if i.rule == "malformed-record"]
    assert len(malformed) == 1
    assert malformed[0].line == 2
    assert "from line 2 to line 3" in malformed[0].message
    assert report.summary["valid"] == 1  # the row after the swallowed line is read


def test_a_deeply_nested_value_for_a_vocabulary_field_is_malformed_record() -> None:
    """enum's own error shows the value's repr, which a deep value cannot give."""
    deep: object = 1
    for _ in range(3000):
        deep = [deep]
    parties = [sc.City("A", "GB"), sc.City("B", "FR")]
    builders = (
        lambda: sc.Event(type=deep),
        lambda: sc.City("A", "GB", level=deep),  # type: ignore[arg-type]
        lambda: sc.Agreement("a", deep, parties),
    )
    for build in builders:
        with pytest.raises(sc.InvalidAgreement, match="must be a string"):
            build()
