"""Property tests: each is named after the rule it checks and quotes it (SPEC §2-§5)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity.strategies import (
    BROKEN_RULES,
    BrokenRecord,
    agreements,
    broken_cases,
    cities,
    partial_dates,
    records,
)

TODAY = dt.date(2025, 6, 1)
QUALIFIER_RANK = {None: 0, "?": 1, "~": 2, "%": 3}


# ---- SPEC §2: partial dates --------------------------------------------------------------


@given(partial_dates())
def test_partial_date_str_round_trips(d: sc.PartialDate) -> None:
    """`PartialDate.parse(str(d)) == d`: the record form reads back as the same date."""
    again = sc.PartialDate.parse(str(d))
    assert again == d
    assert (again.earliest, again.latest, again.qualifier) == (d.earliest, d.latest, d.qualifier)
    assert repr(d) == f"<PartialDate({str(d)!r})>"


@given(partial_dates())
def test_partial_date_is_the_interval_of_days_it_could_be(d: sc.PartialDate) -> None:
    """ "A partial date stands for the interval of days it could be ... Qualifiers ... do not
    widen the interval." Never coerce a year to 1 January."""
    plain = sc.PartialDate(str(d).rstrip("?~%"))
    assert (d.earliest, d.latest) == (plain.earliest, plain.latest)
    if d.month is None:
        assert (d.earliest, d.latest) == (dt.date(d.year, 1, 1), dt.date(d.year, 12, 31))
    elif d.day is None:
        assert d.earliest.day == 1 and (d.latest + dt.timedelta(days=1)).day == 1
    else:
        assert d.earliest == d.latest


@given(partial_dates())
def test_definitely_before_is_irreflexive(d: sc.PartialDate) -> None:
    """`a.definitely_before(b)` is `a.latest < b.earliest`: never true of a date and itself."""
    assert not d.definitely_before(d)


@given(partial_dates(), partial_dates(), partial_dates())
def test_definitely_before_is_transitive(
    a: sc.PartialDate, b: sc.PartialDate, c: sc.PartialDate
) -> None:
    """`a.definitely_before(b)` is `a.latest < b.earliest`, so it chains."""
    if a.definitely_before(b) and b.definitely_before(c):
        assert a.definitely_before(c)
    assert a.definitely_before(b) == (a.latest < b.earliest)


@given(partial_dates(), partial_dates())
def test_definitely_before_is_asymmetric(a: sc.PartialDate, b: sc.PartialDate) -> None:
    """`a.definitely_before(b)` is `a.latest < b.earliest`: at most one way round."""
    assert not (a.definitely_before(b) and b.definitely_before(a))


@given(partial_dates(), partial_dates())
def test_sort_order(a: sc.PartialDate, b: sc.PartialDate) -> None:
    """ "Sort order: earliest day first; for the same earliest day, the wider interval first;
    then no qualifier before `?`, `~`, `%`." Equality and hash use (earliest, latest, qualifier).
    """

    def key(d: sc.PartialDate) -> tuple[dt.date, int, int]:
        return (d.earliest, -d.latest.toordinal(), QUALIFIER_RANK[d.qualifier])

    assert (a < b) == (key(a) < key(b))
    assert (a <= b) == (key(a) <= key(b))
    assert (a > b) == (key(a) > key(b))
    assert (a == b) == (key(a) == key(b))
    if a == b:
        assert hash(a) == hash(b)
    assert sorted([a, b]) == sorted([b, a])


# ---- SPEC §4/§5: valid and broken records ------------------------------------------------


@given(records())
def test_valid_records_construct_and_validate_clean(raw: dict[str, Any]) -> None:
    """Every generated valid agreement constructs and validates with no errors."""
    report = sc.validate(raw, today=TODAY)
    assert report.errors == []
    assert isinstance(sc.from_dict(raw), sc.Agreement)


@given(agreements())
def test_valid_agreements_validate_clean(agreement: sc.Agreement) -> None:
    """Every generated valid agreement (built in Python) validates with no errors."""
    assert sc.validate(agreement, today=TODAY).errors == []


@pytest.mark.parametrize("rule", BROKEN_RULES)
@settings(max_examples=15)
@given(data=st.data())
def test_broken_records_report_exactly_their_rule(rule: str, data: st.DataObject) -> None:
    """ "Record rules, errors: an Agreement that breaks one cannot be constructed": a record
    broken for one rule reports that rule and no other error, at the path SPEC §5 gives."""
    case: BrokenRecord = data.draw(broken_cases([rule]))
    errors = sc.validate(case.record, today=TODAY).errors
    assert {i.rule for i in errors} == {rule}
    assert case.path in {i.path for i in errors}
    with pytest.raises(sc.InvalidAgreement) as info:
        sc.from_dict(case.record)
    assert {i.rule for i in info.value.issues} == {rule}


# ---- SPEC §4: serialisation ---------------------------------------------------------------


@given(agreements())
def test_from_dict_to_dict_round_trip(agreement: sc.Agreement) -> None:
    """ "Reading what was written gives equal objects": `from_dict(to_dict(a)) == a`."""
    assert sc.from_dict(sc.to_dict(agreement)) == agreement


@given(records())
def test_to_dict_from_dict_is_canonical(raw: dict[str, Any]) -> None:
    """ "Writing is canonical: key order as above, fields equal to their default left out":
    `to_dict(from_dict(d)) == d` for a canonical record, key order included."""
    written = sc.to_dict(sc.from_dict(raw))
    assert written == raw
    assert json.dumps(written, ensure_ascii=False) == json.dumps(raw, ensure_ascii=False)


# ---- SPEC §3: status over time -----------------------------------------------------------

days = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


@given(agreements(), days, days, days)
def test_status_on_never_goes_back_from_ended(
    agreement: sc.Agreement, one: dt.date, two: dt.date, today: dt.date
) -> None:
    """ "Nothing may follow `ended`": once an agreement has ended on a day, it is ended on
    every later day."""
    first, second = sorted([one, two])
    if agreement.status_on(first, today=today) is sc.Status.ENDED:
        assert agreement.status_on(second, today=today) is sc.Status.ENDED


@given(agreements(), st.integers(0, 3650), st.integers(0, 3650))
def test_status_on_after_every_event_is_status(
    agreement: sc.Agreement, after: int, more: int
) -> None:
    """ "`status` is the state after every listed event": on a day after every dated event,
    with today not after that day, every event is known and `status_on` is `status`."""
    last = max((e.date.latest for e in agreement.events if e.date is not None), default=None)
    day = (last or dt.date(2000, 1, 1)) + dt.timedelta(days=after)
    today = day - dt.timedelta(days=more)
    assert agreement.status_on(day, today=today) == agreement.status


@given(agreements(), days)
def test_status_on_is_unknown_before_any_event_is_known(
    agreement: sc.Agreement, day: dt.date
) -> None:
    """ "When no event is known by `day`, the state is `unknown`": before every dated event's
    last day, and before today, no event is known."""
    if all(e.date is None or day < e.date.latest for e in agreement.events):
        tomorrow = day + dt.timedelta(days=1)
        assert agreement.status_on(day, today=tomorrow) is sc.Status.UNKNOWN


# ---- SPEC §4: places ----------------------------------------------------------------------


@given(cities())
def test_city_is_hashable_and_usable_in_a_set(city: sc.City) -> None:
    """ "Frozen must mean frozen": a City is a value, equal to a copy, one entry in a set."""
    copy = attrs.evolve(city)
    assert copy == city and hash(copy) == hash(city)
    assert len({city, copy}) == 1
    assert isinstance(city.former_names, tuple)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        city.name = "Elsewhere"  # type: ignore[misc]


@given(
    cities(),
    st.dictionaries(
        st.text(max_size=5).map("x-".__add__), st.integers(-(2**63), 2**63 - 1), min_size=1
    ),
)
def test_extension_keys_are_compared_but_not_hashed(city: sc.City, more: dict[str, int]) -> None:
    """ "`x-` keys are kept (as a read-only mapping, compared by equality, outside the hash)"."""
    bare = attrs.evolve(city, extensions={})
    other = attrs.evolve(city, extensions=more)
    assert other.extensions == more
    assert other != bare
    assert hash(other) == hash(bare)
    assert len({other, bare}) == 2
    key = next(iter(more))
    with pytest.raises(TypeError):
        other.extensions[key] = 1  # type: ignore[index]


@given(cities())
def test_place_identity_is_the_key(city: sc.City) -> None:
    """ "Each party has one key: its `wikidata` id if given; else `geonames:<id>`; else
    `(country, subdivision, level, name)` with the name NFC-normalised, case-folded and its
    white space collapsed"."""
    name = " ".join(unicodedata.normalize("NFC", city.name).casefold().split())
    if city.wikidata is not None:
        assert city.key == city.wikidata
    elif city.geonames is not None:
        assert city.key == f"geonames:{city.geonames}"
    else:
        assert city.key == (city.country, city.subdivision, city.level.value, name)
    spaced = attrs.evolve(city, name=f"  {city.name}\u2003 ")
    assert spaced.same_place(city)
