"""The collection rules of SPEC §5, checked over a compact summary of each record.

:class:`CollectionCheck` takes one :class:`RecordSummary` per record (:meth:`~CollectionCheck.
add_summary`; :meth:`~CollectionCheck.add` builds it from an :class:`~sistercity.Agreement`;
:meth:`~CollectionCheck.add_read` takes the record pass's summary as it is) and keeps a row of
references to objects it shares with other records or its indexes (no object of the record's
own but its id and index) and nothing else, so that a command line can stream records of any
length. Time, memory and output grow no faster than n log n in the number of records n,
whatever the input (but see "Cost" below for the one shape that costs more).

The rules:

- ``duplicate-id`` (error): two agreements share an ``id``. One issue per id, naming every
  record that carries it.
- ``conflicting-city`` (error): the same ``wikidata`` or ``geonames`` id with different
  countries. One issue per id, naming every record whose parties carry it.
- ``duplicate-agreement`` (warning): two records are *possible duplicates* when they have the
  same set of place keys (SPEC §4), the same kind (``unspecified`` matches any kind), periods
  that possibly overlap, and neither supersedes the other, directly or through a chain of
  ``supersedes``. One issue per connected group of possible duplicates (records linked by that
  relation, directly or through others), naming every record of the group: a ``twinning`` and a
  ``friendship`` that both duplicate one ``unspecified`` record are one group of three. A
  ``supersedes`` chain alone is never a group; a group may hold two records of one chain when
  other records link them.
- ``unknown-supersedes`` (warning): ``supersedes`` names an id that no record has. One issue
  per record.
- ``superseded-still-active`` (warning): an agreement and one that supersedes it are both
  active now (``status_on(today)``). One issue per superseded id, naming the active records
  with that id and the active records that supersede it.

Chains follow ids: ``b`` supersedes ``a`` through a chain when following ``supersedes`` from
``b``'s id reaches ``a``'s id. Where records that share an id (already a ``duplicate-id``
error) name different ``supersedes``, the chain through that id follows the smallest of the
ids they name that some record has, and every record with that id counts as superseding it.
In a cycle (``a`` supersedes ``b`` supersedes ``a``) every record of the cycle supersedes,
and is superseded by, every record linked to it.

A period (SPEC §5) runs from the earliest day of the first signing (unbounded when there is no
signing or it is undated) to the latest day of the ``terminated`` or ``expired`` event
(unbounded when there is none); two periods possibly overlap when they share at least one day
that each could include.

Order. The records of an issue are listed in input order (the order of
:meth:`CollectionCheck.add_summary`) and the issue takes its ``id``, ``file``, ``line`` and
``index`` from the first of them. Which issues are found, which records each names and every
message do not depend on the input order: shuffling the input changes only which record comes
first. Issues are sorted by their first record, then by rule.

Cost. ``duplicate-agreement`` sweeps the records of one set of places in order of their start,
keeping the records whose period is still open in one pool per kind, and joins each record to
the groups it links to with a union-find; ancestry in the ``supersedes`` forest is an O(1) test
on Euler-tour intervals. A pool whose open records come from two or more ``supersedes`` trees
is always one group (any two records of different trees are linked, and any two of one tree
are linked through a record of another), so a record joins it with one union; a pool from one
other tree is joined group by group, each group visited once more than it is merged. Within
its own tree a record links only to records that share its id or sit on another branch: when
the tree is a chain that is one lookup; when it branches, the pool keeps one record per id,
and one for all the leaf ids under one parent (they form one group and relate alike to any
record), and the record is compared with each. So a star (many records superseding one) costs
n log n, and the one shape that costs more is a tree with many branch points (say, every
record superseded by two others) whose records share places, kinds and open periods: each
record is compared with every branch point open at its start. Every other rule is a pass over
dict indexes, and no rule names a record in more than two issues.
"""

from __future__ import annotations

import datetime as dt
import heapq
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import compress, count
from operator import not_
from typing import Any, Final, NamedTuple

from ._agreements import Agreement, AgreementKind, Status
from ._dates import PartialDate, as_day
from ._identity import key_text
from ._places import PlaceKey
from ._record import Summary
from ._report import Issue, RecordRef, Severity
from ._text import count_records

__all__ = [
    "COLLECTION_RULES",
    "SUMMARY_BYTES_ESTIMATE",
    "CollectionCheck",
    "RecordSummary",
    "format_place_key",
    "summarise",
]

#: The ids of the built-in collection rules, in the order issues of one record are sorted.
COLLECTION_RULES: Final = (
    "duplicate-id",
    "conflicting-city",
    "duplicate-agreement",
    "unknown-supersedes",
    "superseded-still-active",
)
_RULE_ORDER: Final = {rule: n for n, rule in enumerate(COLLECTION_RULES)}

#: A measured estimate of the memory one record costs a :class:`CollectionCheck`, in bytes:
#: two parties (most with Wikidata ids), year-precision dates, read from one file with a short
#: id. ``benchmarks/bench_registry.py --sizes 100k`` measured 326 (its agreements stay alive,
#: so the ids and place ids are theirs); ``validate`` of 100,000 generated JSON Lines records,
#: which drops each record, keeps 404 a record with the strings of its id and place ids (about
#: 170: 56 a str). A record's place ids are kept only when a party gives two (see
#: :meth:`CollectionCheck.add_read`), and where it was read as runs of records.
SUMMARY_BYTES_ESTIMATE: Final = 420

_KINDS: Final = tuple(AgreementKind)
_KIND_INDEX: Final = {kind: n for n, kind in enumerate(_KINDS)}

#: A collection message names at most this many ids; the issue's ``records`` name them all.
_MESSAGE_IDS: Final = 20


class RecordSummary(NamedTuple):
    """What the collection rules need of one valid record.

    ``keys`` holds each party's place key in party order; ``place_ids`` a ``(token, country)``
    pair for each party's Wikidata (``"Q64"``) and GeoNames (``"geonames:2950159"``) id;
    ``start`` and ``end`` the period's bounds as :meth:`datetime.date.toordinal` (``None``:
    unbounded); ``active`` whether the record is active on the check's ``today``.
    """

    ref: RecordRef
    id: str
    kind: AgreementKind
    keys: tuple[PlaceKey, ...]
    place_ids: tuple[tuple[str, str], ...]
    start: int | None
    end: int | None
    supersedes: str | None
    active: bool


def summarise(agreement: Agreement, ref: RecordRef, today: dt.date) -> RecordSummary:
    """The :class:`RecordSummary` of ``agreement``, read at ``ref``, with "active" on ``today``.

    >>> from sistercity import Agreement, City, Event
    >>> berlin_spb = Agreement("a", "twinning", [City("Berlin", "DE", wikidata="Q64"),
    ...                        City("Saint Petersburg", "RU", wikidata="Q656")],
    ...                        [Event("signed", "1990")])
    >>> summary = summarise(berlin_spb, RecordRef("a", 0), dt.date(2020, 1, 1))
    >>> summary.keys, summary.place_ids, summary.active
    (('Q64', 'Q656'), (('Q64', 'DE'), ('Q656', 'RU')), True)
    >>> dt.date.fromordinal(summary.start), summary.end
    (datetime.date(1990, 1, 1), None)
    """
    keys = []
    place_ids = []
    for party in agreement.parties:
        keys.append(party.key)
        if party.wikidata is not None:
            place_ids.append((party.wikidata, party.country))
        if party.geonames is not None:
            place_ids.append((f"geonames:{party.geonames}", party.country))
    start, end = agreement.period()
    # share the id string with the reference when they are equal
    rid = ref.id if ref.id == agreement.id and ref.id is not None else agreement.id
    return RecordSummary(
        ref,
        rid,
        agreement.kind,
        tuple(keys),
        tuple(place_ids),
        None if start is None else start.toordinal(),
        None if end is None else end.toordinal(),
        agreement.supersedes,
        agreement.status_on(today, today=today) is Status.ACTIVE,
    )


def format_place_key(key: PlaceKey) -> str:
    """A place key as text for messages (:func:`sistercity._identity.key_text`).

    >>> format_place_key(("US", "US-IL", "municipality", "springfield"))
    "'springfield' (US, US-IL, municipality)"
    """
    return key_text(key)


_is_id: Final = str.__instancecheck__  # a place key that is an id, not a name key


def _sort_text(key: PlaceKey) -> tuple[int, str]:
    return (0, key) if isinstance(key, str) else (1, repr(key))


def _group_of(keys: tuple[PlaceKey, ...]) -> tuple[PlaceKey, ...]:
    """The place keys of a record in one order, so that equal sets are equal tuples."""
    if len(keys) == 2:
        a, b = keys
        if type(a) is str:
            if type(b) is str:
                return keys if a <= b else (b, a)
            return keys  # an id sorts before a name key
        if type(b) is str:
            return (b, a)
        return keys if _sort_text(a) <= _sort_text(b) else (b, a)
    return tuple(sorted(keys, key=_sort_text))


def _named_by_keys(keys: tuple[PlaceKey, ...], place_ids: tuple[tuple[str, str], ...]) -> bool:
    """Whether ``place_ids`` name the keys that are ids (str) and nothing else, in key order.

    So it is for a record that the record pass read, unless a party gives both a Wikidata and
    a GeoNames id (its key is the Wikidata id, and both are place ids).
    """
    return [token for token, _ in place_ids] == list(filter(_is_id, keys))


#: ``None`` in an int column; the ints kept there are at most _MAX_INT either way, so that
#: one minus another never is _NO_INT.
_NO_INT: Final = -(1 << 63)
_MAX_INT: Final = (1 << 62) - 1


def _in_runs(ref: RecordRef, rid: str) -> bool:
    """Whether :class:`_Where` gives ``ref`` (of a record with id ``rid``) back equal."""
    file = ref.file
    return (
        type(ref) is RecordRef
        and type(ref.id) is str
        and ref.id == rid
        and (file is None or type(file) is str)
        and all(
            value is None or (type(value) is int and -_MAX_INT <= value <= _MAX_INT)
            for value in (ref.line, ref.index, ref.seq)
        )
    )


class _Where:
    """Where each record was read (the parts of its :class:`RecordRef`), in runs.

    A record's row keeps its ``index``; its ``seq`` and ``line`` are kept as offsets from the
    index (from 0 when the index is ``None``; ``None`` when they are), which are the same for
    every record of a run: records read from one file, with no line between them that holds no
    record (a blank line). So a record read from a file costs nothing here but a comparison.
    A run is kept as the position of its first record, its file and its offsets
    (``_NO_INT``: ``None``).

    A ``RecordRef`` given whole (:meth:`CollectionCheck.add_summary`) is kept whole when the
    runs would not give it back equal (:func:`_in_runs`).
    """

    __slots__ = ("file", "files", "line_off", "line_offs", "refs", "seq_off", "seq_offs", "starts")

    def __init__(self) -> None:
        # the current run (none yet: offsets that no record has)
        self.file: str | None = None
        self.seq_off: int | None = _NO_INT
        self.line_off: int | None = _NO_INT
        # every run
        self.starts = array("q")
        self.files: list[str | None] = []
        self.seq_offs = array("q")
        self.line_offs = array("q")
        self.refs: dict[int, RecordRef] = {}

    def add(
        self, at: int, file: str | None, line: int | None, index: int | None, seq: int | None
    ) -> None:
        """Record ``at`` was read from ``file`` at ``line``, ``index`` and ``seq``.

        (:meth:`CollectionCheck.add_read` calls this only for a record that it does not see
        continue the current run.)
        """
        base = 0 if index is None else index
        seq_off = None if seq is None else seq - base
        line_off = None if line is None else line - base
        if file == self.file and seq_off == self.seq_off and line_off == self.line_off:
            return
        self.file, self.seq_off, self.line_off = file, seq_off, line_off
        self.starts.append(at)
        self.files.append(file)
        self.seq_offs.append(_NO_INT if seq_off is None else seq_off)
        self.line_offs.append(_NO_INT if line_off is None else line_off)

    def ref(self, at: int, rid: str, index: int | None) -> RecordRef:
        """The :class:`RecordRef` of record ``at``, with id ``rid`` and ``index``."""
        ref = self.refs.get(at)
        if ref is None:
            run = bisect_right(self.starts, at) - 1
            base = 0 if index is None else index
            seq, line = self.seq_offs[run], self.line_offs[run]
            ref = RecordRef(
                rid,
                index,
                self.files[run],
                None if line == _NO_INT else line + base,
                seq=None if seq == _NO_INT else seq + base,
            )
        return ref


# What a CollectionCheck keeps of each record: a row of _WIDTH entries in one flat list, in
# input order (a record's "seq" in the check is its row's number). Each entry but the index
# refers to an object shared with an index or with other records: the id; the kind (an enum
# member) and "active" (a bool); the period's bounds as day ordinals (the record pass gives
# each day's int once; None: unbounded); the record's place keys, sorted, as the one tuple
# that _groups holds for them; and its index (see _Where).
_RID: Final = 0
_KIND: Final = 1
_ACTIVE: Final = 2
_START: Final = 3
_END: Final = 4
_GROUP: Final = 5
_INDEX: Final = 6
_WIDTH: Final = 7


class CollectionCheck:
    """Check the collection rules of SPEC §5 incrementally, one record at a time.

    :meth:`add_summary` (or :meth:`add_read`) keeps a row of references to shared objects
    for each record and a few indexes, never the agreement; about
    :data:`SUMMARY_BYTES_ESTIMATE` bytes a record. :meth:`issues` returns every collection
    finding, unfiltered by any rule selection. ``today`` (default: the real date when the check
    is created) decides "active now".

    >>> from sistercity import Agreement, City, Event
    >>> def twinning(id):
    ...     return Agreement(id, "twinning", [City("Berlin", "DE", wikidata="Q64"),
    ...                      City("Saint Petersburg", "RU", wikidata="Q656")],
    ...                      [Event("signed", "1990")], sources=["https://example.org"])
    >>> check = CollectionCheck(today=dt.date(2020, 1, 1))
    >>> check.add(twinning("a"), RecordRef("a", 0))
    >>> check.add(twinning("b"), RecordRef("b", 1))
    >>> [(i.rule, [r.id for r in i.records]) for i in check.issues()]
    [('duplicate-agreement', ['a', 'b'])]
    """

    __slots__ = (
        "_conflicts",
        "_countries",
        "_days",
        "_groups",
        "_mismatches",
        "_odd_places",
        "_places",
        "_rows",
        "_shared",
        "_superseding",
        "_targets",
        "_today",
        "_where",
    )

    def __init__(self, *, today: dt.date | str | PartialDate | None = None) -> None:
        self._today = dt.date.today() if today is None else as_day(today)
        self._rows: list[Any] = []  # _WIDTH entries a record (see _RID)
        self._where = _Where()
        # sorted place keys -> the same tuple, which every record with those places refers
        # to; the groups of two records or more
        self._groups: dict[tuple[PlaceKey, ...], tuple[PlaceKey, ...]] = {}
        self._shared: dict[tuple[PlaceKey, ...], None] = {}
        # place id ("Q64", "geonames:2950159") -> the first country given with it, in order of
        # first appearance; the place ids seen with a second country. A record's place ids are
        # not kept when they are its keys that are ids (the record pass's summary, unless a
        # party has both a Wikidata and a GeoNames id), each with the first country given with
        # it, but for the few in _mismatches (place id, another country, record); the place
        # ids of any other record are kept whole in _odd_places.
        self._places: dict[str, str] = {}
        self._conflicts: set[str] = set()
        self._mismatches: list[tuple[str, str, int]] = []
        self._odd_places: dict[int, tuple[tuple[str, str], ...]] = {}
        self._countries: dict[str, str] = {}  # one str object a country
        # the records that name a 'supersedes', and the ids they name
        self._superseding = array("q")
        self._targets: list[str] = []
        self._days: dict[int, int] = {}  # one int object a day, for add_summary

    @property
    def today(self) -> dt.date:
        """The day that "active now" means."""
        return self._today

    def __len__(self) -> int:
        """The number of records added."""
        return len(self._rows) // _WIDTH

    def add(self, agreement: Agreement, ref: RecordRef) -> None:
        """Take one record into account; ``ref`` says where it was read."""
        if not isinstance(agreement, Agreement):
            raise TypeError(f"expected an Agreement (got {type(agreement).__name__})")
        if not isinstance(ref, RecordRef):
            raise TypeError(f"expected a RecordRef (got {type(ref).__name__})")
        self.add_summary(summarise(agreement, ref, self._today))

    def add_summary(self, summary: RecordSummary) -> None:
        """Take one record into account through its summary (see :func:`summarise`).

        ``active`` must have been decided on this check's :attr:`today`. A period that ends
        before it starts (which no valid record has) is refused with :class:`ValueError`.
        """
        rid, kind, keys, place_ids, start, end, supersedes, active = summary[1:]
        if start is not None and end is not None and end < start:
            raise ValueError(
                f"a period must not end before it starts (got start {start}, end {end})"
            )
        days = self._days
        if start is not None:
            start = days.setdefault(start, start)
        if end is not None:
            end = days.setdefault(end, end)
        kept = (rid, kind, keys, place_ids, start, end, supersedes, bool(active))
        at = len(self)
        ref = summary.ref
        if _in_runs(ref, rid):
            self.add_read(kept, ref.file, ref.line, ref.index, ref.seq)
        else:
            self._where.refs[at] = ref
            self.add_read(kept, None, None, None, None)
        if not _named_by_keys(keys, place_ids):  # not as the record pass gives them
            self._odd_places[at] = place_ids

    def add_read(
        self,
        summary: Summary,
        file: str | None,
        line: int | None,
        index: int | None,
        seq: int | None,
    ) -> None:
        """:meth:`add_summary` for the record pass's summary of a record read from a file.

        ``file``, ``line``, ``index`` and ``seq`` make the record's :class:`RecordRef`, made
        only when an issue names the record. The record pass gives no period that ends before
        it starts, so the summary is not checked again, and its place ids are its parties'
        Wikidata and GeoNames ids in party order: when there are as many as keys that are ids,
        they are those keys, which the check keeps anyway, so it keeps no place ids for the
        record (:meth:`add_summary` checks that on any summary).
        """
        # (this runs once a record, so the parts are in line, not in calls)
        rid, kind, keys, place_ids, start, end, supersedes, active = summary
        # the group (_group_of, in line for two parties), and whether the place ids are the
        # keys that are ids: for a summary of the record pass, when there are as many (else a
        # party gives two ids)
        group: tuple[PlaceKey, ...]
        if len(keys) == 2:
            a, b = keys
            if type(a) is str:
                group = keys if type(b) is not str or a <= b else (b, a)
                named = len(place_ids) == (2 if type(b) is str else 1)
            elif type(b) is str:
                group = (b, a)
                named = len(place_ids) == 1
            else:
                group = _group_of(keys)
                named = not place_ids
        else:
            group = _group_of(keys)
            named = len(place_ids) == sum(map(_is_id, keys))
        groups = self._groups
        size = len(groups)
        shared = groups.setdefault(group, group)
        if len(groups) == size:
            self._shared[shared] = None
        self._rows += (rid, kind, active, start, end, shared, index)
        where = self._where
        if (  # (in short, the test of _Where.add: the record continues the current run)
            file is not where.file
            or index is None
            or seq is None
            or seq - index != where.seq_off
            or (None if line is None else line - index) != where.line_off
        ):
            where.add(self._last(), file, line, index, seq)
        if supersedes is not None:
            self._superseding.append(self._last())
            self._targets.append(supersedes)
        # the first country given with each place id (one str object a country)
        places, countries = self._places, self._countries
        for token, country in place_ids:
            if places.setdefault(token, countries.setdefault(country, country)) != country:
                self._conflicts.add(token)
                if named:
                    self._mismatches.append((token, country, self._last()))
        if not named:
            self._odd_places[self._last()] = place_ids

    def _last(self) -> int:
        """The seq of the last record added."""
        return len(self._rows) // _WIDTH - 1

    # -- the rules ------------------------------------------------------------------------------

    def issues(self) -> list[Issue]:
        """Every collection finding so far, sorted by first record and rule (see module doc)."""
        rows = self._rows
        records = _Columns(
            rows[_RID::_WIDTH],
            rows[_KIND::_WIDTH],
            rows[_ACTIVE::_WIDTH],
            rows[_START::_WIDTH],
            rows[_END::_WIDTH],
        )
        ids = set(records.rids)
        found: list[tuple[list[int], Issue]] = []
        found.extend(self._duplicate_ids(records.rids, ids))
        found.extend(self._conflicting_cities())
        found.extend(self._duplicate_agreements(records, ids))
        found.extend(self._supersedes(records, ids))
        found.sort(key=lambda pair: (pair[0][0], _RULE_ORDER[pair[1].rule], pair[0]))
        return [issue for _, issue in found]

    def _ref(self, seq: int) -> RecordRef:
        row = _WIDTH * seq
        return self._where.ref(seq, self._rows[row + _RID], self._rows[row + _INDEX])

    def _issue(
        self, rule: str, severity: Severity, seqs: Iterable[int], message: str
    ) -> tuple[list[int], Issue]:
        ordered = sorted(set(seqs))
        refs = tuple(self._ref(seq) for seq in ordered)
        first = refs[0]
        # keyword arguments through a dict: mypy reads Issue.records' converter (``tuple``)
        # as a generic callable and refuses a typed tuple
        where: dict[str, Any] = {
            "id": first.id,
            "file": first.file,
            "line": first.line,
            "index": first.index,
            "records": refs,
        }
        issue = Issue(rule, severity, message, "$", **where)
        return ordered, issue

    def _duplicate_ids(self, rids: list[str], ids: set[str]) -> Iterator[tuple[list[int], Issue]]:
        if len(ids) == len(rids):
            return
        twice = [rid for rid, n in Counter(rids).items() if n > 1]
        for rid, found in _seqs_of(rids, twice).items():
            yield self._issue(
                "duplicate-id",
                Severity.ERROR,
                found,
                f"the id {rid!r} is used by {len(found)} records; each agreement needs an "
                "id of its own",
            )

    def _conflicting_cities(self) -> Iterator[tuple[list[int], Issue]]:
        conflicts = self._conflicts
        if not conflicts:
            return
        places = self._places
        # the records naming each conflicting place id, by country, in input order; the place
        # ids in order of first appearance
        found: dict[str, dict[str, list[int]]] = {
            token: {} for token in places if token in conflicts
        }
        # the other countries a record gives a place id that is one of its keys, one for each
        # party that does (any other party gives the first country)
        other: dict[tuple[str, int], list[str]] = {}
        for token, country, seq in self._mismatches:
            other.setdefault((token, seq), []).append(country)
        odd = self._odd_places
        groups = self._rows[_GROUP::_WIDTH]
        named = _positions(map(not_, map(conflicts.isdisjoint, groups)))
        for seq in sorted(odd.keys() | named):
            place_ids = odd.get(seq)
            if place_ids is None:
                place_ids = tuple(
                    (key, (other.get((key, seq)) or [places[key]]).pop())
                    for key in groups[seq]
                    if _is_id(key) and key in conflicts
                )
            for token, country in place_ids:
                if token in conflicts:
                    these = found[token].setdefault(country, [])
                    if not these or these[-1] != seq:
                        these.append(seq)
        for token, by_country in found.items():
            seqs: list[int] = []
            parts = []
            for country in sorted(by_country):
                these = by_country[country]
                seqs.extend(these)
                parts.append(f"{country!r} in {count_records(len(these))}")
            yield self._issue(
                "conflicting-city",
                Severity.ERROR,
                seqs,
                f"the place {token} is given with different countries: {', '.join(parts)}; "
                "a place has one present country",
            )

    def _duplicate_agreements(
        self, records: _Columns, ids: set[str]
    ) -> Iterator[tuple[list[int], Issue]]:
        if not self._shared:
            return
        members: dict[tuple[PlaceKey, ...], list[int]] = {group: [] for group in self._shared}
        groups = self._rows[_GROUP::_WIDTH]
        for seq in _positions(map(members.__contains__, groups)):
            members[groups[seq]].append(seq)
        forest = _Forest(records.rids, ids, self._superseding, self._targets)
        for group, seqs in members.items():
            for found in _duplicate_groups(records, seqs, forest):
                yield self._duplicate_issue(records, group, found)

    def _duplicate_issue(
        self, records: _Columns, group: tuple[PlaceKey, ...], seqs: list[int]
    ) -> tuple[list[int], Issue]:
        ids = _id_list(records.rids[seq] for seq in seqs)
        kinds = sorted({records.kinds[seq].value for seq in seqs})
        places = ", ".join(format_place_key(key) for key in group)
        kind_text = f"kind {kinds[0]!r}" if len(kinds) == 1 else f"kinds {' / '.join(kinds)}"
        return self._issue(
            "duplicate-agreement",
            Severity.WARNING,
            seqs,
            f"{len(seqs)} records ({ids}) look like the same agreement: the same places "
            f"({places}), {kind_text}, periods that possibly overlap, and "
            f"{'neither supersedes the other' if len(seqs) == 2 else 'none supersedes another'}"
            ", even through a chain; merge them, or link them with 'supersedes'",
        )

    def _supersedes(self, records: _Columns, ids: set[str]) -> Iterator[tuple[list[int], Issue]]:
        today = self._today.isoformat()
        rids, active = records.rids, records.active
        # superseded id -> the active records that supersede it
        superseders: dict[str, list[int]] = {}
        for seq, target in zip(self._superseding, self._targets, strict=True):
            if target not in ids:
                yield self._issue(
                    "unknown-supersedes",
                    Severity.WARNING,
                    [seq],
                    f"'supersedes' names {target!r}, which is not the id of any agreement in "
                    "the input",
                )
            elif active[seq]:
                superseders.setdefault(target, []).append(seq)
        with_id = _seqs_of(rids, superseders)
        for target, newer in superseders.items():
            older = [old for old in with_id[target] if active[old]]
            # a record that names its own id is not superseded by itself
            if not older or (len(older) == len(newer) == 1 and older == newer):
                continue
            if len(newer) == 1 and len(older) == 1:
                new_id = rids[newer[0]]
                message = (
                    f"{new_id!r} supersedes {target!r}, but both are active on {today}; "
                    f"record the end of {target!r}"
                )
            else:
                new_ids = _id_list({rids[s] for s in newer})
                message = (
                    f"{count_records(len(newer))} ({new_ids}) "
                    f"{'supersedes' if len(newer) == 1 else 'supersede'} {target!r}, and "
                    f"{count_records(len(older))} with the id {target!r} "
                    f"{'is' if len(older) == 1 else 'are'} still active on {today}; record the "
                    f"end of {target!r}"
                )
            yield self._issue("superseded-still-active", Severity.WARNING, older + newer, message)


def _seqs_of(rids: list[str], wanted: Iterable[str]) -> dict[str, list[int]]:
    """The records with each id of ``wanted``, in input order (one pass over ``rids``)."""
    found: dict[str, list[int]] = {rid: [] for rid in wanted}
    if found:
        for seq in _positions(map(found.__contains__, rids)):
            found[rids[seq]].append(seq)
    return found


def _positions(flags: Iterable[object]) -> Iterator[int]:
    """The positions of the true values in ``flags``.

    The scans of the rules over every record go through this (and ``map`` over a built-in
    method), so that the records that do not match cost no Python bytecode.
    """
    return compress(count(), flags)


def _id_list(rids: Iterable[str]) -> str:
    """Ids for a message, sorted: the first :data:`_MESSAGE_IDS`, then how many more.

    The issue's ``records`` name them all; the message stays short however many there are.
    """
    ordered = sorted(rids)
    shown = ", ".join(repr(rid) for rid in ordered[:_MESSAGE_IDS])
    more = len(ordered) - _MESSAGE_IDS
    return shown + (f" and {more} more" if more > 0 else "")


# -- duplicate-agreement ------------------------------------------------------------------------


class _Forest:
    """The ``supersedes`` links between ids, as a forest with Euler-tour intervals.

    Each id is a node; its parent is the smallest ``supersedes`` that a record with that id
    names and that is some record's id. A component may hold one cycle; it is broken at one of
    its nodes, which becomes the root, and every node of the cycle is given the interval of the
    whole component, since it is an ancestor of every node there.

    Leaves with one parent (not in a cycle) share a *scan key*, the parent in a 1-tuple: any
    record relates alike to all of them (to none, unless it is an ancestor of their parent or
    the parent), and they never relate to each other. Every other id is its own scan key.
    """

    __slots__ = ("branching", "cycle", "high", "leaf_of", "low", "tin", "tree")

    def __init__(
        self, rids: list[str], ids: set[str], superseding: Iterable[int], targets: Iterable[str]
    ) -> None:
        # only ids linked by 'supersedes' are nodes here; every other id is a tree of its own
        parent: dict[str, str] = {}
        for seq, target in zip(superseding, targets, strict=True):
            if target in ids:
                rid = rids[seq]
                known = parent.get(rid)
                if known is None or target < known:
                    parent[rid] = target
        children: dict[str, list[str]] = {}
        for child, up in parent.items():
            children.setdefault(up, []).append(child)
        # find the cycles: walk up from each unvisited id
        self.cycle: set[str] = set()
        loops: dict[str, list[str]] = {}  # root of a component with a cycle -> the cycle
        roots = [node for node in children if node not in parent]
        state: dict[str, int] = {}  # 1: on the current walk, 2: done
        for start in parent:
            if start in state:
                continue
            path = []
            node: str | None = start
            while node is not None and node not in state:
                state[node] = 1
                path.append(node)
                node = parent.get(node)
            if node is not None and state[node] == 1:
                # a new cycle: from node to the end of the path
                loop = path[path.index(node) :]
                self.cycle.update(loop)
                loops[node] = loop
                roots.append(node)
            for visited in path:
                state[visited] = 2
        self.tin: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.high: dict[str, int] = {}
        self.tree: dict[str, str] = {}
        self.branching: set[str] = set()
        self.leaf_of: dict[str, tuple[str]] = {}
        clock = 0
        for root in roots:
            stack: list[tuple[str, bool]] = [(root, False)]
            while stack:
                node_, done = stack.pop()
                if done:
                    self.high[node_] = clock - 1
                    continue
                self.tin[node_] = self.low[node_] = clock
                self.tree[node_] = root
                clock += 1
                stack.append((node_, True))
                below = [c for c in children.get(node_, ()) if c != root]
                if len(below) > 1:
                    self.branching.add(root)
                elif not below and node_ != root and node_ not in self.cycle:
                    self.leaf_of[node_] = (parent[node_],)
                stack.extend((c, False) for c in below)
            for node_ in loops.get(root, ()):
                self.low[node_], self.high[node_] = self.low[root], self.high[root]

    def tree_of(self, rid: str) -> str:
        """The root of the tree that holds id ``rid`` (itself when no 'supersedes' links it)."""
        return self.tree.get(rid, rid)

    def related(self, a: str, b: str) -> bool:
        """Whether id ``a`` supersedes id ``b`` through a chain, or ``b`` supersedes ``a``."""
        if a == b:
            return a in self.cycle
        tin = self.tin
        if a not in tin or b not in tin:
            return False
        return self.low[a] <= tin[b] <= self.high[a] or self.low[b] <= tin[a] <= self.high[b]


_UNSPECIFIED: Final = _KIND_INDEX[AgreementKind.UNSPECIFIED]
_ALL_POOLS: Final = tuple(range(len(_KIND_INDEX)))
_NEVER: Final = 1 << 62  # after every day number
_COMPATIBLE: Final = tuple(
    _ALL_POOLS if n == _UNSPECIFIED else (n, _UNSPECIFIED) for n in _ALL_POOLS
)


class _Pool:
    """The records of one kind whose period is open at the sweep's current day."""

    __slots__ = ("by_id", "heads", "scan", "trees")

    def __init__(self) -> None:
        # tree -> its open records (a dict as an ordered set)
        self.trees: dict[str, dict[int, None]] = {}
        # tree -> one open record per group of its records, the one whose period ends last
        self.heads: dict[str, dict[int, None]] = {}
        # id -> its open records
        self.by_id: dict[str, dict[int, None]] = {}
        # branching tree -> scan key -> its open record whose period ends last (the records of
        # one key are one group, and relate alike to any record)
        self.scan: dict[str, dict[str | tuple[str], int]] = {}


class _Columns(NamedTuple):
    """The rows of :class:`CollectionCheck` as columns (see ``_RID``), for the rules."""

    rids: list[str]
    kinds: list[AgreementKind]
    active: list[bool]
    starts: list[int | None]
    ends: list[int | None]


def _duplicate_groups(records: _Columns, seqs: list[int], forest: _Forest) -> list[list[int]]:
    """The groups of possible duplicates among ``seqs`` (records of one set of places).

    A sweep over the records in order of their start (see "Cost" in the module doc).
    """
    n = len(seqs)
    parent = list(range(n))
    size = [1] * n

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> int:
        i, j = find(i), find(j)
        if i == j:
            return i
        if size[i] < size[j]:
            i, j = j, i
        parent[j] = i
        size[i] += size[j]
        return i

    ids = [records.rids[seq] for seq in seqs]
    trees = [forest.tree_of(rid) for rid in ids]
    keys: list[str | tuple[str]] = [forest.leaf_of.get(rid, rid) for rid in ids]
    ends = [_NEVER if end is None else end for end in map(records.ends.__getitem__, seqs)]
    kinds = [_KIND_INDEX[records.kinds[seq]] for seq in seqs]
    starts = [records.starts[seq] for seq in seqs]
    order = sorted(range(n), key=[-1 if day is None else day for day in starts].__getitem__)
    pools = [_Pool() for _ in _ALL_POOLS]
    closing: list[tuple[int, int]] = []  # (end, i) of open records with a bounded end
    for x in order:
        start = starts[x]
        if start is not None:
            while closing and closing[0][0] < start:
                _, old = heapq.heappop(closing)
                _close(pools[kinds[old]], old, ids[old], trees[old], keys[old])
        tree, rid = trees[x], ids[x]
        for p in _COMPATIBLE[kinds[x]]:
            pool = pools[p]
            if not pool.trees:
                continue
            if len(pool.trees) > 1:
                # two trees or more: the pool is one group, and x links to a record of a tree
                # that is not its own
                for other, members in pool.trees.items():
                    if other != tree:
                        union(x, next(iter(members)))
                        break
            elif tree not in pool.trees:
                # one other tree: x links to every record, so joins every group
                ((other, heads),) = pool.heads.items()
                last = max(heads, key=ends.__getitem__)
                for head in heads:
                    union(x, head)
                pool.heads[other] = {last: None}
            elif tree not in forest.branching:
                # its own tree, a chain: x links only to records with its id
                same = pool.by_id.get(rid)
                if same and rid not in forest.cycle:
                    union(x, next(iter(same)))
            else:
                # its own tree, which branches: one record per scan key
                root = find(x)
                for y in pool.scan[tree].values():
                    if find(y) != root and not forest.related(rid, ids[y]):
                        root = union(x, y)
        pool = pools[kinds[x]]
        pool.trees.setdefault(tree, {})[x] = None
        pool.heads.setdefault(tree, {})[x] = None
        pool.by_id.setdefault(rid, {})[x] = None
        if tree in forest.branching:
            scan = pool.scan.setdefault(tree, {})
            key = keys[x]
            known = scan.get(key)
            if known is None or ends[known] <= ends[x]:
                scan[key] = x
        if ends[x] != _NEVER:
            heapq.heappush(closing, (ends[x], x))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        if size[find(i)] > 1:
            groups.setdefault(find(i), []).append(seqs[i])
    return list(groups.values())


def _close(pool: _Pool, i: int, rid: str, tree: str, key: str | tuple[str]) -> None:
    scan = pool.scan.get(tree)
    if scan is not None and scan.get(key) == i:
        del scan[key]
        if not scan:
            del pool.scan[tree]
    for table, key in ((pool.trees, tree), (pool.heads, tree), (pool.by_id, rid)):
        members = table.get(key)
        if members is not None:
            members.pop(i, None)
            if not members:
                del table[key]
