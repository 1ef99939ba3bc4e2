"""Wikidata P190 ("twinned administrative body") statements to records (SPEC §7).

Two inputs, told apart by their content:

- entity JSON: ``Special:EntityData`` and ``wbgetentities`` answers (``{"entities": {...}}``),
  one entity object, a JSON array of entities, or dump lines (one entity per line, trailing
  commas and ``[``/``]`` lines allowed). Every entity of every input file forms one pool,
  against which partners (labels, P17) and countries (P297) are resolved;
- the JSON results of the SPARQL query this package ships (:data:`SPARQL_QUERY`, the file
  ``query.rq``): ``{"head": ..., "results": {"bindings": [...]}}``.

The mapping:

- each P190 statement gives an agreement of kind ``unspecified`` between the two places, its
  parties in numeric QID order, id ``wikidata-<QID>-<QID>`` in that order;
- a party's name is its label in ``lang`` (default English), else ``mul``, else the first
  language in alphabetical order; its country is its P17 of preferred rank, else the one of
  normal rank without an end time (P582), and then that country's P297 code. A place with a
  P297 of its own is a country (``level`` ``country``);
- qualifier P580 (start time) gives ``signed``, an undated one when there is none; P582 (end
  time) gives ``terminated`` (``novalue``: no end); P1534 (end cause) gives its ``reason``, the
  cause's label when the input has it, else its QID (an end cause without an end time still
  says the link ended: an undated ``terminated``);
- times: precision 9, 10, 11 give ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``; digits finer than the
  precision are ignored (``+1953-00-00T00:00:00Z`` and ``+1953-01-01T00:00:00Z`` at precision 9
  are both ``1953``); a finer precision is read as a day. ``somevalue`` gives an undated event.
  A Julian-calendar date at day precision is converted to the Gregorian calendar. A coarser
  precision (decade, century) gives an undated event and a line in ``notes``; a time that is
  no date of years 1 to 9999 refuses the statement (``unresolved-reference``);
- a deprecated statement is left out (``deprecated-statement``); reference URLs (P854) become
  ``sources``;
- a pair stated from both sides is one agreement: where one side's date refines the other's
  the finer is taken, an event stated by one side only is kept, and any other disagreement
  keeps the side of the smaller QID and warns ``conflicting-statements``. A statement whose
  partner states nothing back warns ``missing-reciprocal``;
- a partner or a country that the input cannot resolve (not in the input, no label, no single
  current country, no P297) refuses the statement with ``unresolved-reference``: nothing is
  guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any, Final

import attrs

from .._dates import PartialDate
from .._report import Issue, Severity
from . import Draft, ImportFailed, ImportResult, finish, refine

__all__ = ["JULIAN", "SPARQL_QUERY", "import_wikidata", "julian_to_gregorian", "parse_time"]

#: The SPARQL query whose JSON results :func:`import_wikidata` reads (``query.rq``).
SPARQL_QUERY: Final = resources.files(__package__).joinpath("query.rq").read_text("utf-8")

#: The calendar model of the proleptic Julian calendar.
JULIAN: Final = "Q1985786"
_ENTITY: Final = "http://www.wikidata.org/entity/"
_QID: Final = re.compile(r"Q[1-9][0-9]*")
_TIME: Final = re.compile(r"([+-]?)(\d+)-(\d\d)-(\d\d)T")
_PRECISION_NAMES: Final = {
    0: "billion years", 1: "hundred million years", 3: "million years", 4: "hundred thousand "
    "years", 5: "ten thousand years", 6: "millennium", 7: "century", 8: "decade",
}  # fmt: skip


class _Unreadable(ValueError):
    """A time value that is no date the record format can hold."""


def julian_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian day of a day in the proleptic Julian calendar.

    >>> julian_to_gregorian(1582, 10, 5)
    datetime.date(1582, 10, 15)
    >>> julian_to_gregorian(1917, 10, 25)
    datetime.date(1917, 11, 7)
    """
    if not 1 <= month <= 12:
        raise _Unreadable(f"month {month:02d} does not exist")
    last = 29 if month == 2 and year % 4 == 0 else calendar.monthrange(2001, month)[1]
    if not 1 <= day <= last:
        raise _Unreadable(
            f"{year:04d}-{month:02d} has days 01 to {last:02d} in the Julian calendar"
        )
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    jdn = day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    ordinal = jdn - 1721425
    if ordinal < 1 or ordinal > dt.date.max.toordinal():
        raise _Unreadable("the day falls outside the years 1 to 9999")
    return dt.date.fromordinal(ordinal)


def parse_time(time: str, precision: int, calendar_model: str = "") -> PartialDate | None:
    """A Wikidata time value as a partial date; ``None`` for a precision coarser than a year.

    Digits finer than the precision are ignored; a Julian date at day precision is converted.

    >>> parse_time("+1953-00-00T00:00:00Z", 9), parse_time("+1953-01-01T00:00:00Z", 9)
    (<PartialDate('1953')>, <PartialDate('1953')>)
    >>> parse_time("+1995-02-18T00:00:00Z", 10)
    <PartialDate('1995-02')>
    >>> parse_time("+1700-02-18T00:00:00Z", 11, "http://www.wikidata.org/entity/Q1985786")
    <PartialDate('1700-02-28')>
    """
    match = _TIME.match(time)
    if match is None:
        raise _Unreadable(f"expected a time such as '+1953-05-24T00:00:00Z' (got {time!r})")
    sign, year_s, month_s, day_s = match.groups()
    if precision < 9:
        return None
    year, month, day = int(year_s), int(month_s), int(day_s)
    if sign == "-" or not 1 <= year <= 9999:
        raise _Unreadable(f"the year {sign}{year_s} is outside the years 1 to 9999")
    if precision == 9:
        return PartialDate(f"{year:04d}")
    if not 1 <= month <= 12:
        raise _Unreadable(f"{time!r} has no month, but its precision ({precision}) says it has")
    if precision == 10:
        return PartialDate(f"{year:04d}-{month:02d}")
    if calendar_model.rsplit("/", 1)[-1] == JULIAN:
        return PartialDate.from_date(julian_to_gregorian(year, month, day))
    try:
        return PartialDate.from_date(dt.date(year, month, day))
    except ValueError:
        raise _Unreadable(f"{time!r} is not a day of the Gregorian calendar") from None


# --------------------------------------------------------------------------------------------
# The common form of both inputs
# --------------------------------------------------------------------------------------------


@attrs.define
class _Time:
    """One time qualifier: ``present`` and its date (``None``: undated), or a problem."""

    present: bool = False
    date: PartialDate | None = None
    problem: str | None = None
    note: str | None = None


@attrs.define
class _Statement:
    subject: str
    partner: str | None
    rank: str
    sid: str | None
    file: str
    line: int | None
    where: str
    start: _Time = attrs.field(factory=_Time)
    end: _Time = attrs.field(factory=_Time)
    cause: str | None = None
    sources: list[str] = attrs.field(factory=list)
    partner_problem: str | None = None


@attrs.define
class _Place:
    labels: dict[str, str] = attrs.field(factory=dict)
    # (rank, country QID or ISO code, has an end time)
    countries: list[tuple[str, str, bool]] = attrs.field(factory=list)
    own_code: str | None = None
    codes_are_iso: bool = False


def _qid_of(value: object) -> str | None:
    if isinstance(value, str):
        tail = value.rsplit("/", 1)[-1]
        return tail if _QID.fullmatch(tail) else None
    return None


def _time_from_snak(snak: Mapping[str, Any], what: str) -> _Time:
    kind = snak.get("snaktype")
    if kind == "somevalue":
        return _Time(True, None)
    if kind == "novalue":
        return _Time(False, None)
    value = (snak.get("datavalue") or {}).get("value")
    if not isinstance(value, Mapping):
        return _Time(True, None, f"{what} has no time value")
    return _time(value.get("time"), value.get("precision"), value.get("calendarmodel"), what)


def _time(time: object, precision: object, model: object, what: str) -> _Time:
    try:
        prec = int(precision) if isinstance(precision, int | str) else 11
    except ValueError:
        prec = 11
    if not isinstance(time, str):
        return _Time(True, None, f"{what} has no time value")
    try:
        date = parse_time(time, prec, model if isinstance(model, str) else "")
    except _Unreadable as exc:
        return _Time(True, None, f"{what} {time!r}: {exc}")
    if date is None:
        name = _PRECISION_NAMES.get(prec, f"precision {prec}")
        return _Time(True, None, note=f"{what} {time} is given to the {name} only")
    return _Time(True, date)


class _Pool:
    """Every statement and place of every input file."""

    def __init__(self) -> None:
        self.statements: list[_Statement] = []
        self.places: dict[str, _Place] = {}
        self.entities: dict[str, Mapping[str, Any]] = {}
        self.issues: list[Issue] = []
        self.refused: Counter[str] = Counter()

    # ---- entity JSON ------------------------------------------------------------------------

    def add_entity(self, entity: object, file: str, line: int | None, path: str) -> None:
        if not isinstance(entity, Mapping) or "missing" in entity:
            return
        qid = entity.get("id")
        if not isinstance(qid, str) or not _QID.fullmatch(qid) or qid in self.entities:
            return
        self.entities[qid] = entity
        place = self.places.setdefault(qid, _Place())
        labels = entity.get("labels")
        if isinstance(labels, Mapping):
            for lang, label in labels.items():
                if isinstance(label, Mapping) and isinstance(label.get("value"), str):
                    place.labels.setdefault(lang, label["value"])
        claims = entity.get("claims")
        if not isinstance(claims, Mapping):
            return
        for claim in claims.get("P17") or ():
            rank = claim.get("rank", "normal")
            value = ((claim.get("mainsnak") or {}).get("datavalue") or {}).get("value")
            country = value.get("id") if isinstance(value, Mapping) else None
            if isinstance(country, str):
                has_end = bool((claim.get("qualifiers") or {}).get("P582"))
                place.countries.append((rank, country, has_end))
        for claim in claims.get("P297") or ():
            value = ((claim.get("mainsnak") or {}).get("datavalue") or {}).get("value")
            usable = claim.get("rank") != "deprecated" and isinstance(value, str)
            if usable and (place.own_code is None or claim.get("rank") == "preferred"):
                place.own_code = value
        for index, claim in enumerate(claims.get("P190") or ()):
            if isinstance(claim, Mapping):
                self.add_claim(qid, claim, file, line, f"{path}.claims.P190[{index}]")

    def add_claim(
        self, qid: str, claim: Mapping[str, Any], file: str, line: int | None, where: str
    ) -> None:
        mainsnak = claim.get("mainsnak") or {}
        sid = claim.get("id") if isinstance(claim.get("id"), str) else None
        statement = _Statement(qid, None, str(claim.get("rank", "normal")), sid, file, line, where)
        kind = mainsnak.get("snaktype")
        value = (mainsnak.get("datavalue") or {}).get("value")
        if kind == "value" and isinstance(value, Mapping):
            statement.partner = _qid_of(value.get("id"))
            if statement.partner is None and isinstance(value.get("numeric-id"), int):
                statement.partner = f"Q{value['numeric-id']}"
        if statement.partner is None:
            what = {"somevalue": "'unknown value'", "novalue": "'no value'"}.get(str(kind))
            statement.partner_problem = f"the partner is {what or 'not an item'}"
        qualifiers = claim.get("qualifiers") or {}
        for snak in qualifiers.get("P580") or ():
            statement.start = _time_from_snak(snak, "start time (P580)")
            break
        for snak in qualifiers.get("P582") or ():
            statement.end = _time_from_snak(snak, "end time (P582)")
            break
        for snak in qualifiers.get("P1534") or ():
            value = (snak.get("datavalue") or {}).get("value")
            if isinstance(value, Mapping):
                statement.cause = _qid_of(value.get("id"))
            break
        for reference in claim.get("references") or ():
            for snak in (reference.get("snaks") or {}).get("P854") or ():
                url = (snak.get("datavalue") or {}).get("value")
                if isinstance(url, str) and url not in statement.sources:
                    statement.sources.append(url)
        self.statements.append(statement)

    # ---- SPARQL results ---------------------------------------------------------------------

    def add_bindings(self, bindings: Sequence[object], file: str) -> None:
        by_statement: dict[str, _Statement] = {}
        for index, row in enumerate(bindings):
            if not isinstance(row, Mapping):
                continue

            def get(name: str, row: Mapping[str, Any] = row) -> str | None:
                cell = row.get(name)
                if isinstance(cell, Mapping) and isinstance(cell.get("value"), str):
                    return str(cell["value"])
                return None

            def lang(name: str, row: Mapping[str, Any] = row) -> str:
                cell = row.get(name)
                found = cell.get("xml:lang") if isinstance(cell, Mapping) else None
                return found if isinstance(found, str) else "en"

            def is_blank(name: str, row: Mapping[str, Any] = row) -> bool:
                cell = row.get(name)
                if not isinstance(cell, Mapping):
                    return False
                return cell.get("type") == "bnode" or "/.well-known/genid/" in str(
                    cell.get("value", "")
                )

            city = _qid_of(get("city"))
            if city is None:
                continue
            partner = _qid_of(get("partner"))
            key = get("statement") or f"{city}-{partner}-{index}"
            statement = by_statement.get(key)
            if statement is None:
                rank = (get("rank") or "Normal").rsplit("#", 1)[-1].removesuffix("Rank").lower()
                sid = key.rsplit("/", 1)[-1] if get("statement") else None
                statement = _Statement(
                    city, partner, rank, sid, file, None, f"$.results.bindings[{index}]"
                )
                if partner is None:
                    statement.partner_problem = "the partner is not an item"
                by_statement[key] = statement
                self.statements.append(statement)
                if is_blank("start"):
                    statement.start = _Time(True, None)
                elif get("start") is not None:
                    statement.start = _time(
                        _signed(get("start")),
                        get("startPrecision"),
                        get("startCalendar"),
                        "start time (P580)",
                    )
                if get("noEnd") is None:
                    if is_blank("end"):
                        statement.end = _Time(True, None)
                    elif get("end") is not None:
                        statement.end = _time(
                            _signed(get("end")),
                            get("endPrecision"),
                            get("endCalendar"),
                            "end time (P582)",
                        )
                statement.cause = _qid_of(get("cause"))
            source = get("source")
            if source is not None and source not in statement.sources:
                statement.sources.append(source)
            for side, qid in (("city", city), ("partner", partner)):
                if qid is None:
                    continue
                place = self.places.setdefault(qid, _Place(codes_are_iso=True))
                label = get(f"{side}Label")
                if label is not None and label != qid:
                    place.labels.setdefault(lang(f"{side}Label"), label)
                code = get(f"{side}Country")
                if code is not None:
                    rank = (get(f"{side}CountryRank") or "Normal").rsplit("#", 1)[-1]
                    entry = (
                        rank.removesuffix("Rank").lower(),
                        code,
                        get(f"{side}CountryEnd") is not None,
                    )
                    if entry not in place.countries:
                        place.countries.append(entry)
            cause = _qid_of(get("cause"))
            cause_label = get("causeLabel")
            if cause is not None and cause_label is not None and cause_label != cause:
                self.places.setdefault(cause, _Place(codes_are_iso=True)).labels.setdefault(
                    lang("causeLabel"), cause_label
                )

    # ---- resolution -------------------------------------------------------------------------

    def label(self, qid: str, lang: str) -> str | None:
        place = self.places.get(qid)
        if place is None or not place.labels:
            return None
        for choice in (lang, "mul", "en"):
            if choice in place.labels:
                return place.labels[choice]
        return place.labels[min(place.labels)]

    def country(self, qid: str) -> tuple[str | None, str | None, bool]:
        """``(code, problem, is_a_country)`` for a place."""
        place = self.places[qid]
        if place.own_code is not None:
            return place.own_code, None, True
        live = [c for c in place.countries if c[0] != "deprecated"]
        chosen = [c[1] for c in live if c[0] == "preferred"]
        if not chosen:
            chosen = [c[1] for c in live if c[0] == "normal" and not c[2]]
        distinct = list(dict.fromkeys(chosen))
        if not distinct:
            return None, f"{qid} has no current country (P17) in the input", False
        if len(distinct) > 1:
            return (
                None,
                f"{qid} has several current countries (P17: {', '.join(distinct)}); "
                "mark one preferred",
                False,
            )
        if place.codes_are_iso:
            return distinct[0], None, False
        country = self.places.get(distinct[0])
        if distinct[0] not in self.entities or country is None:
            return (
                None,
                f"{qid}'s country {distinct[0]} is not in the input (add its entity, "
                f"Special:EntityData/{distinct[0]}.json, to read its ISO code P297)",
                False,
            )
        if country.own_code is None:
            return None, f"{qid}'s country {distinct[0]} has no ISO code (P297)", False
        return country.own_code, None, False


def _signed(text: str | None) -> str | None:
    """SPARQL writes ``1953-01-01T00:00:00Z``; entity JSON ``+1953-...``."""
    if text is None or text.startswith(("+", "-")):
        return text
    return "+" + text


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def _read(pool: _Pool, file: str) -> None:
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise ImportFailed(f"{file}: is a directory, not a Wikidata JSON file") from None
    except OSError as exc:
        raise ImportFailed(f"{file}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(f"{file}:{line}: not UTF-8 text ({exc.reason})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as whole:
        _read_lines(pool, file, text, whole)
        return
    if isinstance(document, Mapping) and isinstance(document.get("entities"), Mapping):
        for qid, entity in document["entities"].items():
            pool.add_entity(entity, file, None, f"$.entities.{qid}")
    elif isinstance(document, Mapping) and isinstance(document.get("results"), Mapping):
        bindings = document["results"].get("bindings")
        if not isinstance(bindings, list):
            raise ImportFailed(f"{file}: SPARQL results without a 'bindings' array")
        pool.add_bindings(bindings, file)
    elif isinstance(document, Mapping) and "claims" in document and "id" in document:
        pool.add_entity(document, file, 1, "$")
    elif isinstance(document, list):
        for index, entity in enumerate(document):
            pool.add_entity(entity, file, None, f"$[{index}]")
    else:
        raise ImportFailed(
            f'{file}: expected Wikidata entity JSON ({{"entities": ...}}, an entity, or dump '
            f'lines) or SPARQL JSON results ({{"head": ..., "results": ...}}); got a JSON '
            f"{type(document).__name__} without those keys"
        )


def _read_lines(pool: _Pool, file: str, text: str, whole: json.JSONDecodeError) -> None:
    read_any = False
    failures: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.strip()
        if body in ("", "[", "]"):
            continue
        body = body.removesuffix(",")
        try:
            entity = json.loads(body)
        except json.JSONDecodeError as exc:
            failures.append((number, exc.msg))
            continue
        read_any = True
        pool.add_entity(entity, file, number, "$")
    if not read_any:
        raise ImportFailed(
            f"{file}:{whole.lineno}: not JSON ({whole.msg} at column {whole.colno}); expected "
            "Wikidata entity JSON, dump lines or SPARQL JSON results"
        )
    for number, message in failures:
        pool.issues.append(
            Issue(
                "malformed-record",
                Severity.ERROR,
                f"this dump line is not JSON ({message}); expected one entity per line",
                "$",
                file=file,
                line=number,
            )
        )
        pool.refused["malformed-record"] += 1


# --------------------------------------------------------------------------------------------
# Statements to records
# --------------------------------------------------------------------------------------------


def _describe(statement: _Statement) -> str:
    sid = f" {statement.sid}" if statement.sid else ""
    partner = statement.partner or "?"
    return f"statement{sid} ({statement.subject} P190 {partner}, {statement.where})"


def _merge(
    statements: list[_Statement], pool: _Pool, lang: str
) -> tuple[list[dict[str, Any]], list[str], list[str], list[tuple[str, str]]]:
    """Fold the statements of one pair (smaller QID's side first) into events."""
    signed: PartialDate | None = None
    ended = False
    end: PartialDate | None = None
    cause: str | None = None
    sources: list[str] = []
    notes: list[str] = []
    conflicts: list[tuple[str, str]] = []
    first = statements[0]
    for number, statement in enumerate(statements):
        for url in statement.sources:
            if url not in sources:
                sources.append(url)
        for time in (statement.start, statement.end):
            if time.note:
                notes.append(f"{statement.subject}: {time.note}")
        merged, agreed = refine(signed, statement.start.date)
        if number and not agreed:
            conflicts.append(
                (
                    "$.events[0].date",
                    f"{first.subject} gives the start time {signed}, {statement.subject} "
                    f"gives {statement.start.date}; kept {signed}",
                )
            )
        signed = merged
        stated_end = statement.end.present or statement.cause is not None
        if not stated_end:
            continue
        if ended:
            merged, agreed = refine(end, statement.end.date)
            if not agreed:
                conflicts.append(
                    (
                        "$.events[1].date",
                        f"{first.subject} gives the end time {end}, {statement.subject} gives "
                        f"{statement.end.date}; kept {end}",
                    )
                )
            end = merged
            if cause is None:
                cause = statement.cause
            elif statement.cause is not None and statement.cause != cause:
                conflicts.append(
                    (
                        "$.events[1].reason",
                        f"{first.subject} gives the end cause {cause}, {statement.subject} "
                        f"gives {statement.cause}; kept {cause}",
                    )
                )
        else:
            ended, end, cause = True, statement.end.date, statement.cause
    events: list[dict[str, Any]] = [{"type": "signed"}]
    if signed is not None:
        events[0]["date"] = str(signed)
    if ended:
        event: dict[str, Any] = {"type": "terminated"}
        if end is not None:
            event["date"] = str(end)
        if cause is not None:
            event["reason"] = pool.label(cause, lang) or cause
        events.append(event)
    return events, sources, notes, conflicts


def _pairs(pool: _Pool, lang: str, result: _Counts) -> Iterator[Draft]:
    groups: dict[tuple[str, str], list[_Statement]] = {}
    for statement in pool.statements:
        result.read += 1
        if statement.rank == "deprecated":
            pool.issues.append(
                Issue(
                    "deprecated-statement",
                    Severity.WARNING,
                    f"{_describe(statement)} has deprecated rank; left out",
                    "$",
                    file=statement.file,
                    line=statement.line,
                )
            )
            result.skipped["deprecated-statement"] += 1
            continue
        if statement.partner is None or statement.partner == statement.subject:
            why = statement.partner_problem or "the partner is the place itself"
            pool.issues.append(
                Issue(
                    "unresolved-reference",
                    Severity.ERROR,
                    f"{_describe(statement)}: {why}; not imported",
                    "$.parties",
                    file=statement.file,
                    line=statement.line,
                )
            )
            pool.refused["unresolved-reference"] += 1
            continue
        a, b = sorted((statement.subject, statement.partner), key=lambda q: int(q[1:]))
        groups.setdefault((a, b), []).append(statement)
    for (a, b), statements in groups.items():
        rid = f"wikidata-{a}-{b}"
        statements.sort(key=lambda s: s.subject != a)
        problems: list[tuple[str, str]] = []
        parties: list[dict[str, Any]] = []
        for index, qid in enumerate((a, b)):
            path = f"$.parties[{index}]"
            if qid not in pool.places:
                problems.append(
                    (
                        f"{path}.wikidata",
                        f"{qid} is not in the input (add its entity, Special:EntityData/"
                        f"{qid}.json, or query both sides)",
                    )
                )
                continue
            name = pool.label(qid, lang)
            code, problem, is_country = pool.country(qid)
            if name is None:
                problems.append((f"{path}.name", f"{qid} has no label in the input"))
            if problem is not None:
                problems.append((f"{path}.country", problem))
            if name is not None and code is not None:
                party: dict[str, Any] = {"name": name, "country": code}
                if is_country:
                    party["level"] = "country"
                party["wikidata"] = qid
                parties.append(party)
        for statement in statements:
            if statement.start.problem or statement.end.problem:
                for what in (statement.start.problem, statement.end.problem):
                    if what:
                        problems.append(("$.events", what))
        if problems:
            for statement in statements:
                for path, message in problems:
                    pool.issues.append(
                        Issue(
                            "unresolved-reference",
                            Severity.ERROR,
                            f"{_describe(statement)}: {message}; not imported",
                            path,
                            id=rid,
                            file=statement.file,
                            line=statement.line,
                        )
                    )
                pool.refused["unresolved-reference"] += 1
            continue
        events, sources, notes, conflicts = _merge(statements, pool, lang)
        sides = {s.subject for s in statements}
        draft_issues: list[Issue] = []
        if len(sides) == 1:
            other = b if a in sides else a
            for statement in statements:
                draft_issues.append(
                    Issue(
                        "missing-reciprocal",
                        Severity.WARNING,
                        f"{_describe(statement)}: {other} states no P190 back to "
                        f"{statement.subject}",
                        "$",
                    )
                )
        for path, message in conflicts:
            draft_issues.append(Issue("conflicting-statements", Severity.WARNING, message, path))
        raw: dict[str, Any] = {"id": rid, "kind": "unspecified", "parties": parties}
        raw["events"] = events
        if sources:
            raw["sources"] = sources
        if notes:
            raw["notes"] = "; ".join(notes)
        ids = [s.sid for s in statements if s.sid]
        if ids:
            raw["x-wikidata-statements"] = ids
        result.sizes[rid] = len(statements)
        yield Draft(
            raw, statements[0].file, statements[0].line, draft_issues, weight=len(statements)
        )


@attrs.define
class _Counts:
    read: int = 0
    skipped: Counter[str] = attrs.field(factory=Counter)
    # record id -> how many statements it stands for
    sizes: dict[str, int] = attrs.field(factory=dict)


def import_wikidata(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    lang: str = "en",
    today: dt.date | None = None,
) -> ImportResult:
    """Import Wikidata entity JSON or SPARQL JSON results from one file or several.

    All files form one input: partners and countries are resolved against every entity read.
    Raises :class:`~sistercity.importers.ImportFailed` for a file that cannot be read or is
    neither format; every problem with a statement is an issue in the result.
    """
    if isinstance(paths, str | os.PathLike):
        files = [os.fspath(paths)]
    else:
        files = [os.fspath(path) for path in paths]
    pool = _Pool()
    for file in files:
        _read(pool, file)
    counts = _Counts()
    drafts = list(_pairs(pool, lang, counts))
    records = finish(drafts, pool.issues, pool.refused, today=today)
    # statements folded into a record that was written
    merged = sum(counts.sizes[record.id] - 1 for record in records)
    return ImportResult(
        records, pool.issues, counts.read, dict(pool.refused), dict(counts.skipped), merged
    )
