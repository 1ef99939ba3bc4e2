"""Places: `City` (any level, from village to country), `FormerName` and place identity."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from . import _hooks
from ._dates import PartialDate, as_day
from ._identity import PlaceKey, name_key, place_key
from ._report import InvalidAgreement, Issue, Severity
from ._vocab import PlaceLevel

__all__ = ["City", "FormerName", "PlaceKey", "PlaceLevel", "freeze_extensions", "name_key"]

# PlaceKey, PlaceLevel and name_key are defined below this layer and re-exported here.


def freeze_extensions(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """Copy ``x-`` extension keys into a read-only mapping.

    A tuple inside a value is kept as a list, the one JSON array type, so that an object built
    in Python equals itself read back from any file format.

    >>> dict(freeze_extensions({"x-ids": (1, (2, 3))}))
    {'x-ids': [1, [2, 3]]}
    """
    if not value:
        return types.MappingProxyType({})
    if not isinstance(value, Mapping):
        message = f"'extensions' must be a mapping of 'x-' keys (got {type(value).__name__})"
        raise InvalidAgreement([Issue("malformed-record", Severity.ERROR, message, "$")])
    return types.MappingProxyType({key: _as_json(item) for key, item in dict(value).items()})


def _as_json(value: Any, depth: int = 0) -> Any:
    """``value`` with every tuple in it as a list; the value itself when it holds none."""
    if depth > 256:  # deeper than a record may nest: left for the rules to refuse
        return value
    if isinstance(value, tuple):
        return [_as_json(item, depth + 1) for item in value]
    if isinstance(value, list):
        items = [_as_json(item, depth + 1) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        pairs = {key: _as_json(item, depth + 1) for key, item in value.items()}
        return value if all(pairs[k] is v for k, v in value.items()) else pairs
    return value


def as_tuple(field: str, items: str, value: Any) -> tuple[Any, ...]:
    """The value of a field that holds a list (``parties``, ``sources``, ...), as a tuple.

    The one converter of every list field: any ordered iterable becomes a tuple. A ``str``,
    ``bytes``, mapping or set given in its place is refused with ``malformed-record`` at
    ``$.field`` (never 28 one-character sources; a set has no order, so its records would not
    be the same bytes every time), as is a value that is not iterable.
    """
    if isinstance(value, tuple):
        return value
    if not isinstance(value, str | bytes | bytearray | Mapping | set | frozenset):
        try:
            return tuple(value)
        except TypeError:
            pass
    shown = f" {value[:40]!r}" if isinstance(value, str) else ""
    message = f"{field!r} must be a list of {items} (got {type(value).__name__}{shown})"
    raise InvalidAgreement([Issue("malformed-record", Severity.ERROR, message, f"$.{field}")])


def _extensions_field() -> Any:
    return attrs.field(
        factory=lambda: types.MappingProxyType({}),
        converter=freeze_extensions,
        hash=False,
        kw_only=True,
        repr=lambda m: repr(dict(m)),
    )


def _date(value: PartialDate | str) -> PartialDate:
    return value if isinstance(value, PartialDate) else PartialDate(value)


def _optional_date(value: PartialDate | str | None) -> PartialDate | None:
    if value is None or isinstance(value, PartialDate):
        return value
    return PartialDate(value)


#: Each level's text, looked up: ``PlaceLevel.value`` is a property, ten times slower, and
#: :attr:`City.key` is read for every party of every agreement a ``Registry`` indexes.
_LEVEL_TEXT: Final = {member: member.value for member in PlaceLevel}


def _level(value: PlaceLevel | str) -> PlaceLevel:
    """A level in the vocabulary; any other value is kept for the rules to name."""
    if not isinstance(value, str):  # as _agreements._lenient: only text is looked up
        return value
    try:
        return PlaceLevel(value)
    except ValueError:
        return value  # type: ignore[return-value]


def _former_names(value: Iterable[FormerName]) -> tuple[FormerName, ...]:
    return as_tuple("former_names", "FormerName objects", value)


@attrs.frozen
class FormerName:
    """A name a place had before, in use from ``from_`` until the day before ``until``.

    ``until`` is the first day of the next name. A missing ``from_`` means from the previous
    entry's ``until`` (or unbounded, for the first entry).
    """

    name: str
    until: PartialDate = attrs.field(converter=_date)
    from_: PartialDate | None = attrs.field(default=None, converter=_optional_date)
    country: str | None = None
    extensions: Mapping[str, Any] = _extensions_field()


@attrs.frozen
class City:
    """A party to an agreement: a place at any level, identified as the docs' Places page says.

    Equality compares every field; :attr:`key` is the place identity, and
    :meth:`same_place` compares identities.

    >>> spb = City(
    ...     "Saint Petersburg",
    ...     "RU",
    ...     wikidata="Q656",
    ...     former_names=[FormerName("Leningrad", country="SU", from_="1924-01-26",
    ...                              until="1991-09-06")],
    ... )
    >>> spb.name_on("1962")
    'Leningrad'
    >>> spb.name_on("2022-02-26")
    'Saint Petersburg'
    """

    name: str
    country: str
    subdivision: str | None = None
    level: PlaceLevel = attrs.field(default=PlaceLevel.MUNICIPALITY, converter=_level)
    wikidata: str | None = None
    geonames: int | None = None
    former_names: tuple[FormerName, ...] = attrs.field(default=(), converter=_former_names)
    extensions: Mapping[str, Any] = _extensions_field()

    def __attrs_post_init__(self) -> None:
        _hooks.check_city(self)

    @property
    def key(self) -> PlaceKey:
        """The identity key (docs: Places).

        ``wikidata`` if given, else ``geonames:<id>``, else ``(country, subdivision, level,
        name)`` with the name NFC-normalised, case-folded and its white space collapsed.
        """
        return place_key(
            self.name,
            self.country,
            self.subdivision,
            _LEVEL_TEXT[self.level],
            self.wikidata,
            self.geonames,
        )

    def same_place(self, other: City) -> bool:
        """Whether ``other`` is the same place (docs: Places)."""
        return self.key == other.key

    def name_on(self, day: dt.date | str | PartialDate) -> str:
        """The name in use on ``day`` (a partial date means its last day)."""
        when = as_day(day)
        previous_until: PartialDate | None = None
        for former in self.former_names:
            start = former.from_ if former.from_ is not None else previous_until
            if (start is None or start.earliest <= when) and when < former.until.earliest:
                return former.name
            previous_until = former.until
        return self.name

    def label(self) -> str:
        """``name (CC)``, the form an event's ``by`` may use."""
        return f"{self.name} ({self.country})"
