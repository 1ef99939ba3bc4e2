"""``sistercity.compare.diff`` (SPEC §8): pairing, changes, and the properties of issue 13."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity.compare import Change, Diff, changes, diff, diff_records
from sistercity.strategies import agreements, records

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


# -- record dicts (what ``sistercity diff`` compares) ------------------------------------------


@st.composite
def two_record_versions(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Valid record dicts in two versions: the same object on both sides (as the command line
    keeps a record that did not change), an equal copy, changed, renamed, only on one side, or
    twice on one side (an id that comes twice)."""
    pool = draw(st.lists(records(), max_size=6))
    old: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    fates = ["old", "new", "same", "copy", "kind", "notes", "id", "twice-old", "twice-new"]
    for n, raw in enumerate(pool):
        fate = draw(st.sampled_from(fates))
        other = {**raw, "notes": "The second of two with this id."}
        if fate != "new":
            old.append(raw)
        if fate == "twice-old":
            old.append(other)
        if fate in ("new", "same"):
            new.append(raw)
        elif fate in ("copy", "twice-old"):
            new.append(copy.deepcopy(raw))
        elif fate == "twice-new":
            new += [copy.deepcopy(raw), other]
        elif fate == "kind":
            new.append({**raw, "kind": draw(st.sampled_from(sc.AgreementKind)).value})
        elif fate == "notes":
            new.append({**raw, "notes": "Checked against the council's minutes."})
        elif fate == "id":
            new.append({**raw, "id": f"renamed-{n}"})
    return old, draw(st.permutations(new))


@settings(max_examples=100, deadline=None)
@given(two_record_versions(), st.sampled_from(["id", "places"]))
def test_diff_records_finds_what_diff_finds_on_the_agreements(
    versions: tuple[list[dict[str, Any]], list[dict[str, Any]]], match: Any
) -> None:
    """``diff_records`` (which builds only the records that differ from their pair, and the
    added and removed when read) gives the ``Diff`` of ``diff`` on the agreements built."""
    a, b = versions
    found = diff_records(a, b, match=match, today="2024")
    expected = diff(
        [sc.from_dict(r) for r in a], [sc.from_dict(r) for r in b], match=match, today="2024"
    )
    assert found.to_json() == expected.to_json()
    assert found.added_ids == tuple(x.id for x in expected.added)
    assert found.removed_ids == tuple(x.id for x in expected.removed)
    assert found == expected


def test_added_and_removed_records_are_built_when_read() -> None:
    """The counts and ids need no agreement: a record that does not validate is refused only
    when the agreements are read (``sistercity diff`` leaves such records out)."""
    good = sc.to_dict(link("m-spb", SPB, "friendship"))
    broken = {**sc.to_dict(link("m-chemnitz", CHEMNITZ)), "kind": "twin town"}
    found = diff_records([good], [broken], today="2024")
    assert found.summary == {"added": 1, "removed": 1, "changed": 0, "unchanged": 0}
    assert (found.added_ids, found.removed_ids) == (("m-chemnitz",), ("m-spb",))
    assert found.to_json()["added"] == ["m-chemnitz"]
    assert found.removed == (sc.from_dict(good),)
    with pytest.raises(sc.InvalidAgreement):
        _ = found.added


def test_a_diff_is_made_and_compared_with_tuples_of_agreements() -> None:
    spb, chemnitz = link("m-spb", SPB, "friendship"), link("m-chemnitz", CHEMNITZ)
    made = Diff((chemnitz,), removed=[spb], changed=(), unchanged=0)
    assert (made.added, made.removed, made.added_ids) == ((chemnitz,), (spb,), ("m-chemnitz",))
    assert made == diff([spb], [chemnitz], today="2024") != diff([spb], [spb], today="2024")
    assert made.summary == {"added": 1, "removed": 1, "changed": 0, "unchanged": 0}
    assert attrs.evolve(made, added=()).empty is False
    assert attrs.evolve(made, added=(), removed=()).summary["added"] == 0
    assert repr(made).startswith("Diff(added=(Agreement(") and repr(made).endswith("unchanged=0)")
    assert hash(made) == hash(Diff((chemnitz,), (spb,), (), 0))


@settings(max_examples=100, deadline=None)
@given(two_record_versions())
def test_by_id_the_nth_with_an_id_pairs_with_the_nth_with_that_id(
    versions: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    """The pairing by id, against a plain reading of the SPEC (ids that come twice included)."""
    a, b = versions
    pairs: list[tuple[int, int]] = []
    for rid in dict.fromkeys(r["id"] for r in a):
        pairs += zip(
            [i for i, r in enumerate(a) if r["id"] == rid],
            [j for j, r in enumerate(b) if r["id"] == rid],
            strict=False,
        )
    found = diff_records(a, b, today="2024")
    paired_old, paired_new = {i for i, _ in pairs}, {j for _, j in pairs}
    assert found.removed_ids == tuple(r["id"] for i, r in enumerate(a) if i not in paired_old)
    assert found.added_ids == tuple(r["id"] for j, r in enumerate(b) if j not in paired_new)
    # generated records are canonical: equal dicts, equal canonical forms
    assert found.unchanged == sum(a[i] == b[j] for i, j in pairs)
    assert len(found.changed) == len(pairs) - found.unchanged
    assert [c.old_id for c in found.changed] == [
        a[i]["id"] for i, j in sorted(pairs) if a[i] != b[j]
    ]
