"""The fast paths of the one-pass record check agree with the detailed ones.

``check_record(raw, build=False)`` (what ``validate --no-collection`` runs) checks a record
without building any model object; ``build=True`` builds the :class:`Agreement` from the values
the pass has already checked, without running the constructors' checks again. The detailed
path is the public constructors (``City``, ``FormerName``, ``Event``, ``Agreement``), which
convert every value and run the full check. These properties hold them together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sistercity import Agreement, City, Event, FormerName, InvalidAgreement, _fields, to_dict
from sistercity._fields import (
    AGREEMENT_KEYS,
    EVENT_KEYS,
    FORMER_NAME_KEYS,
    PARTY_KEYS,
)
from sistercity._record import check_record
from sistercity.strategies import broken_cases, records

TODAY = dt.date(2025, 6, 1)


def _extensions(obj: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    """Every key that is not a field: the ``x-`` keys, and any unknown key (to be refused)."""
    return {key: value for key, value in obj.items() if key not in known}


def _former(raw: dict[str, Any]) -> FormerName:
    return FormerName(
        raw["name"],
        raw["until"],
        from_=raw.get("from"),
        country=raw.get("country"),
        extensions=_extensions(raw, FORMER_NAME_KEYS),
    )


def _city(raw: dict[str, Any]) -> City:
    return City(
        raw["name"],
        raw["country"],
        subdivision=raw.get("subdivision"),
        level=raw.get("level", "municipality"),
        wikidata=raw.get("wikidata"),
        geonames=raw.get("geonames"),
        former_names=[_former(f) for f in raw.get("former_names", ())],
        extensions=_extensions(raw, PARTY_KEYS),
    )


def _event(raw: dict[str, Any]) -> Event:
    return Event(
        raw["type"],
        raw.get("date"),
        by=raw.get("by"),
        reason=raw.get("reason"),
        source=raw.get("source"),
        body=raw.get("body"),
        decided=raw.get("decided"),
        announced=raw.get("announced"),
        condition=raw.get("condition"),
        extensions=_extensions(raw, EVENT_KEYS),
    )


def _construct(raw: dict[str, Any]) -> Agreement:
    """The detailed path: every object through its public constructor and its own check."""
    return Agreement(
        raw["id"],
        raw["kind"],
        [_city(p) for p in raw["parties"]],
        [_event(e) for e in raw.get("events", ())],
        term=raw.get("term"),
        sources=raw.get("sources", ()),
        supersedes=raw.get("supersedes"),
        notes=raw.get("notes"),
        extensions=_extensions(raw, AGREEMENT_KEYS),
    )


@settings(max_examples=150, deadline=None)
@given(records())
def test_a_valid_record_builds_the_agreement_the_constructors_build(raw: dict[str, Any]) -> None:
    """Fast path = detailed path on valid records: the agreement that the pass builds from its
    checked values equals (and hashes like, and writes like) the one the constructors build."""
    issues, fast = check_record(raw, today=TODAY)
    assert not [issue for issue in issues if issue.is_error]
    assert fast is not None
    detailed = _construct(raw)
    assert fast == detailed
    assert hash(fast) == hash(detailed)
    assert to_dict(fast) == to_dict(detailed) == raw
    assert all(type(p) is City for p in fast.parties)
    assert all(type(e) is Event for e in fast.events)


@settings(max_examples=150, deadline=None)
@given(st.one_of(records(), broken_cases().map(lambda case: case.record)))
def test_checking_without_building_reports_the_same(raw: dict[str, Any]) -> None:
    """The check-only path (``build=False``, no model objects) accepts and rejects exactly the
    records that the building path does, with the same issues."""
    built_issues, agreement = check_record(raw, today=TODAY, build=True)
    checked_issues, nothing = check_record(raw, today=TODAY, build=False)
    assert checked_issues == built_issues
    assert nothing is None
    assert (agreement is None) == any(issue.is_error for issue in built_issues)


@settings(max_examples=150, deadline=None)
@given(broken_cases())
def test_a_broken_record_is_refused_by_both_paths(case: Any) -> None:
    """A record that breaks one error rule: the pass refuses it naming that rule, and the
    detailed path refuses it too (a constructor raises, never builds it)."""
    issues, agreement = check_record(case.record, today=TODAY)
    assert agreement is None
    assert case.rule in {issue.rule for issue in issues if issue.is_error}
    try:
        built = _construct(case.record)
    except (InvalidAgreement, KeyError, TypeError, ValueError):
        return
    raise AssertionError(f"the constructors built a broken record: {built!r}")


def test_the_date_cache_stays_bounded() -> None:
    """Parsed partial dates are shared by text, but the cache never grows past its bound, so
    memory stays flat however many distinct dates a long input holds."""
    day = dt.date(1900, 1, 1)
    for offset in range(_fields._DATES_MAX + 500):
        text = (day + dt.timedelta(days=offset)).isoformat()
        raw = {
            "id": "a",
            "kind": "twinning",
            "parties": [{"name": "A", "country": "DE"}, {"name": "B", "country": "FR"}],
            "events": [{"type": "signed", "date": text}],
            "sources": ["https://example.org"],
        }
        _, agreement = check_record(raw, today=TODAY)
        assert agreement is not None and str(agreement.events[0].date) == text
        assert len(_fields._DATES) <= _fields._DATES_MAX
