"""Registry: look-up, questions over time, validation with the collection rules, graph view."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sistercity
from sistercity import (
    Agreement,
    AgreementKind,
    City,
    Event,
    EventType,
    FormerName,
    PartialDate,
    RecordRef,
    Registry,
    Status,
    UnknownRuleError,
    collection_rule,
    record_rule,
    strategies,
    unregister_rule,
)
from sistercity._collection import CollectionCheck

TODAY = dt.date(2026, 1, 1)
SOURCES = ["https://example.org/"]

MANCHESTER = City("Manchester", "GB", subdivision="GB-MAN", wikidata="Q18125")
SPB = City(
    "Saint Petersburg",
    "RU",
    wikidata="Q656",
    former_names=[FormerName("Leningrad", country="SU", from_="1924-01-26", until="1991-09-06")],
)
CHEMNITZ = City("Chemnitz", "DE", wikidata="Q2795")
BERLIN = City("Berlin", "DE", wikidata="Q64")
GLASGOW = City("Glasgow", "GB", wikidata="Q4093")
ROSTOV = City("Rostov-on-Don", "RU", wikidata="Q908")

MANCHESTER_SPB = Agreement(
    "manchester-saint-petersburg-1962",
    "friendship",
    [MANCHESTER, SPB],
    [
        Event("signed", "1962"),
        Event("renewed", "2007"),
        Event("suspended", "2022-02-26", by="Manchester", reason="Russian invasion of Ukraine"),
    ],
    term="friendship agreement",
    sources=["https://www.manchester.gov.uk/"],
)
MANCHESTER_CHEMNITZ = Agreement(
    "manchester-chemnitz-1983",
    "twinning",
    [MANCHESTER, CHEMNITZ],
    [Event("signed", "1983")],
    sources=["https://www.manchester.gov.uk/"],
)
GLASGOW_ROSTOV = Agreement(
    "glasgow-rostov-on-don-1986",
    "twinning",
    [GLASGOW, ROSTOV],
    [
        Event("signed", "1986"),
        Event("suspended", "2022-03-02", by="Glasgow", reason="invasion of Ukraine"),
    ],
    sources=["https://www.glasgow.gov.uk/"],
)


def record(
    id: str,
    kind: str,
    parties: Sequence[City],
    events: Sequence[Event] = (),
    supersedes: str | None = None,
) -> Agreement:
    return Agreement(id, kind, list(parties), list(events), sources=SOURCES, supersedes=supersedes)


def ids(agreements: Sequence[Agreement]) -> list[str]:
    return [a.id for a in agreements]


# --------------------------------------------------------------------------------------------
# Strategies (small and self-contained; valid by construction)
# --------------------------------------------------------------------------------------------

PLACES = tuple(
    City(f"Place {n}", ("GB", "DE", "RU", "FR", "UA")[n % 5], wikidata=f"Q{n + 1}")
    if n % 3
    else City(f"Town {n}", ("GB", "DE", "RU", "FR", "UA")[n % 5])
    for n in range(7)
)


@st.composite
def partial_dates(draw: st.DrawFn, year: int) -> str:
    """A partial date in ``year``, to the year, the month or the day."""
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return f"{year:04d}"
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{draw(st.integers(1, 28)):02d}"


@st.composite
def lifecycles(draw: st.DrawFn) -> list[Event]:
    """A legal event list: signed, then renewals, suspensions and reinstatements, maybe an end.

    Each dated event is in a later year than the one before, so none is out of order; any
    date may be missing.
    """
    if draw(st.integers(0, 6)) == 0:
        return []
    year = draw(st.integers(1950, 2015))

    def date() -> str | None:
        nonlocal year
        year += draw(st.integers(1, 4))
        return None if draw(st.integers(0, 6)) == 0 else draw(partial_dates(year))

    events = [Event("signed", date())]
    state = "active"
    for _ in range(draw(st.integers(0, 4))):
        options = {
            "active": ["renewed", "suspended", "terminated", "expired"],
            "suspended": ["reinstated", "terminated", "expired"],
        }[state]
        kind = draw(st.sampled_from(options))
        events.append(Event(kind, date(), reason="a reason"))
        if kind in ("terminated", "expired"):
            break
        state = "suspended" if kind == "suspended" else "active"
    return events


@st.composite
def agreement_lists(draw: st.DrawFn) -> list[Agreement]:
    """A few agreements between places of a small pool, with unique ids."""
    out = []
    for n in range(draw(st.integers(0, 8))):
        first = draw(st.integers(0, len(PLACES) - 1))
        second = draw(st.sampled_from([p for i, p in enumerate(PLACES) if i != first]))
        kind = draw(st.sampled_from(list(AgreementKind)))
        out.append(record(f"a{n}", kind, [PLACES[first], second], draw(lifecycles())))
    return out


days = st.dates(dt.date(1950, 1, 1), dt.date(2035, 12, 31))


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@given(agreement_lists(), st.sampled_from(PLACES), days)
def test_partners_on_a_day_agree_with_status_on_of_every_agreement(
    agreements: list[Agreement], place: City, day: dt.date
) -> None:
    """``partners_of(p, on=d)``: the other parties of every agreement of ``p`` whose
    ``status_on(d)`` is active, each place once.
    """
    registry = Registry(agreements, today=TODAY)
    expected = {
        party.key
        for a in agreements
        if place.key in {p.key for p in a.parties}
        and a.status_on(day, today=TODAY) is Status.ACTIVE
        for party in a.parties
        if party.key != place.key
    }
    partners = registry.partners_of(place, on=day)
    keys = [c.key for c in partners]
    assert len(keys) == len(set(keys))
    assert set(keys) == expected


@given(
    agreement_lists(),
    st.sampled_from(PLACES),
    days,
    st.sets(st.sampled_from(list(Status)), min_size=1),
    st.sets(st.sampled_from(list(AgreementKind)), min_size=1),
)
def test_partners_filtered_by_status_and_kind(
    agreements: list[Agreement],
    place: City,
    day: dt.date,
    statuses: set[Status],
    kinds: set[AgreementKind],
) -> None:
    """``kinds`` and ``status`` select the agreements whose partners count."""
    registry = Registry(agreements)
    expected = {
        party.key
        for a in agreements
        if place.key in {p.key for p in a.parties}
        and a.kind in kinds
        and a.status_on(day, today=TODAY) in statuses
        for party in a.parties
        if party.key != place.key
    }
    found = registry.partners_of(place.wikidata or place, day, kinds, statuses, today=TODAY)
    assert {c.key for c in found} == expected


@given(agreement_lists(), days, days, st.booleans())
def test_events_between_agree_with_every_event_interval(
    agreements: list[Agreement], one: dt.date, two: dt.date, possibly: bool
) -> None:
    """``events(between=(start, end))``: an event counts when its whole interval lies inside
    (or, with ``possibly``, overlaps) ``start.earliest..end.latest``; undated ones never do;
    date order.
    """
    low, high = min(one, two), max(one, two)
    registry = Registry(agreements)

    def counts(e: Event) -> bool:
        if e.date is None:
            return False
        if possibly:
            return e.date.earliest <= high and e.date.latest >= low
        return low <= e.date.earliest and e.date.latest <= high

    expected = Counter((a.id, n) for a in agreements for n, e in enumerate(a.events) if counts(e))
    got = list(registry.events(between=(low, high), possibly=possibly))
    assert Counter((a.id, a.events.index(e)) for a, e in got) == expected
    dates = [e.date for _, e in got]
    assert dates == sorted(d for d in dates if d is not None)


@given(agreement_lists(), days)
def test_status_counts_count_every_agreement_once(
    agreements: list[Agreement], day: dt.date
) -> None:
    """``status_counts(on=d)`` counts ``status_on(d)`` of every agreement."""
    counts = Registry(agreements, today=TODAY).status_counts(on=day)
    assert set(counts) == set(Status)
    assert counts == {
        status: sum(a.status_on(day, today=TODAY) is status for a in agreements)
        for status in Status
    }


@given(agreement_lists(), st.randoms(use_true_random=False))
def test_registry_findings_do_not_depend_on_order(
    agreements: list[Agreement], random: Random
) -> None:
    """Shuffling the members never changes the findings of ``Registry.validate``."""
    # give some agreements the same id, so that the collection rules have something to find
    agreements = [
        record(f"a{n % 3}", a.kind, a.parties, a.events) for n, a in enumerate(agreements)
    ]
    shuffled = list(agreements)
    random.shuffle(shuffled)

    def findings(registry: Registry) -> list[tuple[str, str, tuple[str | None, ...]]]:
        report = registry.validate(today=TODAY)
        return sorted(
            (i.rule, i.message, tuple(sorted((r.id for r in i.records), key=str))) for i in report
        )

    assert findings(Registry(agreements)) == findings(Registry(shuffled))


# --------------------------------------------------------------------------------------------
# Manchester, Chemnitz, St Petersburg, Glasgow, Rostov-on-Don
# --------------------------------------------------------------------------------------------


@pytest.fixture
def registry() -> Registry:
    return Registry([MANCHESTER_SPB, MANCHESTER_CHEMNITZ, GLASGOW_ROSTOV], today=TODAY)


def test_manchester_partners_before_and_after_the_suspension(registry: Registry) -> None:
    on_2021 = registry.partners_of(MANCHESTER, on="2021-01-01")
    assert [c.name for c in on_2021] == ["Saint Petersburg", "Chemnitz"]
    assert registry.partners_of("Q18125", on=dt.date(2022, 3, 15)) == [CHEMNITZ]
    # "2022-03" means its last day, 31 March 2022
    assert registry.partners_of("Q18125", on="2022-03") == [CHEMNITZ]
    # and the suspended partners
    assert registry.partners_of(MANCHESTER, on="2022-03", status="suspended") == [SPB]


def test_partners_now_is_status_on_today(registry: Registry) -> None:
    assert registry.partners_of(MANCHESTER) == [CHEMNITZ]
    assert registry.partners_of(MANCHESTER, today="2021-06-01") == [SPB, CHEMNITZ]


def test_partners_by_kind(registry: Registry) -> None:
    assert registry.partners_of(MANCHESTER, on="2021", kinds="friendship") == [SPB]
    assert registry.partners_of(MANCHESTER, on="2021", kinds=["twinning", "cooperation"]) == [
        CHEMNITZ
    ]


def test_before_any_signing_there_are_no_partners(registry: Registry) -> None:
    assert registry.partners_of(MANCHESTER, on="1961") == []
    assert registry.partners_of(MANCHESTER, on="1962") == [SPB]


def test_a_place_is_found_by_identity_whatever_its_name(registry: Registry) -> None:
    leningrad = City("Leningrad", "SU", wikidata="Q656")
    assert ids(registry.agreements_of(leningrad)) == ["manchester-saint-petersburg-1962"]
    assert ids(registry.agreements_of("Q18125")) == [
        "manchester-saint-petersburg-1962",
        "manchester-chemnitz-1983",
    ]
    assert registry.agreements_of("Q1") == []


def test_places_without_ids_are_found_by_their_key() -> None:
    toledo_us = City("Toledo", "US", subdivision="US-OH")
    toledo_es = City("Toledo", "ES")
    agreement = record("toledo-toledo", "twinning", [toledo_us, toledo_es], [Event("signed")])
    registry = Registry([agreement])
    assert registry.agreements_of(City("TOLEDO", "US", subdivision="US-OH")) == [agreement]
    assert registry.agreements_of(City("Toledo", "US")) == []
    assert registry.agreements_of(toledo_us.key) == [agreement]


def test_every_suspension_in_2022(registry: Registry) -> None:
    found = list(registry.events(between=("2022", "2022"), types="suspended"))
    assert [(a.id, str(e.date)) for a, e in found] == [
        ("manchester-saint-petersburg-1962", "2022-02-26"),
        ("glasgow-rostov-on-don-1986", "2022-03-02"),
    ]
    assert list(registry.events(between=("2022-03", "2022-12"), types=[EventType.SUSPENDED])) == [
        (GLASGOW_ROSTOV, GLASGOW_ROSTOV.events[1])
    ]


def test_events_whole_interval_or_possibly(registry: Registry) -> None:
    # "1962" could be any day of 1962: not wholly inside March 1962, but possibly
    assert list(registry.events(between=("1962-03", "1962-03"))) == []
    assert list(registry.events(between=("1962-03", "1962-03"), possibly=True)) == [
        (MANCHESTER_SPB, MANCHESTER_SPB.events[0])
    ]
    # the range runs from start.earliest to end.latest, both ends included
    signed = [str(e.date) for _, e in registry.events(between=("1983", "1986"))]
    assert signed == ["1983", "1986"]
    assert [str(e.date) for _, e in registry.events(between=(None, "1970"))] == ["1962"]


def test_all_events_in_date_order_and_undated_left_out() -> None:
    undated = record("undated", "twinning", [BERLIN, CHEMNITZ], [Event("signed")])
    registry = Registry([GLASGOW_ROSTOV, undated, MANCHESTER_SPB, MANCHESTER_CHEMNITZ])
    dates = [str(e.date) for _, e in registry.events()]
    assert dates == ["1962", "1983", "1986", "2007", "2022-02-26", "2022-03-02"]


def test_events_in_the_sort_order_of_partial_dates() -> None:
    dates = ["1962-05-01", "1962", "1962-05", "1961-12-31"]
    agreements = [
        record(f"a{n}", "twinning", [BERLIN, CHEMNITZ], [Event("signed", d)])
        for n, d in enumerate(dates)
    ]
    found = [str(e.date) for _, e in Registry(agreements).events()]
    assert found == ["1961-12-31", "1962", "1962-05", "1962-05-01"]


def test_status_counts(registry: Registry) -> None:
    assert registry.status_counts(on="2021") == {
        Status.PROPOSED: 0,
        Status.ACTIVE: 3,
        Status.SUSPENDED: 0,
        Status.ENDED: 0,
        Status.UNKNOWN: 0,
    }
    now = registry.status_counts()
    assert (now[Status.ACTIVE], now[Status.SUSPENDED]) == (1, 2)
    assert registry.status_counts(on="1970")[Status.UNKNOWN] == 2


def test_places_once_each_in_order_of_first_appearance(registry: Registry) -> None:
    assert registry.places() == [MANCHESTER, SPB, CHEMNITZ, GLASGOW, ROSTOV]


# --------------------------------------------------------------------------------------------
# Berlin and St Petersburg: friendship, then twinning
# --------------------------------------------------------------------------------------------


def test_between_follows_supersedes_oldest_first() -> None:
    friendship = record("berlin-spb-f", "friendship", [BERLIN, SPB], [Event("signed", "1990")])
    # the twinning's own dates say nothing earlier than the friendship: the chain decides
    twinning = record(
        "berlin-spb-t", "twinning", [SPB, BERLIN], [Event("signed", "1985")], "berlin-spb-f"
    )
    cooperation = record("berlin-spb-c", "cooperation", [BERLIN, SPB], [Event("signed", "1970")])
    other = record("berlin-chemnitz", "twinning", [BERLIN, CHEMNITZ], [Event("signed", "1960")])
    registry = Registry([twinning, other, friendship, cooperation])
    assert ids(registry.between(BERLIN, SPB)) == ["berlin-spb-c", "berlin-spb-f", "berlin-spb-t"]
    assert ids(registry.between("Q656", "Q64")) == ["berlin-spb-c", "berlin-spb-f", "berlin-spb-t"]
    assert registry.between(BERLIN, BERLIN) == []
    assert registry.between(SPB, MANCHESTER) == []


def test_between_survives_a_supersedes_cycle() -> None:
    one = record("one", "friendship", [BERLIN, SPB], [Event("signed", "1990")], "two")
    two = record("two", "twinning", [BERLIN, SPB], [Event("signed", "1995")], "one")
    undated = record("three", "cooperation", [BERLIN, SPB], [])
    assert ids(Registry([undated, two, one]).between(BERLIN, SPB)) == ["one", "two", "three"]


def test_friendship_and_twinning_in_the_same_year_are_no_duplicate() -> None:
    registry = Registry(
        [
            record("berlin-spb-f", "friendship", [BERLIN, SPB], [Event("signed", "1990")]),
            record("berlin-spb-t", "twinning", [BERLIN, SPB], [Event("signed", "1990")]),
        ]
    )
    assert "duplicate-agreement" not in registry.validate(today=TODAY).rules()


def test_the_same_twinning_twice_is_a_duplicate() -> None:
    registry = Registry(
        [
            record("berlin-spb-1", "twinning", [BERLIN, SPB], [Event("signed", "1990")]),
            record("berlin-spb-2", "twinning", [SPB, BERLIN], [Event("signed", "1990")]),
        ]
    )
    report = registry.validate(today=TODAY)
    (issue,) = report.issues
    assert issue.rule == "duplicate-agreement"
    assert [(r.id, r.index) for r in issue.records] == [("berlin-spb-1", 0), ("berlin-spb-2", 1)]
    assert report.ok  # a warning


# --------------------------------------------------------------------------------------------
# Look-up by id
# --------------------------------------------------------------------------------------------


def test_lookup_by_id(registry: Registry) -> None:
    assert registry["manchester-chemnitz-1983"] is MANCHESTER_CHEMNITZ
    assert registry.get("manchester-chemnitz-1983") is MANCHESTER_CHEMNITZ
    assert registry.get("nowhere") is None
    assert registry.get("nowhere", MANCHESTER_SPB) is MANCHESTER_SPB
    assert "glasgow-rostov-on-don-1986" in registry
    assert GLASGOW_ROSTOV in registry
    assert "nowhere" not in registry
    assert 3 not in registry
    with pytest.raises(KeyError):
        registry["nowhere"]
    assert len(registry) == 3
    assert list(registry) == [MANCHESTER_SPB, MANCHESTER_CHEMNITZ, GLASGOW_ROSTOV]
    assert registry.ids() == ids([MANCHESTER_SPB, MANCHESTER_CHEMNITZ, GLASGOW_ROSTOV])
    assert repr(registry) == "<Registry of 3 agreements>"


def test_a_shared_id_gives_the_first_and_with_id_gives_all() -> None:
    first = record("x", "twinning", [BERLIN, SPB], [Event("signed", "1990")])
    second = record("x", "friendship", [BERLIN, CHEMNITZ], [Event("signed", "1991")])
    registry = Registry(iter([first, second]))
    assert registry["x"] is first and registry.get("x") is first
    assert registry.with_id("x") == (first, second)
    assert registry.with_id("y") == ()
    assert len(registry) == 2 and registry.ids() == ["x"]
    assert second in registry
    assert record("x", "cooperation", [BERLIN, SPB]) not in registry
    assert "duplicate-id" in registry.validate(today=TODAY).rules()


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------


def test_only_agreements_go_in() -> None:
    with pytest.raises(TypeError, match=r"Agreement objects \(got dict at index 1\)"):
        Registry([MANCHESTER_SPB, {"id": "x"}])  # type: ignore[list-item]


def test_a_bad_place_is_a_clear_error(registry: Registry) -> None:
    with pytest.raises(TypeError, match="got int"):
        registry.partners_of(18125)  # type: ignore[arg-type]


def test_places_are_named_as_everywhere_else(registry: Registry) -> None:
    """A name, 'name (CC)', a QID and a City name the same place (one resolver)."""
    by_qid = registry.partners_of("Q18125", on="2021-01-01")
    assert by_qid
    assert registry.partners_of("Manchester", on="2021-01-01") == by_qid
    assert registry.partners_of("Manchester (GB)", on="2021-01-01") == by_qid
    assert registry.partners_of("Q1", on="2021-01-01") == []  # an id no agreement has
    for unknown in ("Manchester (DE)", "Atlantis"):
        with pytest.raises(sistercity.UnknownPlace, match=re.escape(f"party {unknown!r}")):
            registry.partners_of(unknown, on="2021-01-01")
    with pytest.raises(LookupError, match="did you mean 'Manchester'"):
        registry.partners_of("Manchestr")


def test_a_name_of_two_places_is_refused_naming_both() -> None:
    springfields = Registry(
        [
            Agreement(
                f"springfield-{state}",
                "twinning",
                [City("Springfield", "US", f"US-{state}"), City("Tokyo", "JP", wikidata="Q1490")],
                sources=["https://example.org"],
            )
            for state in ("IL", "MA")
        ]
    )
    with pytest.raises(sistercity.SisterCityError, match=r"2 different places.*US-IL.*US-MA"):
        springfields.agreements_of("Springfield")
    assert len(springfields.agreements_of("Q1490")) == 2


def test_bad_vocabulary_values_are_clear_errors(registry: Registry) -> None:
    with pytest.raises(ValueError, match=r"'kinds' must be among .*got 'twining'; did you mean"):
        registry.partners_of(MANCHESTER, kinds="twining")
    with pytest.raises(ValueError, match=r"'status' must be among .*got 'activ'"):
        registry.partners_of(MANCHESTER, status=["activ"])
    with pytest.raises(ValueError, match="'types' must be among"):
        registry.events(types="suspend")
    with pytest.raises(TypeError, match="'kinds' takes one AgreementKind"):
        registry.partners_of(MANCHESTER, kinds=3)  # type: ignore[arg-type]


def test_bad_ranges_are_clear_errors(registry: Registry) -> None:
    with pytest.raises(TypeError, match="a pair"):
        registry.events(between="2022")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ends before it starts"):
        registry.events(between=("2022", "2021"))
    with pytest.raises(sistercity.InvalidDate):
        registry.events(between=("2022-13", "2023"))
    with pytest.raises(TypeError, match="True or False"):
        registry.events(possibly="yes")  # type: ignore[arg-type]


def test_days_may_be_dates_partial_dates_or_their_text(registry: Registry) -> None:
    for day in ("2021", PartialDate("2021"), dt.date(2021, 12, 31)):
        assert registry.partners_of(MANCHESTER, on=day) == [SPB, CHEMNITZ]


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def test_validate_reports_record_and_collection_rules_together() -> None:
    no_reason = record(
        "a",
        "twinning",
        [BERLIN, SPB],
        [Event("signed", "1990"), Event("suspended", "2022")],
        supersedes="gone",
    )
    future = record("b", "twinning", [BERLIN, CHEMNITZ], [Event("signed", "2030")])
    report = Registry([no_reason, future]).validate(today=TODAY)
    assert [(i.rule, i.id, i.index) for i in report] == [
        ("missing-reason", "a", 0),
        ("future-date", "b", 1),
        ("unknown-supersedes", "a", 0),
    ]
    assert report.issues[0].path == "$.events[1]"
    assert report.ok


def test_validate_select_and_ignore() -> None:
    registry = Registry(
        [
            record(
                "a",
                "twinning",
                [BERLIN, SPB],
                [Event("signed", "1980"), Event("suspended", "1990")],
                "gone",
            ),
            record("a", "twinning", [BERLIN, SPB], [Event("signed", "1990")]),
        ]
    )
    everything = registry.validate(today=TODAY).rules()
    assert {"missing-reason", "duplicate-id", "unknown-supersedes"} <= everything
    only = registry.validate(select="duplicate-id,unknown-supersedes", today=TODAY)
    assert only.rules() == {"duplicate-id", "unknown-supersedes"}
    ignored = registry.validate(ignore=["duplicate-id", "missing-reason"], today=TODAY)
    assert ignored.rules() == everything - {"duplicate-id", "missing-reason"}
    with pytest.raises(UnknownRuleError, match="did you mean 'duplicate-id'"):
        registry.validate(select="duplicate-ids")


@pytest.fixture
def custom_rules() -> Iterator[None]:
    @collection_rule("x-too-many-links", summary="a place with more than one agreement")
    def too_many(agreements: Sequence[Agreement]) -> Iterator[tuple[str, str]]:
        seen = Counter(p.key for a in agreements for p in a.parties)
        for key, n in sorted(seen.items(), key=str):
            if n > 1:
                yield "$", f"{key} has {n} agreements"

    @record_rule("x-no-term", summary="an agreement without a term")
    def no_term(agreement: Agreement) -> Iterator[tuple[str, str]]:
        if agreement.term is None:
            yield "$.term", "no term"

    yield
    unregister_rule("x-too-many-links")
    unregister_rule("x-no-term")


@pytest.mark.usefixtures("custom_rules")
def test_validate_runs_custom_rules_of_both_scopes(registry: Registry) -> None:
    report = registry.validate(today=TODAY)
    assert [i.message for i in report if i.rule == "x-too-many-links"] == [
        "Q18125 has 2 agreements"
    ]
    assert [i.index for i in report if i.rule == "x-no-term"] == [1, 2]
    assert "x-too-many-links" not in registry.validate(ignore="x-too-many-links").rules()


def test_validate_matches_the_incremental_check(registry: Registry) -> None:
    agreements = [*registry, record("manchester-chemnitz-1983", "twinning", [MANCHESTER, CHEMNITZ])]
    check = CollectionCheck(today=TODAY)
    for index, agreement in enumerate(agreements):
        check.add(agreement, RecordRef(agreement.id, index))
    report = Registry(agreements).validate(today=TODAY, ignore="missing-reason")
    collection = [i for i in report if i.records]
    assert collection == check.issues()
    assert {i.rule for i in collection} == {"duplicate-id", "duplicate-agreement"}


# --------------------------------------------------------------------------------------------
# networkx
# --------------------------------------------------------------------------------------------


def test_to_networkx_gives_places_as_nodes_and_agreements_as_edges() -> None:
    nx = pytest.importorskip("networkx")
    twice = record("manchester-chemnitz-again", "cooperation", [CHEMNITZ, MANCHESTER])
    graph = Registry([MANCHESTER_SPB, MANCHESTER_CHEMNITZ, twice]).to_networkx(today=TODAY)
    assert isinstance(graph, nx.MultiGraph)
    assert set(graph.nodes) == {"Q18125", "Q656", "Q2795"}
    assert graph.nodes["Q656"]["city"] == SPB
    assert graph.nodes["Q656"]["name"] == "Saint Petersburg"
    assert graph.number_of_edges() == 3
    assert graph.number_of_edges("Q18125", "Q2795") == 2
    edge = graph.edges["Q18125", "Q656", "manchester-saint-petersburg-1962"]
    assert edge["agreement"] is MANCHESTER_SPB
    assert (edge["kind"], edge["status"]) == (AgreementKind.FRIENDSHIP, Status.SUSPENDED)
    assert (edge["start"], edge["end"]) == (dt.date(1962, 1, 1), None)
    assert nx.degree(graph, "Q18125") == 3


def test_to_networkx_keeps_agreements_that_share_an_id() -> None:
    pytest.importorskip("networkx")
    again = record(MANCHESTER_SPB.id, "cooperation", [SPB, MANCHESTER])
    graph = Registry([MANCHESTER_SPB, again]).to_networkx(today=TODAY)
    edges = graph.get_edge_data("Q18125", "Q656")
    assert sorted(edge["kind"].value for edge in edges.values()) == ["cooperation", "friendship"]
    assert edges[MANCHESTER_SPB.id]["agreement"] is MANCHESTER_SPB


def test_to_networkx_without_networkx_says_how_to_install_it(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(ImportError, match=r"sistercity\[graph\]"):
        registry.to_networkx()


@given(st.lists(strategies.agreements(), max_size=4), st.data(), days)
def test_partners_agree_with_status_on_for_public_strategy_agreements(
    agreements: list[Agreement], data: st.DataObject, day: dt.date
) -> None:
    """``partners_of`` against ``status_on`` over the public strategy's agreements (three or
    more parties, per-party suspensions, places without ids).
    """
    places = [party for a in agreements for party in a.parties] or list(PLACES)
    place = data.draw(st.sampled_from(places))
    registry = Registry(agreements, today=TODAY)
    expected = {
        party.key
        for a in agreements
        if place.key in {p.key for p in a.parties}
        and a.status_on(day, today=TODAY) is Status.ACTIVE
        for party in a.parties
        if party.key != place.key
    }
    keys = [c.key for c in registry.partners_of(place, on=day)]
    assert len(keys) == len(set(keys))
    assert set(keys) == expected


def _wave() -> Registry:
    """Three real 2022 suspensions (signing dates left unknown), two with a condition, and an
    invented one of 2023."""

    def link(
        rid: str, a: str, b: str, date: str, body: str, condition: str | None = None
    ) -> Agreement:
        suspended = Event("suspended", date, reason="invasion", body=body, condition=condition)
        return Agreement(
            rid,
            "twinning",
            [City(a, "GB"), City(b, "RU")],
            [Event("signed"), suspended],
            sources=SOURCES,
        )

    return Registry(
        [
            link("a", "Glasgow", "Rostov-on-Don", "2022-02-24",
                 body="City Administration Committee"),
            link("b", "Coventry", "Volgograd", "2022-03-22", body="Full  Council",
                 condition="until such a time that they can resume"),
            link("c", "Oxford", "Perm", "2022-03-07", body="council leader",
                 condition="until Russia's breaches of international law cease"),
            link("d", "Ashby Parva", "Orlovsk", "2023-05", body="full council"),
        ]
    )  # fmt: skip


def test_events_by_body_and_condition() -> None:
    """Which suspensions of 2022 were conditional? And which did a full council decide?"""
    registry = _wave()
    year = ("2022", "2022")

    def ids(found: Iterator[tuple[Agreement, Event]]) -> list[str]:
        return [a.id for a, _ in found]

    assert ids(registry.events(year, "suspended", conditional=True)) == ["c", "b"]
    assert ids(registry.events(year, "suspended", conditional=False)) == ["a"]
    assert ids(registry.events(types="suspended", body="full council")) == ["b", "d"]
    assert ids(registry.events(year, body="FULL COUNCIL", conditional=True)) == ["b"]
    assert ids(registry.events(body="mayor")) == []
    assert len(list(registry.events())) == 4  # no filter: every dated event
    with pytest.raises(TypeError, match="'body'"):
        registry.events(body=["full council"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'conditional'"):
        registry.events(conditional="yes")  # type: ignore[arg-type]
