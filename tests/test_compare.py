"""``sistercity.compare.diff`` (SPEC §8): pairing, changes, and the properties of issue 13."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity.compare import Change, changes, diff
from sistercity.strategies import agreements

MANCHESTER = sc.City("Manchester", "GB", wikidata="Q18125")
SPB = sc.City("Saint Petersburg", "RU", wikidata="Q656")
CHEMNITZ = sc.City("Chemnitz", "DE", wikidata="Q2795")
SOURCES = ["https://www.manchester.gov.uk/"]


def link(id: str, partner: sc.City, kind: str = "twinning", *events: sc.Event) -> sc.Agreement:
    return sc.Agreement(id, kind, [MANCHESTER, partner], list(events), sources=SOURCES)


def test_identical_lists_have_no_differences() -> None:
    a = [link("m-spb", SPB, "friendship", sc.Event("signed", "1962"))]
    found = diff(a, list(a), today="2024")
    assert found.empty
    assert found.summary == {"added": 0, "removed": 0, "changed": 0, "unchanged": 1}


def test_a_suspension_is_a_change_at_the_new_event_with_the_status_on_each_side() -> None:
    before = link("m-spb", SPB, "friendship", sc.Event("signed", "1962"))
    suspended = sc.Event("suspended", "2022-02-26", by="Manchester", reason="invasion")
    after = attrs.evolve(before, events=[*before.events, suspended])
    found = diff([before], [after], today="2024-06-30")
    (pair,) = found.changed
    assert pair.changes == (
        Change(
            "$.events[1]",
            None,
            {"type": "suspended", "date": "2022-02-26", "by": "Manchester", "reason": "invasion"},
        ),
    )
    assert (pair.old_status, pair.new_status) == (sc.Status.ACTIVE, sc.Status.SUSPENDED)
    assert found.to_json()["changed"][0]["status"] == {"old": "active", "new": "suspended"}


def test_unpaired_records_are_added_or_removed() -> None:
    spb = link("m-spb", SPB, "friendship")
    chemnitz = link("m-chemnitz", CHEMNITZ)
    found = diff([spb], [chemnitz], today="2024")
    assert [a.id for a in found.added] == ["m-chemnitz"]
    assert [a.id for a in found.removed] == ["m-spb"]
    assert found.to_json() == {
        "summary": {"added": 1, "removed": 1, "changed": 0, "unchanged": 0},
        "added": ["m-chemnitz"],
        "removed": ["m-spb"],
        "changed": [],
    }


def test_changes_name_every_path_with_null_on_the_missing_side() -> None:
    old = {"id": "a", "parties": [{"name": "X"}], "x-row": 3}
    new = {"id": "a", "parties": [{"name": "Y"}, {"name": "Z"}], "notes": "n"}
    assert changes(old, new) == [
        Change("$.parties[0].name", "X", "Y"),
        Change("$.parties[1]", None, {"name": "Z"}),
        Change("$['x-row']", 3, None),
        Change("$.notes", None, "n"),
    ]


def test_a_number_and_a_boolean_differ() -> None:
    assert changes({"x-a": 1}, {"x-a": True}) == [Change("$['x-a']", 1, True)]


def test_places_pair_a_wikidata_import_with_a_curated_list() -> None:
    curated = [link("m-spb", SPB, "friendship"), link("m-chemnitz", CHEMNITZ)]
    imported = [
        sc.Agreement("wikidata-Q2795-Q18125", "unspecified", [CHEMNITZ, MANCHESTER]),
        sc.Agreement("wikidata-Q656-Q18125", "unspecified", [SPB, MANCHESTER]),
    ]
    by_id = diff(curated, imported, today="2024")
    assert by_id.summary == {"added": 2, "removed": 2, "changed": 0, "unchanged": 0}
    by_places = diff(curated, imported, match="places", today="2024")
    assert by_places.summary == {"added": 0, "removed": 0, "changed": 2, "unchanged": 0}
    assert [(c.old_id, c.new_id) for c in by_places.changed] == [
        ("m-spb", "wikidata-Q656-Q18125"),
        ("m-chemnitz", "wikidata-Q2795-Q18125"),
    ]


def test_places_pair_kinds_that_differ_only_through_unspecified() -> None:
    friendship = link("m-spb-1962", SPB, "friendship")
    twinning = link("m-spb-1990", SPB, "twinning")
    found = diff([friendship], [twinning], match="places", today="2024")
    assert found.summary == {"added": 1, "removed": 1, "changed": 0, "unchanged": 0}


def test_places_pair_the_same_kind_before_unspecified_and_in_file_order() -> None:
    old = [link("u", SPB, "unspecified"), link("t", SPB, "twinning")]
    new = [link("t2", SPB, "twinning"), link("f2", SPB, "friendship")]
    found = diff(old, new, match="places", today="2024")
    assert sorted((c.old_id, c.new_id) for c in found.changed) == [("t", "t2"), ("u", "f2")]


def test_an_unknown_match_is_refused() -> None:
    with pytest.raises(ValueError, match="match must be"):
        diff([], [], match="name")  # type: ignore[arg-type]


# -- properties (issue 13) -------------------------------------------------------------------

LISTS = st.lists(agreements(), max_size=5, unique_by=lambda a: a.id)


@st.composite
def two_versions(draw: st.DrawFn) -> tuple[list[sc.Agreement], list[sc.Agreement]]:
    """An old and a new list drawn from one pool: kept, changed, renamed, only on one side."""
    pool = draw(LISTS)
    old: list[sc.Agreement] = []
    new: list[sc.Agreement] = []
    for n, agreement in enumerate(pool):
        fate = draw(st.sampled_from(["old", "new", "same", "kind", "id"]))
        if fate in ("old", "same", "kind", "id"):
            old.append(agreement)
        if fate in ("new", "same"):
            new.append(agreement)
        elif fate == "kind":
            kind = draw(st.sampled_from(sc.AgreementKind))
            new.append(attrs.evolve(agreement, kind=kind))
        elif fate == "id":
            new.append(attrs.evolve(agreement, id=f"renamed-{n}"))
    return old, draw(st.permutations(new))


def ids(found: Any) -> list[str]:
    return sorted(a.id for a in found)


@settings(max_examples=60, deadline=None)
@given(LISTS, st.sampled_from(["id", "places"]))
def test_diff_of_a_list_with_itself_is_empty(a: list[sc.Agreement], match: Any) -> None:
    """Issue 13: ``diff(a, a)`` is empty."""
    found = diff(a, a, match=match, today="2024")
    assert found.empty
    assert found.unchanged == len(a)


@settings(max_examples=80, deadline=None)
@given(two_versions(), st.sampled_from(["id", "places"]))
def test_added_one_way_is_removed_the_other_way(
    versions: tuple[list[sc.Agreement], list[sc.Agreement]], match: Any
) -> None:
    """Issue 13: ``diff(a, b)``'s added equals ``diff(b, a)``'s removed (and the reverse)."""
    a, b = versions
    forward, backward = diff(a, b, match=match, today="2024"), diff(b, a, match=match, today="2024")
    assert ids(forward.added) == ids(backward.removed)
    assert ids(forward.removed) == ids(backward.added)
    assert forward.unchanged == backward.unchanged
    assert sorted((c.old_id, c.new_id) for c in forward.changed) == sorted(
        (c.new_id, c.old_id) for c in backward.changed
    )


@settings(max_examples=80, deadline=None)
@given(two_versions(), st.sampled_from(["id", "places"]))
def test_every_record_is_accounted_for_once(
    versions: tuple[list[sc.Agreement], list[sc.Agreement]], match: Any
) -> None:
    """Issue 13: added + removed + changed + unchanged accounts for every valid record."""
    a, b = versions
    found = diff(a, b, match=match, today="2024")
    paired = len(found.changed) + found.unchanged
    assert len(found.removed) + paired == len(a)
    assert len(found.added) + paired == len(b)
    assert all(c.changes for c in found.changed)
    assert {id(x) for x in found.removed} | {id(c.old) for c in found.changed} <= {id(x) for x in a}
