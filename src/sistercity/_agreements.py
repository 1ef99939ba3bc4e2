"""Agreements, their events and their lifecycle (SPEC §1, §3)."""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from ._dates import PartialDate, as_day
from ._places import City, _extensions_field

__all__ = [
    "Agreement",
    "AgreementKind",
    "Event",
    "EventType",
    "Status",
    "Transition",
    "replay",
    "resolve_actor",
]


class AgreementKind(enum.StrEnum):
    """What sort of link an agreement is. Twinning is not friendship."""

    TWINNING = "twinning"
    FRIENDSHIP = "friendship"
    COOPERATION = "cooperation"
    SPONSORSHIP = "sponsorship"
    UNSPECIFIED = "unspecified"


class EventType(enum.StrEnum):
    """What happened to an agreement."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    SIGNED = "signed"
    RATIFIED = "ratified"
    RENEWED = "renewed"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    TERMINATED = "terminated"
    EXPIRED = "expired"


class Status(enum.StrEnum):
    """Where an agreement stands: ``unknown`` when no event is known yet."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"
    UNKNOWN = "unknown"


def _lenient(kind: type[enum.Enum], value: Any) -> Any:
    """Keep a value outside the vocabulary as it is, so that validation can name it."""
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
    return value if isinstance(value, tuple) else tuple(value)


def _events(value: Iterable[Event]) -> tuple[Event, ...]:
    return value if isinstance(value, tuple) else tuple(value)


def _sources(value: Iterable[str]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else tuple(value)


@attrs.frozen
class Event:
    """Something that happened to an agreement: ``signed`` in 1962, ``suspended`` in 2022.

    ``date`` may be ``None`` (it happened; the date is unknown). ``by`` names the acting
    party by its Wikidata id, its name, or ``name (CC)``; ``None`` means every party.
    """

    type: EventType = attrs.field(converter=_to_event_type)
    date: PartialDate | None = attrs.field(default=None, converter=_lenient_date)
    by: str | None = None
    reason: str | None = attrs.field(default=None, converter=_optional_text)
    source: str | None = attrs.field(default=None, converter=_optional_text)
    extensions: Mapping[str, Any] = _extensions_field()

    def __attrs_post_init__(self) -> None:
        from ._rules import check_event

        check_event(self)


@attrs.frozen
class Transition:
    """The outcome of one event in :func:`replay`: the status after it, or why it is invalid."""

    status: Status
    rule: str | None = None
    message: str | None = None


def resolve_actor(by: str, parties: Sequence[City]) -> list[int]:
    """The indexes of the parties that ``by`` names (by Wikidata id, NFC name, or ``name (CC)``)."""
    wanted = unicodedata.normalize("NFC", by)
    found = []
    for index, party in enumerate(parties):
        name = unicodedata.normalize("NFC", party.name)
        if (
            (party.wikidata is not None and by == party.wikidata)
            or wanted == name
            or wanted == f"{name} ({party.country})"
        ):
            found.append(index)
    return found


_NEEDS_SIGNING = frozenset(
    {
        EventType.RATIFIED,
        EventType.RENEWED,
        EventType.SUSPENDED,
        EventType.REINSTATED,
        EventType.EXPIRED,
    }
)


class _Machine:
    """The per-party lifecycle state of SPEC §3."""

    __slots__ = ("ended", "labels", "n", "signed", "started", "suspended")

    def __init__(self, n: int, labels: Sequence[str] | None = None) -> None:
        self.n = n
        self.labels = labels
        self.signed: set[int] = set()
        self.suspended: set[int] = set()
        self.ended = False
        self.started = False

    @property
    def status(self) -> Status:
        if not self.started:
            return Status.UNKNOWN
        if self.ended:
            return Status.ENDED
        if self.suspended:
            return Status.SUSPENDED
        if len(self.signed) >= self.n:
            return Status.ACTIVE
        return Status.PROPOSED

    def party(self, index: int) -> str:
        if self.labels is not None and index < len(self.labels) and self.labels[index]:
            return repr(self.labels[index])
        return f"party {index}"

    def step(self, kind: EventType, actor: int | None, has_by: bool) -> tuple[str, str] | None:
        """Apply one event; return ``(rule, message)`` and change nothing when it is invalid."""
        everyone = range(self.n)
        name = "" if actor is None else self.party(actor)
        if self.ended:
            return ("event-after-end", f"{kind.value!r} after the agreement ended")
        if kind in _NEEDS_SIGNING and not self.signed:
            return ("event-before-signing", f"{kind.value!r} before any party signed")
        active_now = self.started and len(self.signed) >= self.n
        status = self.status
        who = "every party" if actor is None else name
        if kind in (EventType.PROPOSED, EventType.APPROVED):
            if active_now:
                return (
                    "invalid-transition",
                    f"{kind.value!r} is allowed only until the agreement is active "
                    f"(it is {status.value})",
                )
        elif kind is EventType.SIGNED:
            if actor is not None:
                if actor in self.signed:
                    return ("invalid-transition", f"{name} has signed already")
                self.signed.add(actor)
            else:
                if len(self.signed) >= self.n:
                    return ("invalid-transition", "every party has signed already")
                self.signed.update(everyone)
        elif kind is EventType.RATIFIED:
            needed = set(everyone) if actor is None else {actor}
            if not needed <= self.signed:
                return ("invalid-transition", f"'ratified' needs the signature of {who}")
        elif kind is EventType.RENEWED:
            if status not in (Status.ACTIVE, Status.SUSPENDED):
                return (
                    "invalid-transition",
                    f"'renewed' needs an active or suspended agreement (it is {status.value})",
                )
        elif kind is EventType.SUSPENDED:
            if status not in (Status.ACTIVE, Status.SUSPENDED):
                return (
                    "invalid-transition",
                    f"'suspended' needs an active or suspended agreement (it is {status.value})",
                )
            if actor is not None:
                if actor in self.suspended:
                    return ("invalid-transition", f"{name}'s suspension is open already")
                self.suspended.add(actor)
            else:
                if len(self.suspended) >= self.n:
                    return ("invalid-transition", "every party's suspension is open already")
                self.suspended.update(everyone)
        elif kind is EventType.REINSTATED:
            if actor is not None:
                if actor not in self.suspended:
                    return ("invalid-transition", f"{name} has no open suspension")
                self.suspended.discard(actor)
            else:
                if not self.suspended:
                    return ("invalid-transition", "there is no open suspension to close")
                self.suspended.clear()
        elif kind is EventType.TERMINATED:
            if status not in (Status.PROPOSED, Status.ACTIVE, Status.SUSPENDED):
                return (
                    "invalid-transition",
                    "'terminated' needs a proposed, active or suspended agreement "
                    f"(it is {status.value})",
                )
            self.ended = True
        elif kind is EventType.EXPIRED:
            if has_by:
                return ("invalid-transition", "'expired' takes no 'by'")
            if status not in (Status.ACTIVE, Status.SUSPENDED):
                return (
                    "invalid-transition",
                    f"'expired' needs an active or suspended agreement (it is {status.value})",
                )
            self.ended = True
        self.started = True
        return None


def replay(
    steps: Sequence[tuple[EventType | None, int | None, bool]],
    n_parties: int,
    labels: Sequence[str] | None = None,
) -> list[Transition]:
    """Run the lifecycle over ``(type, actor index or None, has_by)`` steps.

    A step whose type is ``None`` (not in the vocabulary) is skipped. An invalid event is
    reported and skipped; checking goes on from the state before it.
    """
    machine = _Machine(n_parties, labels)
    out = []
    for kind, actor, has_by in steps:
        if kind is None:
            out.append(Transition(machine.status))
            continue
        problem = machine.step(kind, actor, has_by)
        if problem is None:
            out.append(Transition(machine.status))
        else:
            out.append(Transition(machine.status, *problem))
    return out


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
        from ._rules import check_agreement

        check_agreement(self)

    def _transitions(self) -> list[Transition]:
        steps = []
        for event in self.events:
            actor = None
            if event.by is not None:
                found = resolve_actor(event.by, self.parties)
                actor = found[0] if len(found) == 1 else None
            steps.append((event.type, actor, event.by is not None))
        return replay(steps, len(self.parties))

    @property
    def status(self) -> Status:
        """The status after every listed event; ``unknown`` with no events."""
        if not self.events:
            return Status.UNKNOWN
        return self._transitions()[-1].status

    def status_on(
        self, day: dt.date | str | PartialDate, today: dt.date | str | PartialDate | None = None
    ) -> Status:
        """The status on ``day`` (a partial date means its last day), per SPEC §3.

        An undated event counts as known by ``day`` once a later listed event is, or, when no
        dated event follows it, from ``today`` on (default: the real date).
        """
        when = as_day(day)
        now = dt.date.today() if today is None else as_day(today)
        last = self.last_known_index(when, now)
        if last < 0:
            return Status.UNKNOWN
        return self._transitions()[last].status

    def last_known_index(self, day: dt.date, today: dt.date) -> int:
        """The index of the last event known by ``day`` (``-1`` when none is)."""
        last = -1
        dated_after = False
        for index in range(len(self.events) - 1, -1, -1):
            date = self.events[index].date
            if date is None:
                if not dated_after and day >= today:
                    return index
            else:
                if date.latest <= day:
                    return index
                dated_after = True
        return last

    def events_by(self, party: City) -> Iterator[Event]:
        """The events that name ``party`` as their actor."""
        for event in self.events:
            if event.by is not None:
                found = resolve_actor(event.by, self.parties)
                if len(found) == 1 and self.parties[found[0]] == party:
                    yield event

    def partner_of(self, place: City) -> tuple[City, ...]:
        """The other parties, for a place that is a party (by identity)."""
        return tuple(p for p in self.parties if p.key != place.key)

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The period of SPEC §5: from the first signing's earliest day to the end's latest.

        ``None`` stands for unbounded.
        """
        start: dt.date | None = None
        end: dt.date | None = None
        for event in self.events:
            if event.type is EventType.SIGNED:
                start = event.date.earliest if event.date is not None else None
                break
        for event in self.events:
            if event.type in (EventType.TERMINATED, EventType.EXPIRED) and event.date is not None:
                end = event.date.latest
        return start, end
