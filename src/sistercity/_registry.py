"""`Registry`: many agreements at once, with questions over time and the collection rules."""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import heapq
import importlib
from collections.abc import Collection, Iterable, Iterator
from typing import Any, Final, TypeVar

from ._agreements import Agreement, AgreementKind, Event, EventType, Status
from ._dates import PartialDate, as_day
from ._identity import name_key, resolve_place
from ._places import City, PlaceKey
from ._report import Issue, RecordRef, Report
from .validation import Validation

__all__ = ["Registry"]

_E = TypeVar("_E", AgreementKind, EventType, Status)

#: A day argument: a date, or a partial date (or its text) meaning its last day.
Day = dt.date | str | PartialDate
# A partial date spans at most a year, so an event that overlaps a range starts at most this
# long before it.
_WIDEST: Final = dt.timedelta(days=366)


def _vocabulary(cls: type[_E], value: object, name: str) -> frozenset[_E]:
    """Read one vocabulary value or a collection of them, with a clear error for a bad one."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Iterable):
        raise TypeError(
            f"{name!r} takes one {cls.__name__} value or a collection of them "
            f"(got {type(value).__name__})"
        )
    out = set()
    for item in items:
        try:
            out.add(cls(item))
        except ValueError:
            choices = list(cls._value2member_map_)
            near = difflib.get_close_matches(str(item), choices, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ValueError(
                f"{name!r} must be among {', '.join(choices)} (got {item!r}{hint})"
            ) from None
    return frozenset(out)


def _date_range(value: object) -> tuple[dt.date | None, dt.date | None]:
    """Read ``(start, end)``: from ``start.earliest`` to ``end.latest``; ``None`` is open."""
    if value is None:
        return None, None
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise TypeError(
            f"'between' takes a pair (start, end) of partial dates or dates (got {value!r})"
        )
    start, end = (None if v is None else _interval(v) for v in value)
    low = None if start is None else start[0]
    high = None if end is None else end[1]
    if low is not None and high is not None and high < low:
        raise ValueError(f"'between' ends before it starts (got {value[0]!s} to {value[1]!s})")
    return low, high


def _interval(value: object) -> tuple[dt.date, dt.date]:
    if isinstance(value, dt.datetime):
        return value.date(), value.date()
    if isinstance(value, dt.date):
        return value, value
    if isinstance(value, str):
        value = PartialDate(value)
    if isinstance(value, PartialDate):
        return value.earliest, value.latest
    raise TypeError(f"expected a partial date or a datetime.date (got {type(value).__name__})")


class Registry:
    """A read-only collection of agreements, with look-up, questions over time and validation.

    Build it from any iterable of :class:`Agreement` objects; it keeps them in input order.
    Iterating yields the agreements; ``len`` counts them; look-up is by id (``registry[id]``,
    :meth:`get`, ``id in registry``). A place argument is a place reference as everywhere in
    sistercity: a :class:`City`, a Wikidata id such as ``"Q18125"``, ``"geonames:2643123"``, a
    place key, a name (``"Manchester"``) or ``"name (CC)"``; places are compared by their
    identity key, so a City given with another name still finds its agreements. A name that
    fits several places raises ``AmbiguousPlace`` (a ``LookupError``); one that fits none
    finds nothing.
    ``kinds`` and ``status`` take one value or a collection. A day is a ``datetime.date`` or a
    partial date, meaning its last day; a day left out means today, and "now" is
    ``status_on(today)``. ``today`` may be given to the registry or to each question
    (default: the real date when asked).

    A registry may hold several agreements with the same id (``validate`` reports them as
    ``duplicate-id``): look-up by id then gives the first in input order, and
    :meth:`with_id` gives them all.

    >>> from sistercity import City, Event
    >>> manchester = City("Manchester", "GB", wikidata="Q18125")
    >>> spb = City("Saint Petersburg", "RU", wikidata="Q656")
    >>> chemnitz = City("Chemnitz", "DE", wikidata="Q2795")
    >>> registry = Registry([
    ...     Agreement("manchester-spb", "friendship", [manchester, spb],
    ...               [Event("signed", "1962"),
    ...                Event("suspended", "2022-02-26", by="Manchester", reason="invasion")],
    ...               sources=["https://www.manchester.gov.uk/"]),
    ...     Agreement("manchester-chemnitz", "twinning", [manchester, chemnitz],
    ...               [Event("signed", "1983")], sources=["https://www.manchester.gov.uk/"]),
    ... ])
    >>> [c.name for c in registry.partners_of("Q18125", on="2021-01-01")]
    ['Saint Petersburg', 'Chemnitz']
    >>> [c.name for c in registry.partners_of(manchester, on="2022-03")]
    ['Chemnitz']
    """

    __slots__ = ("_agreements", "_by_id", "_by_place", "_events", "_places", "_today")

    def __init__(self, agreements: Iterable[Agreement] = (), *, today: Day | None = None) -> None:
        items = tuple(agreements)
        for index, item in enumerate(items):
            if not isinstance(item, Agreement):
                raise TypeError(
                    f"a Registry holds Agreement objects (got {type(item).__name__} at "
                    f"index {index})"
                )
        self._agreements: tuple[Agreement, ...] = items
        self._today: dt.date | None = None if today is None else as_day(today)
        self._by_id: dict[str, list[int]] = {}
        self._by_place: dict[PlaceKey, list[int]] = {}
        self._places: dict[PlaceKey, City] = {}
        self._events: list[tuple[tuple[int, int, int], int, int]] | None = None
        for position, agreement in enumerate(items):
            self._by_id.setdefault(agreement.id, []).append(position)
            for party in agreement.parties:
                key = party.key
                self._places.setdefault(key, party)
                positions = self._by_place.setdefault(key, [])
                if not positions or positions[-1] != position:
                    positions.append(position)

    # -- a collection of agreements, looked up by id ----------------------------------------

    def __len__(self) -> int:
        """The number of agreements (duplicates by id included)."""
        return len(self._agreements)

    def __iter__(self) -> Iterator[Agreement]:
        """The agreements, in input order."""
        return iter(self._agreements)

    def __contains__(self, item: object) -> bool:
        """Whether an id (a string) or an :class:`Agreement` is in the registry."""
        if isinstance(item, str):
            return item in self._by_id
        if isinstance(item, Agreement):
            return any(self._agreements[p] == item for p in self._by_id.get(item.id, ()))
        return False

    def __getitem__(self, id: str) -> Agreement:
        """The agreement with this id (the first in input order if several share it)."""
        positions = self._by_id.get(id)
        if positions is None:
            raise KeyError(id)
        return self._agreements[positions[0]]

    def __repr__(self) -> str:
        """``<Registry of 2 agreements>``."""
        return f"<Registry of {len(self)} agreement{'s' if len(self) != 1 else ''}>"

    def _key(self, place: City | PlaceKey | str | str) -> PlaceKey | None:
        """The identity key of a place reference (see the class docstring)."""
        return resolve_place(place, list(self._places.values()))

    def get(self, id: str, default: Agreement | None = None) -> Agreement | None:
        """The agreement with this id (the first in input order if several share it)."""
        positions = self._by_id.get(id)
        return default if positions is None else self._agreements[positions[0]]

    def with_id(self, id: str) -> tuple[Agreement, ...]:
        """Every agreement with this id, in input order (more than one is ``duplicate-id``)."""
        return tuple(self._agreements[p] for p in self._by_id.get(id, ()))

    def ids(self) -> list[str]:
        """Every distinct id, in order of first appearance."""
        return list(self._by_id)

    # -- places --------------------------------------------------------------------------------

    def places(self) -> list[City]:
        """Every place that is a party, once per identity key.

        In order of first appearance; where a place appears in several agreements, its first
        ``City`` is given.
        """
        return list(self._places.values())

    def agreements_of(self, place: City | PlaceKey | str) -> list[Agreement]:
        """Every agreement that ``place`` is a party to (by identity key), in input order."""
        key = self._key(place)
        if key is None:
            return []
        return [self._agreements[p] for p in self._by_place.get(key, ())]

    def partners_of(
        self,
        place: City | PlaceKey | str,
        on: Day | None = None,
        kinds: AgreementKind | str | Collection[AgreementKind | str] | None = None,
        status: Status | str | Collection[Status | str] | None = None,
        *,
        today: Day | None = None,
    ) -> list[City]:
        """The partners of ``place``: the other parties of its agreements, each place once.

        An agreement counts when its kind is among ``kinds`` (default: any) and its
        ``status_on(on, today)`` is among ``status`` (default: ``active``). ``on`` is a day, a
        partial date meaning its last day (``"2022"`` is 31 December 2022); left out
        it means today. An event is known by that day only when its whole date interval is
        (``date.latest <= day``), so a suspension dated ``2022-02`` counts from 28
        February. Partners are given in input order of their first counting agreement, as
        the ``City`` of that agreement.
        """
        key = self._key(place)
        if key is None:
            return []
        wanted_kinds = None if kinds is None else _vocabulary(AgreementKind, kinds, "kinds")
        wanted_status = (
            frozenset({Status.ACTIVE}) if status is None else _vocabulary(Status, status, "status")
        )
        now = self._now(today)
        day = now if on is None else as_day(on)
        partners: dict[PlaceKey, City] = {}
        for position in self._by_place.get(key, ()):
            agreement = self._agreements[position]
            if wanted_kinds is not None and agreement.kind not in wanted_kinds:
                continue
            if agreement.status_on(day, today=now) not in wanted_status:
                continue
            for party in agreement.parties:
                if party.key != key:
                    partners.setdefault(party.key, party)
        return list(partners.values())

    def between(self, a: City | PlaceKey | str, b: City | PlaceKey | str) -> list[Agreement]:
        """Every agreement between ``a`` and ``b``, oldest first, following ``supersedes``.

        An agreement comes after the one it supersedes (friendship, then the twinning that
        replaced it). Otherwise the order is by the earliest day of each agreement's first
        dated event (partial-date sort order: earliest day first, the wider
        interval first), then input order; an agreement with no dated event comes after the
        dated ones that do not depend on it. A ``supersedes`` cycle (an error in the data) is
        broken by leaving out a link that contradicts the dates.
        """
        key_a, key_b = self._key(a), self._key(b)
        if key_a is None or key_b is None:
            return []
        with_b = set(self._by_place.get(key_b, ()))
        positions = [p for p in self._by_place.get(key_a, ()) if p in with_b]
        if key_a == key_b:
            positions = []
        return [self._agreements[p] for p in self._chain_order(positions)]

    def _chain_order(self, positions: list[int]) -> list[int]:
        """Order positions by age, putting each after the one it supersedes (Kahn's order)."""
        ages = {p: self._age(p) for p in positions}
        ids: dict[str, list[int]] = {}
        for position in positions:
            ids.setdefault(self._agreements[position].id, []).append(position)
        links = [
            (old, position)
            for position in positions
            for old in ids.get(self._agreements[position].supersedes or "", ())
            if old != position
        ]
        # links that agree with the dates first, so that a cycle loses one that contradicts them
        links.sort(key=lambda link: (ages[link[0]] > ages[link[1]], ages[link[1]], ages[link[0]]))
        after: dict[int, list[int]] = {p: [] for p in positions}
        waiting = dict.fromkeys(positions, 0)
        for old, new in links:
            if not _reaches(after, new, old):
                after[old].append(new)
                waiting[new] += 1
        ready = [ages[p] for p in positions if waiting[p] == 0]
        heapq.heapify(ready)
        out: list[int] = []
        while ready:
            *_, position = heapq.heappop(ready)
            out.append(position)
            for later in after[position]:
                waiting[later] -= 1
                if waiting[later] == 0:
                    heapq.heappush(ready, ages[later])
        return out

    def _age(self, position: int) -> tuple[int, tuple[int, int, int], int]:
        """The sort key of "oldest": the first dated event, undated last, then input order."""
        for event in self._agreements[position].events:
            if event.date is not None:
                return (0, _sort_key(event.date), position)
        return (1, (0, 0, 0), position)

    # -- questions over time -------------------------------------------------------------------

    def events(
        self,
        between: tuple[Day | None, Day | None] | None = None,
        types: EventType | str | Collection[EventType | str] | None = None,
        possibly: bool = False,
        *,
        body: str | None = None,
        conditional: bool | None = None,
    ) -> Iterator[tuple[Agreement, Event]]:
        """``(Agreement, Event)`` pairs in date order, such as every suspension in 2022.

        ``between=(start, end)`` runs from ``start``'s earliest day to ``end``'s latest,
        inclusive (``("2022", "2022")`` is the whole year; either end may be ``None`` for
        open). An event counts when its whole date interval lies inside the range, or, with
        ``possibly=True``, when its interval overlaps it (an event dated ``2021`` possibly
        falls in ``2021-12``). Undated events are left out. ``types`` takes one event type or
        a collection (default: all). Date order is the partial-date sort order,
        then input order of the agreements, then the order of their events.

        ``body`` keeps the events whose ``body`` is that text, compared as place names are
        (NFC, case-folded, white space collapsed: ``"Full  Council"`` is ``"full council"``).
        ``conditional=True`` keeps the events that carry a ``condition`` ("until further
        notice"), ``False`` those that do not; ``None`` (the default) keeps both. So "which
        suspensions of 2022 were conditional?" is
        ``registry.events(("2022", "2022"), "suspended", conditional=True)``.
        """
        low, high = _date_range(between)
        wanted = None if types is None else _vocabulary(EventType, types, "types")
        if not isinstance(possibly, bool):
            raise TypeError(f"'possibly' is True or False (got {possibly!r})")
        if body is not None and not isinstance(body, str):
            raise TypeError(f"'body' is a text such as 'full council' (got {body!r})")
        if conditional is not None and not isinstance(conditional, bool):
            raise TypeError(f"'conditional' is True, False or None (got {conditional!r})")
        found = self._events_in(low, high, wanted, possibly)
        if body is None and conditional is None:
            return found
        organ = None if body is None else name_key(body)
        return (
            (agreement, event)
            for agreement, event in found
            if (organ is None or (event.body is not None and name_key(event.body) == organ))
            and (conditional is None or (event.condition is not None) is conditional)
        )

    def _events_in(
        self,
        low: dt.date | None,
        high: dt.date | None,
        wanted: frozenset[EventType] | None,
        possibly: bool,
    ) -> Iterator[tuple[Agreement, Event]]:
        table = self._event_table()
        low_n = None if low is None else low.toordinal()
        high_n = None if high is None else high.toordinal()
        begin = 0
        if low_n is not None:
            floor = low_n - _WIDEST.days if possibly else low_n
            begin = bisect.bisect_left(table, ((floor,),))
        for index in range(begin, len(table)):
            (earliest, negative_latest, _), position, n = table[index]
            latest = -negative_latest
            if high_n is not None and earliest > high_n:
                break
            if possibly:
                if low_n is not None and latest < low_n:
                    continue
            elif (low_n is not None and earliest < low_n) or (
                high_n is not None and latest > high_n
            ):
                continue
            agreement = self._agreements[position]
            event = agreement.events[n]
            if wanted is None or event.type in wanted:
                yield agreement, event

    def _event_table(self) -> list[tuple[tuple[int, int, int], int, int]]:
        """Every dated event as (date sort key, position, index), in date order; built once."""
        if self._events is None:
            rows = []
            for position, agreement in enumerate(self._agreements):
                for n, event in enumerate(agreement.events):
                    if event.date is not None:
                        rows.append((_sort_key(event.date), position, n))
            rows.sort()
            self._events = rows
        return self._events

    def status_counts(
        self, on: Day | None = None, *, today: Day | None = None
    ) -> dict[Status, int]:
        """How many agreements have each status on ``on``, every status listed.

        ``on`` is a day or a partial date meaning its last day; left out, it means today.
        """
        now = self._now(today)
        day = now if on is None else as_day(on)
        counts = dict.fromkeys(Status, 0)
        for agreement in self._agreements:
            counts[agreement.status_on(day, today=now)] += 1
        return counts

    # -- validation ----------------------------------------------------------------------------

    def validate(
        self,
        *,
        select: Iterable[str] | str | None = None,
        ignore: Iterable[str] | str | None = None,
        today: Day | None = None,
    ) -> Report:
        """Check every member's record rules and the collection rules together.

        Registered custom rules of both scopes run too.

        ``select`` and ``ignore`` take rule ids as :func:`sistercity.validate` does (an
        unknown id raises :class:`UnknownRuleError`). ``today`` (default: the real date)
        decides ``future-date`` and what is active now. Each issue's ``index`` is the
        agreement's position in the registry; collection issues name every record involved
        in ``records`` and are sorted after the record issues. The report's ``summary``
        counts as ``sistercity validate`` does. It runs the one validation loop
        (:class:`sistercity.validation.Validation`), one record pass per member.
        """
        run = Validation(select=select, ignore=ignore, today=self._now(today))
        issues: list[Issue] = []
        for index, agreement in enumerate(self._agreements):
            issues.extend(run.check_agreement(agreement, RecordRef(agreement.id, index)))
        issues.extend(run.finish())
        return Report(issues, summary=run.summary)

    # -- graph ---------------------------------------------------------------------------------

    def to_networkx(self, *, today: Day | None = None) -> Any:
        """A ``networkx.MultiGraph``: places as nodes, agreements as edges.

        Nodes are keyed by place identity (:attr:`City.key`) and carry ``city`` (the first
        ``City`` seen), ``name`` and ``country``. Each agreement is an edge between each two of
        its parties, keyed by its id (a repeated id between the same places gets the next free
        integer key instead), carrying ``agreement``, ``id``, ``kind``, ``term``,
        ``status`` (now: ``status_on(today)``), ``start`` and ``end`` (its period;
        ``None`` when unbounded) and ``supersedes``. Needs the optional extra
        ``sistercity[graph]``.
        """
        try:
            nx = importlib.import_module("networkx")
        except ImportError:
            raise ImportError(
                "Registry.to_networkx() needs networkx: pip install 'sistercity[graph]'"
            ) from None
        now = self._now(today)
        graph = nx.MultiGraph()
        for key, city in self._places.items():
            graph.add_node(key, city=city, name=city.name, country=city.country)
        for agreement in self._agreements:
            start, end = agreement.period()
            attributes = {
                "agreement": agreement,
                "id": agreement.id,
                "kind": agreement.kind,
                "term": agreement.term,
                "status": agreement.status_on(now, today=now),
                "start": start,
                "end": end,
                "supersedes": agreement.supersedes,
            }
            parties = agreement.parties
            for i, first in enumerate(parties):
                for second in parties[i + 1 :]:
                    edge_key: str | None = agreement.id
                    if graph.has_edge(first.key, second.key, edge_key):
                        edge_key = None  # a repeated id (duplicate-id): networkx picks a free key
                    graph.add_edge(first.key, second.key, key=edge_key, **attributes)
        return graph

    def _now(self, today: Day | None) -> dt.date:
        if today is not None:
            return as_day(today)
        return self._today if self._today is not None else dt.date.today()


def _reaches(after: dict[int, list[int]], start: int, goal: int) -> bool:
    """Whether ``goal`` can be reached from ``start`` along ``after`` links."""
    stack, seen = [start], {start}
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for later in after[node]:
            if later not in seen:
                seen.add(later)
                stack.append(later)
    return False


def _sort_key(date: PartialDate) -> tuple[int, int, int]:
    """The partial-date sort order as a tuple."""
    rank = {None: 0, "?": 1, "~": 2, "%": 3}[date.qualifier]
    return (date.earliest.toordinal(), -date.latest.toordinal(), rank)
