"""The collection rules of SPEC §5, checked over a compact summary of each record.

:class:`CollectionCheck` takes agreements one at a time and keeps only what the collection rules
need, never the :class:`~sistercity.Agreement` itself, so that a command line can stream records
of any length. Every rule groups records by a key in a dict (id, place id, set of place keys),
so the cost is linear in the number of records; pairs are compared only inside a group of
agreements between the same places (quadratic only in the size of such a group).

The rules:

- ``duplicate-id`` (error): two agreements share an ``id``. One issue per id, naming every
  record that carries it.
- ``conflicting-city`` (error): the same ``wikidata`` or ``geonames`` id with different
  countries. One issue per id, naming every record whose parties carry it.
- ``duplicate-agreement`` (warning): the same set of place keys (SPEC §4), the same kind
  (``unspecified`` matches any kind), periods that possibly overlap, and neither ``supersedes``
  the other. Duplication is a relation between two records and it is not transitive (a
  ``twinning`` and a ``friendship`` both duplicate an ``unspecified`` record, but not each
  other). So records are joined into clusters of records that duplicate one another: a cluster
  in which every two records are duplicates is one issue naming them all; a cluster where some
  pairs are not gives one issue per duplicate pair.
- ``unknown-supersedes`` (warning): ``supersedes`` names an id that no record has. One issue
  per record.
- ``superseded-still-active`` (warning): an agreement and one that supersedes it are both
  active now (``status_on(today)``). One issue per such pair.

A period (SPEC §5) runs from the earliest day of the first signing (unbounded when there is no
signing or it is undated) to the latest day of the ``terminated`` or ``expired`` event
(unbounded when there is none); two periods possibly overlap when they share at least one day
that each could include.

Order. The records of an issue are listed in input order (the order of :meth:`CollectionCheck.add`)
and the issue takes its ``id``, ``file``, ``line`` and ``index`` from the first of them. Which
issues are found, which records each names and every message do not depend on the input
order: shuffling the input changes only which record comes first. Issues are sorted by their
first record, then by rule.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from typing import Any, Final, TypeVar

from ._agreements import Agreement, AgreementKind, Status
from ._dates import PartialDate, as_day
from ._places import PlaceKey
from ._report import Issue, RecordRef, Severity

__all__ = ["COLLECTION_RULES", "CollectionCheck", "format_place_key"]

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
#: line and a short id (``benchmarks/bench_registry.py`` measured 494-538).
SUMMARY_BYTES_ESTIMATE: Final = 550


def format_place_key(key: PlaceKey) -> str:
    """A place key as text for messages: the id itself, or ``name (CC, subdivision, level)``.

    >>> format_place_key("Q64")
    'Q64'
    >>> format_place_key(("US", "US-IL", "municipality", "springfield"))
    "'springfield' (US, US-IL, municipality)"
    """
    if isinstance(key, str):
        return key
    country, subdivision, level, name = key
    where = ", ".join(part for part in (country, subdivision, level) if part)
    return f"{name!r} ({where})"


def _sort_text(key: PlaceKey) -> tuple[int, str]:
    return (0, key) if isinstance(key, str) else (1, repr(key))


class _Summary:
    """What the collection rules need of one record; ``seq`` is its place in input order."""

    __slots__ = ("active", "end", "id", "kind", "ref", "start", "supersedes")

    def __init__(
        self,
        ref: RecordRef,
        id: str,
        kind: AgreementKind,
        start: dt.date | None,
        end: dt.date | None,
        supersedes: str | None,
        active: bool,
    ) -> None:
        self.ref = ref
        self.id = id
        self.kind = kind
        self.start = start
        self.end = end
        self.supersedes = supersedes
        self.active = active


_K = TypeVar("_K")


def _append(table: dict[_K, int | list[int]], key: _K, seq: int) -> None:
    """Record ``seq`` under ``key``: a bare int for the first, a list once there are two.

    A record already last under ``key`` is not added again (one record may name the same
    geonames id on two parties).
    """
    found = table.get(key)
    if found is None:
        table[key] = seq
    elif isinstance(found, int):
        if found != seq:
            table[key] = [found, seq]
    elif found[-1] != seq:
        found.append(seq)


def _seqs(found: int | list[int]) -> list[int]:
    return [found] if isinstance(found, int) else found


class CollectionCheck:
    """Check the collection rules of SPEC §5 incrementally, one record at a time.

    :meth:`add` keeps a compact summary of each record (its reference, id, kind, period,
    ``supersedes``, whether it is active on ``today``, and its entries in a few dict indexes),
    never the agreement; about :data:`SUMMARY_BYTES_ESTIMATE` bytes a record.
    :meth:`issues` returns every collection finding, unfiltered by any rule selection.
    ``today`` (default: the real date when the check is created) decides "active now".

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
        "_carriers",
        "_conflicts",
        "_countries",
        "_dates",
        "_groups",
        "_ids",
        "_keys",
        "_records",
        "_today",
    )

    def __init__(self, *, today: dt.date | str | PartialDate | None = None) -> None:
        self._today = dt.date.today() if today is None else as_day(today)
        self._records: list[_Summary] = []
        self._ids: dict[str, int | list[int]] = {}
        # the place keys of a record, sorted -> its records
        self._groups: dict[tuple[PlaceKey, ...], int | list[int]] = {}
        # place id ("Q64", "geonames:2950159") -> its first country, and the records naming it
        self._countries: dict[str, str] = {}
        self._carriers: dict[str, int | list[int]] = {}
        # place ids seen with more than one country -> {country: records}
        self._conflicts: dict[str, dict[str, int | list[int]]] = {}
        # interning tables, so that records share equal keys, key sets and dates
        self._keys: dict[PlaceKey, PlaceKey] = {}
        self._dates: dict[dt.date, dt.date] = {}

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
        seq = len(self._records)
        keys = []
        for party in agreement.parties:
            key = party.key
            keys.append(
                sys.intern(key) if isinstance(key, str) else self._keys.setdefault(key, key)
            )
            tokens = []
            if party.wikidata is not None:
                tokens.append(party.wikidata)
            if party.geonames is not None:
                tokens.append(f"geonames:{party.geonames}")
            for token in tokens:
                self._place_id(sys.intern(token), sys.intern(party.country), seq)
        group = tuple(sorted(keys, key=_sort_text))
        start, end = agreement.period()
        if start is not None:
            start = self._dates.setdefault(start, start)
        if end is not None:
            end = self._dates.setdefault(end, end)
        rid = ref.id if ref.id == agreement.id else agreement.id
        active = agreement.status_on(self._today, today=self._today) is Status.ACTIVE
        self._records.append(
            _Summary(ref, rid, agreement.kind, start, end, agreement.supersedes, active)
        )
        _append(self._ids, rid, seq)
        _append(self._groups, group, seq)

    def _place_id(self, token: str, country: str, seq: int) -> None:
        first = self._countries.setdefault(token, country)
        conflict = self._conflicts.get(token)
        if conflict is not None:
            _append(conflict, country, seq)
        elif first != country:
            self._conflicts[token] = {first: _seqs(self._carriers.pop(token)), country: seq}
        else:
            _append(self._carriers, token, seq)

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
        refs = tuple(self._records[seq].ref for seq in ordered)
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
            if isinstance(found, list):
                yield self._issue(
                    "duplicate-id",
                    Severity.ERROR,
                    found,
                    f"the id {rid!r} is used by {len(found)} records; each agreement needs an "
                    "id of its own",
                )

    def _conflicting_cities(self) -> Iterator[tuple[list[int], Issue]]:
        for token, by_country in self._conflicts.items():
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
        for group, found in self._groups.items():
            if isinstance(found, int):
                continue
            yield from self._duplicates_in(group, found)

    def _duplicates_in(
        self, group: tuple[PlaceKey, ...], seqs: list[int]
    ) -> Iterator[tuple[list[int], Issue]]:
        records = self._records
        pairs: list[tuple[int, int]] = []
        for i, a in enumerate(seqs):
            ra = records[a]
            for b in seqs[i + 1 :]:
                if _duplicates(ra, records[b]):
                    pairs.append((a, b))
        if not pairs:
            return
        # clusters of records joined by duplicate pairs (union-find)
        parent = {seq: seq for pair in pairs for seq in pair}

        def root(seq: int) -> int:
            while parent[seq] != seq:
                parent[seq] = parent[parent[seq]]
                seq = parent[seq]
            return seq

        for a, b in pairs:
            parent[root(a)] = root(b)
        clusters: dict[int, list[tuple[int, int]]] = {}
        for pair in pairs:
            clusters.setdefault(root(pair[0]), []).append(pair)
        for cluster_pairs in clusters.values():
            members = sorted({seq for pair in cluster_pairs for seq in pair})
            n = len(members)
            if len(cluster_pairs) == n * (n - 1) // 2:
                yield self._duplicate_issue(group, members)
            else:
                for pair in cluster_pairs:
                    yield self._duplicate_issue(group, list(pair))

    def _duplicate_issue(
        self, group: tuple[PlaceKey, ...], seqs: list[int]
    ) -> tuple[list[int], Issue]:
        records = [self._records[seq] for seq in seqs]
        ids = ", ".join(repr(rid) for rid in sorted(r.id for r in records))
        kinds = sorted({r.kind.value for r in records})
        places = ", ".join(format_place_key(key) for key in group)
        kind_text = f"kind {kinds[0]!r}" if len(kinds) == 1 else f"kinds {' / '.join(kinds)}"
        return self._issue(
            "duplicate-agreement",
            Severity.WARNING,
            seqs,
            f"{len(records)} records ({ids}) look like the same agreement: the same places "
            f"({places}), {kind_text}, periods that possibly overlap, and neither supersedes "
            "the other; merge them, or link them with 'supersedes'",
        )

    def _supersedes(self) -> Iterator[tuple[list[int], Issue]]:
        today = self._today.isoformat()
        for seq, record in enumerate(self._records):
            target = record.supersedes
            if target is None:
                continue
            found = self._ids.get(target)
            if found is None:
                yield self._issue(
                    "unknown-supersedes",
                    Severity.WARNING,
                    [seq],
                    f"'supersedes' names {target!r}, which is not the id of any agreement in "
                    "the input",
                )
                continue
            if not record.active:
                continue
            for old in _seqs(found):
                if old != seq and self._records[old].active:
                    yield self._issue(
                        "superseded-still-active",
                        Severity.WARNING,
                        [old, seq],
                        f"{record.id!r} supersedes {target!r}, but both are active on {today}; "
                        f"record the end of {target!r}",
                    )


def _records(n: int) -> str:
    return "1 record" if n == 1 else f"{n} records"


def _duplicates(a: _Summary, b: _Summary) -> bool:
    """Whether two records of the same place-key set are a ``duplicate-agreement``."""
    if a.kind is not b.kind and AgreementKind.UNSPECIFIED not in (a.kind, b.kind):
        return False
    if a.supersedes == b.id or b.supersedes == a.id:
        return False
    if a.start is not None and b.end is not None and a.start > b.end:
        return False
    return not (b.start is not None and a.end is not None and b.start > a.end)
