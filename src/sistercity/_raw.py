"""The canonical record dict of each model class (the record format; docs: "Record format").

Known keys in the order of the record format, fields equal to their default left out, then
``x-`` extension keys sorted. Used to write records and to run the record pass on objects built
in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._agreements import Agreement, Event
from ._dates import PartialDate
from ._places import City, FormerName
from ._vocab import PlaceLevel

__all__ = ["agreement_to_raw", "city_to_raw", "event_to_raw", "former_name_to_raw"]


def _text(value: Any) -> Any:
    """The JSON form of a scalar that may be an enum or a partial date."""
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, str):
        return str(value) if type(value) is not str else value
    return value


def _put_extensions(out: dict[str, Any], extensions: Mapping[str, Any]) -> dict[str, Any]:
    for key in sorted(extensions):
        out[key] = extensions[key]
    return out


def former_name_to_raw(former: FormerName) -> dict[str, Any]:
    """The canonical dict of a :class:`FormerName`."""
    out: dict[str, Any] = {"name": former.name}
    if former.country is not None:
        out["country"] = former.country
    if former.from_ is not None:
        out["from"] = _text(former.from_)
    out["until"] = _text(former.until)
    return _put_extensions(out, former.extensions)


def city_to_raw(city: City) -> dict[str, Any]:
    """The canonical dict of a :class:`City`."""
    out: dict[str, Any] = {"name": city.name, "country": city.country}
    if city.subdivision is not None:
        out["subdivision"] = city.subdivision
    if city.level != PlaceLevel.MUNICIPALITY:
        out["level"] = _text(city.level)
    if city.wikidata is not None:
        out["wikidata"] = city.wikidata
    if city.geonames is not None:
        out["geonames"] = city.geonames
    if city.former_names:
        out["former_names"] = [
            former_name_to_raw(f) if isinstance(f, FormerName) else f for f in city.former_names
        ]
    return _put_extensions(out, city.extensions)


def event_to_raw(event: Event) -> dict[str, Any]:
    """The canonical dict of an :class:`Event`."""
    out: dict[str, Any] = {"type": _text(event.type)}
    if event.date is not None:
        out["date"] = _text(event.date)
    if event.by is not None:
        out["by"] = event.by
    if event.reason is not None:
        out["reason"] = event.reason
    if event.source is not None:
        out["source"] = event.source
    if event.body is not None:
        out["body"] = event.body
    if event.decided is not None:
        out["decided"] = _text(event.decided)
    if event.announced is not None:
        out["announced"] = _text(event.announced)
    if event.condition is not None:
        out["condition"] = event.condition
    return _put_extensions(out, event.extensions)


def agreement_to_raw(agreement: Agreement) -> dict[str, Any]:
    """The canonical dict of an :class:`Agreement` (the record format of SPEC §4)."""
    out: dict[str, Any] = {"id": agreement.id, "kind": _text(agreement.kind)}
    if agreement.term is not None:
        out["term"] = agreement.term
    out["parties"] = [city_to_raw(p) if isinstance(p, City) else p for p in agreement.parties]
    if agreement.events:
        out["events"] = [event_to_raw(e) if isinstance(e, Event) else e for e in agreement.events]
    if agreement.sources:
        out["sources"] = list(agreement.sources)
    if agreement.supersedes is not None:
        out["supersedes"] = agreement.supersedes
    if agreement.notes is not None:
        out["notes"] = agreement.notes
    return _put_extensions(out, agreement.extensions)
