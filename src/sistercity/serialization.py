"""The one configured cattrs converter: raw dicts to model objects and back (SPEC §4).

The model classes know nothing about formats: ``to_dict`` and ``from_dict`` live here. Writing is
canonical: known keys in the order of the record format, fields equal to their default left
out, then ``x-`` extension keys sorted. Structuring runs the one-pass record check of
:mod:`sistercity._rules`, so structural problems and rule breaks come in the same issue form,
with field-level paths and the domain message kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import cattrs

from ._agreements import Agreement, Event
from ._dates import PartialDate
from ._places import City, FormerName, PlaceLevel
from ._report import InvalidAgreement, Issue, Report
from ._rules import RuleSelection, check_record, run_custom

__all__ = [
    "agreement_to_raw",
    "city_to_raw",
    "converter",
    "event_to_raw",
    "from_dict",
    "to_dict",
    "validate",
]


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


def _structure_agreement(value: Any, _: type[Agreement]) -> Agreement:
    issues, agreement = check_record(value)
    if agreement is None:
        rid = value.get("id") if isinstance(value, Mapping) else None
        raise InvalidAgreement(
            [i for i in issues if i.is_error], id=rid if isinstance(rid, str) else None
        )
    return agreement


def _structure_part(to_raw_key: str) -> Any:
    """Structure a City or an Event through a one-party/one-event record check."""

    def structure(value: Any, cls: type[Any]) -> Any:
        from ._rules import _build, _Check

        check = _Check(None)
        if cls is City:
            city, _, _ = check.party(value, "$")
            result: Any = city
        else:
            parts, kind, date = check.event(value, "$")
            result = None
            if parts is not None and kind is not None and not check.errors:
                result = _build(
                    Event,
                    kind,
                    date,
                    parts["by"],
                    parts["reason"],
                    parts["source"],
                    extensions=parts["extensions"],
                )
        errors = [i for i in check.issues if i.is_error]
        if errors or result is None:
            raise InvalidAgreement(errors)
        return result

    structure.__name__ = f"structure_{to_raw_key}"
    return structure


def _structure_partial_date(value: Any, _: type[PartialDate]) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if not isinstance(value, str):
        raise InvalidAgreement(
            [Issue("malformed-record", "error", f"expected a partial date string (got {value!r})")]
        )
    return PartialDate(value)


def _structure_str(value: Any, _: type[str]) -> str:
    """Strict strings: a number is never a string (cattrs' default would coerce it)."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string (got {type(value).__name__} {value!r})")
    return value


#: The one configured converter. ``converter.structure(d, Agreement)`` and
#: ``converter.unstructure(agreement)`` are :func:`from_dict` and :func:`to_dict`.
converter = cattrs.Converter()
converter.register_unstructure_hook(Agreement, agreement_to_raw)
converter.register_unstructure_hook(City, city_to_raw)
converter.register_unstructure_hook(Event, event_to_raw)
converter.register_unstructure_hook(FormerName, former_name_to_raw)
converter.register_unstructure_hook(PartialDate, str)
converter.register_structure_hook(Agreement, _structure_agreement)
converter.register_structure_hook(City, _structure_part("city"))
converter.register_structure_hook(Event, _structure_part("event"))
converter.register_structure_hook(PartialDate, _structure_partial_date)
converter.register_structure_hook(str, _structure_str)


def from_dict(mapping: Mapping[str, Any]) -> Agreement:
    """Build an :class:`Agreement` from its record dict (SPEC §4).

    Raises :class:`InvalidAgreement` carrying every error found (structural problems and rule
    breaks alike), each with a field-level path such as ``$.events[1].date``. The input is
    neither changed nor copied deeply.
    """
    return converter.structure(mapping, Agreement)


def to_dict(agreement: Agreement) -> dict[str, Any]:
    """The canonical record dict of an agreement (SPEC §4); :func:`from_dict` reads it back."""
    result: dict[str, Any] = converter.unstructure(agreement)
    return result


def validate(
    record: Mapping[str, Any] | Agreement,
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    today: dt.date | str | PartialDate | None = None,
) -> Report:
    """Check one record (a dict or an :class:`Agreement`) and report every finding.

    Never raises for bad data: structural problems, rule errors and warnings all come back in
    the :class:`Report`. ``select`` and ``ignore`` take rule ids (a list or a comma-separated
    string) and raise :class:`UnknownRuleError` for an unknown id. ``today`` (default: the real
    date) decides ``future-date``.
    """
    from ._dates import as_day

    selection = RuleSelection.of(select, ignore)
    day = dt.date.today() if today is None else as_day(today)
    raw = agreement_to_raw(record) if isinstance(record, Agreement) else record
    issues, agreement = check_record(raw, today=day)
    if isinstance(record, Agreement):
        agreement = record
    if agreement is not None:
        for rule in selection.custom("record"):
            issues.extend(run_custom(rule, agreement, id=agreement.id))
    return Report(selection.filter(issues))
