"""The dict layer (SPEC §4): from_dict, to_dict, validate, and the one cattrs converter."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

import sistercity as sc
from sistercity.serialization import converter

MANCHESTER_SPB: dict[str, Any] = {
    "id": "manchester-saint-petersburg-1962",
    "kind": "friendship",
    "term": "friendship agreement",
    "parties": [
        {"name": "Manchester", "country": "GB", "subdivision": "GB-MAN", "wikidata": "Q18125"},
        {
            "name": "Saint Petersburg",
            "country": "RU",
            "wikidata": "Q656",
            "former_names": [
                {"name": "Leningrad", "country": "SU", "from": "1924-01-26", "until": "1991-09-06"}
            ],
        },
    ],
    "events": [
        {"type": "signed", "date": "1962"},
        {"type": "renewed", "date": "2007"},
        {
            "type": "suspended",
            "date": "2022-02-26",
            "by": "Manchester",
            "reason": "Russian invasion of Ukraine",
        },
    ],
    "sources": ["https://www.manchester.gov.uk/"],
}


def test_the_spec_example_reads_and_writes_back_unchanged() -> None:
    original = copy.deepcopy(MANCHESTER_SPB)
    agreement = sc.from_dict(MANCHESTER_SPB)
    assert original == MANCHESTER_SPB  # the input is not changed
    written = sc.to_dict(agreement)
    assert written == MANCHESTER_SPB
    assert json.dumps(written) == json.dumps(MANCHESTER_SPB)  # key order too


def test_from_dict_builds_the_model() -> None:
    agreement = sc.from_dict(MANCHESTER_SPB)
    assert agreement.kind is sc.AgreementKind.FRIENDSHIP
    assert agreement.parties[1].former_names[0].from_ == sc.PartialDate("1924-01-26")
    assert agreement.events[2].type is sc.EventType.SUSPENDED
    assert agreement.events[2].date == sc.PartialDate("2022-02-26")
    assert agreement.sources == ("https://www.manchester.gov.uk/",)
    assert isinstance(agreement.parties, tuple) and isinstance(agreement.events, tuple)


def test_to_dict_is_canonical_whatever_the_input_order() -> None:
    shuffled = {
        "sources": ["https://www.glasgow.gov.uk/"],
        "x-b": 2,
        "events": [{"date": "1986", "type": "signed"}],
        "parties": [
            {"level": "municipality", "country": "GB", "name": "Glasgow", "x-z": 1, "x-a": 0},
            {"country": "RU", "name": "Rostov-on-Don"},
        ],
        "x-a": 1,
        "kind": "twinning",
        "id": "glasgow-rostov-on-don-1986",
    }
    written = sc.to_dict(sc.from_dict(shuffled))
    assert list(written) == ["id", "kind", "parties", "events", "sources", "x-a", "x-b"]
    assert list(written["parties"][0]) == [
        "name",
        "country",
        "x-a",
        "x-z",
    ]  # default level left out
    assert written["events"] == [{"type": "signed", "date": "1986"}]


def test_defaults_and_nulls_are_left_out() -> None:
    raw = {
        "id": "a",
        "kind": "cooperation",
        "term": None,
        "parties": [
            {"name": "Lviv", "country": "UA", "subdivision": None, "former_names": []},
            {"name": "Kraków", "country": "PL", "level": "municipality"},
        ],
        "events": [],
        "sources": [],
        "supersedes": None,
        "notes": "  ",
    }
    assert sc.to_dict(sc.from_dict(raw)) == {
        "id": "a",
        "kind": "cooperation",
        "parties": [{"name": "Lviv", "country": "UA"}, {"name": "Kraków", "country": "PL"}],
    }


def test_blank_optional_text_means_absent() -> None:
    raw = {
        "id": "a",
        "kind": "twinning",
        "term": "",
        "parties": [{"name": "Lviv", "country": "UA"}, {"name": "Kraków", "country": "PL"}],
        "events": [{"type": "signed", "reason": " ", "source": ""}],
    }
    agreement = sc.from_dict(raw)
    assert agreement.term is None
    assert (agreement.events[0].reason, agreement.events[0].source) == (None, None)


def test_blank_text_given_in_python_round_trips() -> None:
    """SPEC §4: a blank optional text means absent, and reading what was written gives equal
    objects. Fails today: an Event or Agreement built in Python keeps ' ' and writes it out."""
    agreement = sc.Agreement(
        id="lviv-krakow",
        kind="twinning",
        parties=[sc.City("Lviv", "UA"), sc.City("Kraków", "PL")],
        events=[sc.Event("signed", "1995"), sc.Event("suspended", "2020", reason=" ")],
        notes="",
    )
    assert sc.from_dict(sc.to_dict(agreement)) == agreement


def test_extension_keys_are_kept_in_order_and_unchanged() -> None:
    nested = {"x-row": {"a": [1, 2.5, None, True]}, "x-note": "kept"}
    raw = {
        "id": "a",
        "kind": "twinning",
        "parties": [
            {"name": "Lviv", "country": "UA", **nested},
            {"name": "Kraków", "country": "PL"},
        ],
        "events": [{"type": "signed", **nested}],
        **nested,
    }
    written = sc.to_dict(sc.from_dict(raw))
    assert written == raw
    assert list(written)[-2:] == ["x-note", "x-row"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"id": 7}, "$.id"),
        ({"kind": ["twinning"]}, "$.kind"),
        ({"sources": "https://example.org"}, "$.sources"),
        ({"sources": [1]}, "$.sources[0]"),
        ({"events": [{"type": "signed", "date": 1995}]}, "$.events[0].date"),
        ({"events": [{"type": "signed", "by": 1}]}, "$.events[0].by"),
        ({"events": [{"date": "1995"}]}, "$.events[0].type"),
        ({"events": ["signed"]}, "$.events[0]"),
        (
            {"parties": [{"name": 5, "country": "UA"}, {"name": "Kraków", "country": "PL"}]},
            "$.parties[0].name",
        ),
        (
            {"parties": [{"name": "Lviv"}, {"name": "Kraków", "country": "PL"}]},
            "$.parties[0].country",
        ),
        (
            {
                "parties": [
                    {"name": "Lviv", "country": "UA", "geonames": "702550"},
                    {"name": "Kraków", "country": "PL"},
                ]
            },
            "$.parties[0].geonames",
        ),
        (
            {
                "parties": [
                    {"name": "Lviv", "country": "UA", "geonames": 2**63},
                    {"name": "Kraków", "country": "PL"},
                ]
            },
            "$.parties[0].geonames",
        ),
        ({"x-big": -(2**63) - 1}, "$['x-big']"),
        ({"x-nan": float("nan")}, "$['x-nan']"),
        ({"notes": "\udc00"}, "$.notes"),
    ],
)
def test_types_are_strict(change: dict[str, Any], path: str) -> None:
    raw = {
        "id": "a",
        "kind": "twinning",
        "parties": [{"name": "Lviv", "country": "UA"}, {"name": "Kraków", "country": "PL"}],
        "sources": ["https://example.org"],
        **change,
    }
    with pytest.raises(sc.InvalidAgreement) as info:
        sc.from_dict(raw)
    assert [(i.rule, i.path) for i in info.value.issues] == [("malformed-record", path)]


def test_sixty_four_bit_integers_are_accepted() -> None:
    raw = {
        "id": "a",
        "kind": "twinning",
        "parties": [
            {"name": "Lviv", "country": "UA", "geonames": 2**63 - 1},
            {"name": "Kraków", "country": "PL"},
        ],
        "x-min": -(2**63),
    }
    assert sc.to_dict(sc.from_dict(raw)) == raw


def test_validate_never_raises_for_bad_data() -> None:
    bad: object
    for bad in (None, [], "text", 5, {"id": None}, {"parties": [None, 3]}, {"events": "x"}):
        report = sc.validate(bad)  # type: ignore[arg-type]
        assert not report.ok
        assert {i.rule for i in report.errors} <= {"malformed-record"}


def test_validate_an_agreement() -> None:
    agreement = sc.from_dict(MANCHESTER_SPB)
    report = sc.validate(agreement, today=dt.date(2025, 1, 1))
    assert report.ok and report.issues == []
    report = sc.validate(agreement, today="2021")
    assert [(i.rule, i.path) for i in report.issues] == [("future-date", "$.events[2].date")]


def test_converter_structures_parts_with_field_paths_and_domain_messages() -> None:
    with pytest.raises(sc.InvalidAgreement) as info:
        converter.structure({"name": "Lviv", "country": "Ukraine"}, sc.City)
    (issue,) = info.value.issues
    assert (issue.rule, issue.path) == ("invalid-country", "$.country")
    assert "'Ukraine'" in issue.message and "'UA'" in issue.message
    city = converter.structure({"name": "Lviv", "country": "UA"}, sc.City)
    assert city == sc.City("Lviv", "UA")
    event = converter.structure({"type": "signed", "date": "1995?"}, sc.Event)
    assert event == sc.Event("signed", "1995?")
    with pytest.raises(sc.InvalidAgreement) as info:
        converter.structure({"type": "signed", "date": "1995-02-29"}, sc.Event)
    assert "1995-02 has days 01 to 28" in info.value.issues[0].message


def test_converter_refuses_a_number_as_a_string() -> None:
    with pytest.raises(TypeError, match="expected a string"):
        converter.structure(5, str)


def test_every_problem_is_reported_at_once() -> None:
    raw = {
        "id": "a",
        "kind": "pact",
        "parties": [{"name": "Lviv", "country": "ua"}],
        "events": [{"type": "sign"}],
    }
    with pytest.raises(sc.InvalidAgreement) as info:
        sc.from_dict(raw)
    assert sorted(i.rule for i in info.value.issues) == [
        "invalid-country",
        "invalid-event-type",
        "invalid-kind",
        "too-few-parties",
    ]
    assert "agreement 'a' breaks 4 rule(s)" in str(info.value)
