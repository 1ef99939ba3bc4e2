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
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ._agreements import Agreement
from ._fields import (
    _AGREEMENT_KEYS,
    _ARRAY,
    _CONTROL,
    _CURRENT_COUNTRIES,
    _EVENT_KEYS,
    _FORMER_NAME_KEYS,
    _HISTORIC_COUNTRIES,
    _INT64,
    _KINDS,
    _LEVELS,
    _PARTY_KEYS,
    _SPACE,
    SPANS,
    SUBDIVISIONS,
    Dated,
    EventParts,
    FieldCheck,
    _suggest,
    built_event,
    by_text,
    check_id,
    date_span,
    encodable,
    issue,
    one_of,
    plain_extensions,
    subdivision_country,
)
from ._identity import WIKIDATA_ID, PlaceKey, key_text, name_key, named, names_index
from ._lifecycle import CODED_PARTIES, EVENT_CODES, STEPS, last_known, period, step, walk
from ._places import City, freeze_extensions
from ._report import Issue
from ._terms import kind_for_term
from ._trusted import checked
from ._vocab import AgreementKind, EventType, PlaceLevel, Status

__all__ = ["Summary", "check_and_summarise", "check_record", "full_check", "quick_check"]


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


# ---- the words of the warnings, shared by the full pass and the quick one -----------------


def _future_date(base: str, date: object, today: dt.date) -> tuple[str, str, str]:
    return (
        "future-date",
        f"{base}.date",
        f"the event is dated {date}, after today ({today.isoformat()})",
    )


def _missing_reason(base: str, event_type: str) -> tuple[str, str, str]:
    return ("missing-reason", base, f"a {event_type!r} event should give a 'reason'")


#: The paths of the parts of a short array (``$.parties[0]``, ...), made once: formatting one
#: costs a tenth of a refused record's check of the part.
_SHORT: Final = 32
_PART_PATHS: Final = {
    array: tuple(f"$.{array}[{index}]" for index in range(_SHORT))
    for array in ("parties", "events")
}


def _part_paths(array: str, n: int) -> Sequence[str]:
    """The paths of the ``n`` parts of ``$.ARRAY``: :data:`_PART_PATHS`' when ``n`` is short."""
    if n <= _SHORT:
        return _PART_PATHS[array]
    return [f"$.{array}[{index}]" for index in range(n)]


_ACTIVE: Final = Status.ACTIVE


@by_text
def _invalid_kind(kind_raw: str) -> str:
    """The message of a ``kind`` outside the vocabulary, with a hint when one can be given."""
    alias = kind_for_term(kind_raw)
    folded = kind_raw.strip().casefold()
    if folded in _KINDS:  # 'Twinning': the value, written another way
        hint = f"; did you mean {folded!r}?"
    elif alias is not None:
        hint = f"; {kind_raw!r} is a source term for {alias.value!r}: put it in 'term'"
    else:
        near = _suggest(kind_raw, AgreementKind._value2member_map_)
        hint = f"; did you mean {near!r}?" if near else ""
    return one_of("kind", AgreementKind, kind_raw, hint)


_MISSING_SOURCE: Final = (
    "missing-source",
    "$",
    "the record gives no 'sources' and no event 'source'; say where it comes from",
)


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
    ``active`` meaning active on ``today``. Without ``build``, :func:`quick_check` answers
    first; only a record it cannot vouch for gets the full pass.
    """
    if today is None:
        today = dt.date.today()
    if not build:
        quick = quick_check(raw, today)
        if quick is not None:
            return quick[0], None, quick[1] if summarise else None
    return full_check(raw, today, build=build, summarise=summarise)


def full_check(
    raw: object,
    today: dt.date,
    file: str | None = None,
    line: int | None = None,
    index: int | None = None,
    *,
    build: bool = False,
    summarise: bool = True,
) -> tuple[list[Issue], Agreement | None, Summary | None]:
    """:func:`check_and_summarise` without :func:`quick_check`: the definition of the rules.

    Every issue is worded here; :func:`quick_check` only vouches for the records that this
    finds no error in. The issues are located at ``file``, ``line`` and ``index`` when they
    are given, as :func:`quick_check`'s are (so that a caller need not remake them located).
    """
    check = FieldCheck(today, build=build)
    check.file, check.line, check.index = file, line, index
    if type(raw) is not dict and not isinstance(raw, Mapping):
        check.wrong_type("$", "record", "a JSON object", raw)
        return check.issues, None, None
    rid = raw.get("id")
    if isinstance(rid, str):
        check.rid = rid
    kind_raw = raw.get("kind")
    term_raw = raw.get("term")
    notes_raw = raw.get("notes")
    sources_raw = raw.get("sources")
    supersedes = raw.get("supersedes")
    parties_raw = raw.get("parties")
    events_raw = raw.get("events")
    # each field read with a value counts one: when that is every key, there is no other
    given = (
        (rid is not None)
        + (kind_raw is not None)
        + (term_raw is not None)
        + (notes_raw is not None)
        + (sources_raw is not None)
        + (supersedes is not None)
        + (parties_raw is not None)
        + (events_raw is not None)
    )
    extensions = {} if len(raw) == given else check.extensions(raw, _AGREEMENT_KEYS, "$")
    # id
    if rid is None:
        check.missing("$.id", "id")
    elif not isinstance(rid, str):
        check.wrong_type("$.id", "id", "a string", rid)
    else:
        check_id(check, rid, "$.id", "id")
    # kind
    kind: AgreementKind | None = None
    if kind_raw is None:
        check.missing("$.kind", "kind")
    elif type(kind_raw) is str and kind_raw in _KINDS:  # the common case first
        kind = _KINDS[kind_raw]
    elif not isinstance(kind_raw, str):
        check.wrong_type("$.kind", "kind", "a string", kind_raw)
    elif kind_raw in _KINDS:
        kind = _KINDS[kind_raw]
    else:
        check.add("invalid-kind", "$.kind", _invalid_kind(kind_raw))
    term = None if term_raw is None else check.text(term_raw, "term", "$")
    notes = None if notes_raw is None else check.text(notes_raw, "notes", "$")
    # sources
    sources: list[str] = []
    if sources_raw is not None:
        if not isinstance(sources_raw, _ARRAY):
            check.wrong_type("$.sources", "sources", "an array of strings", sources_raw)
        else:
            for at, source in enumerate(sources_raw):
                if not isinstance(source, str):
                    check.wrong_type(f"$.sources[{at}]", "sources", "strings", source)
                elif source.isascii() or check.unicode_ok(source, f"$.sources[{at}]", "sources"):
                    sources.append(source)
    # supersedes
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
    cities: list[City | None] = []
    party_keys: list[PlaceKey] = []
    # the status after each event the lifecycle steps (for the summary)
    statuses: list[Status] = []
    names: list[tuple[str, ...]] = []
    by_names: dict[str, list[int]] | None = None  # names_index(names), at the first 'by'
    # what the lifecycle's messages call each party (Machine's labels)
    labels: list[str] = []
    if parties_raw is None:
        check.missing("$.parties", "parties")
    elif not isinstance(parties_raw, _ARRAY):
        check.wrong_type("$.parties", "parties", "an array of at least two parties", parties_raw)
    else:
        seen: dict[PlaceKey, int] = {}
        paths = _part_paths("parties", len(parties_raw))
        for at, party_raw in enumerate(parties_raw):
            path = paths[at]
            city, key, party_names = check.party(party_raw, path)
            if key is not None:
                party_keys.append(key)
            cities.append(city)
            names.append(party_names)
            labels.append(party_names[0] if party_names else "")
            if key is not None:
                first = seen.setdefault(key, at)
                if first != at:
                    check.add(
                        "duplicate-party",
                        path,
                        f"party {at} is the same place as party {first} (identity {key_text(key)})",
                    )
        if len(parties_raw) < 2:
            check.add(
                "too-few-parties",
                "$.parties",
                f"an agreement needs at least two parties (got {len(parties_raw)})",
            )
    # events
    # the parts of each event, built into Events only when the agreement is (its fields are
    # checked here, so building must not check them again)
    event_parts: list[tuple[EventType, Dated | None, str | None, EventParts]] = []
    any_event_source = False
    if events_raw is not None and not isinstance(events_raw, _ARRAY):
        check.wrong_type("$.events", "events", "an array", events_raw)
        events_raw = None
    # (event code, actor or -1, has by) of each event for the lifecycle, and the event's path
    steps: list[tuple[int, int, bool]] = []
    stepped: list[str] = []
    # the latest earliest day of the events so far (day ordinals start at 1: 0 is none yet)
    latest_start = 0
    latest_start_at = -1
    today_day = today.toordinal()
    paths = _part_paths("events", len(events_raw) if events_raw is not None else 0)
    for at, event_raw in enumerate(events_raw or ()):
        base = paths[at]
        parts, kind_e, date = check.event(event_raw, base)
        if parts is None:
            continue
        by, reason, source, _, decided, _, _, _ = parts
        if source is not None:
            any_event_source = True
        actor = -1
        if by is not None and parties_raw is not None:
            if by_names is None:  # made at the first 'by': one lookup an event, not a scan
                by_names = names_index(names)
            found = named(by, by_names)
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
            # (a Dated is (earliest day, latest day, shown): "definitely before" is the latest
            # day before the other's earliest, as PartialDate.definitely_before)
            earliest, latest, shown = date
            if latest < latest_start:
                check.add(
                    "events-out-of-order",
                    f"{base}.date",
                    f"event {at} ({shown}) is definitely before event "
                    f"{latest_start_at}, listed earlier; list events in date order",
                )
            if earliest > latest_start:
                latest_start, latest_start_at = earliest, at
            if decided is not None and latest < decided[0]:
                check.add(
                    "decided-after-effective",
                    f"{base}.decided",
                    f"'decided' ({decided[2]}) is definitely after 'date' ({shown}), the day "
                    "the act took effect; an act cannot take effect before it is decided",
                )
            if earliest > today_day:
                check.add(*_future_date(base, shown, today))
        if kind_e is None:
            continue
        code = EVENT_CODES[kind_e]  # keyed by the values, which the str enum's members equal
        if code in _NEEDS_REASON and reason is None:
            check.add(*_missing_reason(base, kind_e.value))
        steps.append((code, actor, by is not None))
        stepped.append(base)
        event_parts.append((kind_e, date, by, parts))
    if isinstance(parties_raw, _ARRAY) and parties_raw:
        # With no parties at all, too-few-parties says it; the lifecycle has no one to act.
        # the lifecycle machine of ``replay``: an event outside the vocabulary is skipped, an
        # invalid one is reported and changes nothing
        statuses, refused = walk(len(parties_raw), steps, labels)
        for at, rule, message in refused:
            check.add(rule, f"{stepped[at]}.type", message)
    # A 'sources' of the wrong type is malformed-record already; missing-source would repeat it.
    sources_given = sources_raw is not None and not (
        isinstance(sources_raw, _ARRAY) and not sources_raw
    )
    if not sources_given and not any_event_source:
        check.add(*_MISSING_SOURCE)
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
    events = tuple(built_event(kind_e, date, by, parts) for kind_e, date, by, parts in event_parts)
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
    event_parts: list[tuple[EventType, Dated | None, str | None, EventParts]],
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
    earliest = [part[1][0] if part[1] is not None else None for part in event_parts]
    latest = [part[1][1] if part[1] is not None else None for part in event_parts]
    start, end = period(types, earliest, latest)
    now = (dt.date.today() if today is None else today).toordinal()
    last = last_known(latest, now, now)
    active = last >= 0 and statuses[last] is _ACTIVE
    return (rid, kind, tuple(keys), tuple(place_ids), start, end, supersedes, active)


# ---- the quick check ------------------------------------------------------------------------
#
# Most records are valid. ``quick_check`` reads such a record once, with no paths, messages,
# issue objects or model objects, using the full pass's own tables, patterns, date parser and
# lifecycle machine (through the memo of ``_lifecycle.step``). It gives up (returns None) at the
# first thing that is not plainly right: any error, a warning it does not word itself, a
# mapping that is not a dict, a tuple for a list, a key it does not know. The full pass then
# checks the record from the start, so every issue of a broken record is worded by it alone.
# ``tests/test_fast_path.py`` holds the two together on generated valid and broken records.

# The keys the quick check reads; any other key but an ``x-`` one sends the record to the full
# pass (so a key added to the format can never be let through unchecked).
_QUICK_RECORD_KEYS: Final = frozenset(
    {"id", "kind", "term", "parties", "events", "sources", "supersedes", "notes"}
)
_QUICK_PARTY_KEYS: Final = frozenset(
    {"name", "country", "subdivision", "level", "wikidata", "geonames", "former_names"}
)
_ACT_TEXTS: Final = ("body", "condition")
_ACT_DATES: Final = ("decided", "announced")
_QUICK_EVENT_KEYS: Final = frozenset(
    {"type", "date", "by", "reason", "source", *_ACT_TEXTS, *_ACT_DATES}
)
_QUICK_FORMER_KEYS: Final = frozenset({"name", "country", "from", "until"})
for _quick, _full in (
    (_QUICK_RECORD_KEYS, _AGREEMENT_KEYS),
    (_QUICK_PARTY_KEYS, _PARTY_KEYS),
    (_QUICK_EVENT_KEYS, _EVENT_KEYS),
    (_QUICK_FORMER_KEYS, _FORMER_NAME_KEYS),
):
    if not _quick <= _full:  # pragma: no cover
        raise RuntimeError("_record's quick keys name a key the record format no longer has")

_KNOWN_COUNTRIES: Final = _CURRENT_COUNTRIES | _HISTORIC_COUNTRIES
_SIGNED: Final = EVENT_CODES[EventType.SIGNED.value]
_ENDS: Final = frozenset(
    {EVENT_CODES[EventType.TERMINATED.value], EVENT_CODES[EventType.EXPIRED.value]}
)
_NEEDS_REASON: Final = frozenset(
    {EVENT_CODES[EventType.SUSPENDED.value], EVENT_CODES[EventType.TERMINATED.value]}
)
_HIGH: Final = _INT64[1]
_MUNICIPALITY: Final = PlaceLevel.MUNICIPALITY.value
_NFC: Final = unicodedata.normalize
_CONTROL_SEARCH: Final = _CONTROL.search
_SPACE_SEARCH: Final = _SPACE.search
_WIKIDATA_MATCH: Final = WIKIDATA_ID.fullmatch


# Fast paths with str methods (one call each, where a regex search costs several times more),
# each falling back to the full pass's own test when it cannot vouch. ``isprintable()`` is
# False for every control character (category Cc), every lone surrogate and every white space
# but " ", so a printable text is encodable and holds no control; one without " " holds no
# white space either.


def _plain_id(text: str) -> bool:
    """A printable id with no space: encodable, no white space (else ask :func:`_id_ok`)."""
    return text.isprintable() and " " not in text


def _id_ok(text: str) -> bool:
    return encodable(text) and _SPACE_SEARCH(text) is None


def _name_ok(text: str) -> bool:
    return encodable(text) and _CONTROL_SEARCH(text) is None


def _former_names_ok(former: object) -> bool:
    """Former names the full pass reads with no issue (``FieldCheck.former_names``)."""
    if type(former) is not list:
        return False
    previous = None
    for item in former:
        if type(item) is not dict:
            return False
        if not item.keys() <= _QUICK_FORMER_KEYS and not plain_extensions(item, _QUICK_FORMER_KEYS):
            return False
        name = item.get("name")
        if type(name) is not str or not (name.isprintable() or _name_ok(name)) or not name.strip():
            return False
        country = item.get("country")
        if country is not None and (type(country) is not str or country not in _KNOWN_COUNTRIES):
            return False
        until = item.get("until")
        if type(until) is not str:
            return False
        span = SPANS.get(until) or date_span(until)
        if span is None:
            return False
        start = item.get("from")
        if start is not None:
            if type(start) is not str:
                return False
            begins = SPANS.get(start) or date_span(start)
            if begins is None or begins[0] >= span[0]:
                return False
            if previous is not None and begins[0] < previous:
                return False
        if previous is not None and span[0] <= previous:
            return False
        previous = span[0]
    return True


def quick_check(
    raw: object,
    today: dt.date,
    file: str | None = None,
    line: int | None = None,
    index: int | None = None,
) -> tuple[list[Issue], Summary] | None:
    """The issues and summary of a record that breaks no error rule, quickly; else ``None``.

    ``None`` says only "ask the full pass" (:func:`check_and_summarise`), which gives the same
    answer as this whenever this gives one. The issues can be only the warnings
    ``future-date``, ``missing-reason`` and ``missing-source``, located at ``file``, ``line``
    and ``index`` when they are given (the full pass's issues are located by the caller).
    (The checks are written out in line, not called: a call per value would cost as much as
    the checking.)
    """
    if type(raw) is not dict:
        return None
    # Keys: each known key read with a value counts one; when the count is the dict's length,
    # no other key is there (the quick answer). Otherwise the keys are looked at one by one.
    rid = raw.get("id")
    if type(rid) is not str or not 1 <= len(rid) <= 200 or not (_plain_id(rid) or _id_ok(rid)):
        return None
    kind_raw = raw.get("kind")
    if type(kind_raw) is not str:
        return None
    kind = _KINDS.get(kind_raw)
    if kind is None:
        return None
    found = 2
    term = raw.get("term")
    if term is not None:
        if type(term) is not str or not (term.isascii() or encodable(term)):
            return None
        found += 1
    notes = raw.get("notes")
    if notes is not None:
        if type(notes) is not str or not (notes.isascii() or encodable(notes)):
            return None
        found += 1
    sources = raw.get("sources")
    sourced = False
    if sources is not None:
        found += 1
        if type(sources) is not list:
            return None
        for source in sources:
            if type(source) is not str or not (source.isascii() or encodable(source)):
                return None
        sourced = bool(sources)
    supersedes = raw.get("supersedes")
    if supersedes is not None:
        if (
            type(supersedes) is not str
            or supersedes == rid
            or not 1 <= len(supersedes) <= 200
            or not (_plain_id(supersedes) or _id_ok(supersedes))
        ):
            return None
        found += 1
    # parties
    parties = raw.get("parties")
    if type(parties) is not list or len(parties) < 2:
        return None
    events = raw.get("events")
    if events is None:
        events = ()
    elif type(events) is not list:
        return None
    else:
        found += 1
    if len(raw) != found + 1 and not plain_extensions(raw, _QUICK_RECORD_KEYS):
        return None
    n = len(parties)
    if n > CODED_PARTIES:  # the lifecycle is stepped as state codes below: the full pass
        return None
    keys: list[PlaceKey] = []
    place_ids: list[tuple[str, str]] = []
    for party in parties:
        if type(party) is not dict:
            return None
        found = 2
        name = party.get("name")
        if type(name) is not str or not (name.isprintable() or _name_ok(name)) or not name.strip():
            return None
        country = party.get("country")
        if type(country) is not str or country not in _CURRENT_COUNTRIES:
            return None
        wikidata = party.get("wikidata")
        geonames = party.get("geonames")
        if geonames is not None:
            if type(geonames) is not int or not 1 <= geonames <= _HIGH:
                return None
            token = f"geonames:{geonames}"
            found += 1
        if wikidata is not None:
            found += 1
        subdivision = level = None
        if len(party) != found:  # else no other key is there: no rarer key to read
            subdivision = party.get("subdivision")
            if subdivision is not None:
                if (
                    type(subdivision) is not str
                    or (SUBDIVISIONS.get(subdivision) or subdivision_country(subdivision))
                    != country
                ):
                    return None
                found += 1
            level = party.get("level")
            if level is not None:
                if type(level) is not str or level not in _LEVELS:
                    return None
                found += 1
            former = party.get("former_names")
            if former is not None:
                if not _former_names_ok(former):
                    return None
                found += 1
            if len(party) != found and not plain_extensions(party, _QUICK_PARTY_KEYS):
                return None
        if wikidata is not None:
            if type(wikidata) is not str or _WIKIDATA_MATCH(wikidata) is None:
                return None
            keys.append(wikidata)
            place_ids.append((wikidata, country))
            if geonames is not None:
                place_ids.append((token, country))
        elif geonames is not None:
            keys.append(token)
            place_ids.append((token, country))
        else:
            keys.append((country, subdivision, level or _MUNICIPALITY, name_key(name)))
    if (keys[0] == keys[1]) if n == 2 else len(set(keys)) != n:
        return None
    # events
    issues: list[Issue] = []
    today_day = today.toordinal()
    names: list[tuple[str, str, str | None]] | None = None
    state = 0
    outcome: tuple[int, bool] | tuple[()] = ()
    active = False  # after the last event known today
    latest_start = -1
    start: int | None = None
    end: int | None = None
    signed = False
    span: tuple[int, int] | None = None
    n_event = -1
    for event in events:
        n_event += 1
        if type(event) is not dict:
            return None
        found = 1
        type_raw = event.get("type")
        if type(type_raw) is not str:
            return None
        code = EVENT_CODES.get(type_raw)
        if code is None:
            return None
        date = event.get("date")
        if date is None:
            span = None
        else:
            found += 1
            if type(date) is not str:
                return None
            span = SPANS.get(date) or date_span(date)
            if span is None or span[1] < latest_start:
                return None
            if span[0] > latest_start:
                latest_start = span[0]
        by = reason = None
        actor = -1
        size = len(event)
        if size != found:  # else no other key is there: none of the rarer keys to read
            by = event.get("by")
            if by is not None:
                found += 1
                if type(by) is not str:
                    return None
                if by.isascii():
                    wanted = by  # ASCII text is NFC already
                elif encodable(by):
                    wanted = _NFC("NFC", by)
                else:
                    return None
                if names is None:
                    names = _names(parties)
                qualified = wanted[-1:] == ")"
                for i, (nfc, country, wikidata) in enumerate(names):
                    if wanted in (nfc, wikidata) or (qualified and wanted == f"{nfc} ({country})"):
                        if actor >= 0:
                            return None
                        actor = i
                if actor < 0:
                    return None
            reason = event.get("reason")
            if reason is not None:
                if type(reason) is not str or not (reason.isascii() or encodable(reason)):
                    return None
                found += 1
            source = event.get("source")
            if source is not None:
                if type(source) is not str or not (source.isascii() or encodable(source)):
                    return None
                if source.strip():
                    sourced = True
                found += 1
            if size != found:  # else no act key to read
                for text_key in _ACT_TEXTS:  # body, condition: optional text, as reason
                    text = event.get(text_key)
                    if text is not None:
                        if type(text) is not str or not (text.isascii() or encodable(text)):
                            return None
                        found += 1
                for date_key in _ACT_DATES:  # decided, announced: partial dates, as date
                    when = event.get(date_key)
                    if when is not None:
                        if type(when) is not str:
                            return None
                        when_span = SPANS.get(when) or date_span(when)
                        if when_span is None:
                            return None
                        # decided-after-effective: the full pass words it
                        if date_key == "decided" and span is not None and span[1] < when_span[0]:
                            return None
                        found += 1
                if size != found and not plain_extensions(event, _QUICK_EVENT_KEYS):
                    return None
        outcome = STEPS.get((n, state, code, actor, by is not None))  # type: ignore[assignment]
        if outcome is None:
            outcome = step(n, state, code, actor, by is not None)
        if not outcome:
            return None
        state = outcome[0]
        # warnings, in the full pass's order
        if span is not None and span[0] > today_day:
            issues.append(
                _warning(rid, *_future_date(f"$.events[{n_event}]", date, today), file, line, index)
            )
        if code in _NEEDS_REASON and (reason is None or not reason.strip()):
            issues.append(
                _warning(rid, *_missing_reason(f"$.events[{n_event}]", type_raw), file, line, index)
            )
        # the summary: the period (lifecycle.period) and the status today (last_known)
        if code == _SIGNED:
            if not signed:
                signed = True
                start = None if span is None else span[0]
        elif span is not None and code in _ENDS:
            end = span[1]
        if span is not None and span[1] <= today_day:
            active = outcome[1]
    if outcome and span is None:
        active = outcome[1]  # an undated last event is known today
    if not sourced:
        issues.append(_warning(rid, *_MISSING_SOURCE, file, line, index))
    return issues, (rid, kind, tuple(keys), tuple(place_ids), start, end, supersedes, active)


def _names(parties: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    """What names each party in a ``by``, as the full pass reads it.

    For each party: its name in NFC, its country (``by`` may be ``"NAME (CC)"``) and its
    Wikidata id.
    """
    out = []
    for party in parties:
        name = party["name"]
        out.append(
            (name if name.isascii() else _NFC("NFC", name), party["country"], party.get("wikidata"))
        )
    return out


def _warning(
    rid: str,
    rule: str,
    path: str,
    message: str,
    file: str | None,
    line: int | None,
    index: int | None,
) -> Issue:
    return issue(rule, path, message, rid, file, line, index)
