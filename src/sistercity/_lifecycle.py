"""The per-party lifecycle of an agreement (SPEC §3 in the docs' "Lifecycle" page).

One state machine, used by the record check (to find invalid transitions), by the model (for
``status`` and ``status_on``) and by the timeline. It works on event types and party indexes
only, so it knows nothing of records, rules or model classes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final, TypeAlias, TypeVar

import attrs

from ._vocab import EventType, Status

__all__ = [
    "CODED_PARTIES",
    "EVENT_CODES",
    "STEPS",
    "Machine",
    "Transition",
    "last_known",
    "period",
    "refusal",
    "replay",
    "status_of",
    "step",
    "walk",
]


@attrs.frozen
class Transition:
    """The outcome of one event in :func:`replay`: the status after it, or why it is invalid."""

    status: Status
    rule: str | None = None
    message: str | None = None


_NEEDS_SIGNING = frozenset(
    {
        EventType.RATIFIED,
        EventType.RENEWED,
        EventType.SUSPENDED,
        EventType.REINSTATED,
        EventType.EXPIRED,
    }
)


class Machine:
    """The per-party lifecycle state (docs: Lifecycle)."""

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


# ---- the lifecycle as small integers -------------------------------------------------------
#
# The record pass's fast path runs the machine as one int per record: bit 0 "started", bit 1
# "ended", then ``n`` bits for the parties that signed and ``n`` for those with an open
# suspension. What an event does depends only on that state, its type, its actor and whether it
# has a ``by`` (the labels change messages only), so :func:`step` asks :meth:`Machine.step`
# once and remembers the outcome: the rules stay in one place, and a valid event costs one
# dict lookup.

#: Each event type's value as the small integer that :data:`STEPS` keys use.
EVENT_CODES: Final[dict[str, int]] = {member.value: n for n, member in enumerate(EventType)}
_EVENT_OF_CODE: Final = tuple(EventType)

#: ``(state after, active after)``, or ``()`` when the machine refuses the event.
Outcome: TypeAlias = tuple[int, bool] | tuple[()]

#: ``(n, state, event code, actor or -1, has_by)`` -> :data:`Outcome`, filled by :func:`step`.
#: Bounded (emptied when full): a few hundred entries serve any file of one- to three-party
#: records.
STEPS: dict[tuple[int, int, int, int, bool], Outcome] = {}
_STEPS_MAX: Final = 1 << 16


def _decode(n: int, state: int, labels: Sequence[str] | None = None) -> Machine:
    machine = Machine(n, labels)
    machine.started = bool(state & 1)
    machine.ended = bool(state & 2)
    signed, suspended = machine.signed, machine.suspended
    for i in range(n):  # (one loop: two set comprehensions cost half again as much)
        if state >> (2 + i) & 1:
            signed.add(i)
        if state >> (2 + n + i) & 1:
            suspended.add(i)
    return machine


def _encode(machine: Machine) -> int:
    n = machine.n
    state = int(machine.started) | int(machine.ended) << 1
    for i in machine.signed:
        state |= 1 << (2 + i)
    for i in machine.suspended:
        state |= 1 << (2 + n + i)
    return state


def step(n: int, state: int, event: int, actor: int, has_by: bool) -> Outcome:
    """:meth:`Machine.step` on a state code (0: no event yet), remembered in :data:`STEPS`.

    ``event`` is an :data:`EVENT_CODES` value and ``actor`` a party index or ``-1``. Returns
    ``(state after, whether the agreement is active after it)``, or ``()`` when the event is
    refused (its issue is :meth:`Machine.step`'s to word).

    >>> signed = step(2, 0, EVENT_CODES["signed"], -1, False)
    >>> signed[1], step(2, signed[0], EVENT_CODES["signed"], 0, True)
    (True, ())
    """
    machine = _decode(n, state)
    refused = machine.step(_EVENT_OF_CODE[event], None if actor < 0 else actor, has_by)
    outcome: Outcome = () if refused else (_encode(machine), machine.status is Status.ACTIVE)
    if len(STEPS) >= _STEPS_MAX:
        STEPS.clear()
    STEPS[n, state, event, actor, has_by] = outcome
    return outcome


#: ``(n, state)`` -> the :class:`Status` of a state code, filled by :func:`status_of`.
_STATUSES: dict[tuple[int, int], Status] = {}


def status_of(n: int, state: int) -> Status:
    """:attr:`Machine.status` of a state code (as :func:`step` returns them), remembered.

    >>> status_of(2, 0), status_of(2, step(2, 0, EVENT_CODES["signed"], -1, False)[0])
    (<Status.UNKNOWN: 'unknown'>, <Status.ACTIVE: 'active'>)
    """
    found = _STATUSES.get((n, state))
    if found is None:
        if len(_STATUSES) >= _STEPS_MAX:
            _STATUSES.clear()
        found = _STATUSES[n, state] = _decode(n, state).status
    return found


def refusal(
    n: int, state: int, event: int, actor: int, has_by: bool, labels: Sequence[str]
) -> tuple[str, str]:
    """Why :func:`step` refuses an event: :meth:`Machine.step`'s ``(rule, message)``.

    ``labels`` name the parties in the message, as in :class:`Machine`.

    >>> refusal(2, 0, EVENT_CODES["renewed"], -1, False, ["Kiel", "Coventry"])
    ('event-before-signing', "'renewed' before any party signed")
    """
    # The message names a party only through the actor's label (Machine.party): with it in the
    # key, the answer is remembered as step's outcome is (a file repeats its mistakes).
    label = labels[actor] if 0 <= actor < len(labels) else ""
    key = (n, state, event, actor, has_by, label)
    refused = _REFUSALS.get(key)
    if refused is None:
        machine = _decode(n, state, labels)
        refused = machine.step(_EVENT_OF_CODE[event], None if actor < 0 else actor, has_by)
        if refused is None:
            raise ValueError("refusal() of an event that the lifecycle accepts")
        if len(label) <= _LABEL_MAX:
            if len(_REFUSALS) >= _STEPS_MAX:
                _REFUSALS.clear()
            _REFUSALS[key] = refused
    return refused


#: ``(n, state, event code, actor or -1, has_by, the actor's label or "")`` -> what
#: :func:`refusal` answers. Bounded (emptied when full), and a long label is not kept.
_REFUSALS: dict[tuple[int, int, int, int, bool, str], tuple[str, str]] = {}
_LABEL_MAX: Final = 200


#: Lifecycles of more parties than this are stepped with a :class:`Machine`, not as state
#: codes: a code holds ``2 + 2n`` bits and decoding one takes ``n`` steps, so a hostile record
#: of thousands of parties would cost ``n`` a step (and fill :data:`STEPS` with huge keys).
CODED_PARTIES: Final = 8


def walk(
    n: int, steps: Iterable[tuple[int, int, bool]], labels: Sequence[str] | None = None
) -> tuple[list[Status], list[tuple[int, str, str]]]:
    """The lifecycle of ``n`` parties over ``(event code, actor or -1, has_by)`` steps.

    The status after each step, and the steps that the machine refuses (each changes
    nothing): the step's index and :meth:`Machine.step`'s ``(rule, message)``, the parties
    named by ``labels`` as in :class:`Machine`. The same as :func:`replay`, through the
    remembered state codes (:func:`step`) for up to :data:`CODED_PARTIES` parties.

    >>> signed_twice = [(EVENT_CODES["signed"], 0, True)] * 2
    >>> [status.value for status in walk(2, signed_twice)[0]]
    ['proposed', 'proposed']
    >>> walk(2, signed_twice)[1]
    [(1, 'invalid-transition', 'party 0 has signed already')]
    """
    statuses: list[Status] = []
    refused: list[tuple[int, str, str]] = []
    if n > CODED_PARTIES:
        machine = Machine(n, labels)
        for index, (code, actor, has_by) in enumerate(steps):
            problem = machine.step(_EVENT_OF_CODE[code], None if actor < 0 else actor, has_by)
            statuses.append(machine.status)
            if problem is not None:
                refused.append((index, *problem))
        return statuses, refused
    state = 0
    for code, actor, has_by in steps:
        outcome = STEPS.get((n, state, code, actor, has_by))
        if outcome is None:
            outcome = step(n, state, code, actor, has_by)
        if outcome:
            state = outcome[0]
            statuses.append(_STATUSES.get((n, state)) or status_of(n, state))
        else:
            rule, message = refusal(n, state, code, actor, has_by, labels or ())
            refused.append((len(statuses), rule, message))
            statuses.append(status_of(n, state))
    return statuses, refused


def replay(
    steps: Sequence[tuple[EventType | None, int | None, bool]],
    n_parties: int,
    labels: Sequence[str] | None = None,
) -> list[Transition]:
    """Run the lifecycle over ``(type, actor index or None, has_by)`` steps.

    A step whose type is ``None`` (not in the vocabulary) is skipped. An invalid event is
    reported and skipped; checking goes on from the state before it.
    """
    machine = Machine(n_parties, labels)
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


#: A day: a date, or its ``date.toordinal()`` number (the record pass counts days so).
DayOrOrdinal = TypeVar("DayOrOrdinal", dt.date, int)


def last_known(
    latest: Sequence[DayOrOrdinal | None], day: DayOrOrdinal, today: DayOrOrdinal
) -> int:
    """The index of the last event known by ``day`` (``-1`` when none is).

    ``latest`` holds each listed event's ``date.latest`` (``None`` for an undated event). A
    dated event is known by ``day`` when its latest day is on or before ``day``; an undated one
    when an event listed after it is known, or when no dated event follows it and
    ``day >= today``.
    """
    dated_after = False
    for index in range(len(latest) - 1, -1, -1):
        last_day = latest[index]
        if last_day is None:
            if not dated_after and day >= today:
                return index
        else:
            if last_day <= day:
                return index
            dated_after = True
    return -1


def period(
    types: Sequence[EventType],
    earliest: Sequence[DayOrOrdinal | None],
    latest: Sequence[DayOrOrdinal | None],
) -> tuple[DayOrOrdinal | None, DayOrOrdinal | None]:
    """An agreement's period: from the first signing's earliest day to the end's latest day.

    ``None`` stands for unbounded: no signing, or an undated first signing; no ``terminated`` or
    ``expired`` event with a date.
    """
    start: DayOrOrdinal | None = None
    end: DayOrOrdinal | None = None
    for kind, first in zip(types, earliest, strict=True):
        if kind is EventType.SIGNED:
            start = first
            break
    for kind, last in zip(types, latest, strict=True):
        if last is not None and kind in (EventType.TERMINATED, EventType.EXPIRED):
            end = last
    return start, end
