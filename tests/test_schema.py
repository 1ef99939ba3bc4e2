"""The JSON Schema of the record format (SPEC §4, §6 ``sistercity schema``)."""

from __future__ import annotations

import copy
import re
import sys
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings

import sistercity as sc
from sistercity import strategies as scst
from sistercity.cli import main
from sistercity.io import strict_problem
from sistercity.schema import SCHEMA, WHITE_SPACE, schema

VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def passes(record: object) -> bool:
    return VALIDATOR.is_valid(record)


def valid_record() -> dict[str, Any]:
    return {
        "id": "glasgow-rostov-on-don-1986",
        "kind": "twinning",
        "term": "twinning",
        "parties": [
            {"name": "Glasgow", "country": "GB", "subdivision": "GB-GLG", "wikidata": "Q4093"},
            {
                "name": "Rostov-on-Don",
                "country": "RU",
                "level": "municipality",
                "geonames": 501175,
                "former_names": [{"name": "Rostov", "country": "SU", "until": "1900?"}],
                "x-note": [1, {"a": None}],
            },
        ],
        "events": [
            {"type": "signed", "date": "1986"},
            {"type": "suspended", "date": "2022-03~", "by": "Glasgow", "reason": "invasion"},
            {"type": "renewed", "date": None, "reason": None, "x-k": 1},
        ],
        "sources": ["https://www.glasgow.gov.uk/"],
        "supersedes": None,
        "notes": None,
        "x-row": 3,
    }


def test_schema_is_a_valid_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_returns_a_copy() -> None:
    first = schema()
    first["required"].append("notes")
    assert schema()["required"] == ["id", "kind", "parties"]


def test_white_space_class_is_what_python_calls_white_space() -> None:
    """The id pattern spells out white space, so every regex engine reads it alike."""
    pattern = re.compile(f"[{WHITE_SPACE}]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(pattern.fullmatch(char)) == char.isspace(), hex(code)


def test_a_hand_written_valid_record_passes_both() -> None:
    record = valid_record()
    assert sc.validate(record).ok
    assert passes(record)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda r: r.pop("id"), "malformed-record"),
        (lambda r: r.pop("kind"), "malformed-record"),
        (lambda r: r.pop("parties"), "malformed-record"),
        (lambda r: r.update(id=7), "malformed-record"),
        (lambda r: r.update(id="two words"), "invalid-id"),
        (lambda r: r.update(id=""), "invalid-id"),
        (lambda r: r.update(id="x" * 201), "invalid-id"),
        (lambda r: r.update(kind="twin town"), "invalid-kind"),
        (lambda r: r.update(kind=None), "malformed-record"),
        (lambda r: r.update(term=3), "malformed-record"),
        (lambda r: r.update(sources="https://x"), "malformed-record"),
        (lambda r: r.update(sources=[1]), "malformed-record"),
        (lambda r: r.update(supersedes="a b"), "invalid-id"),
        (lambda r: r.update(soruces=[]), "unknown-field"),
        (lambda r: r["parties"].pop(), "too-few-parties"),
        (lambda r: r["parties"].append("Kyiv"), "malformed-record"),
        (lambda r: r["parties"][0].pop("name"), "malformed-record"),
        (lambda r: r["parties"][0].update(name="  "), "invalid-name"),
        (lambda r: r["parties"][0].update(name="Glas\ngow"), "invalid-name"),
        (lambda r: r["parties"][0].update(country="gb"), "invalid-country"),
        (lambda r: r["parties"][0].update(country=None), "malformed-record"),
        (lambda r: r["parties"][0].update(subdivision="GLG"), "invalid-subdivision"),
        (lambda r: r["parties"][0].update(level="city"), "invalid-level"),
        (lambda r: r["parties"][0].update(wikidata="Q04093"), "invalid-wikidata-id"),
        (lambda r: r["parties"][0].update(wikidata=4093), "malformed-record"),
        (lambda r: r["parties"][1].update(geonames="501175"), "malformed-record"),
        (lambda r: r["parties"][1].update(geonames=0), "invalid-geonames-id"),
        (lambda r: r["parties"][1].update(geonames=True), "malformed-record"),
        (lambda r: r["parties"][1].update(contry="RU"), "unknown-field"),
        (lambda r: r["parties"][1]["former_names"][0].pop("until"), "malformed-record"),
        (lambda r: r["parties"][1]["former_names"][0].update(until="1900-13"), "invalid-date"),
        (lambda r: r["parties"][1]["former_names"][0].update(since="1800"), "unknown-field"),
        (lambda r: r["events"][0].update(type="twinned"), "invalid-event-type"),
        (lambda r: r["events"][0].update(date="26 February 2022"), "invalid-date"),
        (lambda r: r["events"][0].update(date="0000"), "invalid-date"),
        (lambda r: r["events"][0].update(date="1986-00"), "invalid-date"),
        (lambda r: r["events"][0].update(date="1986-01-32"), "invalid-date"),
        (lambda r: r["events"][0].update(date="1986?~"), "invalid-date"),
        (lambda r: r["events"][0].update(date=1986), "malformed-record"),
        (lambda r: r["events"][0].update(when="1986"), "unknown-field"),
        (lambda r: r["events"][0].update(decided="24 February 2022"), "invalid-date"),
        (lambda r: r["events"][0].update(announced=2022), "malformed-record"),
        (lambda r: r["events"][0].update(body=["full council"]), "malformed-record"),
        (lambda r: r["events"][0].update(condition=1), "malformed-record"),
        (lambda r: r["events"][0].pop("type"), "malformed-record"),
        (lambda r: r.update(events={"type": "signed"}), "malformed-record"),
    ],
)
def test_structurally_broken_records_fail_both(change: Any, rule: str) -> None:
    """The schema refuses what is structurally wrong; the validator names the rule."""
    record = valid_record()
    change(record)
    assert not passes(record)
    assert rule in {issue.rule for issue in sc.validate(record).errors}


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["events"][0].update(date="2022-02-30"),  # calendar
        lambda r: r["parties"][0].update(country="ZZ"),  # ISO membership
        lambda r: r["parties"][0].update(subdivision="FR-75C"),  # another country's
        lambda r: r["parties"].append(dict(r["parties"][0])),  # identity
        lambda r: r["events"].insert(0, {"type": "reinstated"}),  # lifecycle
        lambda r: r["events"][0].update(decided="2023"),  # decided-after-effective
    ],
)
def test_what_the_schema_leaves_to_the_validator(change: Any) -> None:
    """SPEC §6: calendar validity, ISO membership and the lifecycle are the validator's."""
    record = valid_record()
    change(record)
    assert passes(record)
    assert not sc.validate(record).ok


@settings(max_examples=80, deadline=None)
@given(scst.records())
def test_every_generated_valid_record_passes(record: dict[str, Any]) -> None:
    """Every record the validator accepts passes the schema (the schema is a subset)."""
    assert sc.validate(record).ok
    assert passes(record)


STRUCTURAL = (
    "malformed-record",
    "unknown-field",
    "invalid-kind",
    "invalid-event-type",
    "invalid-level",
    "too-few-parties",
    "invalid-wikidata-id",
    "invalid-id",
)


@settings(max_examples=120, deadline=None)
@given(scst.broken_records(STRUCTURAL))
def test_generated_structurally_broken_records_fail(case: tuple[str, dict[str, Any]]) -> None:
    """A record broken for a structural rule (type, required, vocabulary, pattern) fails.

    Values that JSON cannot carry (a lone surrogate, NaN, an integer outside 64 bits) never
    reach a schema validator: the reader refuses them as ``malformed-record`` first.
    """
    rule, record = case
    if strict_problem(record) is not None:
        assert rule == "malformed-record"
        return
    assert not passes(copy.deepcopy(record)), rule


def test_cli_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["schema"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == SCHEMA
    assert err == ""
