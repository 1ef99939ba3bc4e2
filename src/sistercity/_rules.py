"""The rule catalogue (SPEC §5) and the one-pass record check.

Every record rule is checked in one pass over the raw record (a JSON-like mapping), so that the
combinations of SPEC §5 hold: an invalid date is treated as undated by every other rule, an
invalid ``by`` as if there were none, a broken event is reported and skipped, and each event
gets at most one lifecycle issue. Per-field validators cannot do this: they stop at the first
failure and know only their own object's path.

Model objects built in Python run the same pass on their raw form, so there is one
implementation of each rule.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import math
import re
import reprlib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias, TypeVar

import attrs
import pycountry

from ._agreements import Agreement, AgreementKind, Event, EventType, Status, _Machine
from ._dates import PartialDate
from ._places import City, FormerName, PlaceKey, PlaceLevel, freeze_extensions, name_key
from ._report import InvalidAgreement, Issue, Severity, UnknownRuleError
from ._terms import kind_for_term

__all__ = [
    "RULES",
    "Rule",
    "RuleSelection",
    "check_record",
    "collection_rule",
    "record_rule",
    "register_rule",
    "unregister_rule",
]

Scope: TypeAlias = Literal["record", "collection", "output", "importer"]
#: A custom record rule: an agreement in, ``(path, message)`` pairs or issues out.
RecordCheck: TypeAlias = Callable[[Agreement], Iterable["Issue | tuple[str, str]"]]
#: A custom collection rule: every agreement in, ``(path, message)`` pairs or issues out.
CollectionCheck: TypeAlias = Callable[[Sequence[Agreement]], Iterable["Issue | tuple[str, str]"]]

ERROR: Final = Severity.ERROR
WARNING: Final = Severity.WARNING


@attrs.frozen
class Rule:
    """One entry of the rule catalogue: its id, severity, scope and what it checks.

    Built-in rules are checked by sistercity itself; a registered rule carries its ``check``.
    """

    id: str
    severity: Severity = attrs.field(converter=Severity)
    scope: Scope
    summary: str
    check: Callable[[Any], Iterable[Issue | tuple[str, str]]] | None = attrs.field(
        default=None, eq=False, repr=False
    )

    @property
    def builtin(self) -> bool:
        """Whether sistercity checks this rule itself."""
        return self.check is None

    @property
    def ignorable(self) -> bool:
        """``malformed-record`` and ``unknown-field`` cannot be ignored (SPEC §5)."""
        return self.id not in UNIGNORABLE


UNIGNORABLE: Final = frozenset({"malformed-record", "unknown-field"})

_BUILTIN: Final[tuple[Rule, ...]] = (
    # record rules, errors
    Rule("malformed-record", ERROR, "record",
         "not valid JSON, not an object, a value of the wrong JSON type, or a required field "
         "missing"),
    Rule("unknown-field", ERROR, "record", "a key that is neither in the format nor x- prefixed"),
    Rule("invalid-kind", ERROR, "record", "a kind outside the vocabulary"),
    Rule("invalid-event-type", ERROR, "record", "an event type outside the vocabulary"),
    Rule("invalid-level", ERROR, "record", "a place level outside the vocabulary"),
    Rule("invalid-date", ERROR, "record",
         "a date that is not a partial date (YYYY[-MM[-DD]][?~%])"),
    Rule("invalid-country", ERROR, "record", "a country that is not an ISO 3166-1 alpha-2 code"),
    Rule("invalid-subdivision", ERROR, "record",
         "a subdivision that is not an ISO 3166-2 code of the party's country"),
    Rule("invalid-wikidata-id", ERROR, "record",
         "a Wikidata id that is not Q and a positive integer"),
    Rule("invalid-geonames-id", ERROR, "record", "a GeoNames id that is not a positive integer"),
    Rule("invalid-name", ERROR, "record", "a blank name or one with control characters"),
    Rule("invalid-id", ERROR, "record",
         "an id (or supersedes) that is not 1-200 characters without white space"),
    Rule("former-names-out-of-order", ERROR, "record",
         "former names not oldest first, overlapping, or with 'from' not before 'until'"),
    Rule("too-few-parties", ERROR, "record", "fewer than two parties"),
    Rule("duplicate-party", ERROR, "record", "the same place twice among the parties"),
    Rule("self-supersedes", ERROR, "record", "'supersedes' names the record's own id"),
    Rule("invalid-actor", ERROR, "record", "an event's 'by' matches no party, or more than one"),
    Rule("events-out-of-order", ERROR, "record",
         "a dated event definitely before a dated event listed earlier"),
    Rule("event-after-end", ERROR, "record", "an event after 'terminated' or 'expired'"),
    Rule("event-before-signing", ERROR, "record",
         "'ratified', 'renewed', 'suspended', 'reinstated' or 'expired' before any signing"),
    Rule("invalid-transition", ERROR, "record", "any other event the lifecycle does not allow"),
    # record rules, warnings
    Rule("missing-reason", WARNING, "record", "'suspended' or 'terminated' without a reason"),
    Rule("missing-source", WARNING, "record", "no sources and no event source"),
    Rule("historic-country", WARNING, "record",
         "a party's country is a former country's code (ISO 3166-3), such as SU, YU or DD"),
    Rule("future-date", WARNING, "record", "an event dated after today"),
    # collection rules
    Rule("duplicate-id", ERROR, "collection", "two agreements share an id"),
    Rule("conflicting-city", ERROR, "collection",
         "the same wikidata or geonames id with different countries"),
    Rule("duplicate-agreement", WARNING, "collection",
         "the same places and kind, periods that possibly overlap, neither supersedes the other"),
    Rule("unknown-supersedes", WARNING, "collection", "'supersedes' names an id not in the input"),
    Rule("superseded-still-active", WARNING, "collection",
         "an agreement and the one that supersedes it are both active now"),
    # output rules
    Rule("unwritable-record", ERROR, "output",
         "a record the output format cannot hold (CSV: not exactly two parties)"),
    # importer rules
    Rule("unmapped-term", WARNING, "importer", "a source term with no kind in the term table"),
    Rule("deprecated-statement", WARNING, "importer",
         "a Wikidata statement of deprecated rank (skipped)"),
    Rule("missing-reciprocal", WARNING, "importer", "a directed statement with no counterpart"),
    Rule("conflicting-statements", WARNING, "importer", "the two sides of a pair disagree"),
    Rule("unresolved-reference", ERROR, "importer",
         "a partner, country or column value the input cannot resolve (not imported)"),
)  # fmt: skip

_registry: dict[str, Rule] = {rule.id: rule for rule in _BUILTIN}


class _Catalogue(Mapping[str, Rule]):
    """A read-only view of every known rule, built in and registered, by id."""

    def __getitem__(self, key: str) -> Rule:
        return _registry[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_registry)

    def __len__(self) -> int:
        return len(_registry)

    def __repr__(self) -> str:
        return f"<RULES {sorted(_registry)}>"


#: Every known rule by id: the built-in catalogue of SPEC §5 and any registered rule.
RULES: Final[Mapping[str, Rule]] = _Catalogue()

_ID_FORM: Final = re.compile(r"[a-z0-9][a-z0-9-]*")


def register_rule(rule: Rule) -> Rule:
    """Add a custom rule (its ``check`` set) to the catalogue, under an id of its own."""
    if rule.check is None:
        raise ValueError(f"rule {rule.id!r} needs a check function")
    if rule.scope not in ("record", "collection"):
        raise ValueError(f"a custom rule's scope is 'record' or 'collection' (got {rule.scope!r})")
    if not _ID_FORM.fullmatch(rule.id):
        raise ValueError(f"a rule id is lower case letters, digits and '-' (got {rule.id!r})")
    existing = _registry.get(rule.id)
    if existing is not None and existing.builtin:
        raise ValueError(f"{rule.id!r} is a built-in rule")
    _registry[rule.id] = rule
    return rule


def unregister_rule(rule_id: str) -> None:
    """Remove a custom rule from the catalogue."""
    rule = _registry.get(rule_id)
    if rule is None:
        raise UnknownRuleError(f"unknown rule id {rule_id!r}")
    if rule.builtin:
        raise ValueError(f"{rule_id!r} is a built-in rule and cannot be removed")
    del _registry[rule_id]


def record_rule(
    id: str, *, severity: Severity | str = WARNING, summary: str
) -> Callable[[RecordCheck], RecordCheck]:
    """Register a function from an :class:`Agreement` to findings as a record rule.

    The function yields :class:`Issue` objects or ``(path, message)`` pairs.
    """

    def decorate(check: RecordCheck) -> RecordCheck:
        register_rule(Rule(id, Severity(severity), "record", summary, check))
        return check

    return decorate


def collection_rule(
    id: str, *, severity: Severity | str = WARNING, summary: str
) -> Callable[[CollectionCheck], CollectionCheck]:
    """Register a function from a sequence of agreements to findings as a collection rule."""

    def decorate(check: CollectionCheck) -> CollectionCheck:
        register_rule(Rule(id, Severity(severity), "collection", summary, check))
        return check

    return decorate


@attrs.frozen
class RuleSelection:
    """Which rules a run reports, from ``select`` and ``ignore`` lists of ids (as linters do).

    Selecting and ignoring change the report and the exit status only; they never make a
    broken record constructible. ``malformed-record`` and ``unknown-field`` are always reported.
    """

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, select: Iterable[str] | str | None = None, ignore: Iterable[str] | str | None = None
    ) -> RuleSelection:
        """Build a selection, raising :class:`UnknownRuleError` for an unknown id."""
        chosen = None if select is None else frozenset(_ids(select))
        dropped = frozenset(_ids(ignore)) if ignore is not None else frozenset()
        for rule_id in (chosen or frozenset()) | dropped:
            if rule_id not in _registry:
                near = difflib.get_close_matches(rule_id, list(_registry), n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise UnknownRuleError(f"unknown rule id {rule_id!r}{hint}")
        return cls(chosen, dropped)

    def wants(self, rule_id: str) -> bool:
        """Whether a finding of ``rule_id`` belongs in the report."""
        if rule_id in UNIGNORABLE:
            return True
        if self.select is not None and rule_id not in self.select:
            return False
        return rule_id not in self.ignore

    def custom(self, scope: Scope) -> list[Rule]:
        """The registered rules of ``scope`` that this selection runs."""
        return [
            rule
            for rule in _registry.values()
            if not rule.builtin and rule.scope == scope and self.wants(rule.id)
        ]

    def filter(self, issues: Iterable[Issue]) -> list[Issue]:
        """Keep the issues this selection reports."""
        return [issue for issue in issues if self.wants(issue.rule)]


def _ids(value: Iterable[str] | str) -> Iterator[str]:
    parts = value.split(",") if isinstance(value, str) else value
    for part in parts:
        if part.strip():
            yield part.strip()


def run_custom(rule: Rule, subject: Any, *, id: str | None = None) -> Iterator[Issue]:
    """Run one registered rule, turning ``(path, message)`` pairs into issues."""
    assert rule.check is not None
    for found in rule.check(subject):
        if isinstance(found, Issue):
            yield attrs.evolve(found, rule=rule.id, severity=rule.severity)
        else:
            path, message = found
            yield Issue(rule.id, rule.severity, message, path, id=id)


# --------------------------------------------------------------------------------------------
# The one-pass record check
# --------------------------------------------------------------------------------------------

_trusted: contextvars.ContextVar[bool] = contextvars.ContextVar("_trusted", default=False)

AGREEMENT_KEYS: Final = (
    "id", "kind", "term", "parties", "events", "sources", "supersedes", "notes",
)  # fmt: skip
PARTY_KEYS: Final = (
    "name", "country", "subdivision", "level", "wikidata", "geonames", "former_names",
)  # fmt: skip
EVENT_KEYS: Final = ("type", "date", "by", "reason", "source")
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
_WIKIDATA: Final = re.compile(r"Q[1-9][0-9]*")
_COUNTRY_FORM: Final = re.compile(r"[A-Z]{2}")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE: Final = re.compile(r"\s")
_INT64: Final = (-(2**63), 2**63 - 1)

# Partial dates already parsed, by text: records repeat the same years, months and days, and a
# PartialDate is immutable, so one object serves them all. Bounded, so memory stays flat (about
# 6 MB when full); it is emptied when full, so the bound sits well above the few thousand
# distinct dates of a typical file (a bound just below them made every lookup miss).
_DATES: dict[str, PartialDate] = {}
_DATES_MAX: Final = 16384

_EVENT_TYPES: Final[dict[str, EventType]] = {member.value: member for member in EventType}
_KINDS: Final[dict[str, AgreementKind]] = {member.value: member for member in AgreementKind}
_LEVELS: Final[dict[str, PlaceLevel]] = {member.value: member for member in PlaceLevel}

_LEVEL_ALIASES: Final = {
    "city": "municipality", "town": "municipality", "village": "municipality",
    "commune": "municipality", "municipal": "municipality", "borough": "district",
    "ortsteil": "district", "state": "region", "province": "region",
    "prefecture": "region", "oblast": "region", "voivodeship": "region",
    "nation": "country",
}  # fmt: skip


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


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 60, 60


def _short(value: object) -> str:
    text = _REPR.repr(value) if isinstance(value, list | tuple | dict) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    near = difflib.get_close_matches(value.casefold(), list(choices), n=1, cutoff=0.6)
    return near[0] if near else None


class _Check:
    """State of one pass over one raw record."""

    __slots__ = ("build", "errors", "issues", "rid", "today")

    def __init__(self, today: dt.date | None, *, build: bool = True) -> None:
        self.issues: list[Issue] = []
        self.errors = 0
        self.rid: str | None = None
        self.today = today
        # whether to build model objects from the parts that pass (a check-only run does not)
        self.build = build

    def add(self, rule: str, path: str, message: str) -> None:
        severity = _registry[rule].severity
        if severity is ERROR:
            self.errors += 1
        self.issues.append(Issue(rule, severity, message, path, id=self.rid))

    def wrong_type(self, path: str, field: str, expected: str, value: object) -> None:
        self.add(
            "malformed-record",
            path,
            f"{field!r} must be {expected} (got {json_type(value)} {_short(value)})",
        )

    def missing(self, path: str, field: str) -> None:
        self.add("malformed-record", path, f"{field!r} is required but missing")

    # ---- values -------------------------------------------------------------------------

    def text(self, obj: Mapping[str, Any], key: str, base: str) -> str | None:
        """An optional text field: null, empty or blank means absent."""
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong_type(key_path(base, key), key, "a string", value)
            return None
        if not value.isascii() and not self.unicode_ok(value, key_path(base, key), key):
            return None
        return value if value.strip() else None

    def unicode_ok(self, value: str, path: str, field: str) -> bool:
        if value.isascii():
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.add("malformed-record", path, f"{field!r} holds a lone surrogate")
            return False
        return True

    def extensions(
        self, obj: Mapping[str, Any], known: frozenset[str], base: str
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if obj.keys() <= known:
            return found
        for key in obj:
            if not isinstance(key, str):
                self.add("malformed-record", base, f"keys must be strings (got {_short(key)})")
            elif key in known or not self.unicode_ok(key, key_path(base, key), "key"):
                continue
            elif key.startswith("x-"):
                path = key_path(base, key)
                if self.json_ok(obj[key], path):
                    found[key] = obj[key]
            else:
                near = _suggest(key, known)
                hint = f"; did you mean {near!r}?" if near else ""
                allowed = ", ".join(sorted(known))
                self.add(
                    "unknown-field",
                    key_path(base, key),
                    f"unknown key {key!r} (expected one of {allowed}, or an 'x-' "
                    f"extension key{hint})",
                )
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
                self.add("malformed-record", path, f"number {value} is outside the 64-bit range")
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

    def date(self, obj: Mapping[str, Any], key: str, base: str) -> PartialDate | None:
        value = obj.get(key)
        if value is None:
            return None
        if type(value) is str:
            cached = _DATES.get(value)
            if cached is not None:
                return cached
        if isinstance(value, PartialDate):
            return value
        path = key_path(base, key)
        if not isinstance(value, str):
            self.wrong_type(
                path, key, "a partial date string such as '1962' or '2022-02-26'", value
            )
            return None
        try:
            date = PartialDate(value)
        except ValueError as exc:
            self.add("invalid-date", path, f"{key!r}: {exc}")
            return None
        if type(value) is str:
            if len(_DATES) >= _DATES_MAX:
                _DATES.clear()
            _DATES[value] = date
        return date

    def country(self, value: object, path: str, *, historic_ok: bool) -> str | None:
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
        extensions = self.extensions(raw, _PARTY_KEYS, base)
        name = raw.get("name")
        if name is None:
            self.missing(f"{base}.name", "name")
        elif not isinstance(name, str):
            self.wrong_type(f"{base}.name", "name", "a string", name)
            name = None
        elif not self.valid_name(name, f"{base}.name"):
            name = None
        country_raw = raw.get("country")
        country = None
        if country_raw is None:
            self.missing(f"{base}.country", "country")
        else:
            country = self.country(country_raw, f"{base}.country", historic_ok=False)
        subdivision = raw.get("subdivision")
        if subdivision is not None:
            path = f"{base}.subdivision"
            if not isinstance(subdivision, str):
                self.wrong_type(path, "subdivision", "an ISO 3166-2 code", subdivision)
                subdivision = None
            else:
                sub = pycountry.subdivisions.get(code=subdivision)  # type: ignore[no-untyped-call]
                if sub is None or sub.code != subdivision:
                    self.add(
                        "invalid-subdivision",
                        path,
                        f"'subdivision' must be an ISO 3166-2 code (got {subdivision!r})",
                    )
                elif country is not None and sub.country_code != country:
                    self.add(
                        "invalid-subdivision",
                        path,
                        f"'subdivision' {subdivision!r} is in {sub.country_code}, not in "
                        f"the party's country {country!r}",
                    )
        level_raw = raw.get("level")
        level = PlaceLevel.MUNICIPALITY
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
                values = ", ".join(PlaceLevel._value2member_map_)
                self.add(
                    "invalid-level",
                    path,
                    f"'level' must be one of {values} (got {level_raw!r}{hint})",
                )
        wikidata = raw.get("wikidata")
        if wikidata is not None:
            path = f"{base}.wikidata"
            if not isinstance(wikidata, str):
                self.wrong_type(path, "wikidata", "a string such as 'Q656'", wikidata)
                wikidata = None
            elif not _WIKIDATA.fullmatch(wikidata):
                self.add(
                    "invalid-wikidata-id",
                    path,
                    "'wikidata' must be Q and a positive integer without leading zeros, "
                    f"such as 'Q656' (got {wikidata!r})",
                )
                wikidata = None
        geonames = raw.get("geonames")
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
                    f"'geonames' {geonames} is outside the 64-bit integer range",
                )
                geonames = None
            elif isinstance(geonames, float) or geonames < 1:
                self.add(
                    "invalid-geonames-id",
                    path,
                    f"'geonames' must be a positive integer (got {geonames!r})",
                )
                geonames = None
        former = self.former_names(raw.get("former_names"), f"{base}.former_names")
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
            nfc = unicodedata.normalize("NFC", name)
            names = (nfc, f"{nfc} ({country_raw})") if isinstance(country_raw, str) else (nfc,)
            if isinstance(wikidata, str):
                names += (wikidata,)
        if self.errors != before or former is None or not self.build:
            return None, key, names
        assert isinstance(name, str) and country is not None
        city: City = _checked(
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

    def valid_name(self, name: str, path: str, field: str = "name") -> bool:
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

    def former_names(self, raw: object, base: str) -> tuple[FormerName, ...] | None:
        if raw is None:
            return ()
        if not isinstance(raw, list | tuple):
            self.wrong_type(base, "former_names", "an array", raw)
            return None
        before = self.errors
        out: list[FormerName] = []
        previous_until: PartialDate | None = None
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
                self.valid_name(name, f"{path}.name")
            country = item.get("country")
            if country is not None:
                country = self.country(country, f"{path}.country", historic_ok=True)
            start = self.date(item, "from", path)
            until = self.date(item, "until", path)
            if item.get("until") is None:
                self.missing(f"{path}.until", "until")
            if start is not None and until is not None and not start.earliest < until.earliest:
                self.add(
                    "former-names-out-of-order",
                    path,
                    f"'from' ({start}) must come before 'until' ({until})",
                )
            elif previous_until is not None:
                begins = start if start is not None else previous_until
                if until is not None and until.earliest <= previous_until.earliest:
                    self.add(
                        "former-names-out-of-order",
                        path,
                        f"former names must be oldest first: 'until' {until} is not "
                        f"after the previous entry's 'until' {previous_until}",
                    )
                elif begins.earliest < previous_until.earliest:
                    self.add(
                        "former-names-out-of-order",
                        path,
                        f"former names must not overlap: 'from' {begins} is before the "
                        f"previous entry's 'until' {previous_until}",
                    )
            if until is not None:
                previous_until = until
            if self.build and self.errors == before and isinstance(name, str) and until is not None:
                out.append(
                    FormerName(
                        name,
                        until,
                        from_=start,
                        country=country,
                        extensions=freeze_extensions(extensions),
                    )
                )
        return tuple(out) if self.errors == before else None

    def event(
        self, raw: object, base: str
    ) -> tuple[dict[str, Any] | None, EventType | None, PartialDate | None]:
        """Check one event's own fields; return its parts (None when not an object)."""
        if type(raw) is not dict and not isinstance(raw, Mapping):
            self.wrong_type(base, "event", "an object", raw)
            return None, None, None
        extensions = self.extensions(raw, _EVENT_KEYS, base)
        kind_raw = raw.get("type")
        kind: EventType | None = None
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
            values = ", ".join(EventType._value2member_map_)
            self.add(
                "invalid-event-type",
                path,
                f"'type' must be one of {values} (got {kind_raw!r}{hint})",
            )
        date = self.date(raw, "date", base)
        by = raw.get("by")
        if by is not None and not isinstance(by, str):
            self.wrong_type(f"{base}.by", "by", "a string", by)
            by = None
        elif isinstance(by, str) and not self.unicode_ok(by, f"{base}.by", "by"):
            by = None
        parts = {
            "by": by,
            "reason": self.text(raw, "reason", base),
            "source": self.text(raw, "source", base),
            "extensions": extensions,
        }
        return parts, kind, date


def check_record(
    raw: object, *, today: dt.date | None = None, build: bool = True
) -> tuple[list[Issue], Agreement | None]:
    """Check one raw record against every built-in record rule, in one pass.

    Returns the issues (errors and warnings, unfiltered) and, when there is no error and
    ``build`` is true, the :class:`Agreement`.
    """
    check = _Check(today, build=build)
    if type(raw) is not dict and not isinstance(raw, Mapping):
        check.wrong_type("$", "record", "a JSON object", raw)
        return check.issues, None
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
        _check_id(check, rid, "$.id", "id")
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
        elif not _check_id(check, supersedes, "$.supersedes", "supersedes"):
            supersedes = None
        elif supersedes == rid:
            check.add(
                "self-supersedes", "$.supersedes", f"'supersedes' names the record's own id {rid!r}"
            )
    # parties
    parties_raw = raw.get("parties")
    cities: list[City | None] = []
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
        machine = _Machine(len(parties_raw), labels)
        for kind_e, actor, has_by, base in steps:
            problem = machine.step(kind_e, actor, has_by)
            if problem is not None:
                check.add(problem[0], f"{base}.type", problem[1])
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
    if check.errors or not build:
        return check.issues, None
    assert isinstance(rid, str) and kind is not None
    events = tuple(
        _checked(
            Event,
            (
                kind_e,
                date,
                by,
                parts["reason"],
                parts["source"],
                freeze_extensions(parts["extensions"]),
            ),
        )
        for kind_e, date, by, parts in event_parts
    )
    agreement: Agreement = _checked(
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
    return check.issues, agreement


_T = TypeVar("_T")

# The fields of the model classes, in the order _checked takes their values. Checked when this
# module loads, so that a field added to a model cannot be skipped silently.
_FIELDS: Final[dict[type, tuple[str, ...]]] = {
    City: (
        "name", "country", "subdivision", "level", "wikidata", "geonames", "former_names",
        "extensions",
    ),
    Event: ("type", "date", "by", "reason", "source", "extensions"),
    Agreement: (
        "id", "kind", "parties", "events", "term", "sources", "supersedes", "notes", "extensions",
    ),
}  # fmt: skip
for _cls, _names in _FIELDS.items():
    if tuple(field.name for field in attrs.fields(_cls)) != _names:  # pragma: no cover
        raise RuntimeError(f"_rules._FIELDS is out of date for {_cls.__name__}")
_new = object.__new__
_set = object.__setattr__


def _checked(cls: type[Any], values: tuple[Any, ...]) -> Any:
    """A model object from values the pass has checked and converted, without checking again.

    The values are already what the class's converters return (enum members, tuples,
    ``PartialDate`` objects, read-only extension mappings), and the record's rules have been
    checked on them, so ``__init__`` (its converters and its check) would only repeat work.
    """
    obj = _new(cls)
    for name, value in zip(_FIELDS[cls], values, strict=True):
        _set(obj, name, value)
    return obj


def _build(factory: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Construct a model object from parts the pass has checked, without checking again."""
    token = _trusted.set(True)
    try:
        return factory(*args, **kwargs)
    finally:
        _trusted.reset(token)


def _check_id(check: _Check, value: str, path: str, field: str) -> bool:
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


# --------------------------------------------------------------------------------------------
# Objects built in Python run the same pass on their raw form.
# --------------------------------------------------------------------------------------------


def _raise_errors(issues: list[Issue], id: str | None = None) -> None:
    errors = [issue for issue in issues if issue.is_error]
    if errors:
        raise InvalidAgreement(errors, id=id)


def check_city(city: City) -> None:
    """Raise :class:`InvalidAgreement` when a :class:`City` built in Python breaks a rule."""
    if _trusted.get():
        return
    from .serialization import city_to_raw

    check = _Check(None)
    for index, former in enumerate(city.former_names):
        if not isinstance(former, FormerName):
            check.wrong_type(f"$.former_names[{index}]", "former name", "a FormerName", former)
    _raise_errors(check.issues)
    check.party(city_to_raw(city), "$")
    _raise_errors(check.issues)


def check_event(event: Event) -> None:
    """Raise :class:`InvalidAgreement` when an :class:`Event` built in Python breaks a rule."""
    if _trusted.get():
        return
    from .serialization import event_to_raw

    check = _Check(None)
    check.event(event_to_raw(event), "$")
    _raise_errors(check.issues)


def check_agreement(agreement: Agreement) -> None:
    """Raise :class:`InvalidAgreement` when an :class:`Agreement` built in Python breaks a rule."""
    if _trusted.get():
        return
    from .serialization import agreement_to_raw

    check = _Check(None)
    for index, party in enumerate(agreement.parties):
        if not isinstance(party, City):
            check.wrong_type(f"$.parties[{index}]", "party", "a City", party)
    for index, event in enumerate(agreement.events):
        if not isinstance(event, Event):
            check.wrong_type(f"$.events[{index}]", "event", "an Event", event)
    _raise_errors(check.issues, agreement.id if isinstance(agreement.id, str) else None)
    issues, _ = check_record(agreement_to_raw(agreement), today=dt.date.max, build=False)
    _raise_errors(issues, agreement.id if isinstance(agreement.id, str) else None)


def active_now(agreement: Agreement, today: dt.date) -> bool:
    """Whether ``agreement`` is active on ``today``."""
    return agreement.status_on(today, today=today) is Status.ACTIVE
