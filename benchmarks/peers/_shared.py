"""The cross-field record rules, written once for both peers (benchmark only).

The pydantic and msgspec peers parse and structure a record their own way (types, required
fields, vocabularies, patterns, calendar dates), then hand the structured parts to
:func:`cross_field`, which checks what a single field cannot: identity of parties, actors,
event order, the lifecycle (sistercity's own :func:`~sistercity._agreements.replay`), former
name order and the warnings. It reuses sistercity's building blocks (``PartialDate``,
``name_key``, ``replay``, the country tables), so only parsing and structuring differ between
the three implementations.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any, Protocol

from sistercity._agreements import EventType, replay
from sistercity._dates import PartialDate
from sistercity._fields import _CURRENT_COUNTRIES, _HISTORIC_COUNTRIES
from sistercity._places import name_key

__all__ = ["COUNTRIES", "Finding", "cross_field", "parse_date", "valid_name"]

#: Every code a party's country may hold (current codes, XK, and former codes with a warning).
COUNTRIES = _CURRENT_COUNTRIES | _HISTORIC_COUNTRIES
HISTORIC = _HISTORIC_COUNTRIES

#: ``(rule, is_error, path, message)``.
Finding = tuple[str, bool, str, str]


class _FormerName(Protocol):
    name: str
    until: Any


class _Party(Protocol):
    name: str
    country: str
    subdivision: str | None
    wikidata: str | None
    geonames: int | None


class _Event(Protocol):
    type: EventType
    by: str | None
    reason: str | None
    source: str | None


def parse_date(value: str) -> PartialDate:
    """A partial date, parsed once (raises ``ValueError`` with sistercity's message)."""
    return PartialDate(value)


def valid_name(value: str) -> str:
    """A name that is not blank and holds no control characters."""
    if not value.strip():
        raise ValueError("'name' must not be blank")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        raise ValueError("'name' must not hold control characters")
    return value


def former_names_in_order(
    former: Sequence[tuple[PartialDate | None, PartialDate]], base: str
) -> list[Finding]:
    """``former-names-out-of-order`` for one party's ``(from, until)`` pairs."""
    out: list[Finding] = []
    previous: PartialDate | None = None
    for index, (start, until) in enumerate(former):
        path = f"{base}[{index}]"
        if start is not None and not start.earliest < until.earliest:
            out.append(("former-names-out-of-order", True, path, "'from' must come before 'until'"))
        elif previous is not None:
            begins = start if start is not None else previous
            if until.earliest <= previous.earliest or begins.earliest < previous.earliest:
                out.append(("former-names-out-of-order", True, path, "out of order or overlap"))
        previous = until
    return out


def cross_field(
    rid: str,
    parties: Sequence[_Party],
    events: Sequence[_Event],
    dates: Sequence[PartialDate | None],
    sources: Sequence[str],
    supersedes: str | None,
    today: dt.date,
) -> list[Finding]:
    """Every cross-field rule of one structured record, errors and warnings."""
    out: list[Finding] = []
    if supersedes is not None and supersedes == rid:
        out.append(("self-supersedes", True, "$.supersedes", "'supersedes' names its own id"))
    seen: dict[Any, int] = {}
    names: list[tuple[str, ...]] = []
    for index, party in enumerate(parties):
        if party.country in HISTORIC:
            out.append(
                ("historic-country", False, f"$.parties[{index}].country", "a former country")
            )
        if party.wikidata is not None:
            key: Any = party.wikidata
        elif party.geonames is not None:
            key = f"geonames:{party.geonames}"
        else:
            level = getattr(party, "level", "municipality")
            key = (party.country, party.subdivision, str(level), name_key(party.name))
        first = seen.setdefault(key, index)
        if first != index:
            out.append(("duplicate-party", True, f"$.parties[{index}]", "the same place twice"))
        nfc = unicodedata.normalize("NFC", party.name)
        own = (nfc, f"{nfc} ({party.country})")
        names.append((*own, party.wikidata) if party.wikidata is not None else own)
    steps: list[tuple[EventType | None, int | None, bool]] = []
    latest: dt.date | None = None
    any_source = False
    for index, (event, date) in enumerate(zip(events, dates, strict=True)):
        base = f"$.events[{index}]"
        any_source = any_source or event.source is not None
        actor = None
        by = event.by
        if by is not None:
            wanted = unicodedata.normalize("NFC", by)
            found = [i for i, ns in enumerate(names) if wanted in ns]
            if len(found) == 1:
                actor = found[0]
            else:
                out.append(("invalid-actor", True, f"{base}.by", "'by' must name one party"))
                by = None
        if date is not None:
            if latest is not None and date.latest < latest:
                out.append(("events-out-of-order", True, f"{base}.date", "out of order"))
            if latest is None or date.earliest > latest:
                latest = date.earliest
            if date.earliest > today:
                out.append(("future-date", False, f"{base}.date", "after today"))
        kind = EventType(event.type)
        if kind in (EventType.SUSPENDED, EventType.TERMINATED) and event.reason is None:
            out.append(("missing-reason", False, base, "no reason"))
        steps.append((kind, actor, by is not None))
    labels = [ns[0] for ns in names]
    for index, transition in enumerate(replay(steps, len(parties), labels)):
        if transition.rule is not None:
            out.append((transition.rule, True, f"$.events[{index}].type", transition.message or ""))
    if not sources and not any_source:
        out.append(("missing-source", False, "$", "no sources"))
    return out
