"""The collection rules of SPEC §5, checked incrementally by CollectionCheck."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from random import Random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sistercity import (
    Agreement,
    AgreementKind,
    City,
    Event,
    Issue,
    PlaceKey,
    RecordRef,
    strategies,
)
from sistercity._collection import CollectionCheck, RecordSummary, format_place_key, summarise
from sistercity._record import full_check, quick_check

TODAY = dt.date(2026, 1, 1)
SOURCES = ["https://example.org/"]

# A pool of places with one present country each, half with Wikidata ids, half identified by
# (country, subdivision, level, name); and variants that give a Wikidata id another country.
COUNTRIES = ("GB", "DE", "RU", "FR", "UA", "US", "JP", "PL")
PLACES = tuple(
    City(f"Place {n}", COUNTRIES[n % len(COUNTRIES)], wikidata=f"Q{n + 1}")
    if n % 2 == 0
    else City(f"Town {n}", COUNTRIES[n % len(COUNTRIES)])
    for n in range(10)
)
CONFLICTING = tuple(
    City(f"Place {n}", COUNTRIES[(n + 1) % len(COUNTRIES)], wikidata=f"Q{n + 1}") for n in (0, 2)
)
KINDS = tuple(AgreementKind)
NAMED_KINDS = tuple(k for k in AgreementKind if k is not AgreementKind.UNSPECIFIED)


def record(
    id: str,
    kind: str,
    parties: Sequence[City],
    events: Sequence[Event] = (),
    supersedes: str | None = None,
) -> Agreement:
    return Agreement(id, kind, list(parties), list(events), sources=SOURCES, supersedes=supersedes)


def run(agreements: Sequence[Agreement], today: dt.date = TODAY) -> list[Issue]:
    check = CollectionCheck(today=today)
    for index, agreement in enumerate(agreements):
        check.add(agreement, RecordRef(agreement.id, index))
    return check.issues()


def found(issues: Sequence[Issue], rule: str) -> list[list[str | None]]:
    return [[ref.id for ref in issue.records] for issue in issues if issue.rule == rule]


# --------------------------------------------------------------------------------------------
# Strategies: valid by construction (legal lifecycles, years in order).
# --------------------------------------------------------------------------------------------


@st.composite
def lifecycles(draw: st.DrawFn, first_year: int | None = None, ended: bool = False) -> list[Event]:
    """A legal event list: signed, then renewals, suspensions, reinstatements, maybe an end.

    Years never decrease; any date may be missing. With ``ended`` the list ends with
    ``terminated`` or ``expired``.
    """
    year = draw(st.integers(1950, 2015)) if first_year is None else first_year

    def date() -> str | None:
        nonlocal year
        year += draw(st.integers(0, 3))
        return None if draw(st.integers(0, 5)) == 0 else f"{year:04d}"

    if not ended and draw(st.integers(0, 6)) == 0:
        return []
    events = [Event("signed", date())]
    state = "active"
    for _ in range(draw(st.integers(0, 4))):
        options = {
            "active": ["renewed", "suspended", "terminated", "expired"],
            "suspended": ["reinstated", "terminated", "expired"],
        }[state]
        kind = draw(st.sampled_from(options))
        reason = "a reason" if kind in ("suspended", "terminated") else None
        events.append(Event(kind, date(), reason=reason))
        if kind in ("terminated", "expired"):
            return events
        state = "suspended" if kind == "suspended" else "active"
    if ended:
        events.append(Event(draw(st.sampled_from(["terminated", "expired"])), date(), reason="r"))
    return events


pair_indexes = st.integers(0, len(PLACES) - 2).flatmap(
    lambda i: st.tuples(st.just(i), st.integers(i + 1, len(PLACES) - 1))
)


@st.composite
def clean_collections(draw: st.DrawFn) -> list[Agreement]:
    """Agreements with no collection finding, shuffled.

    Unique ids, one present country per place, and per pair of places one of: a single
    agreement; an ended agreement and its successor that supersedes it; or two agreements of
    different named kinds.
    """
    pairs = draw(st.lists(pair_indexes, unique=True, max_size=6))
    out: list[Agreement] = []
    for n, (i, j) in enumerate(pairs):
        parties = [PLACES[i], PLACES[j]]
        if draw(st.booleans()):
            parties.reverse()
        shape = draw(st.sampled_from(["single", "chain", "kinds"]))
        if shape == "single":
            out.append(record(f"a{n}", draw(st.sampled_from(KINDS)), parties, draw(lifecycles())))
        elif shape == "chain":
            kind = draw(st.sampled_from(KINDS))
            old = draw(lifecycles(ended=True))
            out.append(record(f"a{n}-old", kind, parties, old))
            new = draw(lifecycles(first_year=2016))
            out.append(record(f"a{n}-new", kind, parties[::-1], new, supersedes=f"a{n}-old"))
        else:
            one, two = draw(st.lists(st.sampled_from(NAMED_KINDS), min_size=2, max_size=2,
                                     unique=True))  # fmt: skip
            out.append(record(f"a{n}-{one.value}", one, parties, draw(lifecycles())))
            out.append(record(f"a{n}-{two.value}", two, parties, draw(lifecycles())))
    return draw(st.permutations(out))


@st.composite
def messy_collections(draw: st.DrawFn) -> list[Agreement]:
    """Agreements that may break every collection rule: shared ids, places with two
    countries, unknown or circular ``supersedes``, overlapping duplicates.
    """
    ids = ["a", "b", "c", "d", "e"]
    pool = PLACES[:5] + CONFLICTING
    out = []
    for _ in range(draw(st.integers(0, 9))):
        rid = draw(st.sampled_from(ids))
        supersedes = draw(st.none() | st.sampled_from([x for x in [*ids, "zz"] if x != rid]))
        first = draw(st.integers(0, len(pool) - 1))
        # never the same place twice: a Wikidata id may appear in PLACES and CONFLICTING
        others = [c for c in pool if c.key != pool[first].key]
        second = draw(st.sampled_from(others))
        kind = draw(st.sampled_from(KINDS))
        out.append(record(rid, kind, [pool[first], second], draw(lifecycles()), supersedes))
    return out


def tagged_findings(
    agreements: Sequence[Agreement], tags: Sequence[str]
) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """The findings (sorted), each record named by a tag that travels with it (ids may repeat)."""
    check = CollectionCheck(today=TODAY)
    for index, (agreement, tag) in enumerate(zip(agreements, tags, strict=True)):
        check.add(agreement, RecordRef(agreement.id, index, file=tag))
    out = []
    for issue in check.issues():
        indexes = [ref.index for ref in issue.records if ref.index is not None]
        assert len(indexes) == len(issue.records)
        assert indexes == sorted(set(indexes)), "each record once, in input order"
        first = issue.records[0]
        assert (issue.id, issue.index, issue.file) == (first.id, first.index, first.file)
        assert issue.path == "$"
        out.append(
            (
                issue.rule,
                issue.severity.value,
                issue.message,
                tuple(sorted(ref.file or "" for ref in issue.records)),
            )
        )
    return sorted(out)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@given(messy_collections(), st.randoms(use_true_random=False))
def test_shuffling_the_input_never_changes_the_findings(
    agreements: list[Agreement], random: Random
) -> None:
    """'Findings do not depend on the order of the input' (issue 3).

    Shuffled, the same issues are found, each naming the same records, with the same
    message; only which record comes first changes.
    """
    tags = [f"r{n}" for n in range(len(agreements))]
    order = list(range(len(agreements)))
    random.shuffle(order)
    before = tagged_findings(agreements, tags)
    after = tagged_findings([agreements[n] for n in order], [tags[n] for n in order])
    assert before == after


@given(clean_collections(), st.data())
def test_a_generated_duplicate_agreement_is_always_found(
    agreements: list[Agreement], data: st.DataObject
) -> None:
    """duplicate-agreement: 'same set of place keys, same kind (unspecified matches any),
    periods that possibly overlap, neither supersedes the other'.

    A copy of any agreement under a new id, with its parties in either order and either copy
    possibly recorded as ``unspecified``, is always reported together with the original.
    """
    if not agreements:
        agreements = [record("only", "twinning", PLACES[:2], [Event("signed", "1990")])]
    original = data.draw(st.sampled_from(agreements))
    copy = attrs.evolve(original, id="the-copy", parties=original.parties[::-1])
    if data.draw(st.booleans()):
        copy = attrs.evolve(copy, kind=AgreementKind.UNSPECIFIED)
    at = data.draw(st.integers(0, len(agreements)))
    issues = run([*agreements[:at], copy, *agreements[at:]])
    assert any(
        {original.id, "the-copy"} <= set(ids) for ids in found(issues, "duplicate-agreement")
    )


@given(clean_collections(), st.data())
def test_a_generated_duplicate_id_is_always_found(
    agreements: list[Agreement], data: st.DataObject
) -> None:
    """duplicate-id: 'two agreements share an id'; the issue names both records."""
    if not agreements:
        agreements = [record("only", "twinning", PLACES[:2], [Event("signed", "1990")])]
    original = data.draw(st.sampled_from(agreements))
    other = data.draw(st.sampled_from(PLACES[:2]))
    twin = record(original.id, "cooperation", [other, PLACES[-1]])
    at = data.draw(st.integers(0, len(agreements)))
    issues = run([*agreements[:at], twin, *agreements[at:]])
    assert found(issues, "duplicate-id") == [[original.id, original.id]]
    (issue,) = (i for i in issues if i.rule == "duplicate-id")
    assert issue.is_error
    position = next(n for n, a in enumerate(agreements) if a is original)
    position += 1 if position >= at else 0
    assert [ref.index for ref in issue.records] == sorted([at, position])
    assert issue.index == min(at, position)


@given(clean_collections())
def test_a_registry_without_duplicates_has_no_collection_findings(
    agreements: list[Agreement],
) -> None:
    """Unique ids, one country per place, successors that supersede ended agreements and
    links of different kinds between the same places: no collection rule fires.
    """
    assert run(agreements) == []


# --------------------------------------------------------------------------------------------
# duplicate-agreement against a brute-force reference
# --------------------------------------------------------------------------------------------

SUMMARY_PLACES: tuple[PlaceKey, ...] = ("Q1", "Q2", "Q3", ("FR", None, "municipality", "b"))
SUMMARY_IDS = tuple("abcdefgh")


def brute_force_groups(summaries: Sequence[RecordSummary]) -> set[frozenset[int]]:
    """The groups of SPEC §5's duplicate-agreement, by comparing every pair.

    Chains follow ids (module doc): an id's link is the smallest ``supersedes`` that a record
    with that id names and that is some record's id; ``a`` and ``b`` are related when following
    links from one id, one step or more, reaches the other.
    """
    ids = {s.id for s in summaries}
    link: dict[str, str] = {}
    for s in summaries:
        if s.supersedes in ids:
            link[s.id] = min(link.get(s.id, s.supersedes), s.supersedes)

    def above(rid: str) -> set[str]:
        seen: set[str] = set()
        while rid in link and link[rid] not in seen:
            rid = link[rid]
            seen.add(rid)
        return seen

    def duplicates(a: RecordSummary, b: RecordSummary) -> bool:
        unspecified = AgreementKind.UNSPECIFIED
        return (
            set(a.keys) == set(b.keys)
            and (a.kind is b.kind or unspecified in (a.kind, b.kind))
            and not (a.start is not None and b.end is not None and a.start > b.end)
            and not (b.start is not None and a.end is not None and b.start > a.end)
            and b.id not in above(a.id)
            and a.id not in above(b.id)
        )

    parent = list(range(len(summaries)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(summaries):
        for j in range(i):
            if duplicates(a, summaries[j]):
                parent[root(i)] = root(j)
    groups: dict[int, set[int]] = {}
    for i in range(len(summaries)):
        groups.setdefault(root(i), set()).add(i)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


@st.composite
def summaries(draw: st.DrawFn) -> list[RecordSummary]:
    """Summaries of one to three sets of places (most of one), with any kind (most twinning),
    open or closed periods, ids that repeat, and ``supersedes`` links that form chains and
    branching trees (most name an earlier id), cycles, or name nothing.
    """
    out = []
    for index in range(draw(st.integers(0, 14))):
        one, two = draw(
            st.just(SUMMARY_PLACES[:2]) | st.permutations(SUMMARY_PLACES).map(lambda p: p[:2])
        )
        start = draw(st.none() | st.integers(1, 30))
        length = draw(st.none() | st.integers(0, 12))
        end = None if length is None else (start or 1) + length
        at = draw(st.integers(0, len(SUMMARY_IDS) - 1))
        rid = SUMMARY_IDS[at]
        earlier = st.sampled_from(SUMMARY_IDS[:at]) if at else st.none()
        anything = st.sampled_from((*SUMMARY_IDS, "zz"))
        supersedes = draw(st.one_of(st.none(), earlier, earlier, anything))
        kind = draw(st.sampled_from((AgreementKind.TWINNING,) * 4 + KINDS))
        out.append(
            RecordSummary(
                RecordRef(rid, index),
                rid,
                kind,
                (one, two),
                (),
                start,
                end,
                supersedes,
                draw(st.booleans()),
            )
        )
    return out


def summary_groups(summaries: Sequence[RecordSummary]) -> set[frozenset[int]]:
    check = CollectionCheck(today=TODAY)
    for summary in summaries:
        check.add_summary(summary)
    out = set()
    for issue in check.issues():
        if issue.rule == "duplicate-agreement":
            out.add(frozenset(ref.index for ref in issue.records if ref.index is not None))
    return out


@given(summaries())
def test_duplicate_groups_are_the_connected_groups_of_the_pairwise_relation(
    records: list[RecordSummary],
) -> None:
    """duplicate-agreement: 'one issue per connected group of possible duplicates (records
    linked by the relation above, directly or through others), naming every record of the
    group: never one issue per pair'.

    The sweep finds exactly the groups that comparing every pair and joining them finds.
    """
    assert summary_groups(records) == brute_force_groups(records)


@given(summaries(), st.randoms(use_true_random=False))
def test_duplicate_groups_do_not_depend_on_the_input_order(
    records: list[RecordSummary], random: Random
) -> None:
    """'Findings do not depend on the order of the input' (issue 3), for the groups."""
    order = list(range(len(records)))
    random.shuffle(order)
    shuffled = [records[n]._replace(ref=attrs.evolve(records[n].ref, index=at))
                for at, n in enumerate(order)]  # fmt: skip
    expected = {frozenset(order.index(i) for i in group) for group in summary_groups(records)}
    assert summary_groups(shuffled) == expected


def test_the_brute_force_reference_finds_what_the_spec_says() -> None:
    """The reference itself, on hand-made cases: a chain alone is never a group; a record of
    another tree links the records of a chain into one group; a cycle is never a group.
    """

    def summary(rid: str, supersedes: str | None = None, kind: str = "twinning") -> RecordSummary:
        return RecordSummary(RecordRef(rid), rid, AgreementKind(kind), ("Q1", "Q2"), (), None,
                             None, supersedes, True)  # fmt: skip

    chain = [summary("a"), summary("b", "a"), summary("c", "b")]
    assert brute_force_groups(chain) == set()
    assert brute_force_groups([*chain, summary("x")]) == {frozenset(range(4))}
    cycle = [summary("a", "b"), summary("b", "a")]
    assert brute_force_groups(cycle) == set()
    assert brute_force_groups([*cycle, summary("b")]) == set()
    star = [summary("r"), summary("s", "r"), summary("t", "r")]
    assert brute_force_groups(star) == {frozenset({1, 2})}


# --------------------------------------------------------------------------------------------
# Examples
# --------------------------------------------------------------------------------------------

BERLIN = City("Berlin", "DE", wikidata="Q64")
SPB = City("Saint Petersburg", "RU", wikidata="Q656")
LENINGRAD_SU = City("Leningrad", "SU", wikidata="Q656")
SIGNED_1990 = [Event("signed", "1990")]


def test_friendship_and_twinning_in_the_same_year_are_not_duplicates() -> None:
    issues = run(
        [
            record("berlin-spb-friendship", "friendship", [BERLIN, SPB], SIGNED_1990),
            record("berlin-spb-twinning", "twinning", [SPB, BERLIN], SIGNED_1990),
        ]
    )
    assert found(issues, "duplicate-agreement") == []


def test_the_same_twinning_twice_is_a_duplicate_naming_both_records() -> None:
    issues = run(
        [
            record("berlin-spb-1", "twinning", [BERLIN, SPB], SIGNED_1990),
            record("berlin-spb-2", "twinning", [SPB, BERLIN], [Event("signed", "1990-05-02")]),
        ]
    )
    assert len(issues) == 1
    (issue,) = issues
    assert (issue.rule, issue.severity.value, issue.path) == ("duplicate-agreement", "warning", "$")
    assert [(r.id, r.index) for r in issue.records] == [("berlin-spb-1", 0), ("berlin-spb-2", 1)]
    assert (issue.id, issue.index) == ("berlin-spb-1", 0)
    assert "berlin-spb-1" in issue.message and "berlin-spb-2" in issue.message


def test_unspecified_matches_any_kind() -> None:
    issues = run(
        [
            record("t", "sponsorship", [BERLIN, SPB], SIGNED_1990),
            record("u", "unspecified", [BERLIN, SPB], SIGNED_1990),
        ]
    )
    assert found(issues, "duplicate-agreement") == [["t", "u"]]


def test_different_places_are_not_duplicates() -> None:
    moscow = City("Moscow", "RU", wikidata="Q649")
    issues = run(
        [
            record("a", "twinning", [BERLIN, SPB], SIGNED_1990),
            record("b", "twinning", [BERLIN, moscow], SIGNED_1990),
        ]
    )
    assert issues == []


@pytest.mark.parametrize(
    ("first", "second", "duplicate"),
    [
        # ended in 1960 (latest day 1960-12-31), signed in 1970: no shared day
        ([Event("signed", "1950"), Event("terminated", "1960", reason="r")],
         [Event("signed", "1970")], False),
        # ended some day of 1960, signed some day of 1960: possibly overlap
        ([Event("signed", "1950"), Event("expired", "1960")], [Event("signed", "1960-06")], True),
        # no signing: the period is unbounded
        ([], [Event("signed", "1970")], True),
        # an undated signing: unbounded too
        ([Event("signed"), Event("terminated", "1960", reason="r")],
         [Event("signed", "1970")], False),
        ([Event("signed", "1980"), Event("terminated", reason="r")],
         [Event("signed", "1970")], True),
        # an undated end leaves the period open
        ([Event("signed", "1950"), Event("terminated", reason="r")],
         [Event("signed", "2000")], True),
    ],
)  # fmt: skip
def test_periods_must_possibly_overlap(
    first: list[Event], second: list[Event], duplicate: bool
) -> None:
    issues = run(
        [
            record("one", "twinning", [BERLIN, SPB], first),
            record("two", "twinning", [BERLIN, SPB], second),
        ]
    )
    assert bool(found(issues, "duplicate-agreement")) is duplicate
    # and the same whichever comes first
    issues = run(
        [
            record("two", "twinning", [BERLIN, SPB], second),
            record("one", "twinning", [BERLIN, SPB], first),
        ]
    )
    assert bool(found(issues, "duplicate-agreement")) is duplicate


def test_supersedes_either_way_means_not_a_duplicate() -> None:
    old = record("old", "twinning", [BERLIN, SPB], SIGNED_1990)
    new = record("new", "twinning", [BERLIN, SPB], SIGNED_1990, supersedes="old")
    assert found(run([old, new]), "duplicate-agreement") == []
    assert found(run([new, old]), "duplicate-agreement") == []


def test_three_copies_are_one_issue_naming_all_three() -> None:
    issues = run([record(x, "twinning", [BERLIN, SPB], SIGNED_1990) for x in "abc"])
    assert found(issues, "duplicate-agreement") == [["a", "b", "c"]]


def test_records_linked_through_an_unspecified_record_are_one_group() -> None:
    """SPEC §5: 'one issue per connected group of possible duplicates (records linked by the
    relation above, directly or through others) ... never one issue per pair'.

    A friendship and a twinning are not duplicates of each other, but each is of the
    unspecified record, so the three are one group.
    """
    issues = run(
        [
            record("f", "friendship", [BERLIN, SPB], SIGNED_1990),
            record("t", "twinning", [BERLIN, SPB], SIGNED_1990),
            record("u", "unspecified", [BERLIN, SPB], SIGNED_1990),
        ]
    )
    assert found(issues, "duplicate-agreement") == [["f", "t", "u"]]
    (issue,) = issues
    assert "3 records ('f', 't', 'u')" in issue.message
    assert "kinds friendship / twinning / unspecified" in issue.message


def test_duplicate_id_is_an_error_naming_every_record() -> None:
    moscow = City("Moscow", "RU", wikidata="Q649")
    issues = run(
        [
            record("x", "twinning", [BERLIN, SPB], SIGNED_1990),
            record("y", "twinning", [BERLIN, moscow], SIGNED_1990),
            record("x", "friendship", [BERLIN, moscow], SIGNED_1990),
            record("x", "cooperation", [SPB, moscow], SIGNED_1990),
        ]
    )
    (issue,) = (i for i in issues if i.rule == "duplicate-id")
    assert issue.is_error
    assert [(r.id, r.index) for r in issue.records] == [("x", 0), ("x", 2), ("x", 3)]


def test_the_same_wikidata_id_with_two_countries_is_conflicting_city() -> None:
    moscow = City("Moscow", "RU", wikidata="Q649")
    issues = run(
        [
            record("a", "twinning", [BERLIN, SPB], SIGNED_1990),
            record("b", "twinning", [moscow, LENINGRAD_SU], SIGNED_1990),
            record("c", "friendship", [moscow, BERLIN], SIGNED_1990),
        ]
    )
    (issue,) = issues
    assert (issue.rule, issue.is_error) == ("conflicting-city", True)
    assert [r.id for r in issue.records] == ["a", "b"]
    assert "Q656" in issue.message and "'RU'" in issue.message and "'SU'" in issue.message


def test_the_same_geonames_id_with_two_countries_is_conflicting_city() -> None:
    one = City("Frankfurt", "DE", geonames=2925533)
    two = City("Frankfurt", "AT", geonames=2925533, wikidata="Q1794")
    issues = run(
        [
            record("a", "twinning", [one, SPB], SIGNED_1990),
            record("b", "twinning", [two, BERLIN], SIGNED_1990),
        ]
    )
    assert found(issues, "conflicting-city") == [["a", "b"]]
    assert "geonames:2925533" in issues[0].message


def test_places_without_ids_never_conflict() -> None:
    toledo_us = City("Toledo", "US")
    toledo_es = City("Toledo", "ES")
    issues = run(
        [
            record("a", "twinning", [toledo_us, toledo_es], SIGNED_1990),
            record("b", "twinning", [toledo_es, BERLIN], SIGNED_1990),
        ]
    )
    assert issues == []


def test_unknown_supersedes_names_the_record() -> None:
    issues = run(
        [
            record("a", "twinning", [BERLIN, SPB], SIGNED_1990, supersedes="nowhere"),
            record("b", "friendship", [BERLIN, SPB], [Event("signed", "1980")]),
        ]
    )
    assert found(issues, "unknown-supersedes") == [["a"]]
    assert "'nowhere'" in issues[0].message


SUSPENDED = [Event("signed", "1980"), Event("suspended", "2022-02-26", reason="war")]
UPGRADE = [Event("signed", "2000")]


@pytest.mark.parametrize(
    ("old_events", "today", "expected"),
    [
        ([Event("signed", "1980")], TODAY, [["old", "new"]]),
        # the new agreement is not active yet on that day
        ([Event("signed", "1980")], dt.date(1999, 12, 31), []),
        ([Event("signed", "1980"), Event("terminated", "1999", reason="upgrade")], TODAY, []),
        (SUSPENDED, TODAY, []),
        # before the suspension both were active
        (SUSPENDED, dt.date(2021, 1, 1), [["old", "new"]]),
    ],
)
def test_superseded_still_active(
    old_events: list[Event], today: dt.date, expected: list[list[str]]
) -> None:
    agreements = [
        record("new", "twinning", [BERLIN, SPB], UPGRADE, supersedes="old"),
        record("old", "friendship", [BERLIN, SPB], old_events),
    ]
    issues = run(agreements, today=today)
    # records in input order: the superseding record was read first
    assert found(issues, "superseded-still-active") == [e[::-1] for e in expected]
    assert all(not i.is_error for i in issues)


def test_issues_take_their_location_from_the_first_record() -> None:
    check = CollectionCheck(today=TODAY)
    check.add(record("b", "twinning", [BERLIN, SPB], SIGNED_1990), RecordRef("b", 4, "x.jsonl", 5))
    check.add(record("a", "twinning", [BERLIN, SPB], SIGNED_1990), RecordRef("a", 9, "x.jsonl", 11))
    (issue,) = check.issues()
    assert (issue.id, issue.file, issue.line, issue.index) == ("b", "x.jsonl", 5, 4)
    assert issue.records == (RecordRef("b", 4, "x.jsonl", 5), RecordRef("a", 9, "x.jsonl", 11))
    assert len(check) == 2


def test_issues_are_sorted_by_first_record_then_rule() -> None:
    issues = run(
        [
            record("a", "twinning", [BERLIN, SPB], SIGNED_1990, supersedes="zz"),
            record("a", "twinning", [BERLIN, LENINGRAD_SU], SIGNED_1990),
        ]
    )
    assert [i.rule for i in issues] == [
        "duplicate-id",
        "conflicting-city",
        "duplicate-agreement",
        "unknown-supersedes",
    ]


def test_add_refuses_what_is_not_an_agreement() -> None:
    check = CollectionCheck(today=TODAY)
    with pytest.raises(TypeError, match="expected an Agreement"):
        check.add({"id": "a"}, RecordRef("a", 0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a RecordRef"):
        check.add(record("a", "twinning", [BERLIN, SPB]), ("a", 0))  # type: ignore[arg-type]


def test_today_defaults_to_the_real_date_and_takes_partial_dates() -> None:
    assert CollectionCheck().today == dt.date.today()
    assert CollectionCheck(today="2022-02").today == dt.date(2022, 2, 28)


def test_place_keys_read_well_in_messages() -> None:
    assert format_place_key("Q64") == "Q64"
    assert format_place_key(("GB", None, "municipality", "manchester")) == (
        "'manchester' (GB, municipality)"
    )


@given(
    st.lists(strategies.agreements(), max_size=4),
    st.lists(st.integers(0, 3), max_size=3),
    st.randoms(use_true_random=False),
)
def test_shuffling_never_changes_the_findings_on_public_strategy_agreements(
    agreements: list[Agreement], repeats: list[int], random: Random
) -> None:
    """The same property over the public strategy's agreements (any level, geonames ids, names
    without ids, three or more parties, per-party suspensions), some of them repeated.
    """
    agreements = agreements + [agreements[n] for n in repeats if n < len(agreements)]
    tags = [f"r{n}" for n in range(len(agreements))]
    order = list(range(len(agreements)))
    random.shuffle(order)
    before = tagged_findings(agreements, tags)
    after = tagged_findings([agreements[n] for n in order], [tags[n] for n in order])
    assert before == after
    # a repeated agreement is always a duplicate id and a duplicate agreement
    if len(set(map(id, agreements))) < len(agreements):
        assert {"duplicate-id", "duplicate-agreement"} <= {rule for rule, *_ in before}


# --------------------------------------------------------------------------------------------
# Summaries, and output that grows with the input, not with its pairs
# --------------------------------------------------------------------------------------------


def twinning_summary(
    index: int, rid: str, supersedes: str | None = None, keys: tuple[str, str] = ("Q1", "Q2")
) -> RecordSummary:
    return RecordSummary(RecordRef(rid, index), rid, AgreementKind.TWINNING, keys,
                         (), 716_000, None, supersedes, True)  # fmt: skip


def test_summarise_keeps_what_the_collection_rules_need() -> None:
    frankfurt = City("Frankfurt", "DE", geonames=2925533, wikidata="Q1794")
    toledo = City("Toledo", "ES")
    agreement = record(
        "f-t",
        "friendship",
        [frankfurt, toledo],
        [Event("signed", "1990-05"), Event("terminated", "2001", reason="r")],
        supersedes="old",
    )
    summary = summarise(agreement, RecordRef("f-t", 3, "x.jsonl", 4), dt.date(2000, 1, 1))
    assert summary == RecordSummary(
        ref=RecordRef("f-t", 3, "x.jsonl", 4),
        id="f-t",
        kind=AgreementKind.FRIENDSHIP,
        keys=("Q1794", ("ES", None, "municipality", "toledo")),
        place_ids=(("Q1794", "DE"), ("geonames:2925533", "DE")),
        start=dt.date(1990, 5, 1).toordinal(),
        end=dt.date(2001, 12, 31).toordinal(),
        supersedes="old",
        active=True,
    )
    assert summarise(agreement, RecordRef("f-t", 3), dt.date(2002, 1, 1)).active is False


def test_add_summary_refuses_a_period_that_ends_before_it_starts() -> None:
    summary = twinning_summary(0, "a")._replace(start=10, end=9)
    with pytest.raises(ValueError, match="must not end before it starts"):
        CollectionCheck(today=TODAY).add_summary(summary)


def test_a_long_supersedes_chain_is_never_a_duplicate() -> None:
    """'a chain alone is never a group', and each link is one superseded-still-active."""
    check = CollectionCheck(today=TODAY)
    for n in range(3000):
        check.add_summary(twinning_summary(n, f"r{n}", f"r{n - 1}" if n else None))
    issues = check.issues()
    assert {i.rule for i in issues} == {"superseded-still-active"}
    assert len(issues) == 2999
    assert all(len(i.records) == 2 for i in issues)


def test_many_records_of_one_pair_are_one_issue_naming_them_all() -> None:
    check = CollectionCheck(today=TODAY)
    for n in range(3000):
        check.add_summary(twinning_summary(n, f"r{n}"))
    (issue,) = check.issues()
    assert issue.rule == "duplicate-agreement"
    assert [ref.index for ref in issue.records] == list(range(3000))
    # the message names the first ids (in sort order) and counts the rest
    assert "3000 records ('r0', 'r1', 'r10', " in issue.message
    assert "and 2980 more)" in issue.message


def test_a_chain_is_one_group_when_records_of_another_tree_link_it() -> None:
    """'A group may hold two records of one supersedes chain when other records link them.'"""
    check = CollectionCheck(today=TODAY)
    for n in range(1000):
        check.add_summary(twinning_summary(n, f"r{n}", f"r{n - 1}" if n else None))
    check.add_summary(twinning_summary(1000, "other"))
    groups = [i for i in check.issues() if i.rule == "duplicate-agreement"]
    assert [len(i.records) for i in groups] == [1001]


def test_superseded_still_active_is_one_issue_per_superseded_id() -> None:
    """With ids shared by many records, the issues name each record a bounded number of
    times, never one issue per pair of an old and a new record.
    """
    check = CollectionCheck(today=TODAY)
    for n in range(50):
        check.add_summary(twinning_summary(n, "old", keys=("Q1", f"Q{n + 10}")))
    for n in range(50, 100):
        check.add_summary(twinning_summary(n, f"new{n}", "old", keys=("Q2", f"Q{n + 10}")))
    (issue,) = (i for i in check.issues() if i.rule == "superseded-still-active")
    assert [ref.index for ref in issue.records] == list(range(100))
    assert "50 records (" in issue.message and "supersede 'old'" in issue.message
    # the message names the first ids and counts the rest, as duplicate-agreement's does
    assert "'new69' and 30 more) supersede" in issue.message and "'new70'" not in issue.message
    assert "50 records with the id 'old' are still active" in issue.message


def test_one_record_still_active_is_worded_in_the_singular() -> None:
    check = CollectionCheck(today=TODAY)
    check.add_summary(twinning_summary(0, "old", keys=("Q1", "Q10")))
    for n in (1, 2):
        check.add_summary(twinning_summary(n, f"new{n}", "old", keys=("Q2", f"Q{n + 10}")))
    (issue,) = (i for i in check.issues() if i.rule == "superseded-still-active")
    assert "2 records ('new1', 'new2') supersede 'old'" in issue.message
    assert "1 record with the id 'old' is still active" in issue.message


def test_a_record_that_names_its_own_id_is_not_superseded_by_itself() -> None:
    check = CollectionCheck(today=TODAY)
    check.add_summary(twinning_summary(0, "a", "a"))
    assert [i.rule for i in check.issues()] == []


# --------------------------------------------------------------------------------------------
# What the check keeps of a record: place ids, where it was read
# --------------------------------------------------------------------------------------------

COUNTRY_CHOICES = ("DE", "FR", "PL")


ReadRecord = tuple[str, tuple[PlaceKey, ...], tuple[tuple[str, str], ...]]


@st.composite
def read_summaries(draw: st.DrawFn) -> list[ReadRecord]:
    """(id, keys, place ids) of records as the record pass summarises them: each party's key is
    its Wikidata id, else its GeoNames id, else its name key; its place ids are its Wikidata
    and GeoNames ids (so a party with both gives a place id that is not its key). Few ids and
    countries, so that place ids repeat with other countries, within a record too.
    """
    out = []
    for n in range(draw(st.integers(0, 12))):
        keys: list[PlaceKey] = []
        place_ids: list[tuple[str, str]] = []
        for _ in range(draw(st.integers(2, 3))):
            country = draw(st.sampled_from(COUNTRY_CHOICES))
            wikidata = draw(st.none() | st.sampled_from(["Q1", "Q2", "Q3"]))
            geonames = draw(st.none() | st.sampled_from(["geonames:1", "geonames:2"]))
            key = wikidata or geonames or (country, None, "municipality", f"town {n}")
            if key in keys:
                continue  # the record pass refuses a place twice
            keys.append(key)
            place_ids += [(token, country) for token in (wikidata, geonames) if token]
        if len(keys) > 1:
            out.append((f"r{n}", tuple(keys), tuple(place_ids)))
    return out


def conflicts_by_reference(
    records: Sequence[ReadRecord],
) -> dict[str, tuple[dict[str, set[int]], set[int]]]:
    """SPEC §5 conflicting-city, straight from the place ids: for each place id given with two
    countries or more, the records giving it with each country, and all of them.
    """
    by_token: dict[str, dict[str, set[int]]] = {}
    for index, (_, _, place_ids) in enumerate(records):
        for token, country in place_ids:
            by_token.setdefault(token, {}).setdefault(country, set()).add(index)
    return {
        token: (countries, set().union(*countries.values()))
        for token, countries in by_token.items()
        if len(countries) > 1
    }


def found_conflicts(issues: Sequence[Issue]) -> dict[str, tuple[str, set[int]]]:
    out = {}
    for issue in issues:
        if issue.rule == "conflicting-city":
            token = issue.message.split()[2]
            out[token] = (issue.message, {r.index for r in issue.records if r.index is not None})
    return out


def expected_message(token: str, countries: dict[str, set[int]]) -> str:
    parts = ", ".join(
        f"{country!r} in {len(seqs)} record{'s' if len(seqs) > 1 else ''}"
        for country, seqs in sorted(countries.items())
    )
    return (
        f"the place {token} is given with different countries: {parts}; a place has one "
        "present country"
    )


@given(read_summaries(), st.booleans())
def test_conflicting_city_names_every_record_that_gives_the_place_id(
    records: list[ReadRecord], through_add_read: bool
) -> None:
    """The check keeps no place ids for most records (they are the keys that are ids, each with
    the first country given with it); what it finds is what the place ids themselves give,
    parties with a Wikidata and a GeoNames id, and a place id given twice in a record, too.
    """
    check = CollectionCheck(today=TODAY)
    for index, (rid, keys, place_ids) in enumerate(records):
        summary = (rid, AgreementKind.TWINNING, keys, place_ids, None, None, None, True)
        if through_add_read:
            check.add_read(summary, "f.jsonl", index + 1, index, index)
        else:
            check.add_summary(RecordSummary(RecordRef(rid, index), *summary))
    found = found_conflicts(check.issues())
    expected = conflicts_by_reference(records)
    assert found.keys() == expected.keys()
    for token, (countries, seqs) in expected.items():
        assert found[token] == (expected_message(token, countries), seqs)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Q1", "Q2", "geonames:1"]),
            st.sampled_from(["Q1", "Q2", "geonames:1", "Q9"]),
            st.sampled_from(COUNTRY_CHOICES),
        ),
        max_size=8,
    ),
)
def test_place_ids_that_are_not_the_keys_are_kept_whole(
    parts: list[tuple[str, str, str]],
) -> None:
    """A summary made by hand may give place ids that are not its keys (or none, or one
    twice): conflicting-city still goes by the place ids alone.
    """
    records = [
        (f"r{n}", ("Q1", "Q2"), ((token, country), (other, "DE"))[: n % 3])
        for n, (token, other, country) in enumerate(parts)
    ]
    check = CollectionCheck(today=TODAY)
    for index, (rid, keys, place_ids) in enumerate(records):
        check.add_summary(RecordSummary(RecordRef(rid, index), rid, AgreementKind.TWINNING,
                                        keys, place_ids, None, None, None, True))  # fmt: skip
    found = found_conflicts(check.issues())
    expected = conflicts_by_reference(records)
    assert {token: seqs for token, (_, seqs) in found.items()} == {
        token: seqs for token, (_, seqs) in expected.items()
    }


# where records are read: several files, blank lines, skipped records, unknown lines
locations = st.lists(
    st.tuples(
        st.sampled_from(["a.jsonl", "b.jsonl", "-"]),
        st.none() | st.integers(1, 3),  # lines skipped before the record (None: no line)
        st.integers(0, 2),  # records skipped before it
    ),
    max_size=12,
)


@given(locations)
def test_add_read_names_each_record_where_it_was_read(
    steps: list[tuple[str, int | None, int]],
) -> None:
    """The check keeps where a record was read in runs, not a RecordRef a record; an issue
    names each record with the file, line, index and seq it was added with.
    """
    check = CollectionCheck(today=TODAY)
    refs: list[RecordRef] = []
    line = index = seq = 0
    file = None
    for n, (name, lines, skipped) in enumerate(steps):
        if name != file:
            file, line, index = name, 0, 0
        line += 1 + (lines or 0)
        index += 1 + skipped
        seq += 1 + skipped
        rid = f"r{n}"
        ref = RecordRef(rid, index, file, None if lines is None else line, seq=seq)
        refs.append(ref)
        summary = (rid, AgreementKind.TWINNING, ("Q1", "Q2"), (), None, None, None, True)
        check.add_read(summary, ref.file, ref.line, ref.index, ref.seq)
    issues = check.issues()
    if len(refs) < 2:
        assert issues == []
        return
    (issue,) = issues
    assert issue.records == tuple(refs)
    assert [ref.seq for ref in issue.records] == [ref.seq for ref in refs]


class TaggedRef(RecordRef):
    pass


def test_add_summary_names_each_record_with_the_ref_it_was_given() -> None:
    """Refs that the check keeps as runs, and refs it keeps whole: another id than the
    record's, no index, no seq, a subclass, a line as large as Python's ints go.
    """
    refs = [
        RecordRef("a", 0, "x.jsonl", 1, seq=0),
        RecordRef("b", 1, "x.jsonl", 2, seq=1),
        RecordRef("not c", 2, "x.jsonl", 3, seq=2),
        RecordRef("d"),
        RecordRef("e", None, "y.jsonl", 7, seq=9),
        RecordRef("f", 5, None, None, seq=None),
        TaggedRef("g", 6, "x.jsonl", 7, seq=6),
        RecordRef("h", 7, "x.jsonl", 2**70, seq=7),
        RecordRef("i", 8, "x.jsonl", 9, seq=8),
    ]
    check = CollectionCheck(today=TODAY)
    for ref, rid in zip(refs, "abcdefghi", strict=True):
        check.add_summary(RecordSummary(ref, rid, AgreementKind.TWINNING, ("Q1", "Q2"), (),
                                        None, None, None, True))  # fmt: skip
    (issue,) = check.issues()
    assert issue.records == tuple(refs)
    assert [type(ref) for ref in issue.records] == [type(ref) for ref in refs]
    assert [ref.seq for ref in issue.records] == [ref.seq for ref in refs]
    assert (issue.id, issue.file, issue.line, issue.index) == ("a", "x.jsonl", 1, 0)


def test_one_summary_added_twice_is_two_records() -> None:
    """A memo (``sistercity diff``) gives two records that read alike one summary object: they
    are two records all the same (a duplicate-agreement, and a duplicate-id).
    """
    summary = ("a", AgreementKind.TWINNING, ("Q1", "Q2"), (("Q1", "DE"), ("Q2", "FR")),
               None, None, None, True)  # fmt: skip
    check = CollectionCheck(today=TODAY)
    check.add_read(summary, "x.jsonl", 1, 0, 0)
    check.add_read(summary, "x.jsonl", 2, 1, 1)
    assert sorted(i.rule for i in check.issues()) == ["duplicate-agreement", "duplicate-id"]
    assert len(check) == 2


@given(strategies.records(), st.booleans())
def test_the_record_pass_gives_place_ids_as_add_read_reads_them(
    raw: dict[str, object], quick: bool
) -> None:
    """What CollectionCheck.add_read relies on: a summary of the record pass (the quick check or
    the full pass) gives each party's Wikidata and GeoNames ids in party order, so when there
    are as many place ids as keys that are ids, they are those keys.
    """
    answer = quick_check(raw, TODAY) if quick else full_check(raw, TODAY)[::2]
    if answer is None or answer[1] is None:
        return
    _, _, keys, place_ids, *_ = answer[1]
    ids = [key for key in keys if isinstance(key, str)]
    assert len(place_ids) >= len(ids)
    if len(place_ids) == len(ids):
        assert [token for token, _ in place_ids] == ids
