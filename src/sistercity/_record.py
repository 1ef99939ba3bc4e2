"""The one-pass record check: every record rule over one raw record.

Every record rule is checked in one pass over the raw record (a JSON-like mapping), so that the
combinations of the rules hold: an invalid date is treated as undated by every other rule, an
invalid ``by`` as if there were none, a broken event is reported and skipped, and each event
gets at most one lifecycle issue. Per-field validators cannot do this: they stop at the first
failure and know only their own object's path.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import Any

from ._agreements import Agreement, Event
from ._dates import PartialDate
from ._fields import (
    _AGREEMENT_KEYS,
    _KINDS,
    FieldCheck,
    _short,
    _suggest,
    check_id,
)
from ._identity import PlaceKey
from ._lifecycle import Machine, last_known, period
from ._places import City, freeze_extensions
from ._report import Issue
from ._terms import kind_for_term
from ._trusted import checked
from ._vocab import AgreementKind, EventType, Status

__all__ = ["Summary", "check_and_summarise", "check_record"]


#: What the collection rules keep of a valid record (see ``_collection.RecordSummary``, which
#: adds where the record was read): ``(id, kind, keys, place_ids, start, end, supersedes,
#: active)``, with the period's bounds as ``date.toordinal()`` and ``active`` on ``today``.
Summary = tuple[
    str,
    AgreementKind,
    tuple[PlaceKey, ...],
    tuple[tuple[str, str], ...],
    int | None,
    int | None,
    str | None,
    bool,
]


def check_record(
    raw: object, *, today: dt.date | None = None, build: bool = True
) -> tuple[list[Issue], Agreement | None]:
    """Check one raw record against every built-in record rule, in one pass.

    Returns the issues (errors and warnings, unfiltered) and, when there is no error and
    ``build`` is true, the :class:`Agreement`. ``today`` decides ``future-date`` (default: the
    real date).
    """
    issues, agreement, _ = check_and_summarise(raw, today=today, build=build, summarise=False)
    return issues, agreement


def check_and_summarise(
    raw: object, *, today: dt.date | None = None, build: bool = False, summarise: bool = True
) -> tuple[list[Issue], Agreement | None, Summary | None]:
    """:func:`check_record`, and for a record with no error the collection rules' summary.

    The summary is taken in the same pass (no second lifecycle replay, no model objects), with
    ``active`` meaning active on ``today``.
    """
    check = FieldCheck(today, build=build)
    if type(raw) is not dict and not isinstance(raw, Mapping):
        check.wrong_type("$", "record", "a JSON object", raw)
        return check.issues, None, None
    rid = raw.get("id")
    if isinstance(rid, str):
        check.rid = rid
    extensions = check.extensions(raw, _AGREEMENT_KEYS, "$")
    # id
    if rid is None:
        check.missing("$.id", "id")
    elif not isinstance(rid, str):
        check.wrong_type("$.id", "id", "a string", rid)
    else:
        check_id(check, rid, "$.id", "id")
    # kind
    kind_raw = raw.get("kind")
    kind: AgreementKind | None = None
    if kind_raw is None:
        check.missing("$.kind", "kind")
    elif not isinstance(kind_raw, str):
        check.wrong_type("$.kind", "kind", "a string", kind_raw)
    elif kind_raw in _KINDS:
        kind = _KINDS[kind_raw]
    else:
        alias = kind_for_term(kind_raw)
        values = ", ".join(AgreementKind._value2member_map_)
        if alias is not None:
            hint = f"; {kind_raw!r} is a source term for {alias.value!r}: put it in 'term'"
        else:
            near = _suggest(kind_raw, AgreementKind._value2member_map_)
            hint = f"; did you mean {near!r}?" if near else ""
        check.add(
            "invalid-kind", "$.kind", f"'kind' must be one of {values} (got {kind_raw!r}{hint})"
        )
    term = check.text(raw, "term", "$")
    notes = check.text(raw, "notes", "$")
    # sources
    sources_raw = raw.get("sources")
    sources: list[str] = []
    if sources_raw is not None:
        if not isinstance(sources_raw, list | tuple):
            check.wrong_type("$.sources", "sources", "an array of strings", sources_raw)
        else:
            for index, source in enumerate(sources_raw):
                path = f"$.sources[{index}]"
                if not isinstance(source, str):
                    check.wrong_type(path, "sources", "strings", source)
                elif check.unicode_ok(source, path, "sources"):
                    sources.append(source)
    # supersedes
    supersedes = raw.get("supersedes")
    if supersedes is not None:
        if not isinstance(supersedes, str):
            check.wrong_type("$.supersedes", "supersedes", "a string", supersedes)
            supersedes = None
        elif not check_id(check, supersedes, "$.supersedes", "supersedes"):
            supersedes = None
        elif supersedes == rid:
            check.add(
                "self-supersedes", "$.supersedes", f"'supersedes' names the record's own id {rid!r}"
            )
    # parties
    parties_raw = raw.get("parties")
    cities: list[City | None] = []
    party_keys: list[PlaceKey] = []
    statuses: list[Status] = []
    names: list[tuple[str, ...]] = []
    if parties_raw is None:
        check.missing("$.parties", "parties")
    elif not isinstance(parties_raw, list | tuple):
        check.wrong_type("$.parties", "parties", "an array of at least two parties", parties_raw)
    else:
        seen: dict[PlaceKey, int] = {}
        for index, party_raw in enumerate(parties_raw):
            path = f"$.parties[{index}]"
            city, key, party_names = check.party(party_raw, path)
            if key is not None:
                party_keys.append(key)
            cities.append(city)
            names.append(party_names)
            if key is not None:
                first = seen.setdefault(key, index)
                if first != index:
                    check.add(
                        "duplicate-party",
                        path,
                        f"party {index} is the same place as party {first} "
                        f"(identity {_short(key)})",
                    )
        if len(parties_raw) < 2:
            check.add(
                "too-few-parties",
                "$.parties",
                f"an agreement needs at least two parties (got {len(parties_raw)})",
            )
    # events
    events_raw = raw.get("events")
    # the parts of each event, built into Events only when the agreement is (its fields are
    # checked here, so building must not check them again)
    event_parts: list[tuple[EventType, PartialDate | None, str | None, dict[str, Any]]] = []
    any_event_source = False
    if events_raw is not None and not isinstance(events_raw, list | tuple):
        check.wrong_type("$.events", "events", "an array", events_raw)
        events_raw = None
    # (type, actor, has by, path of the event) for the lifecycle
    steps: list[tuple[EventType, int | None, bool, str]] = []
    latest_start: dt.date | None = None
    latest_start_at = -1
    today_day = today
    for index, event_raw in enumerate(events_raw or ()):
        base = f"$.events[{index}]"
        parts, kind_e, date = check.event(event_raw, base)
        if parts is None:
            continue
        if parts["source"] is not None:
            any_event_source = True
        actor: int | None = None
        by = parts["by"]
        if by is not None and parties_raw is not None:
            wanted = unicodedata.normalize("NFC", by)
            found = [i for i, ns in enumerate(names) if wanted in ns]
            if len(found) == 1:
                actor = found[0]
            else:
                what = "no party" if not found else f"parties {', '.join(map(str, found))}"
                check.add(
                    "invalid-actor",
                    f"{base}.by",
                    f"'by' must name exactly one party by its wikidata id, its name or "
                    f"'name (CC)' (got {by!r}, which matches {what})",
                )
                by = None
        if date is not None:
            if latest_start is not None and date.latest < latest_start:
                check.add(
                    "events-out-of-order",
                    f"{base}.date",
                    f"event {index} ({date}) is definitely before event "
                    f"{latest_start_at}, listed earlier; list events in date order",
                )
            if latest_start is None or date.earliest > latest_start:
                latest_start, latest_start_at = date.earliest, index
            decided = parts["decided"]
            if decided is not None and date.definitely_before(decided):
                check.add(
                    "decided-after-effective",
                    f"{base}.decided",
                    f"'decided' ({decided}) is definitely after 'date' ({date}), the day the "
                    "act took effect; an act cannot take effect before it is decided",
                )
            if today_day is None:
                today_day = dt.date.today()
            if date.earliest > today_day:
                check.add(
                    "future-date",
                    f"{base}.date",
                    f"the event is dated {date}, after today ({today_day.isoformat()})",
                )
        if kind_e in (EventType.SUSPENDED, EventType.TERMINATED) and parts["reason"] is None:
            check.add("missing-reason", base, f"a {kind_e.value!r} event should give a 'reason'")
        if kind_e is not None:
            steps.append((kind_e, actor, by is not None, base))
            event_parts.append((kind_e, date, by, parts))
    if isinstance(parties_raw, list | tuple) and parties_raw:
        # With no parties at all, too-few-parties says it; the lifecycle has no one to act.
        # the lifecycle machine of ``replay``, stepped directly: an event outside the
        # vocabulary is skipped, an invalid one is reported and changes nothing
        labels = [ns[0] if ns else "" for ns in names]
        machine = Machine(len(parties_raw), labels)
        for kind_e, actor, has_by, base in steps:
            problem = machine.step(kind_e, actor, has_by)
            if problem is not None:
                check.add(problem[0], f"{base}.type", problem[1])
            elif summarise:
                statuses.append(machine.status)
    # A 'sources' of the wrong type is malformed-record already; missing-source would repeat it.
    sources_given = sources_raw is not None and not (
        isinstance(sources_raw, list | tuple) and not sources_raw
    )
    if not sources_given and not any_event_source:
        check.add(
            "missing-source",
            "$",
            "the record gives no 'sources' and no event 'source'; say where it comes from",
        )
    if check.errors:
        return check.issues, None, None
    assert isinstance(rid, str) and kind is not None
    summary: Summary | None = None
    if summarise:
        summary = _summary(
            rid, kind, party_keys, parties_raw, event_parts, statuses, supersedes, today
        )
    if not build:
        return check.issues, None, summary
    events = tuple(
        checked(
            Event,
            (
                kind_e,
                date,
                by,
                parts["reason"],
                parts["source"],
                parts["body"],
                parts["decided"],
                parts["announced"],
                parts["condition"],
                freeze_extensions(parts["extensions"]),
            ),
        )
        for kind_e, date, by, parts in event_parts
    )
    agreement: Agreement = checked(
        Agreement,
        (
            rid,
            kind,
            tuple(c for c in cities if c is not None),
            events,
            term,
            tuple(sources),
            supersedes,
            notes,
            freeze_extensions(extensions),
        ),
    )
    return check.issues, agreement, summary


def _summary(
    rid: str,
    kind: AgreementKind,
    keys: list[PlaceKey],
    parties_raw: Any,
    event_parts: list[tuple[EventType, PartialDate | None, str | None, dict[str, Any]]],
    statuses: list[Status],
    supersedes: str | None,
    today: dt.date | None,
) -> Summary:
    place_ids: list[tuple[str, str]] = []
    for party in parties_raw:
        country = party["country"]
        wikidata = party.get("wikidata")
        if wikidata is not None:
            place_ids.append((wikidata, country))
        geonames = party.get("geonames")
        if geonames is not None:
            place_ids.append((f"geonames:{geonames}", country))
    types = [part[0] for part in event_parts]
    earliest = [part[1].earliest if part[1] is not None else None for part in event_parts]
    latest = [part[1].latest if part[1] is not None else None for part in event_parts]
    start, end = period(types, earliest, latest)
    now = dt.date.today() if today is None else today
    last = last_known(latest, now, now)
    active = last >= 0 and statuses[last] is Status.ACTIVE
    return (
        rid,
        kind,
        tuple(keys),
        tuple(place_ids),
        None if start is None else start.toordinal(),
        None if end is None else end.toordinal(),
        supersedes,
        active,
    )
