"""Construction: the one place that turns raw records into model objects, and back.

It installs the record pass as the check that ``City``, ``Event`` and ``Agreement`` run when
built in Python (``_hooks``), so an invalid agreement cannot be constructed however it is made,
and the model modules need not know the rules.
"""

from __future__ import annotations

import datetime as dt

from . import _hooks
from ._agreements import Agreement, Event
from ._fields import FieldCheck
from ._places import City, FormerName
from ._raw import agreement_to_raw, city_to_raw, event_to_raw
from ._record import check_record
from ._report import InvalidAgreement, Issue

__all__ = ["check_agreement", "check_city", "check_event"]


def _raise_errors(issues: list[Issue], id: str | None = None) -> None:
    errors = [issue for issue in issues if issue.is_error]
    if errors:
        raise InvalidAgreement(errors, id=id)


def check_city(city: City) -> None:
    """Raise :class:`InvalidAgreement` when a :class:`City` built in Python breaks a rule."""
    check = FieldCheck(None)
    for index, former in enumerate(city.former_names):
        if not isinstance(former, FormerName):
            check.wrong_type(f"$.former_names[{index}]", "former name", "a FormerName", former)
    _raise_errors(check.issues)
    check.party(city_to_raw(city), "$")
    _raise_errors(check.issues)


def check_event(event: Event) -> None:
    """Raise :class:`InvalidAgreement` when an :class:`Event` built in Python breaks a rule."""
    check = FieldCheck(None)
    check.event(event_to_raw(event), "$")
    _raise_errors(check.issues)


def check_agreement(agreement: Agreement) -> None:
    """Raise :class:`InvalidAgreement` when an :class:`Agreement` built in Python breaks a rule."""
    check = FieldCheck(None)
    for index, party in enumerate(agreement.parties):
        if not isinstance(party, City):
            check.wrong_type(f"$.parties[{index}]", "party", "a City", party)
    for index, event in enumerate(agreement.events):
        if not isinstance(event, Event):
            check.wrong_type(f"$.events[{index}]", "event", "an Event", event)
    _raise_errors(check.issues, agreement.id if isinstance(agreement.id, str) else None)
    issues, _ = check_record(agreement_to_raw(agreement), today=dt.date.max, build=False)
    _raise_errors(issues, agreement.id if isinstance(agreement.id, str) else None)


_hooks.install(city=check_city, event=check_event, agreement=check_agreement)
