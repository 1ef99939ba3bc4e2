"""Compare two versions of a list of agreements (``sistercity diff``).

:func:`diff` pairs the agreements of an old and a new list, by ``id`` or by their places, and
returns what was added, removed and changed, with every difference between the canonical
forms of a pair as a JSON path and the two values.

Pairing is one to one, in file order. By ``id``: the *n*-th agreement with an id in the old
list pairs with the *n*-th with that id in the new list (a valid file has each id once). By
places: agreements pair when they have the same set of place keys and compatible
kinds. Agreements of the same kind pair first, in file order; then an ``unspecified``
agreement left over pairs with one of any kind left over, in file order, so a Wikidata import
(every kind ``unspecified``) pairs with a curated list. Both steps are symmetric: swapping the
lists swaps ``added`` and ``removed`` and nothing else.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal

import attrs

from ._agreements import Agreement, Status
from ._dates import PartialDate, as_day
from ._fields import key_path
from ._identity import place_key
from ._raw import agreement_to_raw
from ._vocab import AgreementKind
from .serialization import from_dict

__all__ = ["MATCHES", "Change", "Changed", "Diff", "diff", "diff_records"]

#: How :func:`diff` may pair agreements.
MATCHES: Final = ("id", "places")

Match = Literal["id", "places"]
Day = dt.date | str | PartialDate


@attrs.frozen
class Change:
    """One difference between the canonical forms of a pair: a JSON path and two values.

    ``old`` or ``new`` is ``None`` where the value is absent on that side (a field left out,
    or a list element added or removed).
    """

    path: str
    old: Any
    new: Any


@attrs.frozen
class Changed:
    """A pair of agreements whose canonical forms differ, with the status now on each side."""

    old: Agreement
    new: Agreement
    changes: tuple[Change, ...]
    old_status: Status
    new_status: Status

    @property
    def old_id(self) -> str:
        """The id in the old list."""
        return self.old.id

    @property
    def new_id(self) -> str:
        """The id in the new list (differs from :attr:`old_id` when paired by places)."""
        return self.new.id


class _Later:
    """Agreements built when first asked for: the added or removed of :func:`diff_records`.

    Holds the agreements, or the record dicts (which validate) they are built from, and their
    ids, so that the ids and the count cost nothing. Compares, hashes and shows as the tuple
    of agreements.
    """

    __slots__ = ("_built", "_items", "ids")

    def __init__(self, items: Iterable[Agreement | Mapping[str, Any]], ids: Iterable[str]) -> None:
        self._items = tuple(items)
        self.ids = tuple(ids)
        self._built: tuple[Agreement, ...] | None = None
        if all(isinstance(item, Agreement) for item in self._items):
            self._built = self._items  # type: ignore[assignment]

    @property
    def agreements(self) -> tuple[Agreement, ...]:
        if self._built is None:
            self._built = tuple(_build(item) for item in self._items)
        return self._built

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Agreement]:
        return iter(self.agreements)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Later):
            return NotImplemented
        return self.agreements == other.agreements

    def __hash__(self) -> int:
        return hash(self.agreements)

    def __repr__(self) -> str:
        return repr(self.agreements)


def _later(value: Iterable[Agreement]) -> _Later:
    """``value`` when it is a :class:`_Later`, else its agreements (``Diff``'s constructor)."""
    if isinstance(value, _Later):
        return value
    agreements = tuple(value)
    return _Later(agreements, (a.id for a in agreements))


def _build(item: Agreement | Mapping[str, Any]) -> Agreement:
    """The agreement of an item to compare: itself, or built from its record dict."""
    if isinstance(item, Agreement):
        return item
    return from_dict(item if type(item) is dict else dict(item))


@attrs.frozen(repr=False)
class Diff:
    """What :func:`diff` found: agreements only in the new list, only in the old, changed.

    ``added`` and ``removed`` keep file order; ``changed`` follows the old list's order;
    ``unchanged`` counts the pairs whose canonical forms are equal. From :func:`diff_records`,
    ``added`` and ``removed`` are built from their record dicts when first read: their ids
    (:attr:`added_ids`, :attr:`removed_ids`) and counts need no agreement built.
    """

    _added: _Later = attrs.field(converter=_later)
    _removed: _Later = attrs.field(converter=_later)
    changed: tuple[Changed, ...]
    unchanged: int

    @property
    def added(self) -> tuple[Agreement, ...]:
        """The agreements only in the new list, in its order."""
        return self._added.agreements

    @property
    def removed(self) -> tuple[Agreement, ...]:
        """The agreements only in the old list, in its order."""
        return self._removed.agreements

    @property
    def added_ids(self) -> tuple[str, ...]:
        """The ids of :attr:`added`."""
        return self._added.ids

    @property
    def removed_ids(self) -> tuple[str, ...]:
        """The ids of :attr:`removed`."""
        return self._removed.ids

    @property
    def empty(self) -> bool:
        """Whether the two lists hold the same agreements (nothing added, removed or changed)."""
        return not (len(self._added) or len(self._removed) or self.changed)

    @property
    def summary(self) -> dict[str, int]:
        """``added``, ``removed``, ``changed`` and ``unchanged`` as counts."""
        return {
            "added": len(self._added),
            "removed": len(self._removed),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON document of ``sistercity diff --format json``."""
        return {
            "summary": self.summary,
            "added": list(self.added_ids),
            "removed": list(self.removed_ids),
            "changed": [
                {
                    "old_id": c.old_id,
                    "new_id": c.new_id,
                    "status": {"old": c.old_status.value, "new": c.new_status.value},
                    "changes": [{"path": d.path, "old": d.old, "new": d.new} for d in c.changes],
                }
                for c in self.changed
            ],
        }

    def __repr__(self) -> str:
        return (
            f"Diff(added={self.added!r}, removed={self.removed!r}, changed={self.changed!r}, "
            f"unchanged={self.unchanged!r})"
        )


def changes(old: Any, new: Any, path: str = "$") -> list[Change]:
    """Every difference between two JSON values, as :class:`Change` objects.

    Objects are compared key by key (the old value's keys first, then keys only in the new);
    lists element by element, an element present on one side only being one change at its
    index; anything else as a whole.

    >>> changes({"a": [1, 2], "x-y": 1}, {"a": [1, 3, 4]})
    [Change(path='$.a[1]', old=2, new=3), Change(path='$.a[2]', old=None, new=4), \
Change(path="$['x-y']", old=1, new=None)]
    """
    out: list[Change] = []
    _changes(old, new, path, out)
    return out


def _changes(old: Any, new: Any, path: str, out: list[Change]) -> None:
    if type(old) is not type(new):
        out.append(Change(path, old, new))
    elif isinstance(old, dict):
        for key, value in old.items():
            if key in new:
                _changes(value, new[key], key_path(path, key), out)
            else:
                out.append(Change(key_path(path, key), value, None))
        for key, value in new.items():
            if key not in old:
                out.append(Change(key_path(path, key), None, value))
    elif isinstance(old, list):
        for index in range(max(len(old), len(new))):
            where = f"{path}[{index}]"
            if index >= len(old):
                out.append(Change(where, None, new[index]))
            elif index >= len(new):
                out.append(Change(where, old[index], None))
            else:
                _changes(old[index], new[index], where, out)
    elif old != new:
        out.append(Change(path, old, new))


_ID: Final[Callable[[Any], Any]] = operator.itemgetter("id")
_FIRST: Final = operator.itemgetter(0)
_SECOND: Final = operator.itemgetter(1)


class _Side:
    """One list to compare: what pairing needs of each record, and the record when asked.

    Built from :class:`Agreement` objects, or from record dicts that validate (the command
    line keeps only those, and builds an agreement only for a pair of records that differ).
    """

    def __init__(self, items: Iterable[Agreement | Mapping[str, Any]]) -> None:
        self.items = list(items)
        try:  # record dicts (the command line), quickly
            ids = list(map(_ID, self.items))
        except (TypeError, KeyError):  # Agreement objects, or a record with no id
            ids = [item.id if isinstance(item, Agreement) else item["id"] for item in self.items]
        if not set(map(type, ids)) <= {str}:
            ids = [str(rid) for rid in ids]
        self.ids: list[str] = ids

    def kinds(self) -> list[str]:
        return [
            item.kind.value if isinstance(item, Agreement) else str(item["kind"])
            for item in self.items
        ]

    def places(self) -> list[frozenset[Hashable]]:
        return [self._places(item) for item in self.items]

    @staticmethod
    def _places(item: Agreement | Mapping[str, Any]) -> frozenset[Hashable]:
        if isinstance(item, Agreement):
            return frozenset(party.key for party in item.parties)
        return frozenset(
            place_key(
                p["name"],
                p["country"],
                p.get("subdivision"),
                p.get("level") or "municipality",
                p.get("wikidata"),
                p.get("geonames"),
            )
            for p in item["parties"]
        )

    def unpaired(self, paired: Iterable[int]) -> _Later:
        """The items no pair takes, in order."""
        left = set(range(len(self.items)))
        left.difference_update(paired)
        positions = sorted(left)
        return _Later(map(self.items.__getitem__, positions), map(self.ids.__getitem__, positions))


def _zip_groups(
    old: Sequence[int], new: Sequence[int], old_key: Sequence[Hashable], new_key: Sequence[Hashable]
) -> list[tuple[int, int]]:
    """Pair the n-th of each key in ``old`` with the n-th of that key in ``new``.

    ``old`` and ``new`` are positions in order; ``old_key[position]`` is the key of an old one.
    """
    old_keys, new_keys = _keys(old, old_key), _keys(new, new_key)
    last = dict(zip(new_keys, new, strict=True))
    if len(last) == len(new) and len(set(old_keys)) == len(old):
        # each key once on each side (the usual case): pair the one with the one
        return [(i, j) for i, j in zip(old, map(last.get, old_keys), strict=True) if j is not None]
    first: dict[Hashable, int] = {}  # most keys come once: no list for them
    more: dict[Hashable, list[int]] = {}
    for position, key in zip(new, new_keys, strict=True):
        if key in first:
            more.setdefault(key, []).append(position)
        else:
            first[key] = position
    taken: dict[Hashable, int] = {}
    pairs = []
    for position, key in zip(old, old_keys, strict=True):
        if key not in first:
            continue
        n = taken.get(key, 0)
        if n == 0:
            pairs.append((position, first[key]))
        elif n <= len(more.get(key, ())):
            pairs.append((position, more[key][n - 1]))
        else:
            continue
        taken[key] = n + 1
    return pairs


def _keys(positions: Sequence[int], key: Sequence[Hashable]) -> Sequence[Hashable]:
    """The key of each position."""
    if positions == range(len(key)):
        return key  # every position, in order
    return list(map(key.__getitem__, positions))


def _pair(old: _Side, new: _Side, match: Match) -> list[tuple[int, int]]:
    """Pairs of positions (old, new), one to one: by id in the old list's order."""
    olds, news = range(len(old.items)), range(len(new.items))
    if match == "id":
        return _zip_groups(olds, news, old.ids, new.ids)
    old_places, new_places = old.places(), new.places()
    old_kinds, new_kinds = old.kinds(), new.kinds()
    # same places, same kind
    old_keys = list(zip(old_places, old_kinds, strict=True))
    pairs = _zip_groups(olds, news, old_keys, list(zip(new_places, new_kinds, strict=True)))
    # then an unspecified agreement left over with one of any kind left over. After the first
    # step, a kind is left over on one side only for each set of places, so on each side the
    # candidates are the other side's unspecified agreements: zip them in file order.
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    left_old = [i for i in olds if i not in paired_old]
    left_new = [j for j in news if j not in paired_new]
    unspecified = AgreementKind.UNSPECIFIED.value
    for old_unspecified in (True, False):
        pairs += _zip_groups(
            [i for i in left_old if (old_kinds[i] == unspecified) is old_unspecified],
            [j for j in left_new if (new_kinds[j] == unspecified) is not old_unspecified],
            old_places,
            new_places,
        )
    return pairs


def _compare(old: _Side, new: _Side, match: Match, today: Day | None) -> Diff:
    if match not in MATCHES:
        raise ValueError(f"match must be 'id' or 'places' (got {match!r})")
    now = dt.date.today() if today is None else as_day(today)
    pairs = _pair(old, new, match)
    if match == "places":
        pairs.sort()  # (pairs by id come in the old list's order)
    changed: list[Changed] = []
    unchanged = 0
    old_items, new_items = old.items, new.items
    for i, j in pairs:
        a, b = old_items[i], new_items[j]
        if a is b or a == b:
            unchanged += 1  # equal records have equal canonical forms: skip building them
            continue
        before, after = _build(a), _build(b)
        found = changes(agreement_to_raw(before), agreement_to_raw(after))
        if not found:
            unchanged += 1
            continue
        changed.append(
            Changed(
                before,
                after,
                tuple(found),
                before.status_on(now, today=now),
                after.status_on(now, today=now),
            )
        )
    return Diff(
        new.unpaired(map(_SECOND, pairs)),
        old.unpaired(map(_FIRST, pairs)),
        tuple(changed),
        unchanged,
    )


def diff_records(
    old: Iterable[Mapping[str, Any]],
    new: Iterable[Mapping[str, Any]],
    *,
    match: Match = "id",
    today: Day | None = None,
) -> Diff:
    """:func:`diff` for record dicts (as read from JSON) that validate.

    The same pairing and result as :func:`diff`; an agreement is built only for a record that
    differs from its pair, and for an added or removed one when :attr:`Diff.added` or
    :attr:`Diff.removed` is read, so comparing two long lists that mostly agree costs little
    more than reading them. Raises :class:`~sistercity.InvalidAgreement` for a record built
    that does not validate (for an added or removed one, when it is read): check the records
    first (``sistercity diff`` leaves those out).
    """
    return _compare(_Side(old), _Side(new), match, today)


def diff(
    old: Iterable[Agreement],
    new: Iterable[Agreement],
    *,
    match: Match = "id",
    today: Day | None = None,
) -> Diff:
    """Compare an old and a new list of agreements.

    ``match`` is ``"id"`` (pair by id) or ``"places"`` (pair by the set of place keys, with
    compatible kinds: ``unspecified`` matches any); see the module's docs for the pairing.
    Each pair whose canonical forms (the record format) differ is :class:`Changed`, with
    every difference and the status now (``status_on(today)``; ``today`` defaults to the
    real date) on each side. Raises :class:`ValueError` for another ``match``.

    >>> from sistercity import City, Event
    >>> glasgow, rostov = City("Glasgow", "GB", wikidata="Q4093"), City("Rostov-on-Don", "RU")
    >>> before = Agreement("glasgow-rostov", "twinning", [glasgow, rostov],
    ...                    [Event("signed", "1986")], sources=["https://www.glasgow.gov.uk/"])
    >>> after = attrs.evolve(before, events=[*before.events,
    ...     Event("suspended", "2022-02-24", by="Glasgow", reason="invasion of Ukraine")])
    >>> found = diff([before], [after], today="2024")
    >>> found.summary
    {'added': 0, 'removed': 0, 'changed': 1, 'unchanged': 0}
    >>> change = found.changed[0]
    >>> change.changes[0].path, change.old_status.value, change.new_status.value
    ('$.events[1]', 'active', 'suspended')
    """
    return _compare(_Side(old), _Side(new), match, today)
