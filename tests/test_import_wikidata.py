"""The Wikidata importer (SPEC §7): entity JSON, dump lines, SPARQL results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sistercity import PartialDate, validate
from sistercity.importers import SPARQL_QUERY, ImportFailed, ImportResult, import_wikidata
from sistercity.importers.wikidata import julian_to_gregorian, parse_time

DATA = Path(__file__).parent / "data"
WEIMAR = DATA / "wikidata_weimar.json"
PAIRS = DATA / "wikidata_pairs.json"
DUMP = DATA / "wikidata_pairs_dump.json"
SPARQL = DATA / "wikidata_sparql.json"
GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
JULIAN = "http://www.wikidata.org/entity/Q1985786"


def record(result: ImportResult, rid: str) -> dict[str, Any]:
    found = [r for r in result.records if r["id"] == rid]
    assert len(found) == 1, [r["id"] for r in result.records]
    return found[0]


def rules(result: ImportResult) -> list[tuple[str, str]]:
    return sorted((i.rule, i.id or "") for i in result.issues)


ASTON = {"name": "Aston", "country": "DE", "wikidata": "Q1"}

# Written by hand from the fixture (see tests/data/wikidata_README.md), not by the importer.
EXPECTED = {
    "wikidata-Q1-Q2": {
        "id": "wikidata-Q1-Q2",
        "kind": "unspecified",
        "parties": [ASTON, {"name": "Bergheim", "country": "PL", "wikidata": "Q2"}],
        "events": [
            {"type": "signed", "date": "1953-05-24"},
            {"type": "terminated", "date": "2022-02-26", "reason": "Russian invasion of Ukraine"},
        ],
        "sources": ["https://example.org/aston", "https://example.org/bergheim"],
        "x-wikidata-statements": ["Q1$a", "Q2$a"],
    },
    "wikidata-Q1-Q3": {
        "id": "wikidata-Q1-Q3",
        "kind": "unspecified",
        "parties": [ASTON, {"name": "Castel", "country": "FR", "wikidata": "Q3"}],
        "events": [{"type": "signed", "date": "1990"}, {"type": "terminated"}],
        "x-wikidata-statements": ["Q1$b", "Q3$a"],
    },
    "wikidata-Q1-Q4": {
        "id": "wikidata-Q1-Q4",
        "kind": "unspecified",
        "parties": [ASTON, {"name": "Dorf", "country": "DE", "wikidata": "Q4"}],
        "events": [{"type": "signed", "date": "2000-06"}],
        "sources": ["https://example.org/dorf"],
        "x-wikidata-statements": ["Q4$a"],
    },
    "wikidata-Q1-Q5": {
        "id": "wikidata-Q1-Q5",
        "kind": "unspecified",
        "parties": [ASTON, {"name": "Eston", "country": "DE", "wikidata": "Q5"}],
        "events": [{"type": "signed"}],
        "x-wikidata-statements": ["Q1$d", "Q5$a"],
    },
    "wikidata-Q1-Q6": {
        "id": "wikidata-Q1-Q6",
        "kind": "unspecified",
        "parties": [ASTON, {"name": "Fjord", "country": "PL", "wikidata": "Q6"}],
        "events": [{"type": "signed", "date": "1970"}],
        "x-wikidata-statements": ["Q1$e"],
    },
    "wikidata-Q1-Q8": {
        "id": "wikidata-Q1-Q8",
        "kind": "unspecified",
        "parties": [ASTON, {"name": "Hafen", "country": "FR", "wikidata": "Q8"}],
        "events": [{"type": "signed", "date": "1700-02-28"}],
        "x-wikidata-statements": ["Q1$h", "Q8$a"],
    },
}


@pytest.fixture(scope="module", params=[PAIRS, DUMP], ids=["entities", "dump"])
def pairs(request: pytest.FixtureRequest) -> ImportResult:
    path: Path = request.param
    return import_wikidata(path)


def test_records(pairs: ImportResult) -> None:
    assert {r["id"]: r for r in pairs.records} == EXPECTED


def test_counts(pairs: ImportResult) -> None:
    assert pairs.read == 14
    assert pairs.refused == {"unresolved-reference": 3}
    assert pairs.skipped == {"deprecated-statement": 1}
    assert pairs.merged == 4


def test_importer_issues(pairs: ImportResult) -> None:
    importer = [
        (i.rule, i.id or "")
        for i in pairs.issues
        if i.rule
        in (
            "deprecated-statement",
            "missing-reciprocal",
            "conflicting-statements",
            "unresolved-reference",
        )
    ]
    assert sorted(importer) == sorted(
        [
            ("deprecated-statement", ""),
            ("unresolved-reference", "wikidata-Q1-Q999"),
            ("unresolved-reference", "wikidata-Q1-Q7"),
            ("unresolved-reference", "wikidata-Q1-Q9"),
            ("conflicting-statements", "wikidata-Q1-Q3"),
            ("missing-reciprocal", "wikidata-Q1-Q6"),
            ("missing-reciprocal", "wikidata-Q1-Q4"),
        ]
    )


def test_unresolved_messages_say_what_is_missing(pairs: ImportResult) -> None:
    found = {i.id: i for i in pairs.issues if i.rule == "unresolved-reference"}
    assert found["wikidata-Q1-Q999"].path == "$.parties[1].wikidata"
    assert "Q999 is not in the input" in found["wikidata-Q1-Q999"].message
    assert "Q1$f" in found["wikidata-Q1-Q999"].message
    assert found["wikidata-Q1-Q7"].path == "$.parties[1].country"
    assert "several current countries" in found["wikidata-Q1-Q7"].message
    assert found["wikidata-Q1-Q9"].path == "$.parties[1].country"
    assert "Q13 has no ISO code (P297)" in found["wikidata-Q1-Q9"].message


def test_conflict_keeps_the_smaller_qid(pairs: ImportResult) -> None:
    (issue,) = [i for i in pairs.issues if i.rule == "conflicting-statements"]
    assert issue.path == "$.events[0].date"
    assert "Q1 gives the start time 1990, Q3 gives 1991; kept 1990" in issue.message


def test_deprecated_statement_is_named(pairs: ImportResult) -> None:
    (issue,) = [i for i in pairs.issues if i.rule == "deprecated-statement"]
    assert "Q1$c" in issue.message and "Q4" in issue.message


def test_dump_lines_give_line_numbers() -> None:
    result = import_wikidata(DUMP)
    lines = {i.id: i.line for i in result.issues if i.rule == "unresolved-reference"}
    # line 1 is "[", then one entity per line: Q1 on line 2, Q9 on line 10
    assert lines == {"wikidata-Q1-Q999": 2, "wikidata-Q1-Q7": 2, "wikidata-Q1-Q9": 10}


def test_output_validates(pairs: ImportResult) -> None:
    for found in pairs.records:
        assert validate(found).ok


def test_lang_option() -> None:
    result = import_wikidata(PAIRS, lang="de")
    names = {p["wikidata"]: p["name"] for r in result.records for p in r["parties"]}
    assert names["Q1"] == "Aston-de"
    assert names["Q2"] == "Bergheim-de"
    assert names["Q4"] == "Dorf"  # no German label: mul, then any


def test_several_files_form_one_input(tmp_path: Path) -> None:
    entities = json.loads(PAIRS.read_text(encoding="utf-8"))["entities"]
    first = {k: v for k, v in entities.items() if k in ("Q1", "Q10")}
    rest = {k: v for k, v in entities.items() if k not in first}
    (tmp_path / "a.json").write_text(json.dumps({"entities": first}), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"entities": rest}), encoding="utf-8")
    together = import_wikidata([tmp_path / "a.json", tmp_path / "b.json"])
    assert together.records == import_wikidata(PAIRS).records
    alone = import_wikidata(tmp_path / "a.json")
    assert alone.records == []
    assert alone.refused == {"unresolved-reference": 7}


# --------------------------------------------------------------------------------------------
# The real sample: Weimar alone
# --------------------------------------------------------------------------------------------


def test_weimar_imports_nothing_it_would_guess() -> None:
    result = import_wikidata(WEIMAR)
    assert result.records == []
    assert result.read == 5
    assert result.refused == {"unresolved-reference": 5}
    partners = ["Q160927", "Q202158", "Q2751", "Q3138", "Q145972"]
    for partner in partners:
        about = [i for i in result.issues if f"P190 {partner}" in i.message]
        assert {i.rule for i in about} == {"unresolved-reference"}
        assert any(f"{partner} is not in the input" in i.message for i in about)
        # Weimar's own country (Q183) is not in the file either
        assert any("Q3955's country Q183 is not in the input" in i.message for i in about)
    assert all(i.is_error and i.file == str(WEIMAR) for i in result.issues)


def test_weimar_with_its_partner_and_countries(tmp_path: Path) -> None:
    """Add the entities Weimar's statement needs: then it imports, with the real P580 and P854."""
    weimar = json.loads(WEIMAR.read_text(encoding="utf-8"))["entities"]["Q3955"]

    def country(qid: str, code: str) -> dict[str, Any]:
        claim = {
            "mainsnak": {
                "snaktype": "value",
                "property": "P297",
                "datavalue": {"value": code, "type": "string"},
            },
            "type": "statement",
            "rank": "normal",
        }
        return {"type": "item", "id": qid, "labels": {}, "claims": {"P297": [claim]}}

    trier = {
        "type": "item",
        "id": "Q3138",
        "labels": {"en": {"language": "en", "value": "Trier"}},
        "claims": {},
    }
    entities = {"Q3955": weimar, "Q183": country("Q183", "DE"), "Q3138": trier}
    path = tmp_path / "weimar-plus.json"
    path.write_text(json.dumps({"entities": entities}), encoding="utf-8")
    result = import_wikidata(path)
    # Trier has no P17 in this input: still unresolved, and said so
    assert result.records == []
    assert any("Q3138 has no current country" in i.message for i in result.issues)
    trier["claims"] = {"P17": weimar["claims"]["P17"][:1]}  # Germany, preferred
    path.write_text(json.dumps({"entities": entities}), encoding="utf-8")
    result = import_wikidata(path)
    assert result.records == [
        {
            "id": "wikidata-Q3138-Q3955",
            "kind": "unspecified",
            "parties": [
                {"name": "Trier", "country": "DE", "wikidata": "Q3138"},
                {"name": "Weimar", "country": "DE", "wikidata": "Q3955"},
            ],
            "events": [{"type": "signed", "date": "1987-05-24"}],
            "sources": ["http://stadt.weimar.de/ueber-weimar/partnerstaedte/"],
            "x-wikidata-statements": ["Q3955$668232c3-4384-7151-bf18-28cd6fc28749"],
        }
    ]
    assert [i.rule for i in result.issues if i.id == "wikidata-Q3138-Q3955"] == [
        "missing-reciprocal"
    ]


# --------------------------------------------------------------------------------------------
# SPARQL results
# --------------------------------------------------------------------------------------------


def test_sparql_results() -> None:
    result = import_wikidata(SPARQL)
    assert result.records == [
        {**EXPECTED["wikidata-Q1-Q2"], "sources": ["https://example.org/aston"],
         "x-wikidata-statements": ["Q1-a", "Q2-a"]},
        {**EXPECTED["wikidata-Q1-Q6"], "x-wikidata-statements": ["Q6-a"]},
    ]  # fmt: skip
    assert (result.read, result.merged) == (5, 1)
    assert result.skipped == {"deprecated-statement": 1}
    assert result.refused == {"unresolved-reference": 1}
    (unlabelled,) = [i for i in result.issues if i.rule == "unresolved-reference"]
    assert "Q5 has no label" in unlabelled.message  # the label service's "Q5" is no label


def test_the_query_asks_for_what_the_importer_reads() -> None:
    head = json.loads(SPARQL.read_text(encoding="utf-8"))["head"]["vars"]
    for variable in head:
        assert f"?{variable}" in SPARQL_QUERY
    for needed in ("P190", "P17", "P297", "P580", "P582", "P1534", "P854", "wdno:P582"):
        assert needed in SPARQL_QUERY


# --------------------------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "precision", "model", "expected"),
    [
        ("+1953-00-00T00:00:00Z", 9, GREGORIAN, "1953"),
        ("+1953-01-01T00:00:00Z", 9, GREGORIAN, "1953"),
        ("+1953-05-00T00:00:00Z", 10, GREGORIAN, "1953-05"),
        ("+1953-05-24T00:00:00Z", 10, GREGORIAN, "1953-05"),
        ("+1953-05-24T00:00:00Z", 11, GREGORIAN, "1953-05-24"),
        ("+1953-05-24T13:14:00Z", 13, GREGORIAN, "1953-05-24"),
        ("+1917-10-25T00:00:00Z", 11, JULIAN, "1917-11-07"),
        ("+1917-10-00T00:00:00Z", 10, JULIAN, "1917-10"),
        ("+1700-02-29T00:00:00Z", 11, JULIAN, "1700-03-11"),
    ],
)
def test_parse_time(time: str, precision: int, model: str, expected: str) -> None:
    assert parse_time(time, precision, model) == PartialDate(expected)


def test_coarse_precision_is_undated() -> None:
    assert parse_time("+1950-00-00T00:00:00Z", 8) is None


@pytest.mark.parametrize(
    ("time", "precision"),
    [
        ("-0044-03-15T00:00:00Z", 11),
        ("+0000-00-00T00:00:00Z", 9),
        ("+12000-00-00T00:00:00Z", 9),
        ("+1953-00-00T00:00:00Z", 10),
        ("+1953-02-30T00:00:00Z", 11),
        ("1953", 9),
    ],
)
def test_unreadable_times(time: str, precision: int) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_time(time, precision, GREGORIAN)


def test_julian_calendar_edges() -> None:
    assert julian_to_gregorian(1582, 10, 4).isoformat() == "1582-10-14"
    assert julian_to_gregorian(1, 1, 3).isoformat() == "0001-01-01"
    with pytest.raises(ValueError, match="outside"):
        julian_to_gregorian(1, 1, 2)


def test_a_pair_that_breaks_a_rule_is_refused_whole(tmp_path: Path) -> None:
    """Q1 says 1953 (year), Q2 says it began 1953-05-24 and ended 1950: out of order."""
    entities = json.loads(PAIRS.read_text(encoding="utf-8"))["entities"]
    end = entities["Q2"]["claims"]["P190"][0]["qualifiers"]["P582"][0]
    end["datavalue"]["value"]["time"] = "+1950-01-01T00:00:00Z"
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"entities": entities}), encoding="utf-8")
    result = import_wikidata(path)
    assert "wikidata-Q1-Q2" not in [r["id"] for r in result.records]
    assert result.refused == {"unresolved-reference": 3, "events-out-of-order": 2}
    assert result.merged == 3  # Q1-Q3, Q1-Q5, Q1-Q8; not the refused pair
    (issue,) = [i for i in result.issues if i.rule == "events-out-of-order"]
    assert (issue.id, issue.path) == ("wikidata-Q1-Q2", "$.events[1].date")


def test_statement_with_unreadable_time_is_refused(tmp_path: Path) -> None:
    entities = json.loads(PAIRS.read_text(encoding="utf-8"))["entities"]
    snak = entities["Q6"]
    snak["claims"]["P190"] = [
        {
            "mainsnak": {
                "snaktype": "value",
                "property": "P190",
                "datavalue": {
                    "value": {"entity-type": "item", "id": "Q1"},
                    "type": "wikibase-entityid",
                },
            },
            "type": "statement",
            "rank": "normal",
            "id": "Q6$x",
            "qualifiers": {
                "P580": [
                    {
                        "snaktype": "value",
                        "property": "P580",
                        "datavalue": {
                            "value": {"time": "+1953-00-00T00:00:00Z", "precision": 11,
                                      "calendarmodel": GREGORIAN},
                            "type": "time",
                        },
                    }
                ]
            },
        }
    ]  # fmt: skip
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"entities": entities}), encoding="utf-8")
    result = import_wikidata(path)
    assert "wikidata-Q1-Q6" not in [r["id"] for r in result.records]
    about = [i for i in result.issues if i.id == "wikidata-Q1-Q6"]
    assert len(about) == 2  # Q1's statement and Q6's, each refused
    assert all(i.rule == "unresolved-reference" and "'+1953-00-00" in i.message for i in about)


# --------------------------------------------------------------------------------------------
# Inputs that are not Wikidata
# --------------------------------------------------------------------------------------------


def test_broken_dump_line_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    lines = DUMP.read_text(encoding="utf-8").splitlines()
    lines.insert(3, '{"type": "item", "id": "Q77", broken')
    path = tmp_path / "dump.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_wikidata(path)
    assert {r["id"] for r in result.records} == set(EXPECTED)
    (broken,) = [i for i in result.issues if i.rule == "malformed-record"]
    assert broken.line == 4
    assert result.refused["malformed-record"] == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"hello": 1}', "expected Wikidata entity JSON"),
        ("not json at all", "not JSON"),
        ('{"results": {"bindings": 3}}', "without a 'bindings' array"),
    ],
)
def test_not_wikidata(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed, match=expected):
        import_wikidata(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read"):
        import_wikidata(tmp_path / "absent.json")


# --------------------------------------------------------------------------------------------
# Builders for small inputs of our own (invented items Q101..., in the documented shapes)
# --------------------------------------------------------------------------------------------

ENTITY = "http://www.wikidata.org/entity/"


def time_value(time: str, precision: object = 11, model: str = GREGORIAN) -> dict[str, Any]:
    value: dict[str, Any] = {"time": time, "calendarmodel": model}
    if precision is not None:
        value["precision"] = precision
    return {"snaktype": "value", "property": "P580", "datavalue": {"value": value}}


def twinned(partner: str, sid: str, start: dict[str, Any] | None = None) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "mainsnak": {
            "snaktype": "value",
            "property": "P190",
            "datavalue": {"value": {"entity-type": "item", "id": partner}},
        },
        "type": "statement",
        "rank": "normal",
        "id": sid,
    }
    if start is not None:
        claim["qualifiers"] = {"P580": [start]}
    return claim


def item(
    qid: str, label: str | None, *, country: str | None = None, code: str | None = None,
    p190: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:  # fmt: skip
    claims: dict[str, Any] = {}
    if country is not None:
        claims["P17"] = [
            {
                "mainsnak": {"snaktype": "value", "datavalue": {"value": {"id": country}}},
                "rank": "normal",
            }
        ]
    if code is not None:
        claims["P297"] = [{"mainsnak": {"datavalue": {"value": code}}, "rank": "normal"}]
    if p190 is not None:
        claims["P190"] = p190
    labels = {} if label is None else {"en": {"language": "en", "value": label}}
    return {"type": "item", "id": qid, "labels": labels, "claims": claims}


COUNTRIES = [item("Q901", "Utopia", code="DE"), item("Q902", "Erewhon", code="FR")]


def write_entities(path: Path, entities: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"entities": entities}), encoding="utf-8")
    return path


def pair_entities(start: dict[str, Any] | None = None) -> dict[str, Any]:
    """Q101 (DE) and Q102 (FR), each stating P190 of the other."""
    entities = {
        "Q101": item("Q101", "Ahlen", country="Q901", p190=[twinned("Q102", "Q101$p", start)]),
        "Q102": item("Q102", "Brive", country="Q902", p190=[twinned("Q101", "Q102$p")]),
    }
    entities.update({c["id"]: c for c in COUNTRIES})
    return entities


def cell(value: str, **extra: str) -> dict[str, str]:
    kind = "uri" if value.startswith("http") else "literal"
    return {"type": kind, "value": value, **extra}


def sparql_row(
    sid: str, city: str, city_label: str | None, partner: str, partner_label: str | None,
    **more: dict[str, str],
) -> dict[str, Any]:  # fmt: skip
    row: dict[str, Any] = {
        "statement": cell(f"{ENTITY}statement/{sid}"),
        "rank": cell("http://wikiba.se/ontology#NormalRank"),
        "city": cell(ENTITY + city),
        "cityCountry": cell("DE"),
        "cityCountryRank": cell("http://wikiba.se/ontology#NormalRank"),
        "partner": cell(ENTITY + partner),
        "partnerCountry": cell("FR"),
        "partnerCountryRank": cell("http://wikiba.se/ontology#NormalRank"),
        **more,
    }
    if city_label is not None:
        row["cityLabel"] = cell(city_label, **{"xml:lang": "en"})
    if partner_label is not None:
        row["partnerLabel"] = cell(partner_label, **{"xml:lang": "en"})
    return row


def write_sparql(path: Path, rows: list[dict[str, Any]]) -> Path:
    names = sorted({name for row in rows for name in row})
    path.write_text(
        json.dumps({"head": {"vars": names}, "results": {"bindings": rows}}), encoding="utf-8"
    )
    return path


def start_cells(time: str, precision: str | None, model: str = GREGORIAN) -> dict[str, Any]:
    found: dict[str, Any] = {
        "start": cell(time, datatype="http://www.w3.org/2001/XMLSchema#dateTime"),
        "startCalendar": cell(model),
    }
    if precision is not None:
        found["startPrecision"] = cell(precision)
    return found


def signed(result: ImportResult) -> list[str | None]:
    return [r["events"][0].get("date") for r in result.records]


# ---- dates from Wikidata: one time parser, two inputs ----------------------------------------


@pytest.mark.parametrize(
    ("time", "precision", "model", "expected"),
    [
        # the query service gives Gregorian days already: never converted again
        ("1582-10-15T00:00:00Z", "11", JULIAN, "1582-10-15"),
        ("1700-03-11T00:00:00Z", "11", JULIAN, "1700-03-11"),
        ("1990-07-04T00:00:00Z", "11", GREGORIAN, "1990-07-04"),
        ("1953-01-01T00:00:00Z", "9", GREGORIAN, "1953"),  # a year, not 1 January
        ("1953-05-01T00:00:00Z", "10", JULIAN, "1953-05"),
    ],
)
def test_sparql_times_are_gregorian_already(
    tmp_path: Path, time: str, precision: str, model: str, expected: str
) -> None:
    row = sparql_row(
        "Q101-s", "Q101", "Ahlen", "Q102", "Brive", **start_cells(time, precision, model)
    )
    result = import_wikidata(write_sparql(tmp_path / "r.json", [row]))
    assert signed(result) == [expected]


def test_entity_json_converts_julian_days(tmp_path: Path) -> None:
    """The same day as the SPARQL case above, as entity JSON writes it: Julian 1700-02-29."""
    start = time_value("+1700-02-29T00:00:00Z", 11, JULIAN)
    result = import_wikidata(write_entities(tmp_path / "e.json", pair_entities(start)))
    assert signed(result) == ["1700-03-11"]


@pytest.mark.parametrize("name", ["start", "end"])
def test_a_sparql_time_without_its_precision_is_unresolved(tmp_path: Path, name: str) -> None:
    times = {
        name: cell("1962-01-01T00:00:00Z", datatype="http://www.w3.org/2001/XMLSchema#dateTime")
    }
    row = sparql_row("Q101-s", "Q101", "Ahlen", "Q102", "Brive", **times)
    result = import_wikidata(write_sparql(tmp_path / "r.json", [row]))
    assert result.records == []
    assert result.refused == {"unresolved-reference": 1}
    (issue,) = [i for i in result.issues if i.is_error]
    assert issue.rule == "unresolved-reference"
    assert f"?{name}Precision" in issue.message


@pytest.mark.parametrize("precision", [None, "eleven", True, 15, -1, 1.5, 10**30])
def test_an_entity_time_without_a_usable_precision_is_unresolved(
    tmp_path: Path, precision: object
) -> None:
    start = time_value("+1962-01-01T00:00:00Z", precision)
    result = import_wikidata(write_entities(tmp_path / "e.json", pair_entities(start)))
    assert result.records == []
    assert {i.rule for i in result.issues if i.is_error} == {"unresolved-reference"}
    assert any("precision" in i.message for i in result.issues)


def test_a_year_of_5000_digits_is_unresolved_not_a_crash(tmp_path: Path) -> None:
    start = time_value("+" + "9" * 5000 + "-00-00T00:00:00Z", 9)
    result = import_wikidata(write_entities(tmp_path / "e.json", pair_entities(start)))
    assert result.records == []
    (issue, *_) = [i for i in result.issues if i.is_error]
    assert "outside the years 1 to 9999" in issue.message
    assert len(issue.message) < 400


# ---- shapes that real clients meet -----------------------------------------------------------


def test_a_redirect_key_resolves_to_its_entity(tmp_path: Path) -> None:
    """wbgetentities answers a redirected id under its key, with the target's id inside."""
    entities = pair_entities()
    entities["Q101"]["claims"]["P190"] = [twinned("Q777", "Q101$p")]  # Q777 -> Q102
    entities["Q777"] = {**entities["Q102"], "redirects": {"from": "Q777", "to": "Q102"}}
    result = import_wikidata(write_entities(tmp_path / "e.json", entities))
    assert [r["id"] for r in result.records] == ["wikidata-Q101-Q102"]
    assert result.records[0]["parties"][1] == {"name": "Brive", "country": "FR", "wikidata": "Q102"}
    assert result.read == 2  # Q102 under its own key and Q777's is read once
    assert [i.rule for i in result.issues if i.rule != "missing-source"] == []


@pytest.mark.parametrize("shape", ["key", "redirects"])
def test_a_redirect_alone_resolves(tmp_path: Path, shape: str) -> None:
    entities = pair_entities()
    target = entities.pop("Q102")
    entities["Q101"]["claims"]["P190"] = [twinned("Q777", "Q101$p")]
    if shape == "key":
        entities["Q777"] = target  # the id inside differs from its key
    else:  # Special:EntityData follows the redirect and says so
        entities["Q102"] = {**target, "redirects": {"from": "Q777", "to": "Q102"}}
    result = import_wikidata(write_entities(tmp_path / "e.json", entities))
    assert [r["id"] for r in result.records] == ["wikidata-Q101-Q102"]
    assert not [
        i for i in result.issues if i.rule in ("missing-reciprocal", "unresolved-reference")
    ]


def test_a_statement_given_twice_is_one_statement(tmp_path: Path) -> None:
    """The same statement from entity JSON (``Q101$p``) and SPARQL (``Q101-p``)."""
    entities = write_entities(tmp_path / "e.json", pair_entities())
    rows = [sparql_row("Q101-P", "Q101", "Ahlen", "Q102", "Brive")]
    result = import_wikidata([entities, write_sparql(tmp_path / "r.json", rows)])
    assert (result.read, result.merged) == (2, 1)
    assert result.records[0]["x-wikidata-statements"] == ["Q101$p", "Q102$p"]
    twice = import_wikidata([tmp_path / "r.json", tmp_path / "r.json"])
    assert twice.read == 1


def test_a_missing_entity_is_not_in_the_input(tmp_path: Path) -> None:
    entities = pair_entities()
    entities["Q102"] = {"id": "Q102", "missing": ""}
    result = import_wikidata(write_entities(tmp_path / "e.json", entities))
    assert result.records == []
    (issue,) = [i for i in result.issues if i.is_error]
    assert issue.rule == "unresolved-reference"
    assert "Q102 is marked missing" in issue.message
    assert issue.path == "$.parties[1].wikidata"


@pytest.mark.parametrize("label", ["Q102", None, "  "])
def test_a_sparql_label_that_is_the_qid_is_no_label(tmp_path: Path, label: str | None) -> None:
    rows = [sparql_row("Q101-s", "Q101", "Ahlen", "Q102", label)]
    result = import_wikidata(write_sparql(tmp_path / "r.json", rows))
    assert result.records == []
    (issue,) = [i for i in result.issues if i.is_error]
    assert issue.rule == "unresolved-reference"
    assert "Q102 has no label" in issue.message


def test_an_entity_label_that_is_a_qid_is_no_name(tmp_path: Path) -> None:
    entities = pair_entities()
    entities["Q102"]["labels"] = {"en": {"language": "en", "value": "Q102"}}
    result = import_wikidata(write_entities(tmp_path / "e.json", entities))
    assert result.records == []
    assert any("Q102 has no label" in i.message for i in result.issues)


def test_the_query_asks_english_then_mul_then_any_language() -> None:
    for name in ("city", "partner", "cause"):
        assert (
            f"COALESCE(?{name}LabelEn, ?{name}LabelMul, ?{name}LabelAny) AS ?{name}Label"
            in SPARQL_QUERY
        )
        assert f'FILTER(LANG(?{name}LabelEn) = "en")' in SPARQL_QUERY
        assert f'FILTER(LANG(?{name}LabelMul) = "mul")' in SPARQL_QUERY
    assert "wikibase:label" not in SPARQL_QUERY.split("WHERE", 1)[1]


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085"])
def test_dump_lines_end_at_line_feeds_only(tmp_path: Path, char: str) -> None:
    lines = [json.dumps(e, ensure_ascii=False) for e in pair_entities().values()]
    first = json.loads(lines[0])
    first["descriptions"] = {"en": {"language": "en", "value": f"a town{char}in Utopia"}}
    lines[0] = json.dumps(first, ensure_ascii=False)
    path = tmp_path / "dump.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_wikidata(path)
    assert [r["id"] for r in result.records] == ["wikidata-Q101-Q102"]
    assert result.read == 2
    assert not [i for i in result.issues if i.is_error]


def test_a_form_feed_inside_a_dump_line_is_that_line_only(tmp_path: Path) -> None:
    lines = [json.dumps(e) for e in pair_entities().values()]
    lines.insert(1, '{"type": "item", "id": "Q555", "labels": "a\fb"}')
    path = tmp_path / "dump.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_wikidata(path)
    assert [r["id"] for r in result.records] == ["wikidata-Q101-Q102"]
    (broken,) = [i for i in result.issues if i.rule == "malformed-record"]
    assert broken.line == 2


# ---- malformed shapes: located issues, never a traceback -------------------------------------


def _break(entities: dict[str, Any], where: str) -> None:
    q101 = entities["Q101"]
    claim = q101["claims"]["P190"][0]
    if where == "P190 is a number":
        q101["claims"]["P190"] = 5
    elif where == "claims is a list":
        q101["claims"] = [1, 2]
    elif where == "a statement is a string":
        q101["claims"]["P190"] = ["Q102"]
    elif where == "mainsnak is a number":
        claim["mainsnak"] = 5
    elif where == "datavalue is a string":
        claim["mainsnak"]["datavalue"] = "Q102"
    elif where == "qualifiers hold a number":
        claim["qualifiers"] = {"P580": 5, "P582": [7], "P1534": [None]}
    elif where == "references are a string":
        claim["references"] = "https://example.org"
    elif where == "labels are a list":
        q101["labels"] = ["Ahlen"]
    elif where == "numeric-id of 5000 digits":
        claim["mainsnak"]["datavalue"]["value"] = {"numeric-id": "HUGE"}
    elif where == "rank is an object":
        claim["rank"] = {"x": 1}
    elif where == "P17 is a string":
        q101["claims"]["P17"] = "Q901"


C = "$.entities.Q101.claims"
S = "$.entities.Q101.claims.P190[0]"


@pytest.mark.parametrize(
    ("where", "rule", "path"),
    [
        ("P190 is a number", "malformed-record", f"{C}.P190"),
        ("claims is a list", "malformed-record", C),
        ("a statement is a string", "malformed-record", S),
        ("mainsnak is a number", "malformed-record", f"{S}.mainsnak"),
        ("datavalue is a string", "unresolved-reference", "$.parties"),
        ("qualifiers hold a number", "malformed-record", f"{S}.qualifiers.P580"),
        ("references are a string", "malformed-record", f"{S}.references"),
        ("labels are a list", "unresolved-reference", "$.parties[0].name"),
        ("numeric-id of 5000 digits", "unresolved-reference", "$.parties"),
        ("rank is an object", "malformed-record", f"{S}.rank"),
        ("P17 is a string", "unresolved-reference", "$.parties[0].country"),
    ],
)
def test_malformed_shapes_are_located_issues(
    tmp_path: Path, where: str, rule: str, path: str
) -> None:
    entities = pair_entities()
    _break(entities, where)
    file = tmp_path / "e.json"
    file.write_text(
        json.dumps({"entities": entities}).replace('"HUGE"', "1" + "0" * 4999), encoding="utf-8"
    )
    result = import_wikidata(file)  # never raises for bad data
    assert not result.ok
    assert (rule, path) in {(i.rule, i.path) for i in result.issues if i.is_error}
    assert all(i.file == str(file) and len(i.message) < 500 for i in result.issues)
    # nothing broken is written: a record comes only from Q102's own, sound statement
    for written in result.records:
        assert written["x-wikidata-statements"] == ["Q102$p"]


def test_a_list_of_junk_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.json"
    path.write_text('[1, "Q1", null, {}, {"id": 7}, {"id": "nonsense"}]', encoding="utf-8")
    result = import_wikidata(path)
    assert result.refused == {"malformed-record": 6}
    assert [i.path for i in result.issues] == [f"$[{n}]" for n in range(6)]
    assert not result.ok


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    path = tmp_path / "deep.json"
    path.write_text(deep, encoding="utf-8")
    with pytest.raises(ImportFailed, match="nested too deeply"):
        import_wikidata(path)
    lines = [json.dumps(e) for e in pair_entities().values()]
    lines.insert(0, '{"id": "Q5", "claims": ' + "[" * 200_000 + "]" * 200_000 + "}")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = import_wikidata(path)
    assert [r["id"] for r in result.records] == ["wikidata-Q101-Q102"]
    (issue,) = [i for i in result.issues if i.rule == "malformed-record"]
    assert (issue.line, "nested too deeply" in issue.message) == (1, True)


@pytest.mark.parametrize(
    ("content", "status"),
    [
        ('[1, "x", null]', 1),
        ('{"entities": {"Q101": {"id": "Q101", "claims": {"P190": 5}}}}', 1),
        ("[" * 100_000, 2),
        ('{"results": {"bindings": [{"city": 5}, 7]}}', 1),
    ],
)
def test_the_command_never_shows_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, status: int
) -> None:
    from sistercity.cli import main

    path = tmp_path / "in.json"
    path.write_text(content, encoding="utf-8")
    assert main(["import", "wikidata", str(path), "-o", str(tmp_path / "out.jsonl")]) == status
    out, err = capsys.readouterr()
    assert "Traceback" not in err + out
    if status == 1:
        assert "malformed-record" in out  # the report, on standard output as validate's


def test_end_cause_stays_the_reason(pairs: ImportResult) -> None:
    """P1534 (end cause) is the event's ``reason``, never its ``condition`` or ``body``: Wikidata
    has one start and one end, and says nothing of who acted or what the act waits for."""
    ended = record(pairs, "wikidata-Q1-Q2")["events"][1]
    assert ended == {
        "type": "terminated",
        "date": "2022-02-26",
        "reason": "Russian invasion of Ukraine",
    }
