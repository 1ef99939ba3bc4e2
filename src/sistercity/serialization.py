"""The one configured cattrs converter: raw dicts to model objects and back.

The model classes know nothing about formats: ``to_dict`` and ``from_dict`` live here. Writing is
canonical: known keys in the order of the record format, fields equal to their default left
out, then ``x-`` extension keys sorted. Structuring runs the one-pass record check of
the record pass, so structural problems and rule breaks come in the same issue form,
with field-level paths and the domain message kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import cattrs

from ._agreements import Agreement, Event
from ._catalogue import RuleSelection, run_custom
from ._dates import PartialDate, as_day
from ._fields import FieldCheck, built_event
from ._places import City, FormerName
from ._raw import agreement_to_raw, city_to_raw, event_to_raw, former_name_to_raw
from ._record import check_record
from ._report import InvalidAgreement, Issue, Report

__all__ = [
    "agreement_to_raw",
    "city_to_raw",
    "converter",
    "event_to_raw",
    "from_dict",
    "to_dict",
    "validate",
]


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
        check = FieldCheck(None)
        if cls is City:
            city, _, _ = check.party(value, "$")
            result: Any = city
        else:
            parts, kind, date = check.event(value, "$")
            result = None
            if parts is not None and kind is not None and not check.errors:
                result = built_event(kind, date, parts[0], parts)
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
    """Build an :class:`Agreement` from its record dict.

    Raises :class:`InvalidAgreement` carrying every error found (structural problems and rule
    breaks alike), each with a field-level path such as ``$.events[1].date``. The input is
    neither changed nor copied deeply.
    """
    return converter.structure(mapping, Agreement)


def to_dict(agreement: Agreement) -> dict[str, Any]:
    """The canonical record dict of an agreement; :func:`from_dict` reads it back."""
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
