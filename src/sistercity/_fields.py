"""Field checks: the value rules of one record's parts (types, vocabularies, codes, names).

:class:`FieldCheck` holds the state of one pass over one raw record (its issues and error
count) and checks values, parties, former names and events' own fields. The cross-field rules
(identity, actors, order, lifecycle) are the record pass's, in ``_record``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import math
import re
import reprlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeAlias, TypeVar, TypeVarTuple

import pycountry

from ._agreements import Event
from ._catalogue import severity_of
from ._dates import PartialDate, ordinals, parse_lenient
from ._identity import WIKIDATA_ID, PlaceKey, name_key
from ._places import City, FormerName, freeze_extensions
from ._report import Issue, Severity
from ._trusted import checked, new_issue
from ._vocab import AgreementKind, EventType, PlaceLevel

_Ts = TypeVarTuple("_Ts")
_R = TypeVar("_R")

ERROR: Final = Severity.ERROR
WARNING: Final = Severity.WARNING

AGREEMENT_KEYS: Final = (
    "id", "kind", "term", "parties", "events", "sources", "supersedes", "notes",
)  # fmt: skip
PARTY_KEYS: Final = (
    "name", "country", "subdivision", "level", "wikidata", "geonames", "former_names",
)  # fmt: skip
EVENT_KEYS: Final = (
    "type", "date", "by", "reason", "source", "body", "decided", "announced", "condition",
)  # fmt: skip
FORMER_NAME_KEYS: Final = ("name", "country", "from", "until")
_AGREEMENT_KEYS = frozenset(AGREEMENT_KEYS)
_PARTY_KEYS = frozenset(PARTY_KEYS)
_EVENT_KEYS = frozenset(EVENT_KEYS)
_FORMER_NAME_KEYS = frozenset(FORMER_NAME_KEYS)

_CURRENT_COUNTRIES: Final = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}
_HISTORIC_COUNTRIES: Final = (
    frozenset(c.alpha_2 for c in pycountry.historic_countries) - _CURRENT_COUNTRIES
)
# ISO 3166/MA "exceptionally reserved" codes that people write for a country.
_RESERVED: Final = {"UK": "GB", "EL": "GR"}
_COUNTRY_FORM: Final = re.compile(r"[A-Z]{2}")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE: Final = re.compile(r"\s")
_INT64: Final = (-(2**63), 2**63 - 1)
#: What a JSON array may be read as, for isinstance (``list | tuple`` makes a union each time).
_ARRAY: Final = (list, tuple)

# Partial dates already made, by text, for the model objects that are built: records repeat the
# same years, months and days, and a PartialDate is immutable, so one object serves them all.
# Bounded, so memory stays flat (about 6 MB when full); it is emptied when full, so the bound
# sits well above the few thousand distinct dates of a typical file (a bound just below them
# made every lookup miss). The checks themselves read dates as spans (SPANS, below).
_DATES: dict[str, PartialDate] = {}
_DATES_MAX: Final = 16384

#: A partial date as the record pass checks it: ``(earliest, latest, shown)``, its first and
#: last day as ``date.toordinal()`` numbers, and the value it was given as (its text, or a
#: :class:`PartialDate`), which messages show and :func:`partial_date` turns into the object.
Dated: TypeAlias = tuple[int, int, str | PartialDate]

#: An event's parts as :meth:`FieldCheck.event` checks them: ``(by, reason, source, body,
#: decided, announced, condition, extensions)``, each ``None`` when absent (or invalid).
EventParts: TypeAlias = tuple[
    str | None,
    str | None,
    str | None,
    str | None,
    Dated | None,
    Dated | None,
    str | None,
    dict[str, Any],
]

_EVENT_TYPES: Final[dict[str, EventType]] = {member.value: member for member in EventType}
_KINDS: Final[dict[str, AgreementKind]] = {member.value: member for member in AgreementKind}
_LEVELS: Final[dict[str, PlaceLevel]] = {member.value: member for member in PlaceLevel}
_DEFAULT_LEVEL: Final = PlaceLevel.MUNICIPALITY

_LEVEL_ALIASES: Final = {
    "city": "municipality", "town": "municipality", "village": "municipality",
    "commune": "municipality", "municipal": "municipality", "borough": "district",
    "ortsteil": "district", "state": "region", "province": "region",
    "prefecture": "region", "oblast": "region", "voivodeship": "region",
    "nation": "country",
}  # fmt: skip


def issue(
    rule: str,
    path: str,
    message: str,
    rid: str | None,
    file: str | None = None,
    line: int | None = None,
    index: int | None = None,
) -> Issue:
    """A record rule's issue with the rule's severity, made without ``Issue``'s converters."""
    return new_issue(rule, severity_of(rule), message, path, rid, file, line, index)


def one_of(key: str, vocabulary: type[enum.Enum], got: str, hint: str) -> str:
    """The message for a value outside a vocabulary: ``'KEY' must be one of ... (got ...)``."""
    values = ", ".join(vocabulary._value2member_map_)
    return f"{key!r} must be one of {values} (got {got!r}{hint})"


def encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (it holds no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: ISO 3166-2 code -> the alpha-2 code of its country, for the codes seen so far (at most a few
#: thousand exist, so the cache is bounded by pycountry's table).
SUBDIVISIONS: dict[str, str] = {}


def subdivision_country(code: str) -> str | None:
    """The country of an ISO 3166-2 subdivision code, or ``None`` when it is not one."""
    found = SUBDIVISIONS.get(code)
    if found is None:
        sub = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        if sub is None or sub.code != code:
            return None
        found = SUBDIVISIONS[code] = sub.country_code
    return found


#: Partial-date text -> ``(earliest, latest)`` day ordinals, for the record pass's quick check.
#: Bounded, emptied when full; an entry is about 200 bytes, so the bound (13 MB when full) sits
#: above the 30,000-odd distinct dates of a large file. A text that is no date is never kept.
SPANS: dict[str, tuple[int, int]] = {}
_SPANS_MAX: Final = 65536

#: Text that is no partial date -> why (:class:`InvalidDate`'s message), kept by
#: :func:`date_span` so that the full pass words a file's repeated mistake without parsing it
#: again. Bounded, emptied when full; a text longer than :data:`_NOT_DATE_LONGEST` is not kept.
NOT_DATES: dict[str, str] = {}
_NOT_DATES_MAX: Final = 4096
_NOT_DATE_LONGEST: Final = 100


def date_span(text: str) -> tuple[int, int] | None:
    """``(earliest, latest)`` of a partial date as day ordinals, or ``None`` when it is none.

    :meth:`FieldCheck.date` reads every date text through :data:`SPANS`, :data:`NOT_DATES` and
    this.
    """
    try:
        span = ordinals(text)
    except ValueError as exc:
        if len(text) <= _NOT_DATE_LONGEST:
            if len(NOT_DATES) >= _NOT_DATES_MAX:
                NOT_DATES.clear()
            NOT_DATES[text] = str(exc)
        return None
    if len(SPANS) >= _SPANS_MAX:
        SPANS.clear()
    SPANS[text] = span
    return span


def partial_date(shown: str | PartialDate) -> PartialDate:
    """The :class:`PartialDate` of a :data:`Dated`'s ``shown`` value, for a model object.

    One object per text (:data:`_DATES`); ``shown`` is a date the pass has checked.
    """
    if isinstance(shown, PartialDate):
        return shown
    date = _DATES.get(shown)
    if date is None:
        date = PartialDate(shown)
        if len(_DATES) >= _DATES_MAX:
            _DATES.clear()
        _DATES[shown] = date
    return date


def built_date(dated: Dated | None) -> PartialDate | None:
    """:func:`partial_date` of a checked date that may be absent."""
    return None if dated is None else partial_date(dated[2])


def built_event(kind: EventType, date: Dated | None, by: str | None, parts: EventParts) -> Event:
    """The :class:`Event` of an event that :meth:`FieldCheck.event` has checked.

    ``by`` is as the pass resolved it.
    """
    _, reason, source, body, decided, announced, condition, extensions = parts
    event: Event = checked(
        Event,
        (
            kind,
            built_date(date),
            by,
            reason,
            source,
            body,
            built_date(decided),
            built_date(announced),
            condition,
            freeze_extensions(extensions),
        ),
    )
    return event


def plain_json(value: Any, depth: int = 0) -> bool:
    """Whether :meth:`FieldCheck.json_ok` accepts ``value`` with no issue (a quick yes/no).

    Only the exact JSON types (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``,
    ``None``) pass; anything else is ``False``, and the full check decides.
    """
    kind = type(value)
    if depth > 200:
        return False
    if value is None or kind is bool:
        return True
    if kind is str:
        return value.isascii() or encodable(value)
    if kind is int:
        return bool(_INT64[0] <= value <= _INT64[1])
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(plain_json(v, depth + 1) for v in value)
    if kind is dict:
        return all(
            type(k) is str and (k.isascii() or encodable(k)) and plain_json(v, depth + 1)
            for k, v in value.items()
        )
    return False


def plain_extensions(obj: dict[Any, Any], known: frozenset[str]) -> bool:
    """Whether each key of ``obj`` outside ``known`` is an ``x-`` key kept with no issue.

    A quick yes/no for :meth:`FieldCheck.extensions`.
    """
    for key in obj:
        if key in known:
            continue
        if (
            type(key) is not str
            or not key.startswith("x-")
            or not (key.isascii() or encodable(key))
            or not plain_json(obj[key])
        ):
            return False
    return True


def json_type(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def key_path(base: str, key: str) -> str:
    """``$.name``, or ``$['x-row']`` for a key that is not an identifier."""
    if key.isidentifier() and key.isascii():
        return f"{base}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    if not escaped.isascii():  # a lone surrogate cannot be printed: show it escaped
        escaped = escaped.encode("utf-8", "backslashreplace").decode("utf-8")
    return f"{base}['{escaped}']"


def number_text(value: int | float) -> str:
    """A number for a message, even an integer too long for ``str`` (over 4,300 digits).

    >>> number_text(12), number_text(-(10**5000))
    ('12', '-1000000000000000000000... (an integer of 5001 digits)')
    """
    if not isinstance(value, int) or -(10**60) < value < 10**60:
        return repr(value)
    magnitude = -value if value < 0 else value
    # the digits: from the bit length, corrected by one comparison; no str() of the whole
    digits = int(magnitude.bit_length() * 0.30102999566398120) + 1
    if magnitude < 10 ** (digits - 1):
        digits -= 1
    lead = magnitude // 10 ** (digits - 22)
    sign = "-" if value < 0 else ""
    return f"{sign}{lead}... (an integer of {digits} digits)"


class _ShortRepr(reprlib.Repr):
    """``reprlib`` with integers of any length: ``repr`` of one over 4,300 digits raises."""

    def repr_int(self, x: int, level: int) -> str:
        return number_text(x)


_REPR = _ShortRepr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 3, 60, 60, 60


def _typed(value: object) -> str:
    """A value as a message shows what was found: its JSON type, then the value itself.

    ``null``, ``true`` and ``false`` are shown once, in JSON's spelling (not ``null None``).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    return f"{json_type(value)} {_short(value)}"


def _short(value: object) -> str:
    if isinstance(value, list | tuple | dict):
        try:  # repr() raises for an integer past 4,300 digits, even inside a list
            text = _REPR.repr(value)
        except ValueError:
            text = f"<{type(value).__name__} too large to show>"
    elif isinstance(value, int) and not isinstance(value, bool):
        text = number_text(value)
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: The longest text whose message :func:`by_text` remembers (a message shows the text whole).
_REMEMBERED_LONGEST: Final = 100


def by_text(function: Callable[[str, *_Ts], _R]) -> Callable[[str, *_Ts], _R]:
    """``function`` remembered (the last 1,024 calls) when its first argument is a short str.

    For the words of an issue that costs more than checking a record (a suggestion, a parse):
    a file repeats its mistakes. A text over :data:`_REMEMBERED_LONGEST` characters is not
    kept, nor a subclass of str (which may read otherwise).
    """
    remembered = functools.lru_cache(maxsize=1024)(function)

    @functools.wraps(function)
    def call(text: str, /, *args: *_Ts) -> _R:
        if type(text) is str and len(text) <= _REMEMBERED_LONGEST:
            return remembered(text, *args)
        return function(text, *args)

    return call


def _date_hint(text: str) -> str:
    """``; did you mean '2022-02-26'?`` when the lenient parser reads the text, else nothing.

    Only on failure, so it costs nothing for valid records; the lenient parser never guesses
    (an all-numeric day/month ambiguity gives no hint).
    """
    if len(text) > 100:
        return ""
    return _lenient_hint(text)


@by_text
def _lenient_hint(text: str) -> str:
    # remembered: the lenient parser costs more than checking a record
    try:
        found = parse_lenient(text)
    except ValueError:
        return ""
    return f"; did you mean {str(found)!r}?"


def _why_not(text: str) -> str:
    """Why a text that :class:`PartialDate` refuses is no partial date (its message)."""
    try:
        PartialDate(text)
    except ValueError as exc:
        return str(exc)
    raise ValueError(f"{text!r} is a partial date")  # pragma: no cover


@by_text
def _unknown_key(key: str, known: frozenset[str]) -> str:
    """The message of the unknown key ``key`` of an object whose fields are ``known``."""
    near = _suggest(key, known)
    hint = f"; did you mean {near!r}?" if near else ""
    allowed = ", ".join(sorted(known))
    return f"unknown key {key!r} (expected one of {allowed}, or an 'x-' extension key{hint})"


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    return _closest(value.casefold(), tuple(choices))


@functools.lru_cache(maxsize=1024)
def _closest(value: str, choices: tuple[str, ...]) -> str | None:
    # remembered: difflib costs more than checking a whole record, and a file repeats its typos
    near = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return near[0] if near else None


class FieldCheck:
    """State of one pass over one raw record.

    Its issues are located at ``file``, ``line`` and ``index`` (where the record was read)
    when they are set.
    """

    __slots__ = ("build", "errors", "file", "index", "issues", "line", "rid", "today")

    def __init__(self, today: dt.date | None, *, build: bool = True) -> None:
        self.issues: list[Issue] = []
        self.errors = 0
        self.rid: str | None = None
        self.today = today
        # whether to build model objects from the parts that pass (a check-only run does not)
        self.build = build
        self.file: str | None = None
        self.line: int | None = None
        self.index: int | None = None

    def add(self, rule: str, path: str, message: str) -> None:
        severity = severity_of(rule)
        if severity is ERROR:
            self.errors += 1
        self.issues.append(
            new_issue(rule, severity, message, path, self.rid, self.file, self.line, self.index)
        )

    def wrong_type(self, path: str, field: str, expected: str, value: object) -> None:
        self.add(
            "malformed-record",
            path,
            f"{field!r} must be {expected} (got {_typed(value)})",
        )

    def missing(self, path: str, field: str) -> None:
        self.add("malformed-record", path, f"{field!r} is required but missing")

    # ---- values -------------------------------------------------------------------------

    def text(self, value: object, key: str, base: str) -> str | None:
        """The ``key`` of the object at ``base``, an optional text (null, empty or blank: none)."""
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong_type(key_path(base, key), key, "a string", value)
            return None
        if not value.isascii() and not self.unicode_ok(value, key_path(base, key), key):
            return None
        return value if value.strip() else None

    def unicode_ok(self, value: str, path: str, field: str) -> bool:
        if value.isascii() or encodable(value):
            return True
        self.add("malformed-record", path, f"{field!r} holds a lone surrogate")
        return False

    def extensions(
        self, obj: Mapping[str, Any], known: frozenset[str], base: str
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if obj.keys() <= known:
            return found
        for key in obj:
            if not isinstance(key, str):
                self.add("malformed-record", base, f"keys must be strings (got {_short(key)})")
                continue
            if key in known:
                continue
            path = key_path(base, key)
            if not self.unicode_ok(key, path, "key"):
                continue
            if key.startswith("x-"):
                if self.json_ok(obj[key], path):
                    found[key] = obj[key]
            else:
                self.add("unknown-field", path, _unknown_key(key, known))
        return found

    def json_ok(self, value: object, path: str, depth: int = 0) -> bool:
        """Whether an extension value is plain JSON that every format can hold."""
        if depth > 200:
            self.add("malformed-record", path, "extension value nested too deeply")
            return False
        if value is None or isinstance(value, bool):
            return True
        if isinstance(value, int):
            if not _INT64[0] <= value <= _INT64[1]:
                self.add(
                    "malformed-record",
                    path,
                    f"number {number_text(value)} is outside the 64-bit range",
                )
                return False
            return True
        if isinstance(value, float):
            if not math.isfinite(value):
                self.add("malformed-record", path, f"number {value} is not finite")
                return False
            return True
        if isinstance(value, str):
            return self.unicode_ok(value, path, "value")
        if isinstance(value, list | tuple):
            return all(self.json_ok(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value))
        if isinstance(value, Mapping):
            for k in value:
                if not isinstance(k, str):
                    self.add("malformed-record", path, f"keys must be strings (got {_short(k)})")
                    return False
            return all(
                self.unicode_ok(k, key_path(path, k), "key")
                and self.json_ok(v, key_path(path, k), depth + 1)
                for k, v in value.items()
            )
        self.add("malformed-record", path, f"{json_type(value)} is not a JSON value")
        return False

    def date(self, value: object, key: str, base: str) -> Dated | None:
        """The ``key`` of the object at ``base``, an optional partial date, as a :data:`Dated`.

        A text is read through :data:`SPANS`.
        """
        if value is None:
            return None
        if type(value) is str:
            span = SPANS.get(value)
            if span is not None:
                return span[0], span[1], value
            why = NOT_DATES.get(value)
            if why is None:
                span = date_span(value)
                if span is not None:
                    return span[0], span[1], value
                why = NOT_DATES.get(value) or _why_not(value)
        elif isinstance(value, PartialDate):
            return value.earliest.toordinal(), value.latest.toordinal(), value
        elif not isinstance(value, str):
            self.wrong_type(
                key_path(base, key),
                key,
                "a partial date string such as '1962' or '2022-02-26'",
                value,
            )
            return None
        else:
            try:  # a subclass of str
                date = PartialDate(value)
            except ValueError as exc:
                why = str(exc)
            else:
                return date.earliest.toordinal(), date.latest.toordinal(), date
        self.add("invalid-date", key_path(base, key), f"{key!r}: {why}{_date_hint(value)}")
        return None

    def country(self, value: object, base: str, *, historic_ok: bool) -> str | None:
        """The ``country`` of the object at ``base``, or ``None`` when it is not valid."""
        if isinstance(value, str) and value in _CURRENT_COUNTRIES:
            return value
        path = f"{base}.country"
        if not isinstance(value, str):
            self.wrong_type(path, "country", "an ISO 3166-1 alpha-2 code", value)
            return None
        if value in _CURRENT_COUNTRIES:
            return value
        if value in _HISTORIC_COUNTRIES:
            if not historic_ok:
                name = pycountry.historic_countries.get(alpha_2=value)
                what = f" ({name.name})" if name is not None else ""
                self.add(
                    "historic-country",
                    path,
                    f"'country' is {value!r}, the code of a former country{what}; give the "
                    "place's present country and keep the old one in 'former_names'",
                )
            return value
        hint = ""
        suggestion = _RESERVED.get(value.upper())
        if suggestion is None and value.strip():
            try:
                suggestion = pycountry.countries.lookup(value.strip()).alpha_2
            except LookupError:
                suggestion = None
        if suggestion is not None:
            hint = f"; did you mean {suggestion!r}?"
        expected = "an ISO 3166-1 alpha-2 code in upper case"
        self.add("invalid-country", path, f"'country' must be {expected} (got {value!r}{hint})")
        return None

    # ---- parts --------------------------------------------------------------------------

    def party(self, raw: object, base: str) -> tuple[City | None, PlaceKey | None, tuple[str, ...]]:
        """Check one party; return the city (when valid), its key and the names ``by`` may use."""
        if type(raw) is not dict and not isinstance(raw, Mapping):
            self.wrong_type(base, "party", "an object", raw)
            return None, None, ()
        before = self.errors
        name = raw.get("name")
        country_raw = raw.get("country")
        subdivision = raw.get("subdivision")
        level_raw = raw.get("level")
        wikidata = raw.get("wikidata")
        geonames = raw.get("geonames")
        former_raw = raw.get("former_names")
        # each field read with a value counts one: when that is every key, there is no other
        found = (
            (name is not None)
            + (country_raw is not None)
            + (subdivision is not None)
            + (level_raw is not None)
            + (wikidata is not None)
            + (geonames is not None)
            + (former_raw is not None)
        )
        extensions = {} if len(raw) == found else self.extensions(raw, _PARTY_KEYS, base)
        if name is None:
            self.missing(f"{base}.name", "name")
        elif not isinstance(name, str):
            self.wrong_type(f"{base}.name", "name", "a string", name)
            name = None
        elif not self.valid_name(name, base):
            name = None
        country = None
        if country_raw is None:
            self.missing(f"{base}.country", "country")
        else:
            country = self.country(country_raw, base, historic_ok=False)
        if subdivision is not None:
            path = f"{base}.subdivision"
            if not isinstance(subdivision, str):
                self.wrong_type(path, "subdivision", "an ISO 3166-2 code", subdivision)
                subdivision = None
            else:
                in_country = subdivision_country(subdivision)
                if in_country is None:
                    self.add(
                        "invalid-subdivision",
                        path,
                        f"'subdivision' must be an ISO 3166-2 code (got {subdivision!r})",
                    )
                elif country is not None and in_country != country:
                    self.add(
                        "invalid-subdivision",
                        path,
                        f"'subdivision' {subdivision!r} is in {in_country}, not in "
                        f"the party's country {country!r}",
                    )
        level = _DEFAULT_LEVEL
        if level_raw is not None:
            path = f"{base}.level"
            if not isinstance(level_raw, str):
                self.wrong_type(path, "level", "a string", level_raw)
            elif level_raw in _LEVELS:
                level = _LEVELS[level_raw]
            else:
                alias = _LEVEL_ALIASES.get(level_raw.strip().casefold())
                near = alias or _suggest(level_raw, PlaceLevel._value2member_map_)
                hint = f"; did you mean {near!r}?" if near else ""
                self.add("invalid-level", path, one_of("level", PlaceLevel, level_raw, hint))
        if wikidata is not None:
            if not isinstance(wikidata, str):
                self.wrong_type(f"{base}.wikidata", "wikidata", "a string such as 'Q656'", wikidata)
                wikidata = None
            elif not WIKIDATA_ID.fullmatch(wikidata):
                self.add(
                    "invalid-wikidata-id",
                    f"{base}.wikidata",
                    "'wikidata' must be Q and a positive integer without leading zeros, "
                    f"such as 'Q656' (got {wikidata!r})",
                )
                wikidata = None
        if geonames is not None:
            path = f"{base}.geonames"
            if isinstance(geonames, bool) or not isinstance(geonames, int | float):
                self.wrong_type(path, "geonames", "a positive integer", geonames)
                geonames = None
            elif isinstance(geonames, float) and not math.isfinite(geonames):
                self.wrong_type(path, "geonames", "a finite number", geonames)
                geonames = None
            elif isinstance(geonames, int) and not _INT64[0] <= geonames <= _INT64[1]:
                self.add(
                    "malformed-record",
                    path,
                    f"'geonames' {number_text(geonames)} is outside the 64-bit integer range",
                )
                geonames = None
            elif isinstance(geonames, float) or geonames < 1:
                self.add(
                    "invalid-geonames-id",
                    path,
                    f"'geonames' must be a positive integer (got {geonames!r})",
                )
                geonames = None
        former = () if former_raw is None else self.former_names(former_raw, base)
        # identity, even for a broken party, so that duplicates are still found
        key: PlaceKey | None
        if isinstance(wikidata, str):
            key = wikidata
        elif isinstance(geonames, int):
            key = f"geonames:{geonames}"
        elif isinstance(name, str) and isinstance(country_raw, str):
            sub_key = subdivision if isinstance(subdivision, str) else None
            key = (country_raw, sub_key, level.value, name_key(name))
        else:
            key = None
        names: tuple[str, ...] = ()
        if isinstance(name, str):
            nfc = name if name.isascii() else unicodedata.normalize("NFC", name)  # ASCII is NFC
            if not isinstance(country_raw, str):
                names = (nfc, wikidata) if isinstance(wikidata, str) else (nfc,)
            elif isinstance(wikidata, str):
                names = (nfc, f"{nfc} ({country_raw})", wikidata)
            else:
                names = (nfc, f"{nfc} ({country_raw})")
        if self.errors != before or former is None or not self.build:
            return None, key, names
        assert isinstance(name, str) and country is not None
        city: City = checked(
            City,
            (
                name,
                country,
                subdivision,
                level,
                wikidata,
                geonames,
                former,
                freeze_extensions(extensions),
            ),
        )
        return city, key, names

    def valid_name(self, name: str, base: str, field: str = "name") -> bool:
        """Whether the ``field`` of the object at ``base`` is a name: not blank, no control."""
        # A printable text holds no lone surrogate and no control character (category Cc).
        if name.isprintable() and name.strip():
            return True
        path = f"{base}.{field}"
        if not self.unicode_ok(name, path, field):
            return False
        if not name.strip():
            self.add("invalid-name", path, f"{field!r} must not be blank (got {name!r})")
            return False
        if _CONTROL.search(name):
            self.add(
                "invalid-name", path, f"{field!r} must not hold control characters (got {name!r})"
            )
            return False
        return True

    def former_names(self, raw: object, party: str) -> tuple[FormerName, ...] | None:
        """The ``former_names`` given to the party at ``party``; ``None`` when they break a rule."""
        base = f"{party}.former_names"
        if not isinstance(raw, _ARRAY):
            self.wrong_type(base, "former_names", "an array", raw)
            return None
        before = self.errors
        out: list[FormerName] = []
        previous_until: Dated | None = None
        for index, item in enumerate(raw):
            path = f"{base}[{index}]"
            if type(item) is not dict and not isinstance(item, Mapping):
                self.wrong_type(path, "former name", "an object", item)
                continue
            extensions = self.extensions(item, _FORMER_NAME_KEYS, path)
            name = item.get("name")
            if name is None:
                self.missing(f"{path}.name", "name")
            elif not isinstance(name, str):
                self.wrong_type(f"{path}.name", "name", "a string", name)
            else:
                self.valid_name(name, path)
            country = item.get("country")
            if country is not None:
                country = self.country(country, path, historic_ok=True)
            start = self.date(item.get("from"), "from", path)
            until = self.date(item.get("until"), "until", path)
            if item.get("until") is None:
                self.missing(f"{path}.until", "until")
            # (each date compared by its earliest day, element 0)
            if start is not None and until is not None and not start[0] < until[0]:
                self.add(
                    "former-names-out-of-order",
                    path,
                    f"'from' ({start[2]}) must come before 'until' ({until[2]})",
                )
            elif previous_until is not None:
                begins = start if start is not None else previous_until
                if until is not None and until[0] <= previous_until[0]:
                    self.add(
                        "former-names-out-of-order",
                        path,
                        f"former names must be oldest first: 'until' {until[2]} is not "
                        f"after the previous entry's 'until' {previous_until[2]}",
                    )
                elif begins[0] < previous_until[0]:
                    self.add(
                        "former-names-out-of-order",
                        path,
                        f"former names must not overlap: 'from' {begins[2]} is before the "
                        f"previous entry's 'until' {previous_until[2]}",
                    )
            if until is not None:
                previous_until = until
            if self.build and self.errors == before and isinstance(name, str) and until is not None:
                out.append(
                    FormerName(
                        name,
                        partial_date(until[2]),
                        from_=built_date(start),
                        country=country,
                        extensions=freeze_extensions(extensions),
                    )
                )
        return tuple(out) if self.errors == before else None

    def event(
        self, raw: object, base: str
    ) -> tuple[EventParts | None, EventType | None, Dated | None]:
        """Check one event's own fields; return its parts (None when not an object)."""
        if type(raw) is not dict and not isinstance(raw, Mapping):
            self.wrong_type(base, "event", "an object", raw)
            return None, None, None
        kind_raw = raw.get("type")
        date_raw = raw.get("date")
        by = raw.get("by")
        # Each field read with a value counts one: when that is every key, the event has no
        # other key (no extension, no unknown key). Most events give a type, a date and a 'by'
        # at most, and the rarer fields need not be read.
        found = (kind_raw is not None) + (date_raw is not None) + (by is not None)
        size = len(raw)
        bare = size == found
        reason = source = body = condition = None
        decided = announced = None
        extensions: dict[str, Any] = {}
        if not bare:
            reason = raw.get("reason")
            source = raw.get("source")
            body = raw.get("body")
            decided = raw.get("decided")
            announced = raw.get("announced")
            condition = raw.get("condition")
            found += (
                (reason is not None)
                + (source is not None)
                + (body is not None)
                + (decided is not None)
                + (announced is not None)
                + (condition is not None)
            )
            if size != found:
                extensions = self.extensions(raw, _EVENT_KEYS, base)
        kind = _EVENT_TYPES.get(kind_raw) if type(kind_raw) is str else None
        if kind is None:  # else a known type, the common case, in one look-up
            path = f"{base}.type"
            if kind_raw is None:
                self.missing(path, "type")
            elif not isinstance(kind_raw, str):
                self.wrong_type(path, "type", "a string", kind_raw)
            elif kind_raw in _EVENT_TYPES:
                kind = _EVENT_TYPES[kind_raw]
            else:
                near = _suggest(kind_raw, EventType._value2member_map_)
                hint = f"; did you mean {near!r}?" if near else ""
                self.add("invalid-event-type", path, one_of("type", EventType, kind_raw, hint))
        date = None if date_raw is None else self.date(date_raw, "date", base)
        if by is not None and not isinstance(by, str):
            self.wrong_type(f"{base}.by", "by", "a string", by)
            by = None
        elif (
            isinstance(by, str) and not by.isascii() and not self.unicode_ok(by, f"{base}.by", "by")
        ):
            by = None
        if bare:
            return (by, None, None, None, None, None, None, extensions), kind, date
        return (
            (
                by,
                None if reason is None else self.text(reason, "reason", base),
                None if source is None else self.text(source, "source", base),
                None if body is None else self.text(body, "body", base),
                None if decided is None else self.date(decided, "decided", base),
                None if announced is None else self.date(announced, "announced", base),
                None if condition is None else self.text(condition, "condition", base),
                extensions,
            ),
            kind,
            date,
        )


def check_id(check: FieldCheck, value: str, path: str, field: str) -> bool:
    # A printable text holds no lone surrogate and no white space but " " (isprintable() is
    # False for categories Cc, Cs, Zs but U+0020, Zl and Zp): such an id is answered at once.
    if value.isprintable() and " " not in value and 1 <= len(value) <= 200:
        return True
    if not check.unicode_ok(value, path, field):
        return False
    if not 1 <= len(value) <= 200 or _SPACE.search(value):
        check.add(
            "invalid-id",
            path,
            f"{field!r} must be 1 to 200 characters without white space (got {_short(value)})",
        )
        return False
    return True
