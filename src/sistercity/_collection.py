"""The collection rules of SPEC §5, checked over a compact summary of each record.

:class:`CollectionCheck` takes one :class:`RecordSummary` per record (:meth:`~CollectionCheck.
add_summary`; :meth:`~CollectionCheck.add` builds it from an :class:`~sistercity.Agreement`;
:meth:`~CollectionCheck.add_read` takes the record pass's summary as it is) and keeps a small
tuple of it and nothing else, so that a command line can stream records of any length. Time,
memory and output grow no faster than n log n in the number of records n, whatever the input
(but see "Cost" below for the one shape that costs more).

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
from collections.abc import Iterable, Iterator
from typing import Any, Final, NamedTuple, TypeVar

from ._agreements import Agreement, AgreementKind, Status
from ._dates import PartialDate, as_day
from ._identity import key_text
from ._places import PlaceKey
from ._record import Summary
from ._report import Issue, RecordRef, Severity

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
#: two parties (most with Wikidata ids), year-precision dates, its ``RecordRef`` with file,
#: line and a short id, and its place ids (``benchmarks/bench_registry.py --sizes 100k``
#: measured 756, of which about 100 are the place ids, kept so that ``conflicting-city`` needs
#: no list of records per id).
SUMMARY_BYTES_ESTIMATE: Final = 780

_KINDS: Final = tuple(AgreementKind)
_KIND_INDEX: Final = {kind: n for n, kind in enumerate(_KINDS)}

#: A duplicate-agreement message names at most this many ids; ``records`` names them all.
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


def _sort_text(key: PlaceKey) -> tuple[int, str]:
    return (0, key) if isinstance(key, str) else (1, repr(key))


_K = TypeVar("_K")


def _append(table: dict[_K, int | list[int]], key: _K, seq: int) -> None:
    """Record ``seq`` under ``key``: a bare int for the first, a list once there are two.

    A record already last under ``key`` is not added again (one record may name the same
    geonames id on two parties).
    """
    found = table.get(key)
    if found is None:
        table[key] = seq
    elif type(found) is int:
        if found != seq:
            table[key] = [found, seq]
    elif found[-1] != seq:  # type: ignore[index]
        found.append(seq)  # type: ignore[union-attr]


def _seqs(found: int | list[int]) -> list[int]:
    return [found] if isinstance(found, int) else found


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


# What a CollectionCheck keeps of one record, by position in a plain tuple (no object per
# record): its id, kind, period, supersedes and "active", then where it was read: a RecordRef
# given by the caller, or the parts one is made of when an issue names the record.
_ID: Final = 0
_KIND: Final = 1
_START: Final = 2
_END: Final = 3
_SUPERSEDES: Final = 4
_ACTIVE: Final = 5
_REF: Final = 6
_FILE: Final = 7
_LINE: Final = 8
_INDEX: Final = 9
_SEQ: Final = 10
_PLACE_IDS: Final = 11
_Kept = tuple[
    str,
    int,
    "int | None",
    "int | None",
    "str | None",
    bool,
    "RecordRef | None",
    "str | None",
    "int | None",
    "int | None",
    "int | None",
    tuple[tuple[str, str], ...],
]


class CollectionCheck:
    """Check the collection rules of SPEC §5 incrementally, one record at a time.

    :meth:`add_summary` (or :meth:`add_read`) keeps a small tuple for each record and its
    entries in a few dict indexes, never the agreement; about :data:`SUMMARY_BYTES_ESTIMATE`
    bytes a record. :meth:`issues` returns every collection finding, unfiltered by any rule
    selection. ``today`` (default: the real date when the check is created) decides "active
    now".

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
        "_groups",
        "_ids",
        "_places",
        "_records",
        "_superseding",
        "_today",
    )

    def __init__(self, *, today: dt.date | str | PartialDate | None = None) -> None:
        self._today = dt.date.today() if today is None else as_day(today)
        self._records: list[_Kept] = []
        self._ids: dict[str, int | list[int]] = {}
        # the place keys of a record, sorted -> its records
        self._groups: dict[tuple[PlaceKey, ...], int | list[int]] = {}
        # place id ("Q64", "geonames:2950159") -> the first country given with it; the records
        # naming a place id are found again (from their kept place ids) only for the place ids
        # in _conflicts, those seen with a second country: one lookup a place id, no list
        self._places: dict[str, str] = {}
        self._conflicts: set[str] = set()
        # the records that name a 'supersedes'
        self._superseding: list[int] = []

    @property
    def today(self) -> dt.date:
        """The day that "active now" means."""
        return self._today

    def __len__(self) -> int:
        """The number of records added."""
        return len(self._records)

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
        start, end = summary.start, summary.end
        if start is not None and end is not None and end < start:
            raise ValueError(
                f"a period must not end before it starts (got start {start}, end {end})"
            )
        self._add(summary[1:], summary.ref, None, None, None, summary.ref.seq)

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
        it starts, so the summary is not checked again.
        """
        self._add(summary, None, file, line, index, seq)

    def _add(
        self,
        summary: Summary | tuple[Any, ...],
        ref: RecordRef | None,
        file: str | None,
        line: int | None,
        index: int | None,
        run_seq: int | None,
    ) -> None:
        rid, kind, keys, place_ids, start, end, supersedes, active = summary
        seq = len(self._records)
        # the kind as its index: a tuple of plain values only, which the garbage collector
        # stops tracking, so that a long input does not make each collection longer
        self._records.append(
            (
                rid,
                _KIND_INDEX[kind],
                start,
                end,
                supersedes,
                active,
                ref,
                file,
                line,
                index,
                run_seq,
                place_ids,
            )
        )
        if supersedes is not None:
            self._superseding.append(seq)
        # _append, inlined for the common case: a first entry
        found = self._ids.setdefault(rid, seq)
        if found != seq:
            _append(self._ids, rid, seq)
        group = _group_of(keys)
        found = self._groups.setdefault(group, seq)
        if found != seq:
            _append(self._groups, group, seq)
        places = self._places
        for token, country in place_ids:
            if places.setdefault(token, country) != country:
                self._conflicts.add(token)

    def _ref(self, seq: int) -> RecordRef:
        kept = self._records[seq]
        ref = kept[_REF]
        if ref is None:
            ref = RecordRef(kept[_ID], kept[_INDEX], kept[_FILE], kept[_LINE], seq=kept[_SEQ])
        return ref

    def issues(self) -> list[Issue]:
        """Every collection finding so far, sorted by first record and rule (see module doc)."""
        found: list[tuple[list[int], Issue]] = []
        found.extend(self._duplicate_ids())
        found.extend(self._conflicting_cities())
        found.extend(self._duplicate_agreements())
        found.extend(self._supersedes())
        found.sort(key=lambda pair: (pair[0][0], _RULE_ORDER[pair[1].rule], pair[0]))
        return [issue for _, issue in found]

    # -- the rules ------------------------------------------------------------------------------

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

    def _duplicate_ids(self) -> Iterator[tuple[list[int], Issue]]:
        for rid, found in self._ids.items():
            if type(found) is list:
                yield self._issue(
                    "duplicate-id",
                    Severity.ERROR,
                    found,
                    f"the id {rid!r} is used by {len(found)} records; each agreement needs an "
                    "id of its own",
                )

    def _conflicting_cities(self) -> Iterator[tuple[list[int], Issue]]:
        if not self._conflicts:
            return
        # the records naming each conflicting place id, by country, in input order
        found: dict[str, dict[str, int | list[int]]] = {}
        conflicts = self._conflicts
        for seq, kept in enumerate(self._records):
            for token, country in kept[_PLACE_IDS]:
                if token in conflicts:
                    _append(found.setdefault(token, {}), country, seq)
        for token, by_country in found.items():
            seqs: list[int] = []
            parts = []
            for country in sorted(by_country):
                these = _seqs(by_country[country])
                seqs.extend(these)
                parts.append(f"{country!r} in {_records(len(these))}")
            yield self._issue(
                "conflicting-city",
                Severity.ERROR,
                seqs,
                f"the place {token} is given with different countries: {', '.join(parts)}; "
                "a place has one present country",
            )

    def _duplicate_agreements(self) -> Iterator[tuple[list[int], Issue]]:
        forest: _Forest | None = None
        for group, found in self._groups.items():
            if type(found) is int:
                continue
            if forest is None:
                forest = _Forest(self._records, self._ids, self._superseding)
            for members in _duplicate_groups(self._records, found, forest):  # type: ignore[arg-type]
                yield self._duplicate_issue(group, members)

    def _duplicate_issue(
        self, group: tuple[PlaceKey, ...], seqs: list[int]
    ) -> tuple[list[int], Issue]:
        records = [self._records[seq] for seq in seqs]
        rids = sorted(r[_ID] for r in records)
        ids = ", ".join(repr(rid) for rid in rids[:_MESSAGE_IDS])
        if len(rids) > _MESSAGE_IDS:
            ids += f" and {len(rids) - _MESSAGE_IDS} more"
        kinds = sorted({_KINDS[r[_KIND]].value for r in records})
        places = ", ".join(format_place_key(key) for key in group)
        kind_text = f"kind {kinds[0]!r}" if len(kinds) == 1 else f"kinds {' / '.join(kinds)}"
        return self._issue(
            "duplicate-agreement",
            Severity.WARNING,
            seqs,
            f"{len(records)} records ({ids}) look like the same agreement: the same places "
            f"({places}), {kind_text}, periods that possibly overlap, and "
            f"{'neither supersedes the other' if len(records) == 2 else 'none supersedes another'}"
            ", even through a chain; merge them, or link them with 'supersedes'",
        )

    def _supersedes(self) -> Iterator[tuple[list[int], Issue]]:
        today = self._today.isoformat()
        records = self._records
        # superseded id -> the active records that supersede it
        superseders: dict[str, list[int]] = {}
        for seq in self._superseding:
            record = records[seq]
            target = record[_SUPERSEDES]
            assert target is not None
            found = self._ids.get(target)
            if found is None:
                yield self._issue(
                    "unknown-supersedes",
                    Severity.WARNING,
                    [seq],
                    f"'supersedes' names {target!r}, which is not the id of any agreement in "
                    "the input",
                )
            elif record[_ACTIVE]:
                superseders.setdefault(target, []).append(seq)
        for target, newer in superseders.items():
            older = [old for old in _seqs(self._ids[target]) if records[old][_ACTIVE]]
            # a record that names its own id is not superseded by itself
            if not older or (len(older) == len(newer) == 1 and older == newer):
                continue
            if len(newer) == 1 and len(older) == 1:
                new_id = records[newer[0]][_ID]
                message = (
                    f"{new_id!r} supersedes {target!r}, but both are active on {today}; "
                    f"record the end of {target!r}"
                )
            else:
                new_ids = ", ".join(repr(rid) for rid in sorted({records[s][_ID] for s in newer}))
                message = (
                    f"{_records(len(newer))} ({new_ids}) supersede {target!r}, and "
                    f"{_records(len(older))} with the id {target!r} are still active on "
                    f"{today}; record the end of {target!r}"
                )
            yield self._issue("superseded-still-active", Severity.WARNING, older + newer, message)


def _records(n: int) -> str:
    return "1 record" if n == 1 else f"{n} records"


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
        self, records: list[_Kept], ids: dict[str, int | list[int]], superseding: list[int]
    ) -> None:
        # only ids linked by 'supersedes' are nodes here; every other id is a tree of its own
        parent: dict[str, str] = {}
        for seq in superseding:
            record = records[seq]
            target = record[_SUPERSEDES]
            if target is not None and target in ids:
                known = parent.get(record[_ID])
                if known is None or target < known:
                    parent[record[_ID]] = target
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
_COMPATIBLE: Final = tuple(
    _ALL_POOLS if n == _UNSPECIFIED else (n, _UNSPECIFIED) for n in _ALL_POOLS
)
_NEVER: Final = 1 << 62  # after every day number


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


def _duplicate_groups(records: list[_Kept], seqs: list[int], forest: _Forest) -> list[list[int]]:
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

    rec = [records[seq] for seq in seqs]
    ids = [r[_ID] for r in rec]
    trees = [forest.tree_of(rid) for rid in ids]
    keys: list[str | tuple[str]] = [forest.leaf_of.get(rid, rid) for rid in ids]
    ends = [_NEVER if r[_END] is None else r[_END] for r in rec]
    kinds = [r[_KIND] for r in rec]
    starts = [-1 if r[_START] is None else r[_START] for r in rec]
    order = sorted(range(n), key=starts.__getitem__)
    pools = [_Pool() for _ in _ALL_POOLS]
    closing: list[tuple[int, int]] = []  # (end, i) of open records with a bounded end
    for x in order:
        start = rec[x][_START]
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
