"""``sistercity import wikidata|table`` (SPEC §6, §7): output, messages, counts, status."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sistercity.cli import main
from sistercity.cli._import import add_parser

DATA = Path(__file__).parent / "data"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sistercity")
    add_parser(parser.add_subparsers())
    return parser.parse_args(argv)


def run_handler(*argv: str) -> int:
    args = parse(*argv)
    status: int = args.handler(args)
    return status


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_table_handler(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    status = run_handler(
        "import", "table", str(DATA / "table_cases.tsv"),
        "--map", str(DATA / "table_cases.toml"), "-o", str(out),
    )  # fmt: skip
    assert status == 1  # some rows refused
    err = capsys.readouterr().out.splitlines()
    tsv = str(DATA / "table_cases.tsv")
    assert f"{tsv}:7: error[unresolved-reference] $.parties[0].country: column 'city_country': " \
           "'Prussia' is not a country name or code that resolves" in "\n".join(err)  # fmt: skip
    assert any(line.startswith(f"{tsv}:9: error[duplicate-party] $.parties[1]: ") for line in err)
    assert any(line.startswith(f"{tsv}:11: warning[unmapped-term] $.term: ") for line in err)
    assert err[-5:] == [
        "rows read: 17",
        f"records written: 10 (to {out})",
        "rows refused: 4 (duplicate-party 1, unresolved-reference 3)",
        "duplicates merged: 3",
        "issues: 4 errors, 3 warnings",
    ]
    written = lines(out)
    assert len(written) == 10
    assert written[0]["id"] == "gb-manchester-ru-saint-petersburg-friendship-1962"
    assert out.read_bytes().endswith(b"}\n")


def test_output_validates_with_sistercity_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert run_handler(
        "import", "wikidata", str(DATA / "wikidata_pairs.json"), "-o", str(out)
    ) == 1  # fmt: skip
    capsys.readouterr()
    assert main(["validate", "--no-collection", str(out)]) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.startswith("records: 6, valid: 6, invalid: 0, errors: 0")


def test_wikidata_all_imported_is_status_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    status = main(["import", "wikidata", str(DATA / "wikidata_sparql.json"), "-o", str(out)])
    err = capsys.readouterr().out.splitlines()
    assert status == 1  # Q5 has no label: refused
    assert "statements read: 5" in err
    assert "statements skipped: 1 (deprecated-statement 1)" in err
    assert [r["id"] for r in lines(out)] == ["wikidata-Q1-Q2", "wikidata-Q1-Q6"]
    # the same, without the unlabelled statement: nothing refused
    data = json.loads((DATA / "wikidata_sparql.json").read_text(encoding="utf-8"))
    data["results"]["bindings"] = [
        b for b in data["results"]["bindings"] if not b["statement"]["value"].endswith("Q1-d")
    ]
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps(data), encoding="utf-8")
    assert main(["import", "wikidata", str(clean), "-o", str(out)]) == 0
    assert "statements refused: 0" in capsys.readouterr().out.splitlines()


def test_lang_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    main(["import", "wikidata", str(DATA / "wikidata_pairs.json"), "--lang", "de", "-o", str(out)])
    capsys.readouterr()
    assert lines(out)[0]["parties"] == [
        {"name": "Aston-de", "country": "DE", "wikidata": "Q1"},
        {"name": "Bergheim-de", "country": "PL", "wikidata": "Q2"},
    ]


def test_weimar_says_why_statement_by_statement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["import", "wikidata", str(DATA / "wikidata_weimar.json"), "-o", str(out)]) == 1
    err = capsys.readouterr().out.splitlines()
    refusals = [line for line in err if "error[unresolved-reference]" in line]
    assert len(refusals) == 10  # two reasons for each of the 5 statements
    assert out.read_text(encoding="utf-8") == ""
    assert "statements refused: 5 (unresolved-reference 5)" in err


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ('[columns]\na.name = "city"\n', "needs a.country"),
        ("[columns\n", "not a valid TOML file"),
    ],
)
def test_bad_mapping_is_status_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mapping: str, expected: str
) -> None:
    (tmp_path / "m.toml").write_text(mapping, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    status = main(
        ["import", "table", str(DATA / "table_cases.tsv"), "--map", str(tmp_path / "m.toml"),
         "-o", str(out)]
    )  # fmt: skip
    assert status == 2
    assert expected in capsys.readouterr().err
    assert not out.exists()


def test_column_not_in_header_is_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = (DATA / "table_cases.toml").read_text(encoding="utf-8").replace('"url"', '"URL"')
    (tmp_path / "m.toml").write_text(mapping, encoding="utf-8")
    status = main(
        ["import", "table", str(DATA / "table_cases.tsv"), "--map", str(tmp_path / "m.toml"),
         "-o", str(tmp_path / "out.jsonl")]
    )  # fmt: skip
    assert status == 2
    err = capsys.readouterr().err
    assert "'URL', which is not in the header" in err and "did you mean 'url'?" in err


def test_missing_input_is_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["import", "wikidata", str(tmp_path / "absent.json"), "-o", str(out)]) == 2
    assert "absent.json: cannot read" in capsys.readouterr().err
    assert not out.exists()


def test_output_is_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["import", "wikidata", str(DATA / "wikidata_pairs.json"), "-o", str(tmp_path)])
    assert status == 2
    assert "is a directory" in capsys.readouterr().err


def test_existing_output_is_replaced_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old content\n", encoding="utf-8")
    assert main(["import", "wikidata", str(tmp_path / "absent.json"), "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "old content\n"
    main(["import", "wikidata", str(DATA / "wikidata_pairs.json"), "-o", str(out)])
    capsys.readouterr()
    assert len(lines(out)) == 6


def test_python_dash_m(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "sistercity", "import", "table",
         str(DATA / "table_twintowns_sample.csv"), "--map", str(DATA / "table_twintowns.toml"),
         "-o", str(out)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr + done.stdout
    assert "rows read: 14" in done.stdout.splitlines()
    assert len(lines(out)) == 11
