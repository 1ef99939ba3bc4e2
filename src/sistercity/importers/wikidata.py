"""Wikidata P190 ("twinned administrative body") statements to records.

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
  Both inputs share one time parser (:func:`parse_time`). In entity JSON a Julian-calendar date
  at day precision is converted to the Gregorian calendar; SPARQL times are proleptic Gregorian
  already and never converted again. A SPARQL time without its precision variable is
  ``unresolved-reference`` naming the variable: a precision is never assumed. A coarser
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
  guessed. A label that is a bare QID (the label service's answer for "no label") is no label;
- entity JSON as the API returns it: a redirect (``"redirects": {"from", "to"}``, or an entity
  whose ``id`` differs from its key) resolves to its target; an entity is read once, whatever
  keys or files it is found under, and a statement id seen twice is one statement; an entity
  marked ``"missing"`` is not in the input. Dump lines end at a line feed alone;
- a part of the input in the wrong JSON shape is a ``malformed-record`` issue at its path, and
  its statement is not imported; nothing raises for bad data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any, Final

import attrs

from .._dates import PartialDate
from .._report import Issue, Severity
from . import Draft, ImportFailed, ImportResult, finish, read_input, refine

__all__ = ["JULIAN", "SPARQL_QUERY", "import_wikidata", "julian_to_gregorian", "parse_time"]

#: The SPARQL query whose JSON results :func:`import_wikidata` reads (``query.rq``).
SPARQL_QUERY: Final = resources.files(__package__).joinpath("query.rq").read_text("utf-8")

#: The calendar model of the proleptic Julian calendar.
JULIAN: Final = "Q1985786"
_ENTITY: Final = "http://www.wikidata.org/entity/"
# an item id; more digits than any id Wikidata will give in this century are not one
_QID: Final = re.compile(r"Q[1-9][0-9]{0,17}")
# a property, lexeme, form, sense or entity schema: no place, so no P190 to read
_OTHER_ID: Final = re.compile(r"(?:P|L|E|M)[1-9][0-9]{0,17}(?:-[FS][1-9][0-9]{0,17})?")
# "a QID is never written as a name": the label service's answer for "no label"
_QID_LIKE: Final = re.compile(r"\s*[Qq][0-9]+\s*")
_TIME: Final = re.compile(r"([+-]?)([0-9]+)-([0-9]{2})-([0-9]{2})T")
#: the precisions of a Wikibase time value (0: billion years ... 14: second)
_PRECISIONS: Final = range(15)
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


def parse_time(
    time: str, precision: int, calendar_model: str = "", *, sparql: bool = False
) -> PartialDate | None:
    """A Wikidata time value as a partial date; ``None`` for a precision coarser than a year.

    The one time parser of both inputs. Digits finer than the precision are ignored. In entity
    JSON (``sparql=False``) a Julian date at day precision is converted to the Gregorian
    calendar; the query service gives its times in the proleptic Gregorian calendar already,
    so a SPARQL time (``sparql=True``) is never converted again, whatever its calendar model.

    >>> parse_time("+1953-00-00T00:00:00Z", 9), parse_time("+1953-01-01T00:00:00Z", 9)
    (<PartialDate('1953')>, <PartialDate('1953')>)
    >>> parse_time("+1995-02-18T00:00:00Z", 10)
    <PartialDate('1995-02')>
    >>> parse_time("+1700-02-18T00:00:00Z", 11, "http://www.wikidata.org/entity/Q1985786")
    <PartialDate('1700-02-28')>
    >>> parse_time("+1917-11-07T00:00:00Z", 11, JULIAN, sparql=True)
    <PartialDate('1917-11-07')>
    """
    match = _TIME.match(time)
    if match is None:
        raise _Unreadable(f"expected a time such as '+1953-05-24T00:00:00Z' (got {_shown(time)})")
    if precision not in _PRECISIONS:
        raise _Unreadable(f"{precision} is not a Wikibase time precision (0 to 14)")
    sign, year_s, month_s, day_s = match.groups()
    if precision < 9:
        return None
    digits = year_s.lstrip("0")
    if sign == "-" or not digits or len(digits) > 4:
        shown = year_s if len(year_s) <= 12 else f"{year_s[:8]}... ({len(year_s)} digits)"
        raise _Unreadable(f"the year {sign}{shown} is outside the years 1 to 9999")
    year, month, day = int(digits), int(month_s), int(day_s)
    if precision == 9:
        return PartialDate(f"{year:04d}")
    if not 1 <= month <= 12:
        raise _Unreadable(f"{time!r} has no month, but its precision ({precision}) says it has")
    if precision == 10:
        return PartialDate(f"{year:04d}-{month:02d}")
    if not sparql and calendar_model.rsplit("/", 1)[-1] == JULIAN:
        return PartialDate.from_date(julian_to_gregorian(year, month, day))
    try:
        return PartialDate.from_date(dt.date(year, month, day))
    except ValueError:
        raise _Unreadable(f"{_shown(time)} is not a day of the Gregorian calendar") from None


def _shown(text: str) -> str:
    """``repr`` of a text from the input, cut to a length that fits in a message."""
    return repr(text if len(text) <= 40 else text[:40] + "...")


class _Huge:
    """A JSON integer too long for ``int`` to read safely; no Wikibase number is one."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<a number of {len(self.digits)} digits>"

    __str__ = __repr__


def _parse_int(text: str) -> int | _Huge:
    return int(text) if len(text) <= 20 else _Huge(text)


def _loads(text: str) -> tuple[object, str | None]:
    """``(value, None)``, or ``(None, why)`` for text that is no JSON this reader accepts."""
    try:
        return json.loads(text, parse_int=_parse_int), None
    except json.JSONDecodeError as exc:
        return None, f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, "nested too deeply"
    except ValueError as exc:  # pragma: no cover - json's other refusals
        return None, str(exc)


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> Sequence[Any]:
    return value if isinstance(value, list) else ()


def _kind(value: object) -> str:
    """What a JSON value is, for a message."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


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
    # (path, message) of each part not in the shape Wikidata writes
    malformed: list[tuple[str, str]] = attrs.field(factory=list)


@attrs.define
class _Place:
    labels: dict[str, str] = attrs.field(factory=dict)
    # (rank, country QID or ISO code, has an end time)
    countries: list[tuple[str, str, bool]] = attrs.field(factory=list)
    own_code: str | None = None
    codes_are_iso: bool = False


def _is_name(label: str) -> bool:
    """Whether a label can be a place's name: not blank, and not a bare QID."""
    return bool(label.strip()) and not _QID_LIKE.fullmatch(label)


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
    value = _map(snak.get("datavalue")).get("value")
    if not isinstance(value, Mapping):
        return _Time(True, None, f"{what} has no time value")
    return _time(
        value.get("time"), value.get("precision"), value.get("calendarmodel"), what, "precision"
    )


def _time(
    time: object,
    precision: object,
    model: object,
    what: str,
    precision_name: str,
    *,
    sparql: bool = False,
) -> _Time:
    """The one reading of a time value of either input; ``precision_name`` names its source."""
    if not isinstance(time, str):
        return _Time(True, None, f"{what} has no time value")
    if precision is None:
        return _Time(
            True,
            None,
            f"{what} {_shown(time)}: the input gives no precision ({precision_name}); a "
            "precision is never assumed",
        )
    if isinstance(precision, int) and not isinstance(precision, bool):
        prec = precision
    elif isinstance(precision, str) and precision.isascii() and precision.isdigit():
        prec = int(precision) if len(precision) <= 2 else -1
    else:
        prec = -1
    if prec not in _PRECISIONS:
        return _Time(
            True,
            None,
            f"{what} {_shown(time)}: its precision ({precision_name}) "
            f"{_shown(str(precision))} is not a Wikibase time precision (0 to 14)",
        )
    try:
        date = parse_time(time, prec, model if isinstance(model, str) else "", sparql=sparql)
    except _Unreadable as exc:
        return _Time(True, None, f"{what} {_shown(time)}: {exc}")
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
        # a redirect's QID -> the QID it redirects to
        self.redirects: dict[str, str] = {}
        # entities the input marks "missing" (deleted, or never created)
        self.missing: set[str] = set()
        # statement ids read, so that a statement given twice is one statement
        self.statement_ids: set[str] = set()
        self.issues: list[Issue] = []
        self.refused: Counter[str] = Counter()

    def malformed(self, file: str, line: int | None, path: str, message: str) -> None:
        """A part of the input that is not in the shape Wikidata writes: reported, not read."""
        self.issues.append(
            Issue("malformed-record", Severity.ERROR, message, path, file=file, line=line)
        )
        self.refused["malformed-record"] += 1

    def first_time(self, sid: str | None) -> bool:
        """Whether a statement id is new. The query service writes ``Q1-abc``, JSON ``Q1$abc``."""
        if sid is None:
            return True
        key = sid.replace("$", "-", 1).casefold()
        if key in self.statement_ids:
            return False
        self.statement_ids.add(key)
        return True

    def resolve(self, qid: str) -> str:
        """The QID a redirect leads to (``qid`` itself when it is no redirect)."""
        seen = {qid}
        while qid in self.redirects and self.redirects[qid] not in seen:
            qid = self.redirects[qid]
            seen.add(qid)
        return qid

    # ---- entity JSON ------------------------------------------------------------------------

    def add_entity(
        self, entity: object, file: str, line: int | None, path: str, key: str | None = None
    ) -> None:
        """One entity, found under ``key`` in an ``entities`` object (``None``: elsewhere)."""
        if not isinstance(entity, Mapping):
            self.malformed(
                file, line, path, f"expected a Wikidata entity (an object), got {_kind(entity)}"
            )
            return
        qid = entity.get("id")
        if "missing" in entity:
            for found in (qid, key):
                if isinstance(found, str) and _QID.fullmatch(found):
                    self.missing.add(found)
            return
        redirect = _map(entity.get("redirects"))
        source, target = _qid_of(redirect.get("from")), _qid_of(redirect.get("to"))
        if source is not None and target is not None and source != target:
            self.redirects.setdefault(source, target)
        if not isinstance(qid, str):
            what = "no 'id'" if qid is None else f"an 'id' that is {_kind(qid)}"
            self.malformed(file, line, path, f"this Wikidata entity has {what}")
            return
        if not _QID.fullmatch(qid):
            if not _OTHER_ID.fullmatch(qid):
                self.malformed(file, line, path, f"{_shown(qid)} is not a Wikidata entity id")
            return  # a property or a lexeme: no place
        if key is not None and key != qid and _QID.fullmatch(key):
            self.redirects.setdefault(key, qid)
        if qid in self.entities:
            return  # read once, whatever key or file it is found under
        self.entities[qid] = entity
        # the entity is the fuller form: what a SPARQL result said of the place gives way
        place = self.places[qid] = _Place()
        for lang, label in _map(entity.get("labels")).items():
            value = _map(label).get("value")
            if isinstance(value, str) and _is_name(value):
                place.labels.setdefault(lang, value)
        claims = entity.get("claims")
        if claims is None:
            return
        if not isinstance(claims, Mapping):
            self.malformed(
                file, line, f"{path}.claims", f"expected an object of claims, got {_kind(claims)}"
            )
            return
        for claim in map(_map, _list(claims.get("P17"))):
            rank = str(claim.get("rank", "normal"))
            value = _map(_map(claim.get("mainsnak")).get("datavalue")).get("value")
            country = _qid_of(_map(value).get("id"))
            if country is not None:
                has_end = bool(_map(claim.get("qualifiers")).get("P582"))
                place.countries.append((rank, country, has_end))
        for claim in map(_map, _list(claims.get("P297"))):
            value = _map(_map(claim.get("mainsnak")).get("datavalue")).get("value")
            usable = claim.get("rank") != "deprecated" and isinstance(value, str)
            if usable and (place.own_code is None or claim.get("rank") == "preferred"):
                place.own_code = value
        p190 = claims.get("P190")
        if p190 is None:
            return
        if not isinstance(p190, list):
            self.malformed(
                file,
                line,
                f"{path}.claims.P190",
                f"expected an array of P190 statements, got {_kind(p190)}",
            )
            return
        for index, claim in enumerate(p190):
            where = f"{path}.claims.P190[{index}]"
            if isinstance(claim, Mapping):
                self.add_claim(qid, claim, file, line, where)
            else:
                self.malformed(
                    file, line, where, f"expected a P190 statement (an object), got {_kind(claim)}"
                )

    def add_claim(
        self, qid: str, claim: Mapping[str, Any], file: str, line: int | None, where: str
    ) -> None:
        sid = claim.get("id") if isinstance(claim.get("id"), str) else None
        if not self.first_time(sid):
            return
        statement = _Statement(qid, None, "normal", sid, file, line, where)

        def shaped(value: object, expected: type, path: str) -> Any:
            """``value`` if it has the JSON type expected; else noted, and an empty one."""
            if value is None or isinstance(value, expected):
                return value if value is not None else expected()
            want = "an object" if expected is dict else "an array"
            statement.malformed.append((f"{where}{path}", f"expected {want}, got {_kind(value)}"))
            return expected()

        rank = claim.get("rank", "normal")
        if isinstance(rank, str):
            statement.rank = rank
        else:
            statement.malformed.append((f"{where}.rank", f"expected a rank, got {_kind(rank)}"))
        mainsnak = shaped(claim.get("mainsnak"), dict, ".mainsnak")
        kind = mainsnak.get("snaktype")
        value = _map(mainsnak.get("datavalue")).get("value")
        if kind == "value" and isinstance(value, Mapping):
            statement.partner = _qid_of(value.get("id"))
            number = value.get("numeric-id")
            if statement.partner is None and type(number) is int and 0 < number < 10**18:
                statement.partner = f"Q{number}"
        if statement.partner is None:
            what = {"somevalue": "'unknown value'", "novalue": "'no value'"}.get(str(kind))
            statement.partner_problem = f"the partner is {what or 'not an item'}"
        qualifiers = shaped(claim.get("qualifiers"), dict, ".qualifiers")
        snaks: dict[str, list[Mapping[str, Any]]] = {}
        for prop in ("P580", "P582", "P1534"):
            found = shaped(qualifiers.get(prop), list, f".qualifiers.{prop}")
            path = f".qualifiers.{prop}"
            snaks[prop] = [shaped(snak, dict, f"{path}[{n}]") for n, snak in enumerate(found)]
        for snak in snaks["P580"][:1]:
            statement.start = _time_from_snak(snak, "start time (P580)")
        for snak in snaks["P582"][:1]:
            statement.end = _time_from_snak(snak, "end time (P582)")
        for snak in snaks["P1534"][:1]:
            value = _map(snak.get("datavalue")).get("value")
            statement.cause = _qid_of(_map(value).get("id"))
        for n, reference in enumerate(shaped(claim.get("references"), list, ".references")):
            path = f".references[{n}]"
            found = shaped(shaped(reference, dict, path).get("snaks"), dict, f"{path}.snaks")
            for snak in shaped(found.get("P854"), list, f"{path}.snaks.P854"):
                url = _map(_map(snak).get("datavalue")).get("value")
                if isinstance(url, str) and url not in statement.sources:
                    statement.sources.append(url)
        self.statements.append(statement)

    # ---- SPARQL results ---------------------------------------------------------------------

    def add_bindings(self, bindings: Sequence[object], file: str) -> None:
        # statement -> its record; None for a statement that an earlier file gave
        by_statement: dict[str, _Statement | None] = {}
        for index, row in enumerate(bindings):
            where = f"$.results.bindings[{index}]"
            if not isinstance(row, Mapping):
                self.malformed(file, None, where, f"expected a result row, got {_kind(row)}")
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
                self.malformed(file, None, where, "this result row has no ?city item")
                continue
            partner = _qid_of(get("partner"))
            key = get("statement") or f"{city}-{partner}-{index}"
            if key not in by_statement:
                sid = key.rsplit("/", 1)[-1] if get("statement") else None
                by_statement[key] = self._statement(where, get, is_blank, city, partner, sid, file)
            statement = by_statement[key]
            source = get("source")
            if statement is not None and source is not None and source not in statement.sources:
                statement.sources.append(source)
            for side, qid in (("city", city), ("partner", partner)):
                if qid is None or qid in self.entities:
                    continue
                place = self.places.setdefault(qid, _Place(codes_are_iso=True))
                label = get(f"{side}Label")
                if label is not None and _is_name(label):
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
            if cause is not None and cause_label is not None and _is_name(cause_label):
                self.places.setdefault(cause, _Place(codes_are_iso=True)).labels.setdefault(
                    lang("causeLabel"), cause_label
                )

    def _statement(
        self,
        where: str,
        get: Callable[[str], str | None],
        is_blank: Callable[[str], bool],
        city: str,
        partner: str | None,
        sid: str | None,
        file: str,
    ) -> _Statement | None:
        """The statement of a result row, or ``None`` for one read before."""
        if not self.first_time(sid):
            return None
        rank = (get("rank") or "Normal").rsplit("#", 1)[-1].removesuffix("Rank").lower()
        statement = _Statement(city, partner, rank, sid, file, None, where)
        if partner is None:
            statement.partner_problem = "the partner is not an item"
        self.statements.append(statement)
        for name, what in (("start", "start time (P580)"), ("end", "end time (P582)")):
            if name == "end" and get("noEnd") is not None:
                continue
            time: _Time | None = None
            if is_blank(name):
                time = _Time(True, None)
            elif get(name) is not None:
                time = _time(
                    get(name),
                    get(f"{name}Precision"),
                    None,
                    what,
                    f"?{name}Precision",
                    sparql=True,
                )
            if time is not None and name == "start":
                statement.start = time
            elif time is not None:
                statement.end = time
        statement.cause = _qid_of(get("cause"))
        return statement

    # ---- resolution -------------------------------------------------------------------------

    def label(self, qid: str, lang: str) -> str | None:
        place = self.places.get(self.resolve(qid))
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
        live = [
            (rank, code if place.codes_are_iso else self.resolve(code), end)
            for rank, code, end in place.countries
            if rank != "deprecated"
        ]
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


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


_BOMS: Final = (
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
)


def _read(pool: _Pool, file: str) -> None:
    data = read_input(file, "a Wikidata JSON file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            raise ImportFailed(f"{file}: the text is {encoding}, not UTF-8; convert it first")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(f"{file}:{line}: not UTF-8 text ({exc.reason})") from None
    document, why = _loads(text)
    if why is not None:
        _read_lines(pool, file, text, why)
        return
    if isinstance(document, Mapping) and isinstance(document.get("entities"), Mapping):
        for key, entity in document["entities"].items():
            pool.add_entity(entity, file, None, f"$.entities.{key}", key)
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
        what = "object" if isinstance(document, Mapping) else _kind(document)
        raise ImportFailed(
            f'{file}: expected Wikidata entity JSON ({{"entities": ...}}, an entity, or dump '
            f'lines) or SPARQL JSON results ({{"head": ..., "results": ...}}); got a JSON '
            f"{what.removeprefix('an ').removeprefix('a ')} without those keys"
        )


def _read_lines(pool: _Pool, file: str, text: str, why: str) -> None:
    """Dump lines: one entity per line.

    Lines end at a line feed alone: U+2028, U+2029 and U+0085 are text inside a JSON
    string, never line ends, and so are a form feed and a vertical tab.
    """
    read_any = False
    failures: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        body = line.strip(" \t\r")
        if body in ("", "[", "]"):
            continue
        entity, problem = _loads(body.removesuffix(","))
        if problem is not None:
            failures.append((number, problem))
            continue
        read_any = True
        pool.add_entity(entity, file, number, "$")
    if not read_any:
        raise ImportFailed(
            f"{file}: not JSON ({why}); expected Wikidata entity JSON, dump lines or SPARQL "
            "JSON results"
        )
    for number, message in failures:
        pool.malformed(
            file,
            number,
            "$",
            f"this dump line is not JSON ({message}); expected one entity per line",
        )


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
        if statement.malformed:
            for path, message in statement.malformed:
                pool.issues.append(
                    Issue(
                        "malformed-record",
                        Severity.ERROR,
                        f"{_describe(statement)}: {message}; not imported",
                        path,
                        file=statement.file,
                        line=statement.line,
                    )
                )
            pool.refused["malformed-record"] += 1
            continue
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
        # a redirect stands for the entity it leads to
        statement.subject = pool.resolve(statement.subject)
        if statement.partner is not None:
            statement.partner = pool.resolve(statement.partner)
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
            if qid not in pool.places and qid in pool.missing:
                problems.append(
                    (
                        f"{path}.wikidata",
                        f"{qid} is marked missing in the input (deleted, or never created): "
                        "it is not in the input",
                    )
                )
                continue
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
