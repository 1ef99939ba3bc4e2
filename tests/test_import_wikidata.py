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
