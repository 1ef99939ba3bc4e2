"""Agreements, their events and their lifecycle (SPEC §1, §3)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from . import _hooks
from ._dates import PartialDate, as_day
from ._identity import matching_names, matching_parties, named, party_names
from ._lifecycle import EVENT_CODES, Transition, last_known, period, replay, walk
from ._places import City, _extensions_field, as_tuple
from ._report import SisterCityError
from ._vocab import AgreementKind, EventType, Status

__all__ = [
    "Agreement",
    "AgreementKind",
    "Event",
    "EventType",
    "Status",
    "Transition",
    "lifecycle_steps",
    "replay",
    "resolve_actor",
]


def _lenient(kind: type[enum.Enum], value: Any) -> Any:
    """Keep a value outside the vocabulary as it is, so that validation can name it.

    Only text is looked up: enum's own error for any other value shows its repr, which a
    deeply nested value cannot give (RecursionError); the record check names it instead.
    """
    if not isinstance(value, str):
        return value
    try:
        return kind(value)
    except ValueError:
        return value


def _to_event_type(value: Any) -> Any:
    return _lenient(EventType, value)


def _to_kind(value: Any) -> Any:
    return _lenient(AgreementKind, value)


def _lenient_date(value: Any) -> Any:
    if value is None or isinstance(value, PartialDate) or not isinstance(value, str):
        return value
    try:
        return PartialDate(value)
    except ValueError:
        return value


def _optional_text(value: Any) -> Any:
    """Blank optional text means absent (SPEC §4)."""
    return None if isinstance(value, str) and not value.strip() else value


def _parties(value: Iterable[City]) -> tuple[City, ...]:
    return as_tuple("parties", "City objects", value)


def _events(value: Iterable[Event]) -> tuple[Event, ...]:
    return as_tuple("events", "Event objects", value)


def _sources(value: Iterable[str]) -> tuple[str, ...]:
    return as_tuple("sources", "strings", value)


def resolve_actor(by: str, parties: Sequence[City]) -> list[int]:
    """The indexes of the parties that ``by`` names (by Wikidata id, NFC name, or ``name (CC)``)."""
    return matching_names(by, parties)


def lifecycle_steps(agreement: Agreement) -> list[tuple[EventType, int | None, bool]]:
    """The ``(type, actor, has_by)`` step of each event, as :func:`replay` takes them.

    ``actor`` is the index of the one party that ``by`` names, else ``None`` (no ``by``, or a
    ``by`` that names no party or several).
    """
    steps = []
    index = None  # the parties' names, made at the first 'by' (one lookup an event)
    for event in agreement.events:
        actor = None
        if event.by is not None:
            if index is None:
                index = party_names(agreement.parties)
            found = named(event.by, index)
            actor = found[0] if len(found) == 1 else None
        steps.append((event.type, actor, event.by is not None))
    return steps


class NotAParty(SisterCityError, ValueError):
    """A place reference that names no party of an agreement, or more than one."""


def _describe(place: object) -> str:
    if isinstance(place, City):
        return f"the place {place.label()!r}"
    return f"{place!r}"


@attrs.frozen
class Event:
    """Something that happened to an agreement: ``signed`` in 1962, ``suspended`` in 2022.

    ``date`` may be ``None`` (it happened; the date is unknown). ``by`` names the acting
    party by its Wikidata id, its name, or ``name (CC)``; ``None`` means every party.

    ``body`` (the organ that acted: "full council"), ``decided`` and ``announced`` (partial
    dates) and ``condition`` ("until further notice") record the act as councils report it.
    They are history: the lifecycle and :meth:`Agreement.status_on` follow ``date`` alone.
    """

    type: EventType = attrs.field(converter=_to_event_type)
    date: PartialDate | None = attrs.field(default=None, converter=_lenient_date)
    by: str | None = None
    reason: str | None = attrs.field(default=None, converter=_optional_text)
    source: str | None = attrs.field(default=None, converter=_optional_text)
    body: str | None = attrs.field(default=None, converter=_optional_text)
    decided: PartialDate | None = attrs.field(default=None, converter=_lenient_date)
    announced: PartialDate | None = attrs.field(default=None, converter=_lenient_date)
    condition: str | None = attrs.field(default=None, converter=_optional_text)
    extensions: Mapping[str, Any] = _extensions_field()

    def __attrs_post_init__(self) -> None:
        _hooks.check_event(self)


@attrs.frozen
class Agreement:
    """A sister-city agreement: its kind, its parties and what happened to it.

    An agreement that breaks a record rule cannot be constructed: :class:`InvalidAgreement`
    carries every broken rule.

    >>> a = Agreement(
    ...     id="glasgow-rostov-on-don-1986",
    ...     kind="twinning",
    ...     parties=[City("Glasgow", "GB"), City("Rostov-on-Don", "RU")],
    ...     events=[Event("signed", "1986"),
    ...             Event("suspended", "2022-03-02", by="Glasgow", reason="invasion of Ukraine")],
    ...     sources=["https://www.glasgow.gov.uk/"],
    ... )
    >>> a.kind
    <AgreementKind.TWINNING: 'twinning'>
    >>> a.status_on("2021"), a.status
    (<Status.ACTIVE: 'active'>, <Status.SUSPENDED: 'suspended'>)
    """

    id: str
    kind: AgreementKind = attrs.field(converter=_to_kind)
    parties: tuple[City, ...] = attrs.field(converter=_parties)
    events: tuple[Event, ...] = attrs.field(default=(), converter=_events)
    term: str | None = attrs.field(default=None, converter=_optional_text)
    sources: tuple[str, ...] = attrs.field(default=(), converter=_sources)
    supersedes: str | None = None
    notes: str | None = attrs.field(default=None, converter=_optional_text)
    extensions: Mapping[str, Any] = _extensions_field()

    def __attrs_post_init__(self) -> None:
        _hooks.check_agreement(self)

    def _status_after(self, last: int) -> Status:
        """The status after the events up to index ``last`` (``-1``: none), as in a replay.

        Each ``by`` resolved to its one party (else no actor); stepped by
        :func:`~sistercity._lifecycle.walk`, which remembers the lifecycle's state codes.
        """
        parties = self.parties
        steps = []
        for kind, actor, has_by in lifecycle_steps(self)[: last + 1]:
            code = EVENT_CODES.get(kind)
            if code is not None:  # not in the vocabulary (no constructed event is): skipped
                steps.append((code, -1 if actor is None else actor, has_by))
        statuses, _ = walk(len(parties), steps)
        return statuses[-1] if statuses else Status.UNKNOWN

    @property
    def status(self) -> Status:
        """The status after every listed event; ``unknown`` with no events."""
        return self._status_after(len(self.events) - 1)

    def status_on(
        self, day: dt.date | str | PartialDate, today: dt.date | str | PartialDate | None = None
    ) -> Status:
        """The status on ``day`` (a partial date means its last day; docs: Lifecycle).

        An undated event counts as known by ``day`` once a later listed event is, or, when no
        dated event follows it, from ``today`` on (default: the real date).
        """
        when = as_day(day)
        now = dt.date.today() if today is None else as_day(today)
        last = self.last_known_index(when, now)
        return self._status_after(last)

    def last_known_index(self, day: dt.date, today: dt.date) -> int:
        """The index of the last event known by ``day`` (``-1`` when none is)."""
        return last_known([e.date.latest if e.date else None for e in self.events], day, today)

    def party_index(self, place: City | str | tuple[str, str | None, str, str]) -> int:
        """The index of the one party that a place reference names.

        A reference is a ``City`` or place key (matched by identity), a Wikidata id, a name
        (compared after NFC) or ``"name (CC)"``. Raises :class:`NotAParty` (a
        ``SisterCityError`` and ``ValueError``) when it names no party or more than one.
        """
        found = matching_parties(place, self.parties)
        if len(found) != 1:
            what = "no party" if not found else f"{len(found)} parties"
            parties = ", ".join(party.label() for party in self.parties)
            raise NotAParty(
                f"{_describe(place)} names {what} of agreement {self.id!r} (its parties: "
                f"{parties}); give a party's Wikidata id, name or 'name (CC)'"
            )
        return found[0]

    def events_by(self, party: City | str | tuple[str, str | None, str, str]) -> Iterator[Event]:
        """The events whose ``by`` names ``party`` (any place reference, as :meth:`party_index`).

        Raises :class:`NotAParty` when ``party`` is not one of the agreement's parties.
        """
        wanted = self.party_index(party)
        index = party_names(self.parties)
        for event in self.events:
            if event.by is not None and named(event.by, index) == [wanted]:
                yield event

    def partner_of(self, place: City | str | tuple[str, str | None, str, str]) -> tuple[City, ...]:
        """The other parties, for a place reference that names one party.

        Raises :class:`NotAParty` (a ``ValueError``) when ``place`` is not a party.

        >>> a = Agreement("coventry-volgograd", "twinning",
        ...               [City("Coventry", "GB", wikidata="Q6225"), City("Volgograd", "RU")],
        ...               sources=["https://www.coventry.gov.uk/"])
        >>> a.partner_of("Coventry")
        (City(name='Volgograd', country='RU', ...),)
        """
        index = self.party_index(place)
        own = self.parties[index].key
        return tuple(p for p in self.parties if p.key != own)

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The period of an agreement: from the first signing's earliest day to the end's latest.

        ``None`` stands for unbounded.
        """
        events = self.events
        return period(
            [e.type for e in events],
            [e.date.earliest if e.date else None for e in events],
            [e.date.latest if e.date else None for e in events],
        )
