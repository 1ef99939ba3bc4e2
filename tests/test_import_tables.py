"""The table importer (SPEC §7): mapping files, rows, countries, merging, ids."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sistercity import Issue, validate
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
    assert record(sample, "de-de-by-abensberg-cz-vratimov-rattimau-friendship-1994")["parties"][1] == {
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
