"""The public Hypothesis strategies: what they promise, and the cases they reach."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings

import sistercity as sc
from sistercity import strategies
from sistercity.serialization import converter
from sistercity.strategies import (
    BROKEN_RULES,
    agreements,
    broken_cases,
    broken_records,
    cities,
    partial_dates,
    records,
)


def test_available_from_the_package() -> None:
    assert sc.strategies is strategies


def test_broken_rules_are_the_error_record_rules_of_the_spec() -> None:
    from test_rules import SPEC_RECORD_ERRORS  # the one copy of SPEC §5's table

    assert sorted(BROKEN_RULES) == sorted(SPEC_RECORD_ERRORS)


@given(partial_dates(1900, 1950, qualifiers=False))
def test_partial_dates_stay_in_range(d: sc.PartialDate) -> None:
    assert 1900 <= d.year <= 1950
    assert d.qualifier is None


def test_partial_dates_refuses_a_bad_range() -> None:
    with pytest.raises(ValueError, match="min_year"):
        partial_dates(1950, 1900)
    with pytest.raises(ValueError):
        partial_dates(0, 10)


def test_broken_cases_refuses_an_unknown_rule() -> None:
    with pytest.raises(ValueError, match="missing-reason"):
        broken_cases(["missing-reason"])
    with pytest.raises(ValueError):
        broken_cases([])


@settings(max_examples=20)
@given(broken_records(["invalid-kind", "self-supersedes"]))
def test_broken_records_are_pairs_of_rule_and_dict(pair: tuple[str, dict[str, Any]]) -> None:
    rule, record = pair
    assert rule in ("invalid-kind", "self-supersedes")
    assert isinstance(record, dict)


@settings(max_examples=20)
@given(records(1990, 1995))
def test_records_dates_stay_in_range(record: dict[str, Any]) -> None:
    for event in record.get("events", ()):
        if "date" in event:
            assert 1990 <= sc.PartialDate(event["date"]).year <= 1995


@given(cities())
def test_cities_are_valid_and_round_trip(city: sc.City) -> None:
    assert converter.structure(converter.unstructure(city), sc.City) == city


# ---- reach: each of these would fail if the strategies never generated the case ------------

#: Search without shrinking: the first example found is enough.
SEARCH = settings(max_examples=500, phases=[Phase.generate], database=None)


def events_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = record.get("events", [])
    return events


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param(
            lambda r: any(e["type"] == "suspended" and "by" in e for e in events_of(r)),
            id="suspended-by-one-party",
        ),
        pytest.param(
            lambda r: sum(e["type"] == "signed" and "by" in e for e in events_of(r)) >= 2,
            id="counter-signatures",
        ),
        pytest.param(
            lambda r: any(e["type"] == "reinstated" for e in events_of(r)), id="reinstated"
        ),
        pytest.param(lambda r: any("date" not in e for e in events_of(r)), id="undated-event"),
        pytest.param(
            lambda r: any(e.get("date", "").endswith("?") for e in events_of(r)),
            id="uncertain-date",
        ),
        pytest.param(lambda r: any("former_names" in p for p in r["parties"]), id="former-names"),
        pytest.param(lambda r: any(k.startswith("x-") for k in r), id="extension-keys"),
        pytest.param(
            lambda r: any(e.get("by", "").startswith("Q") for e in events_of(r)), id="by-wikidata"
        ),
        pytest.param(
            lambda r: any(e.get("by", "").endswith(")") for e in events_of(r)),
            id="by-name-and-country",
        ),
        pytest.param(lambda r: len(r["parties"]) > 2, id="three-parties"),
        pytest.param(lambda r: "supersedes" in r, id="supersedes"),
    ],
)
def test_records_reach(condition: Any) -> None:
    assert condition(find(records(), condition, settings=SEARCH))


@pytest.mark.parametrize("status", [s for s in sc.Status])
def test_agreements_reach_every_status(status: sc.Status) -> None:
    found = find(agreements(), lambda a: a.status is status, settings=SEARCH)
    assert found.status is status


def test_agreements_are_built_with_the_python_constructors() -> None:
    found = find(agreements(), lambda a: len(a.events) > 2, settings=SEARCH)
    assert isinstance(found.events, tuple) and isinstance(found.events[0], sc.Event)


def test_today_does_not_matter_to_valid_records() -> None:
    record = find(records(2020, 2025), lambda r: len(events_of(r)) > 1, settings=SEARCH)
    assert sc.validate(record, today=dt.date(2026, 1, 1)).ok


def test_without_hypothesis_the_strategies_name_their_extra() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import sistercity.strategies\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "pip install 'sistercity[strategies]'" in result.stdout


def test_the_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    import sistercity

    assert sistercity.__version__ == version("sistercity")
