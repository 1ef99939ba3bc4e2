"""Place identity (the docs' "Places" page) and the one resolver of place references.

A place's key is its ``wikidata`` id if given, else ``geonames:<id>``, else
``(country, subdivision, level, name)`` with the name NFC-normalised, case-folded and its white
space collapsed. A *place reference*, as users write one for an event's ``by``,
``Agreement.partner_of``, ``Registry.partners_of`` or ``timeline --place``, is a ``City``, a
place key, a Wikidata id (``"Q18125"``), ``"geonames:<id>"``, a name, or ``"name (CC)"``.
:func:`matching_parties` is the one function that decides which parties a reference names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final, Protocol, TypeAlias

from ._report import SisterCityError

__all__ = [
    "WIKIDATA_ID",
    "AmbiguousPlace",
    "PlaceKey",
    "PlaceRef",
    "UnknownPlace",
    "key_text",
    "matching_names",
    "matching_parties",
    "name_key",
    "named",
    "names_index",
    "names_of",
    "party_names",
    "place_key",
    "resolve_place",
]

#: The identity of a place: a Wikidata id, ``geonames:<id>``, or
#: ``(country, subdivision, level, normalised name)``.
PlaceKey: TypeAlias = str | tuple[str, str | None, str, str]

#: A Wikidata item id (QID), the record format's ``wikidata`` (SPEC §4): ``Q`` and a number
#: without leading zeros. The one definition: the field check, place ids and the JSON Schema
#: read it from here.
WIKIDATA_ID: Final = re.compile(r"Q[1-9][0-9]*")
_PLACE_ID: Final = re.compile(rf"{WIKIDATA_ID.pattern}|geonames:[1-9][0-9]*")


class _Party(Protocol):
    """What the resolver reads of a party (a ``City``, or a record's raw party)."""

    @property
    def name(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def wikidata(self) -> str | None: ...
    @property
    def key(self) -> PlaceKey: ...


#: A place reference: a party object (anything with a ``key``), a place key, or text.
PlaceRef: TypeAlias = "_Party | PlaceKey"


def name_key(name: str) -> str:
    """Normalise a name for identity: NFC, case-folded, white space collapsed.

    >>> name_key("  Saint   PETERSBURG ")
    'saint petersburg'
    """
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def place_key(
    name: str,
    country: str,
    subdivision: str | None = None,
    level: str = "municipality",
    wikidata: str | None = None,
    geonames: int | None = None,
) -> PlaceKey:
    """The identity key of a place from its fields.

    >>> place_key("Springfield", "US", "US-IL")
    ('US', 'US-IL', 'municipality', 'springfield')
    >>> place_key("Manchester", "GB", wikidata="Q18125")
    'Q18125'
    """
    if wikidata is not None:
        return wikidata
    if geonames is not None:
        return f"geonames:{geonames}"
    return (country, subdivision, level, name_key(name))


def is_place_id(text: str) -> bool:
    """Whether ``text`` is a Wikidata id or ``geonames:<id>``, a key of its own."""
    return _PLACE_ID.fullmatch(text) is not None


def names_of(name: str, country: str, wikidata: str | None) -> tuple[str, ...]:
    """The texts that name a party in a reference: its NFC name, ``name (CC)``, its QID."""
    nfc = unicodedata.normalize("NFC", name)
    out: tuple[str, ...] = (nfc, f"{nfc} ({country})")
    return (*out, wikidata) if wikidata is not None else out


def matching_parties(ref: object, parties: Sequence[_Party]) -> list[int]:
    """The indexes of the parties that a place reference names.

    A party object or a 4-tuple key matches by identity key, and so does ``geonames:<id>``;
    other text matches as an event's ``by`` does (:func:`matching_names`): a party's Wikidata
    id, its name (compared after NFC) or its ``name (CC)``. Former names do not match.
    Raises :class:`TypeError` for anything else.

    >>> from sistercity import City
    >>> parties = [City("Coventry", "GB", wikidata="Q6225"), City("Volgograd", "RU")]
    >>> matching_parties("Coventry", parties), matching_parties("Volgograd (RU)", parties)
    ([0], [1])
    >>> matching_parties("Q6225", parties), matching_parties("Kyiv", parties)
    ([0], [])
    """
    if isinstance(ref, tuple):
        return [i for i, party in enumerate(parties) if party.key == ref]
    if not isinstance(ref, str):
        key = getattr(ref, "key", None)
        if key is None:
            raise TypeError(
                "a place is a City, a Wikidata id, 'geonames:<id>', a place key, a name or "
                f"'name (CC)' (got {type(ref).__name__})"
            )
        return [i for i, party in enumerate(parties) if party.key == key]
    if ref.startswith("geonames:") and is_place_id(ref):
        return [i for i, party in enumerate(parties) if party.key == ref]
    return matching_names(ref, parties)


def matching_names(text: str, parties: Sequence[_Party]) -> list[int]:
    """The indexes of the parties that ``text`` names, as an event's ``by`` does.

    ``text`` matches a party's Wikidata id, its name (compared after NFC) or ``"name (CC)"``.
    """
    return named(text, party_names(parties))


def party_names(parties: Sequence[_Party]) -> dict[str, list[int]]:
    """:func:`names_index` of the parties' :func:`names_of`."""
    return names_index(names_of(p.name, p.country, p.wikidata) for p in parties)


def names_index(names: Iterable[Iterable[str]]) -> dict[str, list[int]]:
    """Each text that names a party -> the indexes (ascending) of the parties it names.

    ``names`` gives each party's texts in party order (:func:`names_of`). Made once for a list
    of parties, it answers each reference in one lookup (:func:`named`), so that the ``by`` of
    every event of a record with many parties costs no scan of the parties.
    """
    index: dict[str, list[int]] = {}
    for i, texts in enumerate(names):
        for text in texts:
            found = index.setdefault(text, [])
            if not found or found[-1] != i:
                found.append(i)
    return index


def named(text: str, index: dict[str, list[int]]) -> list[int]:
    """The indexes of the parties that ``text`` names (compared after NFC), from an index."""
    return list(index.get(unicodedata.normalize("NFC", text), ()))


def resolve_place(ref: object, places: Sequence[_Party]) -> PlaceKey | None:
    """The key of the one place among ``places`` that a place reference names.

    ``places`` are distinct places (one party object per key). A party object, a place key, a
    Wikidata id or ``geonames:<id>`` gives its key even when no place has it (so it finds
    nothing); a name or ``"name (CC)"`` gives the key of the place it names. Raises
    :class:`UnknownPlace` when a name names no place (a typo, a former name: the message says
    which), :class:`AmbiguousPlace` when it fits several (Springfield US-IL and Springfield
    US-MA), naming each, and :class:`TypeError` for a value that is no reference.
    """
    found = matching_parties(ref, places)
    keys = list(dict.fromkeys(places[i].key for i in found))
    if len(keys) > 1:
        named = "; ".join(
            f"{places[i].name} ({places[i].country}) [{key_text(places[i].key)}]" for i in found
        )
        ids = sorted({qid for i in found if (qid := places[i].wikidata) is not None})
        labels = {names_of(places[i].name, places[i].country, None)[1] for i in found}
        if len(labels) == 1:  # the same 'name (CC)': only an id tells them apart
            advice = (
                f"give a Wikidata id ({', '.join(ids)})" if ids else "give a Wikidata id"
            ) + "; a record without ids is another place than one with ids, so add the id "
            advice += "where it is missing"
        else:
            advice = "give its Wikidata id or 'name (CC)'"
        raise AmbiguousPlace(f"{ref!r} names {len(keys)} different places ({named}); {advice}")
    if keys:
        return keys[0]
    if isinstance(ref, tuple):
        return ref
    if isinstance(ref, str):
        if is_place_id(ref):
            return ref
        raise UnknownPlace(_unknown(ref, places))
    return getattr(ref, "key", None)


def _unknown(name: str, places: Sequence[_Party]) -> str:
    """Why a name names no place: a former name, or a near miss (a typo), when there is one."""
    for place in places:
        for former in getattr(place, "former_names", ()):
            if former.name == name:
                return (
                    f"no agreement has a party {name!r}; {name!r} is a former name of "
                    f"{place.name} ({place.country}): give its present name, its Wikidata id "
                    "or 'name (CC)'"
                )
    names = {unicodedata.normalize("NFC", place.name) for place in places}
    near = difflib.get_close_matches(unicodedata.normalize("NFC", name), sorted(names), n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"no agreement has a party {name!r}{hint}"


def key_text(key: PlaceKey) -> str:
    """A place key as text for messages: the id, or ``'name' (CC, subdivision, level)``.

    >>> key_text(("US", "US-IL", "municipality", "springfield"))
    "'springfield' (US, US-IL, municipality)"
    """
    if isinstance(key, str):
        return key
    country, subdivision, level, name = key
    where = ", ".join(part for part in (country, subdivision, level) if part)
    return f"{name!r} ({where})"


class AmbiguousPlace(SisterCityError, LookupError):
    """A place name that fits several different places."""


class UnknownPlace(SisterCityError, LookupError):
    """A place name that names no place among those asked about."""
