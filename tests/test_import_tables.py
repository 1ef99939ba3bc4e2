"""The table importer (SPEC §7): mapping files, rows, countries, merging, ids."""

from __future__ import annotations

import csv
import gettext
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sistercity import Issue, validate
from sistercity.cli import main as cli_main
from sistercity.importers import ImportFailed, ImportResult, MappingError, import_table
from sistercity.importers.countries import nearest_name, resolve_country
from sistercity.importers.tables import load_mapping

DATA = Path(__file__).parent / "data"
CASES = DATA / "table_cases.tsv"
CASES_MAP = DATA / "table_cases.toml"
SAMPLE = DATA / "table_twintowns_sample.csv"
SAMPLE_MAP = DATA / "table_twintowns.toml"


def by_line(result: ImportResult) -> dict[int, list[Issue]]:
    out: dict[int, list[Issue]] = {}
    for issue in result.issues:
        assert issue.line is not None
        out.setdefault(issue.line, []).append(issue)
    return out


def record(result: ImportResult, rid: str) -> dict[str, Any]:
    found = [r for r in result.records if r["id"] == rid]
    assert len(found) == 1, [r["id"] for r in result.records]
    return found[0]


# --------------------------------------------------------------------------------------------
# Hand-made cases
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases() -> ImportResult:
    return import_table(CASES, CASES_MAP)


def test_cases_counts(cases: ImportResult) -> None:
    assert cases.read == 17
    assert len(cases.records) == 10
    assert cases.refused == {"unresolved-reference": 3, "duplicate-party": 1}
    assert cases.merged == 3


def test_pair_in_both_orders_merges_and_keeps_every_line(cases: ImportResult) -> None:
    assert record(cases, "gb-manchester-ru-saint-petersburg-friendship-1962") == {
        "id": "gb-manchester-ru-saint-petersburg-friendship-1962",
        "kind": "friendship",
        "term": "friendship agreement",
        "parties": [
            {"name": "Manchester", "country": "GB"},
            {"name": "Saint Petersburg", "country": "RU"},
        ],
        "events": [
            {"type": "signed", "date": "1962"},
            {"type": "terminated", "date": "2022-02-26", "reason": "Russian invasion of Ukraine"},
        ],
        "sources": ["https://www.manchester.gov.uk/", "https://example.org/2"],
        "x-source-lines": [2, 3],
    }


@pytest.mark.parametrize(
    ("rid", "parties"),
    [
        (
            "gb-gb-sct-glasgow-ru-rostov-on-don-twinning-1986",
            [("Glasgow", "GB", "GB-SCT"), ("Rostov-on-Don", "RU", None)],
        ),
        ("ie-cork-ge-tbilisi-twinning-1962-05", [("Cork", "IE", None), ("Tbilisi", "GE", None)]),
        (
            "de-kassel-kr-gwangju-twinning-2022-02-26",
            [("Kassel", "DE", None), ("Gwangju", "KR", None)],
        ),
        ("de-dresden-bg-varna-twinning-1990", [("Dresden", "DE", None), ("Varna", "BG", None)]),
        (
            "gb-gb-wls-cardiff-fr-nantes-twinning-1964",
            [("Cardiff", "GB", "GB-WLS"), ("Nantes", "FR", None)],
        ),
    ],
)
def test_country_spellings_resolve(
    cases: ImportResult, rid: str, parties: list[tuple[str, str, str | None]]
) -> None:
    """SPEC §7: "Scotland, United Kingdom" gives GB with the subdivision GB-SCT."""
    found = record(cases, rid)
    assert [(p["name"], p["country"], p.get("subdivision")) for p in found["parties"]] == parties


def test_dates_in_words_keep_their_precision(cases: ImportResult) -> None:
    assert record(cases, "ie-cork-ge-tbilisi-twinning-1962-05")["events"] == [
        {"type": "signed", "date": "1962-05"}
    ]
    assert record(cases, "de-kassel-kr-gwangju-twinning-2022-02-26")["events"] == [
        {"type": "signed", "date": "2022-02-26"}
    ]


def test_unknown_term_is_unspecified_with_a_warning(cases: ImportResult) -> None:
    found = record(cases, "de-koln-fr-lille-unspecified-1958")
    assert (found["kind"], found["term"]) == ("unspecified", "Städtebündnis")
    (issue,) = by_line(cases)[11]
    assert (issue.rule, issue.severity.value, issue.path) == ("unmapped-term", "warning", "$.term")
    assert "'Städtebündnis'" in issue.message and "[terms]" in issue.message


def test_finer_date_wins_and_a_conflict_is_marked(cases: ImportResult) -> None:
    found = record(cases, "de-koln-fr-lille-twinning-1958-05")
    assert found["x-source-lines"] == [12, 13, 14]
    assert found["events"] == [{"type": "signed", "date": "1958-05?"}]
    assert found["notes"] == "a note; signed also given as 1960 (line 14)"
    assert found["sources"] == ["https://example.org/koeln", "https://example.org/lille"]
    (issue,) = by_line(cases)[14]
    assert issue.rule == "conflicting-statements"
    assert "line 13 gave 1958-05" in issue.message


def test_refused_rows_name_line_column_and_reason(cases: ImportResult) -> None:
    lines = by_line(cases)
    (prussia,) = lines[7]
    assert (prussia.rule, prussia.path) == ("unresolved-reference", "$.parties[0].country")
    assert "column 'city_country'" in prussia.message
    assert "'Prussia'" in prussia.message
    assert "nearest known name is 'Russia' (RU)" in prussia.message
    assert '"Prussia" = "RU"' in prussia.message
    (same,) = lines[9]
    assert (same.rule, same.path) == ("duplicate-party", "$.parties[1]")
    assert "column 'partner'" in same.message
    (date,) = lines[10]
    assert (date.rule, date.path) == ("unresolved-reference", "$.events[0].date")
    assert "column 'start'" in date.message and "'sometime'" in date.message
    (name,) = lines[16]
    assert (name.rule, name.path) == ("unresolved-reference", "$.parties[0].name")
    assert "column 'city' is empty" in name.message
    assert all(issue.file == str(CASES) for issue in cases.issues)


def test_ids_repeat_with_a_suffix_in_file_order(cases: ImportResult) -> None:
    first = record(cases, "de-frankfurt-oder-pl-słubice-twinning-1975")
    second = record(cases, "de-frankfurt-oder-pl-słubice-twinning-1975-2")
    assert first["parties"][0]["name"] == "Frankfurt (Oder)"
    assert second["parties"][0]["name"] == "Frankfurt Oder"


def test_import_is_stable(cases: ImportResult) -> None:
    again = import_table(CASES, CASES_MAP)
    assert again.records == cases.records


def test_every_row_is_a_record_line_or_an_error(cases: ImportResult) -> None:
    """Nothing disappears: each data row is in one record's lines or refused at its line."""
    imported = [line for r in cases.records for line in r["x-source-lines"]]
    refused = {i.line for i in cases.issues if i.is_error and i.line is not None}
    assert sorted(imported + sorted(refused)) == list(range(2, 19))
    assert not set(imported) & refused


def test_output_validates(cases: ImportResult) -> None:
    for found in cases.records:
        assert validate(found).ok


# --------------------------------------------------------------------------------------------
# The real sample
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> ImportResult:
    return import_table(SAMPLE, SAMPLE_MAP)


def test_sample(sample: ImportResult) -> None:
    assert (sample.read, len(sample.records), sample.merged) == (14, 11, 2)
    assert sample.refused == {"unresolved-reference": 1}
    (minsk,) = by_line(sample)[9]
    assert "column 'land' is empty" in minsk.message and "'Minsk'" in minsk.message


def test_sample_kinds_and_mapped_spellings(sample: ImportResult) -> None:
    ids = [r["id"] for r in sample.records]
    assert "de-de-be-berlin-ru-st-petersburg-friendship-2000" in ids
    assert "de-de-be-berlin-ru-st-petersburg-twinning-2000" in ids
    assert record(sample, "de-de-by-abensberg-cz-vratimov-rattimau-friendship-1994")["parties"][
        1
    ] == {
        "name": "Vratimov (Rattimau)",
        "country": "CZ",
    }
    peniche = record(sample, "de-de-ni-cuxhaven-pt-peniche-unspecified-2000")
    assert "term" not in peniche


def test_sample_names(sample: ImportResult) -> None:
    names = {p["name"]: p["country"] for r in sample.records for p in r["parties"][1:]}
    assert names["Witebsk"] == "BY"  # the country came from the name: empty country cell
    assert names["Arlington (Texas)"] == "US"  # a filled cell never changes the name
    assert names["Arlington"] == "US"


def test_sample_duplicate_and_conflict(sample: ImportResult) -> None:
    assert record(sample, "de-de-bw-bad-urach-hu-enying-twinning-2001")["x-source-lines"] == [5, 6]
    celle = record(sample, "de-de-ni-celle-gb-tavistock-twinning-1952")
    assert celle["events"] == [{"type": "signed", "date": "1952?"}]
    assert celle["notes"] == "signed also given as 1977 (line 11)"


def test_the_shipped_example_mapping_fits_the_real_file() -> None:
    """examples/german_partnerships.toml maps TwinTowns_clean.csv, whose header the sample has."""
    mapping = Path(__file__).parent.parent / "examples" / "german_partnerships.toml"
    result = import_table(SAMPLE, mapping)
    assert (result.read, len(result.records), result.merged) == (14, 11, 2)
    assert result.refused == {"unresolved-reference": 1}  # Minsk, with no country: not guessed
    kinds = {r["id"]: r["kind"] for r in result.records}
    assert kinds["de-de-by-abensberg-cz-vratimov-rattimau-friendship-1994"] == "friendship"
    assert kinds["de-de-ni-cuxhaven-pt-peniche-unspecified-2000"] == "unspecified"
    # the Land column gives the subdivision, so the two Liebenaus are two places (SPEC §7:
    # namesakes never merge)
    liebenau = [r for r in result.records if r["parties"][0]["name"] == "Liebenau"]
    assert sorted(r["parties"][0]["subdivision"] for r in liebenau) == ["DE-HE", "DE-NI"]
    assert [r["x-source-lines"] for r in liebenau] == [[14], [15]]


# --------------------------------------------------------------------------------------------
# Mapping files
# --------------------------------------------------------------------------------------------

HEADER = "city,country,partner,land,year\nAachen,DE,Reims,Frankreich,1967\n"
GOOD = """
[columns]
a.name = "city"
a.country = "country"
b.name = "partner"
b.country = "land"
signed = "year"
"""


def run(tmp_path: Path, mapping: str, table: str = HEADER, name: str = "t.csv") -> ImportResult:
    (tmp_path / "m.toml").write_text(mapping, encoding="utf-8")
    (tmp_path / name).write_text(table, encoding="utf-8")
    return import_table(tmp_path / name, tmp_path / "m.toml")


def test_good_mapping(tmp_path: Path) -> None:
    result = run(tmp_path, GOOD)
    assert [r["parties"] for r in result.records] == [
        [{"name": "Aachen", "country": "DE"}, {"name": "Reims", "country": "FR"}]
    ]


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (GOOD + 'sepparator = ","\n', "unknown key 'sepparator'"),
        (GOOD.replace('signed = "year"', 'signd = "year"'), "did you mean 'signed'?"),
        (GOOD.replace('b.country = "land"', ""), "needs b.country"),
        (GOOD.replace('a.name = "city"', ""), "needs a.name"),
        (GOOD.replace('a.name = "city"', 'a.nme = "city"'), "unknown key 'a.nme'"),
        (GOOD + 'term = "year"\nkind = "year"\n', "'term' or 'kind', not both"),
        (GOOD.replace('"land"', '"Land"'), "'Land', which is not in the header"),
        (GOOD + '[terms]\np = "twin"\n', "must map to one of"),
        (GOOD + '[countries]\nEngland = "UK"\n', "ISO 3166-1 alpha-2"),
        (GOOD.replace('"country"', '{ value = "DE", x = 1 }'), '{ value = "..." }'),
        ('delimiter = ";;"\n' + GOOD, "one character"),
        ('encoding = "klingon"\n' + GOOD, "unknown encoding"),
        ('dayfirst = "yes"\n' + GOOD, "'dayfirst' must be true or false"),
        ("[columns\n", "not a valid TOML file"),
    ],
)
def test_bad_mapping_stops_before_any_row(tmp_path: Path, mapping: str, expected: str) -> None:
    # the data row is broken too: the mapping error must come first
    with pytest.raises(MappingError) as info:
        run(tmp_path, mapping, HEADER + '"unterminated\n')
    assert expected in str(info.value)


def test_mapping_errors_are_sistercity_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read the mapping file"):
        load_mapping(tmp_path / "absent.toml")


def test_missing_table_file(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ImportFailed, match="cannot read"):
        import_table(tmp_path / "absent.csv", tmp_path / "m.toml")


def test_constant_countries_tsv_and_country_overrides(tmp_path: Path) -> None:
    mapping = """
[columns]
a.name = "Stadt"
a.country = { value = "Deutschland" }
b.name = "Partner"
b.country = "Land"
kind = "Art"
[countries]
"Tschech.  republik" = "CZ"
"""
    table = "Stadt\tPartner\tLand\tArt\nPassau\tBudweis\tTschech. Republik\tfriendship\n"
    result = run(tmp_path, mapping, table, "t.tsv")
    assert result.records == [
        {
            "id": "de-passau-cz-budweis-friendship",
            "kind": "friendship",
            "parties": [{"name": "Passau", "country": "DE"}, {"name": "Budweis", "country": "CZ"}],
            "events": [{"type": "signed"}],
            "x-source-lines": [2],
        }
    ]


def test_kind_column_refuses_a_term(tmp_path: Path) -> None:
    mapping = GOOD + 'kind = "kind"\n'
    table = "city,country,partner,land,year,kind\nA,DE,B,FR,1990,Partnerschaft\n"
    result = run(tmp_path, mapping, table)
    assert result.records == []
    (issue,) = result.issues
    assert (issue.rule, issue.path, issue.line) == ("unresolved-reference", "$.kind", 2)
    assert "'Partnerschaft'" in issue.message


def test_party_ids_and_levels(tmp_path: Path) -> None:
    mapping = (
        GOOD + 'a.wikidata = "qid"\nb.geonames = "gn"\nb.level = "lvl"\nb.subdivision = "sub"\n'
    )
    table = (
        "city,country,partner,land,year,qid,gn,lvl,sub\n"
        "Berlin,DE,Île-de-France,France,1987,http://www.wikidata.org/entity/Q64,3012874,"
        "Region,fr-idf\n"
        "Berlin,DE,Paris,France,1987,Q64,abc,,\n"
    )
    result = run(tmp_path, mapping, table)
    assert result.records[0]["parties"] == [
        {"name": "Berlin", "country": "DE", "wikidata": "Q64"},
        {
            "name": "Île-de-France",
            "country": "FR",
            "subdivision": "FR-IDF",
            "level": "region",
            "geonames": 3012874,
        },
    ]
    assert result.records[0]["id"] == "q64-geonames-3012874-unspecified-1987"
    (issue,) = [i for i in result.issues if i.is_error]
    assert (issue.line, issue.path) == (3, "$.parties[1].geonames")
    assert "'abc'" in issue.message


@pytest.mark.parametrize(
    ("dayfirst", "expected"),
    [("", None), ("dayfirst = true\n", "1990-05-12"), ("dayfirst = false\n", "1990-12-05")],
)
def test_dayfirst(tmp_path: Path, dayfirst: str, expected: str | None) -> None:
    table = "city,country,partner,land,year\nAachen,DE,Reims,France,12.05.1990\n"
    result = run(tmp_path, dayfirst + GOOD, table)
    if expected is None:
        assert result.records == []
        (issue,) = result.issues
        assert (issue.rule, issue.line) == ("unresolved-reference", 2)
        assert "could be day/month or month/day" in issue.message
    else:
        assert result.records[0]["events"] == [{"type": "signed", "date": expected}]


def test_a_row_with_only_an_end_was_signed(tmp_path: Path) -> None:
    mapping = GOOD + 'terminated = "end"\nproposed = "plan"\nreason = { value = "ended" }\n'
    table = "city,country,partner,land,year,end,plan\nA,DE,B,FR,,1980,\nA,DE,C,FR,,,1999\n"
    result = run(tmp_path, mapping, table)
    assert [r["events"] for r in result.records] == [
        [{"type": "signed"}, {"type": "terminated", "date": "1980", "reason": "ended"}],
        [{"type": "proposed", "date": "1999"}],
    ]


def test_rows_that_break_a_rule_only_once_merged(tmp_path: Path) -> None:
    mapping = GOOD + 'terminated = "end"\nreason = { value = "ended" }\n'
    table = "city,country,partner,land,year,end\nA,DE,B,FR,1990,\nB,FR,A,DE,,1980\n"
    result = run(tmp_path, mapping, table)
    assert result.records == []
    assert result.refused == {"events-out-of-order": 2}
    errors = [i for i in result.issues if i.is_error]
    assert [(i.rule, i.line) for i in errors] == [
        ("events-out-of-order", 2),
        ("events-out-of-order", 3),
    ]
    assert "lines 2, 3 state one agreement" in errors[1].message
    assert "(see line 2)" in errors[1].message


def test_spreadsheet_years(tmp_path: Path) -> None:
    table = "city,country,partner,land,year\nAachen,DE,Reims,France,1967.0\n"
    result = run(tmp_path, GOOD, table)
    assert result.records[0]["events"] == [{"type": "signed", "date": "1967"}]


def test_undecodable_file(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "t.csv").write_bytes(HEADER.encode() + b"K\xf6ln,DE,Lille,France,1958\n")
    with pytest.raises(ImportFailed, match=r"t\.csv:3: not utf-8 text"):
        import_table(tmp_path / "t.csv", tmp_path / "m.toml")


def test_latin1_with_encoding(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('encoding = "latin-1"\n' + GOOD, encoding="utf-8")
    (tmp_path / "t.csv").write_bytes(HEADER.encode() + b"K\xf6ln,DE,Lille,France,1958\n")
    result = import_table(tmp_path / "t.csv", tmp_path / "m.toml")
    assert result.records[1]["parties"][0]["name"] == "Köln"


# --------------------------------------------------------------------------------------------
# Country names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Rußland", "RU"),
        ("Republic of Ireland", "IE"),
        ("Madagaskar", "MG"),
        ("Georgia (country)", "GE"),
        ("Scotland, United Kingdom", "GB"),
        ("Scotland", "GB"),
        ("England", "GB"),
        ("Wales", "GB"),
        ("Südkorea", "KR"),
        ("de", "DE"),
        ("DDR", "DD"),
    ],
)
def test_country_names(name: str, code: str) -> None:
    assert resolve_country(name) == code


@pytest.mark.parametrize("name", ["Prussia", "Tschech. Republik", "Europa", "", "  "])
def test_country_names_never_guessed(name: str) -> None:
    assert resolve_country(name) is None


def test_nearest_name_is_only_a_suggestion() -> None:
    assert nearest_name("Prussia") == ("Russia", "RU")
    assert resolve_country("Prussia") is None


# --------------------------------------------------------------------------------------------
# Property: nothing disappears, and what is written validates
# --------------------------------------------------------------------------------------------

PLACES = [
    ("Aachen", "Deutschland"),
    ("Reims", "Frankreich"),
    ("Toledo", "Spain"),
    ("Toledo", "USA"),
    ("Varna, Bulgaria", ""),
    ("Atlantis", "Atlantis"),
    ("", "DE"),
]
TERMS = ["p", "f", "k", "", "Partnerschaft", "liaison"]
DATES = ["", "1962", "1962-05", "May 1962", "1962?", "someday", "1970"]
ROW = st.tuples(
    st.sampled_from(PLACES), st.sampled_from(PLACES), st.sampled_from(TERMS),
    st.sampled_from(DATES), st.sampled_from(DATES),
)  # fmt: skip
MAPPING = """
[columns]
a.name = "a"
a.country = "ac"
b.name = "b"
b.country = "bc"
term = "t"
signed = "s"
terminated = "e"
reason = { value = "ended" }
source = { value = "https://example.org" }
[terms]
p = "twinning"
f = "friendship"
k = "cooperation"
"""


@settings(max_examples=40, deadline=None)
@given(st.lists(ROW, max_size=12))
def test_rows_are_imported_or_refused_and_output_validates(
    rows: list[tuple[tuple[str, str], tuple[str, str], str, str, str]],
) -> None:
    """SPEC §7: every row is imported (in one record's lines) or refused at its line; every
    record written validates; a pair in either order with one kind is one record."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["a", "ac", "b", "bc", "t", "s", "e"])
    for (a, ac), (b, bc), term, start, end in rows:
        writer.writerow([a, ac, b, bc, term, start, end])
    with tempfile.TemporaryDirectory() as folder:
        result = run(Path(folder), MAPPING, text.getvalue())
    imported = [line for r in result.records for line in r["x-source-lines"]]
    refused = sorted({i.line for i in result.issues if i.is_error if i.line is not None})
    assert len(imported) == len(set(imported))
    assert sorted(imported + refused) == list(range(2, len(rows) + 2))
    assert sum(result.refused.values()) == len(refused)
    assert result.read == len(rows)
    assert result.merged == len(imported) - len(result.records)
    keys = [(frozenset(str(p) for p in r["parties"]), r["kind"]) for r in result.records]
    assert len(keys) == len(set(keys))
    assert len({r["id"] for r in result.records}) == len(result.records)
    for found in result.records:
        assert validate(found).errors == []


# --------------------------------------------------------------------------------------------
# Regions in the country cell and in the name (SPEC §7 tables)
# --------------------------------------------------------------------------------------------

PAIR = """
[columns]
a.name = "a"
a.country = "ac"
b.name = "b"
b.country = "bc"
source = { value = "https://example.org" }
"""


def pairs(tmp_path: Path, rows: list[list[str]], mapping: str = PAIR) -> ImportResult:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["a", "ac", "b", "bc"])
    writer.writerows(rows)
    return run(tmp_path, mapping, text.getvalue())


def places(result: ImportResult) -> list[tuple[str, str, str | None]]:
    return [
        (p["name"], p["country"], p.get("subdivision"))
        for r in result.records
        for p in r["parties"][1:]
    ]


@pytest.mark.parametrize(
    ("cell", "country", "subdivision"),
    [
        ("Bavaria, Germany", "DE", "DE-BY"),  # pycountry's en translation
        ("Bayern, Deutschland", "DE", "DE-BY"),  # pycountry's own name
        ("Texas, USA", "US", "US-TX"),
        ("Ohio, United States", "US", "US-OH"),
        ("Georgia (U.S. state)", "US", "US-GA"),
        ("Georgia (state)", "US", "US-GA"),
        ("Limburg (Belgium)", "BE", "BE-VLI"),
        ("Limburg, Netherlands", "NL", "NL-LI"),
        ("Wales, United Kingdom", "GB", "GB-WLS"),
        ("Georgia (country)", "GE", None),
        ("Georgia", "GE", None),
        ("Luxemburg", "LU", None),  # a country's German name, not the canton of that name
    ],
)
def test_region_in_the_country_cell(
    tmp_path: Path, cell: str, country: str, subdivision: str | None
) -> None:
    result = pairs(tmp_path, [["Kiel", "DE", "Somewhere", cell]])
    assert places(result) == [("Somewhere", country, subdivision)]


def test_unknown_region_stays_in_the_name_and_namesakes_never_merge(tmp_path: Path) -> None:
    result = pairs(
        tmp_path,
        [
            ["Kiel", "DE", "Neustadt", "Upper Nowhere, Germany"],
            ["Kiel", "DE", "Neustadt", "Lower Nowhere, Germany"],
            ["Kiel", "DE", "Neustadt", "Germany"],
        ],
    )
    assert places(result) == [
        ("Neustadt (Upper Nowhere)", "DE", None),
        ("Neustadt (Lower Nowhere)", "DE", None),
        ("Neustadt", "DE", None),
    ]
    assert result.merged == 0 and result.ok


def test_namesakes_in_two_states_are_two_places(tmp_path: Path) -> None:
    """Portland, Oregon and Portland, Maine are not "the same place" (no duplicate-party)."""
    result = pairs(tmp_path, [["Portland", "Oregon, USA", "Portland", "Maine, USA"]])
    assert result.ok, [i.message for i in result.issues]
    ((a, b),) = [r["parties"] for r in result.records]
    assert (a["subdivision"], b["subdivision"]) == ("US-OR", "US-ME")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Macon, Georgia, United States", ("Macon", "US", "US-GA")),
        ("Augusta, Georgia, USA", ("Augusta", "US", "US-GA")),
        ("Rustavi, Georgia (country)", ("Rustavi", "GE", None)),
        ("Dayton, Ohio", ("Dayton", "US", "US-OH")),
        ("Plovdiv, Bulgaria", ("Plovdiv", "BG", None)),
        ("Hrodna (Belarus)", ("Hrodna", "BY", None)),
        ("Neustadt, Nowhere, Germany", ("Neustadt (Nowhere)", "DE", None)),
    ],
)
def test_country_in_the_name(
    tmp_path: Path, name: str, expected: tuple[str, str, str | None]
) -> None:
    assert places(pairs(tmp_path, [["Kiel", "DE", name, ""]])) == [expected]


@pytest.mark.parametrize("name", ["Athens, Georgia", "Augusta, Georgia"])
def test_bare_georgia_after_a_name_is_refused_naming_both(tmp_path: Path, name: str) -> None:
    result = pairs(tmp_path, [["Kutaisi", "Georgia", name, ""]])
    assert result.records == []
    assert result.refused == {"unresolved-reference": 1}
    (issue,) = result.issues
    assert (issue.line, issue.path) == (2, "$.parties[1].country")
    assert "GE" in issue.message and "US-GA" in issue.message


@pytest.mark.parametrize(
    ("cell", "codes"),
    [("Korea", {"KR", "KP"}), ("Congo", {"CG", "CD"}), ("virgin islands", {"VG", "VI"})],
)
def test_a_name_of_two_countries_is_refused_with_the_candidates(
    tmp_path: Path, cell: str, codes: set[str]
) -> None:
    result = pairs(tmp_path, [["Kiel", "DE", "Somewhere", cell]])
    assert result.records == []
    (issue,) = result.issues
    assert issue.rule == "unresolved-reference"
    assert set(re.findall(r"\b([A-Z]{2}) \(", issue.message)) == codes
    assert "[countries]" in issue.message


def test_the_ambiguity_rule_is_pycountrys_names() -> None:
    """SPEC §7: a name stands for more than one country when, case-folded, it equals the part
    before the first comma or parenthesis of the name, official or common name of two or more
    countries. Computed here from pycountry directly; each such name is refused."""
    heads: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                head = re.split(r"[,(]", value)[0].strip().casefold()
                heads.setdefault(head, set()).add(country.alpha_2)
    shared = {head: codes for head, codes in heads.items() if len(codes) > 1}
    assert {"korea", "congo", "virgin islands"} <= set(shared)
    assert not {"sudan", "guinea", "georgia"} & set(shared)
    for head in shared:
        assert resolve_country(head) is None, head
    for single in ("Sudan", "Guinea", "Georgia"):
        assert resolve_country(single) is not None


@pytest.mark.parametrize(
    ("cell", "suggested"), [("Germny", "Germany"), ("Frannce", "France"), ("Polandd", "Poland")]
)
def test_suggestion_is_a_real_country_name(tmp_path: Path, cell: str, suggested: str) -> None:
    result = pairs(tmp_path, [["Kiel", "DE", "Somewhere", cell]])
    (issue,) = result.issues
    near = nearest_name(cell)
    assert near is not None and near[0] == suggested
    assert f"nearest known name is {suggested!r}" in issue.message
    assert f'"{cell}" = "{near[1]}"' in issue.message  # the [countries] line that fixes it


def test_a_country_cell_is_never_a_region_by_a_far_fetched_name(tmp_path: Path) -> None:
    # "Atlantis" is Honduras' Atlántida in some locale: alone, no country is that sure
    result = pairs(tmp_path, [["Kiel", "DE", "Somewhere", "Atlantis"]])
    assert result.records == [] and result.refused == {"unresolved-reference": 1}


def test_suggestions_are_names_pycountry_knows() -> None:
    """Never a library's internal alias (such as 'i  -Italy')."""
    attrs = ("name", "official_name", "common_name")
    real = {str(getattr(c, a)) for c in pycountry.countries for a in attrs if hasattr(c, a)}
    for locale in os.listdir(pycountry.LOCALES_DIR):
        try:
            found = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        except OSError:
            continue
        real |= {found.gettext(c.name) for c in pycountry.countries}
    for text in ("Itly", "i  -Italy", "Prusia", "Germny", "Tschechien Rep", "Sowjetunion"):
        near = nearest_name(text)
        assert near is None or near[0] in real, (text, near)


def test_countries_entry_may_name_a_subdivision(tmp_path: Path) -> None:
    mapping = PAIR + '[countries]\n"Ga." = "US-GA"\n'
    result = pairs(tmp_path, [["Kiel", "DE", "Macon", "Ga."]], mapping)
    assert places(result) == [("Macon", "US", "US-GA")]


def test_subdivision_column_takes_a_code_or_a_name(tmp_path: Path) -> None:
    mapping = PAIR.replace('a.country = "ac"', 'a.country = { value = "DE" }\na.subdivision = "ac"')
    result = pairs(
        tmp_path,
        [["Liebenau", "Hessen", "Liebenau", "Austria"], ["Liebenau", "DE-NI", "Liebenau", "AT"],
         ["Liebenau", "Nowhere", "Liebenau", "AT"]],
        mapping,
    )  # fmt: skip
    found = [(r["parties"][0]["name"], r["parties"][0].get("subdivision")) for r in result.records]
    assert found == [("Liebenau", "DE-HE"), ("Liebenau", "DE-NI"), ("Liebenau (Nowhere)", None)]


# --------------------------------------------------------------------------------------------
# The optional extra (countrynames needs PyICU, which has no wheels)
# --------------------------------------------------------------------------------------------

WITHOUT_EXTRA = """
import sys
sys.modules["countrynames"] = None  # as if sistercity[tables] were not installed
{body}
"""


def test_without_the_extra_import_table_says_which_extra_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "t.csv").write_text(HEADER, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    body = "from sistercity.cli import main\nsys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRA.format(body=body), "import", "table",
         str(tmp_path / "t.csv"), "--map", str(tmp_path / "m.toml"), "-o", str(out)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert "pip install 'sistercity[tables]'" in line
    assert not out.exists()


def test_without_the_extra_the_api_raises_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "t.csv").write_text(HEADER, encoding="utf-8")
    body = f"""
import sistercity.importers as imp
from sistercity import SisterCityError
try:
    imp.import_table({str(tmp_path / "t.csv")!r}, {str(tmp_path / "m.toml")!r})
except imp.MissingExtra as exc:
    assert isinstance(exc, SisterCityError) and isinstance(exc, ImportError)
    print(exc)
"""
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRA.format(body=body)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert "sistercity[tables]" in done.stdout


# --------------------------------------------------------------------------------------------
# Broken tables and mapping files (SPEC §6, hostile input)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"# \xff\xfe not UTF-8\n" + GOOD.encode(), "UTF-8"),
        (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n" + GOOD.encode(), "nested too deeply"),
        (GOOD.encode() + b"[terms]\nn = " + b"7" * 5000 + b"\n", "not a usable TOML file"),
        (b'encoding = "rot13"\n' + GOOD.encode(), "not a text encoding"),
        (b'encoding = "hex"\n' + GOOD.encode(), "not a text encoding"),
        (b'encoding = "utf-8\\u0000"\n' + GOOD.encode(), "'encoding' must name a text encoding"),
        (b'delimiter = "\\""\n' + GOOD.encode(), "'delimiter' must be one character other"),
        (b'delimiter = "\\u0000"\n' + GOOD.encode(), "'delimiter' must be one character other"),
        (b'delimiter = "\\n"\n' + GOOD.encode(), "'delimiter' must be one character other"),
        (b'delimiter = "\\r"\n' + GOOD.encode(), "'delimiter' must be one character other"),
    ],
)
def test_unusable_mapping_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    (tmp_path / "m.toml").write_bytes(content)
    (tmp_path / "t.csv").write_text(HEADER, encoding="utf-8")
    with pytest.raises(MappingError, match=re.escape(expected)):
        import_table(tmp_path / "t.csv", tmp_path / "m.toml")
    out = tmp_path / "out.jsonl"
    argv = ["import", "table", str(tmp_path / "t.csv"), "--map", str(tmp_path / "m.toml")]
    assert cli_main([*argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and expected in err
    assert not out.exists()


def test_unterminated_quote_refuses_its_row_and_reading_goes_on(tmp_path: Path) -> None:
    table = (
        "city,country,partner,land,year\n"
        "Aachen,DE,Reims,Frankreich,1967\n"
        'Bonn,DE,"Oxford,England,1947\n'  # the quote is never closed
        "Köln,DE,Lille,Frankreich,1958\n"
        "Kiel,DE,Vaasa,Finnland,1967\n"
    )
    result = run(tmp_path, GOOD, table)
    assert [r["x-source-lines"] for r in result.records] == [[2], [4], [5]]
    assert result.read == 4
    assert result.refused == {"unresolved-reference": 1}
    (issue,) = [i for i in result.issues if i.is_error]
    assert (issue.rule, issue.line) == ("unresolved-reference", 3)


def test_quote_closed_rows_later_refuses_only_the_garbled_row(tmp_path: Path) -> None:
    table = (
        "city,country,partner,land,year\n"
        'Bonn,DE,"Oxford,England,1947\n'
        "Köln,DE,Lille,Frankreich,1958\n"
        'Kiel,DE,Vaasa,Finnland,"1967"\n'
    )
    result = run(tmp_path, GOOD, table)
    assert result.refused == {"unresolved-reference": 1}
    assert [i.line for i in result.issues if i.is_error] == [2]
    assert [r["x-source-lines"] for r in result.records] == [[3], [4]]


def test_a_multi_line_cell_that_is_closed_is_kept(tmp_path: Path) -> None:
    mapping = GOOD + 'notes = "note"\n'
    table = 'city,country,partner,land,year,note\nBonn,DE,Oxford,England,1947,"two\nlines"\n'
    result = run(tmp_path, mapping, table)
    assert result.ok and result.records[0]["notes"] == "two\nlines"


def test_huge_cells_are_refused_rows_and_the_csv_limit_is_untouched(tmp_path: Path) -> None:
    mapping = GOOD.replace('a.country = "country"', 'a.country = "country"\na.geonames = "geo"')
    limit = csv.field_size_limit()
    table = (
        "city,country,partner,land,year,geo\n"
        f"Aachen,DE,Reims,Frankreich,{'9' * 5000},1\n"
        f"Bonn,DE,Oxford,England,1947,{'9' * 5000}\n"
        f"Köln,DE,Lille,Frankreich,1958,{'x' * (limit + 10)}\n"
        "Kiel,DE,Vaasa,Finnland,1967,2\n"
    )
    result = run(tmp_path, mapping, table)
    assert csv.field_size_limit() == limit
    assert [r["x-source-lines"] for r in result.records] == [[5]]
    assert sorted(i.line or 0 for i in result.issues if i.is_error) == [2, 3, 4]
    assert result.refused == {"unresolved-reference": 3}


@pytest.mark.parametrize("encoding", ["undefined", "punycode"])
def test_a_text_codec_that_fails_is_one_error(tmp_path: Path, encoding: str) -> None:
    with pytest.raises(ImportFailed):
        run(tmp_path, f'encoding = "{encoding}"\n' + GOOD, HEADER + "Bonn,DE,Oxford,England,1947\n")


# --------------------------------------------------------------------------------------------
# The act: body, decided, announced, condition (SPEC §4 Event, §7 mapping keys)
# --------------------------------------------------------------------------------------------

ACTS = """
[columns]
a.name = "stadt"
a.country = "staat"
b.name = "partner"
b.country = "land"
signed = "seit"
suspended = "ruht"
reason = "grund"
source = { value = "https://example.org/list" }
body.suspended = "gremium"
decided.suspended = "beschluss"
announced.suspended = "bekannt"
condition.suspended = "bis"
"""
ACTS_HEADER = "stadt,staat,partner,land,seit,ruht,grund,gremium,beschluss,bekannt,bis\n"


def test_act_columns_fill_the_event(tmp_path: Path) -> None:
    """Dates in act cells are read as date cells are; rows of one pair merge their acts."""
    table = ACTS_HEADER + (
        "Ahlenbach,DE,Borovka,RU,2005-06-09,2022-03-30,Krieg,Rat,30 March 2022,2022-03,"
        "bis auf Weiteres\n"
        # the same pair, from the other side: the same body, a finer 'announced'
        "Borovka,RU,Ahlenbach,DE,,,,Rat,,2022-03-31,\n"
        # a body with no date of its own: the act happened, on a day the row does not give
        "Celleberg,DE,Dubrovo,RU,1988,,,Stadtrat,,,\n"
    )
    result = run(tmp_path, ACTS, table)
    # invented places; the third suspension gives no reason
    assert [(i.rule, i.line) for i in result.issues] == [("missing-reason", 4)]
    first, third = result.records
    assert first["events"][1] == {
        "type": "suspended",
        "date": "2022-03-30",
        "reason": "Krieg",
        "body": "Rat",
        "decided": "2022-03-30",
        "announced": "2022-03-31",
        "condition": "bis auf Weiteres",
    }
    assert third["events"] == [
        {"type": "signed", "date": "1988"},
        {"type": "suspended", "body": "Stadtrat"},
    ]


def test_act_cells_that_disagree_or_break_a_rule(tmp_path: Path) -> None:
    table = ACTS_HEADER + (
        "Ahlenbach,DE,Borovka,RU,2005,2022-03-30,Krieg,Rat,,,\n"
        "Borovka,RU,Ahlenbach,DE,2005,2022-03-30,Krieg,Oberbürgermeisterin,,,\n"
        # decided after it took effect: the row breaks decided-after-effective, at its column
        "Essingen,DE,Fomino,RU,1990,2022-03-01,Krieg,,2022-04-01,,\n"
        # a decided cell that is no date refuses the row, naming the column
        "Gernstadt,DE,Khrapovo,RU,1990,2022-03-01,Krieg,,gestern,,\n"
    )
    result = run(tmp_path, ACTS, table)
    assert [r["events"][1].get("body") for r in result.records] == ["Rat"]
    assert "suspended body also given as Oberbürgermeisterin (line 3)" in result.records[0]["notes"]
    issues = [(i.rule, i.line, i.path) for i in result.issues]
    assert issues == [
        ("conflicting-statements", 3, "$.events"),
        ("decided-after-effective", 4, "$.events[1].decided"),
        ("unresolved-reference", 5, "$.events[1].decided"),
    ]
    assert "(column 'beschluss')" in result.issues[1].message
    assert "'beschluss'" in result.issues[2].message
    assert result.refused == {"decided-after-effective": 1, "unresolved-reference": 1}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("decided.suspended", "decided.sigend"), "unknown key 'decided.sigend'"),
        (('suspended = "ruht"\n', ""), "needs a date column for 'suspended'"),
        (('body.suspended = "gremium"', 'body = "gremium"'), "table keyed by event type"),
        (('bis"', 'until"'), "'until', which is not in the header"),
    ],
)
def test_act_mapping_errors_stop_before_any_row(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(MappingError, match=re.escape(expected)):
        run(tmp_path, ACTS.replace(*change), ACTS_HEADER + '"unterminated\n')
