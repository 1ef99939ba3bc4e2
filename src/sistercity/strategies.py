"""Hypothesis strategies for sister-city data, for property tests of your own code.

Needs the optional Hypothesis: ``pip install 'sistercity[strategies]'``.

Every strategy builds its values by construction, never by filtering: dates are drawn sorted,
lifecycles are walked one legal transition at a time (docs: Lifecycle), former names are laid out
oldest first, and an event's ``by`` is written in a form (Wikidata id, name, or ``name (CC)``)
that names exactly one party.

- :func:`partial_dates` gives :class:`~sistercity.PartialDate` values;
- :func:`cities` gives valid :class:`~sistercity.City` parties;
- :func:`records` gives valid record dicts in canonical form (what :func:`~sistercity.to_dict`
  writes), and :func:`agreements` the :class:`~sistercity.Agreement` built from the same parts
  through the Python constructors;
- :func:`broken_records` gives ``(rule_id, record)`` pairs whose only error is ``rule_id``
  (warnings aside), for every record rule that is an error; :func:`broken_cases` gives the same
  with the path that the rule reference says the issue points at.

>>> from hypothesis import given, settings
>>> import sistercity as sc
>>> @settings(max_examples=10)
... @given(broken_records())
... def test_broken(case: tuple[str, dict]) -> None:
...     rule, record = case
...     assert {i.rule for i in sc.validate(record).errors} == {rule}
>>> test_broken()
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, Final, NamedTuple, TypeAlias

import pycountry

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as exc:  # pragma: no cover - tested in a subprocess
    raise ModuleNotFoundError(
        "sistercity.strategies needs Hypothesis: install the extra with "
        "pip install 'sistercity[strategies]'",
        name=exc.name,
    ) from exc

from ._agreements import Agreement, AgreementKind, Event, EventType
from ._dates import PartialDate
from ._places import City, FormerName, PlaceLevel
from ._terms import TERMS

__all__ = [
    "BROKEN_RULES",
    "BrokenRecord",
    "agreements",
    "broken_cases",
    "broken_records",
    "cities",
    "partial_dates",
    "records",
]

Record: TypeAlias = dict[str, Any]
Draw: TypeAlias = st.DrawFn

#: The record rules that are errors (docs: Rules): :func:`broken_records` breaks each of them.
BROKEN_RULES: Final = (
    "malformed-record",
    "unknown-field",
    "invalid-kind",
    "invalid-event-type",
    "invalid-level",
    "invalid-date",
    "invalid-country",
    "invalid-subdivision",
    "invalid-wikidata-id",
    "invalid-geonames-id",
    "invalid-name",
    "invalid-id",
    "former-names-out-of-order",
    "too-few-parties",
    "duplicate-party",
    "self-supersedes",
    "invalid-actor",
    "events-out-of-order",
    "decided-after-effective",
    "event-after-end",
    "event-before-signing",
    "invalid-transition",
)

# --------------------------------------------------------------------------------------------
# Vocabulary of realistic values
# --------------------------------------------------------------------------------------------

_PLACES: Final = (
    ("Manchester", "GB"), ("Saint Petersburg", "RU"), ("Glasgow", "GB"),
    ("Rostov-on-Don", "RU"), ("Coventry", "GB"), ("Volgograd", "RU"), ("Kyiv", "UA"),
    ("Kharkiv", "UA"), ("Lviv", "UA"), ("Odesa", "UA"), ("Toledo", "US"), ("Toledo", "ES"),
    ("Springfield", "US"), ("Köln", "DE"), ("München", "DE"), ("Zürich", "CH"),
    ("São Paulo", "BR"), ("Kraków", "PL"), ("Łódź", "PL"), ("Reykjavík", "IS"),
    ("Rotorua", "NZ"), ("Wuzhong District", "CN"), ("Suzhou", "CN"), ("Paris", "FR"),
    ("Roma", "IT"), ("Lyon", "FR"), ("Birmingham", "GB"), ("Frankfurt am Main", "DE"),
    ("Leipzig", "DE"), ("Bordeaux", "FR"), ("Dresden", "DE"), ("Hamburg", "DE"),
    ("Marseille", "FR"), ("Valencia", "ES"), ("Porto", "PT"), ("Prishtina", "XK"),
    ("Sarajevo", "BA"), ("Tampere", "FI"), ("Nagasaki", "JP"), ("広島市", "JP"),
    ("서울특별시", "KR"), ("Санкт-Петербург", "RU"), ("Newcastle upon Tyne", "GB"),
    ("Gdańsk", "PL"), ("Rīga", "LV"), ("Tbilisi", "GE"), ("Yerevan", "AM"), ("Sydney", "AU"),
    ("Valparaíso", "CL"), ("Bremen", "DE"), ("Saint-Étienne", "FR"), ("Düsseldorf", "DE"),
)  # fmt: skip
_FORMER: Final = (
    "Leningrad", "Petrograd", "Stalingrad", "Tsaritsyn", "Königsberg", "Danzig", "Breslau",
    "Lemberg", "Kiev", "Bombay", "Karl-Marx-Stadt", "Léopoldville", "Wuxian City", "Christiania",
)  # fmt: skip
_CURRENT: Final = tuple(sorted({c.alpha_2 for c in pycountry.countries} | {"XK"}))
_HISTORIC: Final = tuple(sorted({c.alpha_2 for c in pycountry.historic_countries} - set(_CURRENT)))
_SUBDIVISIONS: Final[dict[str, tuple[str, ...]]] = {}
for _sub in pycountry.subdivisions:
    _SUBDIVISIONS.setdefault(_sub.country_code, ())
    _SUBDIVISIONS[_sub.country_code] += (_sub.code,)
_WITH_SUBDIVISIONS: Final = tuple(sorted(_SUBDIVISIONS))
_REASONS: Final = (
    "Russian invasion of Ukraine",
    "council decision",
    "the link had been dormant for years",
    "merger of the municipalities",
)
_NEEDS_SIGNING: Final = frozenset({"ratified", "renewed", "suspended", "reinstated", "expired"})
_EVENT_TYPES: Final = tuple(e.value for e in EventType)
#: Event types repeated by how often they come up in real lifecycles.
_WEIGHTED_TYPES: Final[tuple[str, ...]] = (
    ("proposed", "approved", "ratified", "terminated", "expired")
    + ("signed",) * 4
    + ("renewed",) * 2
    + ("suspended",) * 3
    + ("reinstated",) * 3
)

# --------------------------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------------------------


_PRECISIONS: Final = st.sampled_from(("year", "month", "day"))
_QUALIFIERS: Final = st.sampled_from((None, "?", "~", "%"))


def _coarsen(day: dt.date, precision: str, qualifier: str | None) -> PartialDate:
    """The partial date of ``precision`` that contains ``day``."""
    text = f"{day.year:04d}"
    if precision != "year":
        text += f"-{day.month:02d}"
    if precision == "day":
        text += f"-{day.day:02d}"
    return PartialDate(text + (qualifier or ""))


@st.composite
def _partial_date(
    draw: Draw, min_year: int, max_year: int, qualifiers: bool, around: dt.date | None = None
) -> PartialDate:
    day = around or draw(st.dates(dt.date(min_year, 1, 1), dt.date(max_year, 12, 31)))
    precision = draw(_PRECISIONS)
    qualifier = draw(_QUALIFIERS) if qualifiers else None
    return _coarsen(day, precision, qualifier)


def partial_dates(
    min_year: int = 1, max_year: int = 9999, *, qualifiers: bool = True
) -> st.SearchStrategy[PartialDate]:
    """Partial dates (docs: Dates) of year, month or day precision, in ``min_year..max_year``.

    With ``qualifiers`` (the default) some carry an EDTF qualifier ``?``, ``~`` or ``%``.
    """
    if not 1 <= min_year <= max_year <= 9999:
        raise ValueError(f"need 1 <= min_year <= max_year <= 9999 (got {min_year}, {max_year})")
    return _partial_date(min_year, max_year, qualifiers)


_NAME_START: Final = st.characters(exclude_categories=("C", "Z"))
_NAME_REST: Final = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=8)
#: A non-blank text with no control characters and no lone surrogates.
_wild_texts: Final = st.builds(lambda a, b: a + b, _NAME_START, _NAME_REST)
_plain_texts: Final = st.text(st.characters(codec="utf-8"), max_size=10)
_id_texts: Final = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Z")), min_size=1, max_size=20
)
_json_values: Final = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _plain_texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_plain_texts, inner, max_size=3),
    max_leaves=3,
)
_NO_EXTENSIONS: Final[st.SearchStrategy[dict[str, Any]]] = st.just({})
#: ``x-`` extension keys with plain JSON values (one time in four), written sorted.
_extensions: Final = st.one_of(
    _NO_EXTENSIONS,
    _NO_EXTENSIONS,
    _NO_EXTENSIONS,
    st.dictionaries(
        _plain_texts.map(lambda key: "x-" + key), _json_values, min_size=1, max_size=2
    ).map(lambda found: dict(sorted(found.items()))),
)
_BOOLEANS: Final = st.booleans()
_EVENT_COUNT: Final = st.integers(0, 6)
_FORMER_COUNT: Final = st.sampled_from((0, 0, 0, 1, 1, 2))
_FORMER_YEARS: Final = st.integers(1000, 2030)
_DAY_OF_YEAR: Final = st.integers(0, 364)
_FORMER_COUNTRIES: Final = st.one_of(st.none(), st.none(), st.sampled_from(_CURRENT + _HISTORIC))
_TAME_FORMER: Final = st.sampled_from(_FORMER)
_WILD_FORMER: Final = st.one_of(_TAME_FORMER, _TAME_FORMER, _wild_texts)
_TAME_PLACES: Final = st.sampled_from(_PLACES)
_WILD_PLACES: Final = st.one_of(
    _TAME_PLACES, _TAME_PLACES, st.tuples(_wild_texts, st.sampled_from(_CURRENT))
)
_LEVELS: Final = st.sampled_from(tuple(PlaceLevel))
_REASON_TEXTS: Final = st.sampled_from(_REASONS) | _wild_texts
_BODIES: Final = (
    "full council", "City Administration Committee", "mayor", "council leader",
    "twinning association", "Stadtrat",
)  # fmt: skip
_BODY_TEXTS: Final = st.sampled_from(_BODIES) | _wild_texts
_CONDITIONS: Final = (
    "until further notice", "until Russia's breaches of international law cease",
    "until such a time that they can resume",
)  # fmt: skip
_CONDITION_TEXTS: Final = st.sampled_from(_CONDITIONS) | _wild_texts
_KINDS: Final = st.sampled_from(tuple(AgreementKind))
_TERMS: Final = {
    kind: st.none()
    | st.sampled_from(sorted(t for t, k in TERMS.items() if k is kind))
    | _wild_texts
    if any(k is kind for k in TERMS.values())
    else st.none() | _wild_texts
    for kind in AgreementKind
}
_SOURCES: Final = st.lists(
    st.sampled_from(("https://www.manchester.gov.uk/", "https://www.wikidata.org/")) | _plain_texts,
    max_size=2,
)


@functools.cache
def _subdivisions_of(country: str) -> st.SearchStrategy[str]:
    return st.sampled_from(_SUBDIVISIONS[country])


def _slug(text: str) -> str:
    return "-".join(text.casefold().split())


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _place_key(party: Record) -> object:
    """The identity of SPEC §4, written here from the SPEC rather than taken from the model."""
    if "wikidata" in party:
        return party["wikidata"]
    if "geonames" in party:
        return f"geonames:{party['geonames']}"
    level = party.get("level", "municipality")
    return (party["country"], party.get("subdivision"), level, _name_key(party["name"]))


@st.composite
def _former_names(draw: Draw, tame: bool) -> list[Record]:
    """Former names oldest first, not overlapping.

    Their dates fall in 2k distinct years, sorted, so every date's earliest day comes after
    the one before it, whatever the precision.
    """
    count = draw(_FORMER_COUNT)
    if count == 0:
        return []
    years = sorted(
        draw(st.lists(_FORMER_YEARS, min_size=2 * count, max_size=2 * count, unique=True))
    )
    dates = []
    for year in years:
        offset = draw(_DAY_OF_YEAR)
        day = dt.date(year, 1, 1) + dt.timedelta(days=offset)
        dates.append(_coarsen(day, draw(_PRECISIONS), draw(_QUALIFIERS)))
    names = _TAME_FORMER if tame else _WILD_FORMER
    out = []
    for index in range(count):
        entry: Record = {"name": draw(names)}
        country = draw(_FORMER_COUNTRIES)
        if country is not None:
            entry["country"] = country
        if draw(_BOOLEANS):
            entry["from"] = str(dates[2 * index])
        entry["until"] = str(dates[2 * index + 1])
        entry.update(draw(_extensions) if not tame else {})
        out.append(entry)
    return out


@st.composite
def _party(draw: Draw, tame: bool) -> Record:
    """One valid party dict in canonical key order."""
    if tame:
        name, country = draw(_TAME_PLACES)
    else:
        name, country = draw(_WILD_PLACES)
    party: Record = {"name": name, "country": country}
    if country in _SUBDIVISIONS and draw(_BOOLEANS):
        party["subdivision"] = draw(_subdivisions_of(country))
    level = draw(_LEVELS)
    if level is not PlaceLevel.MUNICIPALITY:
        party["level"] = level.value
    if draw(_BOOLEANS):
        party["wikidata"] = f"Q{draw(st.integers(1, 10**9))}"
    if draw(st.integers(0, 3)) == 0:
        party["geonames"] = draw(st.integers(1, 2**63 - 1))
    former = draw(_former_names(tame))
    if former:
        party["former_names"] = former
    if not tame:
        party.update(draw(_extensions))
    return party


def _city(party: Record) -> City:
    """Build a :class:`City` from a valid party dict through the Python constructors."""
    former = [
        FormerName(
            f["name"],
            f["until"],
            from_=f.get("from"),
            country=f.get("country"),
            extensions={k: v for k, v in f.items() if k.startswith("x-")},
        )
        for f in party.get("former_names", ())
    ]
    # passed through an Any-typed mapping: mypy reads City's ``converter=tuple`` field as
    # taking ``Iterable[_T_co]`` and refuses every argument
    more: dict[str, Any] = {"former_names": tuple(former)}
    return City(
        party["name"],
        party["country"],
        subdivision=party.get("subdivision"),
        level=PlaceLevel(party.get("level", "municipality")),
        wikidata=party.get("wikidata"),
        geonames=party.get("geonames"),
        extensions={k: v for k, v in party.items() if k.startswith("x-")},
        **more,
    )


def cities() -> st.SearchStrategy[City]:
    """Valid parties (docs: Record format): any level, optional ids, subdivision, former names."""
    return _party(False).map(_city)


# --------------------------------------------------------------------------------------------
# The lifecycle, written from SPEC §3 on its own so that it can check the model's
# --------------------------------------------------------------------------------------------


class _State:
    """The per-party lifecycle state (docs: Lifecycle)."""

    __slots__ = ("ended", "n", "signed", "started", "suspended")

    def __init__(self, n: int) -> None:
        self.n = n
        self.signed: frozenset[int] = frozenset()
        self.suspended: frozenset[int] = frozenset()
        self.started = False
        self.ended = False

    def copy(self) -> _State:
        other = _State(self.n)
        other.signed, other.suspended = self.signed, self.suspended
        other.started, other.ended = self.started, self.ended
        return other

    @property
    def status(self) -> str:
        if not self.started:
            return "unknown"
        if self.ended:
            return "ended"
        if self.suspended:
            return "suspended"
        return "active" if len(self.signed) == self.n else "proposed"

    def problem(self, kind: str, actor: int | None, has_by: bool) -> str | None:
        """The lifecycle rule an event breaks here (precedence of SPEC §5), or ``None``."""
        everyone = frozenset(range(self.n))
        if self.ended:
            return "event-after-end"
        if kind in _NEEDS_SIGNING and not self.signed:
            return "event-before-signing"
        status = self.status
        live = status in ("active", "suspended")
        ok: bool
        if kind in ("proposed", "approved"):
            ok = self.signed != everyone
        elif kind == "signed":
            ok = actor not in self.signed if actor is not None else self.signed != everyone
        elif kind == "ratified":
            ok = (actor in self.signed) if actor is not None else self.signed == everyone
        elif kind == "renewed":
            ok = live
        elif kind == "suspended":
            open_ = actor in self.suspended if actor is not None else self.suspended == everyone
            ok = live and not open_
        elif kind == "reinstated":
            ok = actor in self.suspended if actor is not None else bool(self.suspended)
        elif kind == "terminated":
            ok = status in ("proposed", "active", "suspended")
        else:  # expired
            ok = live and not has_by
        return None if ok else "invalid-transition"

    def apply(self, kind: str, actor: int | None) -> None:
        """Apply a legal event."""
        everyone = frozenset(range(self.n))
        one = everyone if actor is None else frozenset({actor})
        if kind == "signed":
            self.signed |= one
        elif kind == "suspended":
            self.suspended |= one
        elif kind == "reinstated":
            self.suspended -= one
        elif kind in ("terminated", "expired"):
            self.ended = True
        self.started = True


def _matches(by: str, party: Record) -> bool:
    wanted = unicodedata.normalize("NFC", by)
    name = unicodedata.normalize("NFC", party["name"])
    return by == party.get("wikidata") or wanted in (name, f"{name} ({party['country']})")


def _by_forms(parties: Sequence[Record]) -> list[list[str]]:
    """For each party, the ``by`` forms that name it and no other party."""
    forms = []
    for party in parties:
        candidates = [party["name"], f"{party['name']} ({party['country']})"]
        if "wikidata" in party:
            candidates.insert(0, party["wikidata"])
        forms.append([c for c in candidates if sum(_matches(c, p) for p in parties) == 1])
    return forms


class _Case(NamedTuple):
    """A valid record and what was drawn to make it."""

    record: Record
    actors: list[int | None]  # the acting party of each event
    states: list[_State]  # the state before each event, then the final state
    forms: list[list[str]]  # the unambiguous ``by`` forms of each party


@st.composite
def _act(draw: Draw, day: dt.date, min_year: int, max_year: int, kind: str) -> Record:
    """Now and then, the act as councils report it: body, decided, announced, condition.

    ``decided`` lies on or before the event's day (it is drawn from the days up to ``day`` and
    coarsened to an interval that holds it), so it is never definitely after ``date``:
    ``decided-after-effective`` holds by construction. ``announced`` may be any day.
    """
    act: Record = {}
    if draw(st.integers(0, 3)):
        return act
    if draw(_BOOLEANS):
        act["body"] = draw(_BODY_TEXTS)
    if draw(_BOOLEANS):
        decided = draw(st.dates(dt.date(min_year, 1, 1), day))
        act["decided"] = str(_coarsen(decided, draw(_PRECISIONS), draw(_QUALIFIERS)))
    if draw(_BOOLEANS):
        act["announced"] = str(draw(_partial_date(min_year, max_year, True)))
    if kind in ("suspended", "terminated") and draw(_BOOLEANS):
        act["condition"] = draw(_CONDITION_TEXTS)
    return act


@st.composite
def _case(draw: Draw, tame: bool, min_year: int, max_year: int) -> _Case:
    parties: list[Record] = draw(
        st.lists(_party(tame), min_size=2, max_size=3, unique_by=_place_key)
        if not tame
        else st.lists(
            _party(True),
            min_size=2,
            max_size=3,
            unique_by=(_place_key, lambda p: _name_key(p["name"])),
        ).map(_distinct_ids)
    )
    forms = _by_forms(parties)
    addressable = [i for i, f in enumerate(forms) if f]
    # the lifecycle: one legal transition at a time
    state = _State(len(parties))
    states = [state.copy()]
    steps: list[tuple[str, int | None]] = []
    for _ in range(draw(_EVENT_COUNT)):
        moves = [
            (kind, actor)
            for kind in _EVENT_TYPES
            for actor in [None, *([] if kind == "expired" else addressable)]
            if state.problem(kind, actor, actor is not None) is None
        ]
        if not moves:
            break
        # the type first, weighted towards the common ones, then the actor
        legal = {k for k, _ in moves}
        kind = draw(st.sampled_from([k for k in _WEIGHTED_TYPES if k in legal]))
        actor = draw(st.sampled_from([a for k, a in moves if k == kind]))
        state.apply(kind, actor)
        states.append(state.copy())
        steps.append((kind, actor))
    # dates: sorted days, each coarsened to a partial date that contains it, or undated
    days = sorted(
        draw(
            st.lists(
                st.dates(dt.date(min_year, 1, 1), dt.date(max_year, 12, 31)),
                min_size=len(steps),
                max_size=len(steps),
            )
        )
    )
    events = []
    for (kind, actor), day in zip(steps, days, strict=True):
        event: Record = {"type": kind}
        if draw(st.integers(0, 4)):
            event["date"] = str(_coarsen(day, draw(_PRECISIONS), draw(_QUALIFIERS)))
        if actor is not None:
            event["by"] = draw(st.sampled_from(forms[actor]))
        if kind in ("suspended", "terminated") and draw(st.integers(0, 3)):
            event["reason"] = draw(_REASON_TEXTS)
        if draw(st.integers(0, 3)) == 0:
            event["source"] = f"https://example.org/{_slug(kind)}/{draw(st.integers(1, 999))}"
        event.update(draw(_act(day, min_year, max_year, kind)))
        if not tame:
            event.update(draw(_extensions))
        events.append(event)
    # the agreement
    kind_ = draw(_KINDS)
    if draw(st.integers(0, 2)):
        year = days[0].year if days else draw(st.integers(min_year, max_year))
        rid = f"{_slug(parties[0]['name'])}-{_slug(parties[1]['name'])}-{year}"
    else:
        rid = draw(_id_texts)
    record: Record = {"id": rid, "kind": kind_.value}
    term = draw(_TERMS[kind_])
    if term is not None:
        record["term"] = term
    record["parties"] = parties
    if events:
        record["events"] = events
    sources = draw(_SOURCES)
    if sources:
        record["sources"] = sources
    if draw(st.integers(0, 3)) == 0:
        other = draw(_id_texts)
        record["supersedes"] = other if other != rid else other + "-old"
    if draw(_BOOLEANS):
        record["notes"] = draw(_wild_texts)
    if not tame:
        record.update(draw(_extensions))
    return _Case(record, [actor for _, actor in steps], states, forms)


def _distinct_ids(parties: list[Record]) -> list[Record]:
    """Make Wikidata and GeoNames ids unique among the parties (distinct names stay apart)."""
    seen: set[object] = set()
    for index, party in enumerate(parties):
        for field in ("wikidata", "geonames"):
            if field in party:
                if party[field] in seen:
                    party[field] = f"Q{10**10 + index}" if field == "wikidata" else 10**12 + index
                seen.add(party[field])
    return parties


def records(min_year: int = 1945, max_year: int = 2025) -> st.SearchStrategy[Record]:
    """Valid record dicts (docs: Record format), canonical as :func:`~sistercity.to_dict` writes.

    Events are dated in ``min_year..max_year`` (some undated), follow a legal lifecycle with
    signing and suspension by single parties or all, and carry ``x-`` keys now and then.
    """
    return _case(False, min_year, max_year).map(lambda case: case.record)


def _agreement(record: Record) -> Agreement:
    """Build an :class:`Agreement` from a valid record dict through the Python constructors."""

    def extensions(obj: Record) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if k.startswith("x-")}

    events = [
        Event(
            EventType(e["type"]),
            e.get("date"),
            by=e.get("by"),
            reason=e.get("reason"),
            source=e.get("source"),
            body=e.get("body"),
            decided=e.get("decided"),
            announced=e.get("announced"),
            condition=e.get("condition"),
            extensions=extensions(e),
        )
        for e in record.get("events", ())
    ]
    return Agreement(
        id=record["id"],
        kind=AgreementKind(record["kind"]),
        parties=[_city(p) for p in record["parties"]],
        events=events,
        term=record.get("term"),
        sources=record.get("sources", ()),
        supersedes=record.get("supersedes"),
        notes=record.get("notes"),
        extensions=extensions(record),
    )


def agreements(min_year: int = 1945, max_year: int = 2025) -> st.SearchStrategy[Agreement]:
    """Valid :class:`~sistercity.Agreement` objects, built with the Python constructors.

    They are the agreements of :func:`records`, with the same parameters.
    """
    return _case(False, min_year, max_year).map(lambda case: _agreement(case.record))


# --------------------------------------------------------------------------------------------
# Broken records: a valid record with exactly one error rule broken
# --------------------------------------------------------------------------------------------


class BrokenRecord(NamedTuple):
    """A record whose only error is ``rule``, and the path its issue points at (docs: Rules)."""

    rule: str
    record: Record
    path: str


def _key_path(base: str, key: str) -> str:
    if key.isidentifier() and key.isascii():
        return f"{base}.{key}"
    return f"{base}['{key}']"


def _plain_by(record: Record, actors: list[int | None], who: set[int]) -> None:
    """Write every ``by`` naming one of ``who`` as the party's plain name."""
    for event, actor in zip(record.get("events", ()), actors, strict=True):
        if actor in who:
            event["by"] = record["parties"][actor]["name"]


def _insert(case: _Case, record: Record, at: int, event: Record) -> None:
    events = record.setdefault("events", [])
    events.insert(at, event)
    case.actors.insert(at, None)


_Breaker: TypeAlias = Callable[[Draw, _Case, Record], str]


def _malformed(draw: Draw, case: _Case, r: Record) -> str:
    n_events = len(r.get("events", ()))
    options = ["id", "kind", "notes", "sources", "term", "surrogate", "x-big", "geonames", "former"]
    if n_events:
        options += ["reason", "date", "events", "decided", "body"]
    choice = draw(st.sampled_from(options))
    i = draw(st.integers(0, len(r["parties"]) - 1))
    j = draw(st.integers(0, max(n_events - 1, 0)))
    if choice == "id":
        r["id"] = draw(st.integers(-(2**63), 2**63 - 1) | st.booleans() | st.just([]))
        return "$.id"
    if choice == "kind":
        del r["kind"]
        return "$.kind"
    if choice == "notes":
        r["notes"] = draw(st.booleans() | st.integers() | st.lists(st.just("note"), max_size=1))
        return "$.notes"
    if choice == "sources":
        r["sources"] = "https://www.manchester.gov.uk/"
        return "$.sources"
    if choice == "term":
        r["term"] = 1962
        return "$.term"
    if choice == "surrogate":
        r["notes"] = "half of a pair \ud83d"
        return "$.notes"
    if choice == "x-big":
        r["x-count"] = draw(st.sampled_from((2**64, -(2**63) - 1, float("inf"), float("nan"))))
        return "$['x-count']"
    if choice == "geonames":
        party = r["parties"][i]
        field, value = draw(
            st.sampled_from((("geonames", "2643123"), ("geonames", True), ("level", 7)))
        )
        party[field] = value
        return f"$.parties[{i}].{field}"
    if choice == "former":
        r["parties"][i]["former_names"] = "Leningrad"
        return f"$.parties[{i}].former_names"
    if choice == "reason":
        r["events"][j]["reason"] = 5
        return f"$.events[{j}].reason"
    if choice == "date":
        r["events"][j]["date"] = 1962
        return f"$.events[{j}].date"
    if choice in ("decided", "body"):
        r["events"][j][choice] = draw(st.sampled_from((2022, True, ["2022-03-04"])))
        return f"$.events[{j}].{choice}"
    r["events"] = {"type": "signed"}
    return "$.events"


_UNKNOWN_KEYS: Final = ("colour", "Kind", "signed_on", "sister_city", "bad key", "x_note", "ID")


def _unknown_field(draw: Draw, case: _Case, r: Record) -> str:
    key = draw(st.sampled_from(_UNKNOWN_KEYS))
    targets: list[tuple[Record, str]] = [(r, "$")]
    targets += [(p, f"$.parties[{i}]") for i, p in enumerate(r["parties"])]
    targets += [(e, f"$.events[{j}]") for j, e in enumerate(r.get("events", ()))]
    for i, p in enumerate(r["parties"]):
        for k, f in enumerate(p.get("former_names", ())):
            targets.append((f, f"$.parties[{i}].former_names[{k}]"))
    obj, base = draw(st.sampled_from(targets))
    obj[key] = draw(_json_values)
    return _key_path(base, key)


def _invalid_kind(draw: Draw, case: _Case, r: Record) -> str:
    r["kind"] = draw(
        st.sampled_from(("twin town", "Twinning", "sister city", "friend", "", "pact"))
    )
    return "$.kind"


def _invalid_event_type(draw: Draw, case: _Case, r: Record) -> str:
    at = len(r.get("events", ()))
    bad = draw(st.sampled_from(("signing", "Signed", "cancelled", "", "suspend", "created")))
    _insert(case, r, at, {"type": bad})
    return f"$.events[{at}].type"


def _party_index(draw: Draw, r: Record) -> int:
    index: int = draw(st.integers(0, len(r["parties"]) - 1))
    return index


def _invalid_level(draw: Draw, case: _Case, r: Record) -> str:
    i = _party_index(draw, r)
    r["parties"][i]["level"] = draw(st.sampled_from(("city", "state", "town", "Municipality", "")))
    return f"$.parties[{i}].level"


_BAD_DATES: Final = (
    "2022-02-30", "26 February 2022", "1962-13", "0000", "62", "1962/05/01", "1962-5", "",
    "1962-05-01T00:00", "c. 1962", "1962??", "1962-00", "+1962", " 1962",
)  # fmt: skip


def _invalid_date(draw: Draw, case: _Case, r: Record) -> str:
    bad = draw(st.sampled_from(_BAD_DATES))
    targets: list[tuple[Record, str, str]] = [
        (e, f"$.events[{j}]", key)
        for j, e in enumerate(r.get("events", ()))
        for key in ("date", "decided", "announced")
    ]
    for i, p in enumerate(r["parties"]):
        for k, f in enumerate(p.get("former_names", ())):
            base = f"$.parties[{i}].former_names[{k}]"
            targets.append((f, base, "until"))
            if "from" in f:
                targets.append((f, base, "from"))
    if not targets or draw(st.integers(0, 4)) == 0:
        _insert(case, r, 0, {"type": "proposed", "date": bad})
        return "$.events[0].date"
    obj, base, key = draw(st.sampled_from(targets))
    obj[key] = bad
    return f"{base}.{key}"


def _invalid_country(draw: Draw, case: _Case, r: Record) -> str:
    bad = draw(st.sampled_from(("UK", "gb", "XX", "Germany", "", "DEU", "ZZ", "EL")))
    i = _party_index(draw, r)
    former = r["parties"][i].get("former_names", [])
    if former and draw(st.booleans()):
        k = draw(st.integers(0, len(former) - 1))
        former[k]["country"] = bad
        return f"$.parties[{i}].former_names[{k}].country"
    r["parties"][i]["country"] = bad
    _plain_by(r, case.actors, {i})
    return f"$.parties[{i}].country"


def _invalid_subdivision(draw: Draw, case: _Case, r: Record) -> str:
    i = _party_index(draw, r)
    country = r["parties"][i]["country"]
    other = draw(st.sampled_from([c for c in _WITH_SUBDIVISIONS if c != country]))
    bad = draw(st.sampled_from(_SUBDIVISIONS[other]) | st.sampled_from(("ZZ-123", "GB", "gb-man")))
    r["parties"][i]["subdivision"] = bad
    return f"$.parties[{i}].subdivision"


def _invalid_wikidata(draw: Draw, case: _Case, r: Record) -> str:
    i = _party_index(draw, r)
    r["parties"][i]["wikidata"] = draw(st.sampled_from(("Q0", "q656", "Q0656", "656", "Q", "P17")))
    _plain_by(r, case.actors, {i})
    return f"$.parties[{i}].wikidata"


def _invalid_geonames(draw: Draw, case: _Case, r: Record) -> str:
    i = _party_index(draw, r)
    r["parties"][i]["geonames"] = draw(st.sampled_from((0, -7, -(2**63), 1.5, 12.0)))
    _plain_by(r, case.actors, {i})
    return f"$.parties[{i}].geonames"


def _invalid_name(draw: Draw, case: _Case, r: Record) -> str:
    bad = draw(st.sampled_from(("", "   ", "Bad\x00name", "Tab\tname", "Köln\n", "\x7f")))
    unnamed = [i for i in range(len(r["parties"])) if i not in case.actors]
    if unnamed and draw(st.integers(0, 1)) == 1:
        i = draw(st.sampled_from(unnamed))
        r["parties"][i]["name"] = bad
        return f"$.parties[{i}].name"
    # a former name: append one after the last (dates of former names end by 2030)
    i = _party_index(draw, r)
    former = r["parties"][i].setdefault("former_names", [])
    former.append({"name": bad, "until": "9999"})
    return f"$.parties[{i}].former_names[{len(former) - 1}].name"


def _invalid_id(draw: Draw, case: _Case, r: Record) -> str:
    bad = draw(
        st.sampled_from(("", "has space", "tab\tid", "x" * 201, "line\nbreak", "nb\u00a0sp"))
    )
    if "supersedes" in r and draw(st.booleans()):
        r["supersedes"] = bad
        return "$.supersedes"
    r["id"] = bad
    return "$.id"


def _former_out_of_order(draw: Draw, case: _Case, r: Record) -> str:
    i = _party_index(draw, r)
    y1, y2, y3 = sorted(
        draw(st.lists(st.integers(1800, 2020), min_size=3, max_size=3, unique=True))
    )
    a, b = draw(st.lists(st.sampled_from(_FORMER), min_size=2, max_size=2, unique=True))
    shape = draw(st.sampled_from(("from-after-until", "newest-first", "overlap")))
    if shape == "from-after-until":
        start = draw(st.sampled_from((y1, y2)))
        bad = [{"name": a, "from": str(y2), "until": str(start)}]
        path = "[0]"
    elif shape == "newest-first":
        bad = [{"name": a, "until": str(y2)}, {"name": b, "until": str(y1)}]
        path = "[1]"
    else:
        bad = [{"name": a, "until": str(y2)}, {"name": b, "from": str(y1), "until": str(y3)}]
        path = "[1]"
    r["parties"][i]["former_names"] = bad
    return f"$.parties[{i}].former_names{path}"


def _too_few_parties(draw: Draw, case: _Case, r: Record) -> str:
    keep = draw(st.integers(0, 1))
    r["parties"] = r["parties"][:keep]
    if keep == 0 or any(actor is not None for actor in case.actors):
        r.pop("events", None)  # a lifecycle by single parties needs them all
    return "$.parties"


def _duplicate_party(draw: Draw, case: _Case, r: Record) -> str:
    parties = r["parties"]
    j = draw(st.integers(1, len(parties) - 1))
    first, later = parties[0], parties[j]
    if draw(st.booleans()):
        used = [int(p["wikidata"][1:]) for p in parties if "wikidata" in p]
        first["wikidata"] = later["wikidata"] = f"Q{max(used, default=0) + 1}"
    else:  # the same name after case folding and white space, no ids
        for party in (first, later):
            party.pop("wikidata", None)
            party.pop("geonames", None)
        for field in ("country", "subdivision", "level"):
            later.pop(field, None)
            if field in first:
                later[field] = first[field]
        later["name"] = first["name"].upper() + " "
        parties[j] = {k: later[k] for k in ("name", *sorted(set(later) - {"name"}))}
    _plain_by(r, case.actors, {0, j})
    return f"$.parties[{j}]"


def _self_supersedes(draw: Draw, case: _Case, r: Record) -> str:
    r["supersedes"] = r["id"]
    return "$.supersedes"


def _invalid_actor(draw: Draw, case: _Case, r: Record) -> str:
    names = [p["name"] for p in r["parties"]]
    formers = [f["name"] for p in r["parties"] for f in p.get("former_names", ())]
    bad = draw(st.sampled_from(("Atlantis", "Nowhere (ZZ)", "Q0", f"{names[0]} (ZZ)", *formers)))
    _insert(case, r, 0, {"type": "proposed", "by": bad})
    return "$.events[0].by"


def _events_out_of_order(draw: Draw, case: _Case, r: Record) -> str:
    years = [PartialDate(e["date"]).earliest.year for e in r.get("events", ()) if "date" in e]
    year = min(years, default=2000) - 1
    later = str(draw(_partial_date(year - 1, year - 1, True)))
    _insert(case, r, 0, {"type": "proposed", "date": later})
    _insert(case, r, 0, {"type": "proposed", "date": str(year)})
    return "$.events[1].date"


def _decided_after_effective(draw: Draw, case: _Case, r: Record) -> str:
    """Give a dated event a ``decided`` definitely after its ``date`` (or add such an event)."""
    dated = [j for j, e in enumerate(r.get("events", ())) if "date" in e]
    existing: bool = draw(_BOOLEANS)
    if dated and existing:
        j = draw(st.sampled_from(dated))
        latest = PartialDate(r["events"][j]["date"]).latest
    else:
        years = [PartialDate(r["events"][k]["date"]).earliest.year for k in dated]
        year = min(years, default=2000) - 1
        _insert(case, r, 0, {"type": "proposed", "date": str(year)})
        j, latest = 0, dt.date(year, 12, 31)
    after = latest + dt.timedelta(days=draw(st.integers(1, 400)))
    qualifier = draw(_QUALIFIERS)
    # a day's precision: a coarser one could reach back to ``date`` and be merely possible
    r["events"][j]["decided"] = str(_coarsen(after, "day", qualifier))
    return f"$.events[{j}].decided"


def _moves(case: _Case, state: _State, rule: str) -> list[tuple[str, int | None]]:
    """The events (type, actor) that break ``rule`` in ``state``, and no other rule."""
    addressable = [i for i, f in enumerate(case.forms) if f]
    return [
        (kind, actor)
        for kind in _EVENT_TYPES
        for actor in [None, *addressable]
        if state.problem(kind, actor, actor is not None) == rule
    ]


def _lifecycle_event(draw: Draw, case: _Case, state: _State, rule: str) -> Record:
    """An event that breaks ``rule`` (and only it) in ``state``."""
    kind, actor = draw(st.sampled_from(_moves(case, state, rule)))
    event: Record = {"type": kind}
    if actor is not None:
        event["by"] = draw(st.sampled_from(case.forms[actor]))
    if kind in ("suspended", "terminated"):
        event["reason"] = draw(st.sampled_from(_REASONS))
    return event


def _event_after_end(draw: Draw, case: _Case, r: Record) -> str:
    final = case.states[-1].copy()
    if not final.ended:
        if not final.started:
            _insert(case, r, len(r.get("events", ())), {"type": "proposed"})
            final.apply("proposed", None)
        _insert(case, r, len(r["events"]), {"type": "terminated", "reason": "council decision"})
        final.apply("terminated", None)
    at = len(r["events"])
    _insert(case, r, at, _lifecycle_event(draw, case, final, "event-after-end"))
    return f"$.events[{at}].type"


def _positions(case: _Case, rule: str) -> list[int]:
    """Where an event breaking ``rule`` can go without also breaking another rule."""
    return [
        at for at, state in enumerate(case.states) if not state.ended and _moves(case, state, rule)
    ]


def _lifecycle_break(rule: str) -> _Breaker:
    def breaker(draw: Draw, case: _Case, r: Record) -> str:
        at = draw(st.sampled_from(_positions(case, rule)))
        event = _lifecycle_event(draw, case, case.states[at], rule)
        _insert(case, r, at, event)
        return f"$.events[{at}].type"

    return breaker


_BREAKERS: Final[dict[str, _Breaker]] = {
    "malformed-record": _malformed,
    "unknown-field": _unknown_field,
    "invalid-kind": _invalid_kind,
    "invalid-event-type": _invalid_event_type,
    "invalid-level": _invalid_level,
    "invalid-date": _invalid_date,
    "invalid-country": _invalid_country,
    "invalid-subdivision": _invalid_subdivision,
    "invalid-wikidata-id": _invalid_wikidata,
    "invalid-geonames-id": _invalid_geonames,
    "invalid-name": _invalid_name,
    "invalid-id": _invalid_id,
    "former-names-out-of-order": _former_out_of_order,
    "too-few-parties": _too_few_parties,
    "duplicate-party": _duplicate_party,
    "self-supersedes": _self_supersedes,
    "invalid-actor": _invalid_actor,
    "events-out-of-order": _events_out_of_order,
    "decided-after-effective": _decided_after_effective,
    "event-after-end": _event_after_end,
    "event-before-signing": _lifecycle_break("event-before-signing"),
    "invalid-transition": _lifecycle_break("invalid-transition"),
}
assert tuple(_BREAKERS) == BROKEN_RULES


@st.composite
def _broken(draw: Draw, rules: tuple[str, ...]) -> BrokenRecord:
    rule = draw(st.sampled_from(rules))
    case = draw(_case(True, 1945, 2025))
    record = copy.deepcopy(case.record)
    case = case._replace(actors=list(case.actors))
    path = _BREAKERS[rule](draw, case, record)
    return BrokenRecord(rule, record, path)


def broken_cases(rules: Sequence[str] | None = None) -> st.SearchStrategy[BrokenRecord]:
    """Records that break exactly one error rule, with the rule and the path of its issue.

    ``rules`` narrows the rules broken (default: every id in :data:`BROKEN_RULES`).
    """
    chosen = BROKEN_RULES if rules is None else tuple(rules)
    unknown = sorted(set(chosen) - set(BROKEN_RULES))
    if unknown or not chosen:
        raise ValueError(f"rules must be ids from BROKEN_RULES (got {unknown or 'none'})")
    return _broken(chosen)


def broken_records(rules: Sequence[str] | None = None) -> st.SearchStrategy[tuple[str, Record]]:
    """``(rule_id, record)`` pairs: a record dict whose only error is ``rule_id``.

    Warnings may come along (a record without sources, say). ``rules`` narrows the rules
    broken (default: every record rule that is an error).
    """
    return broken_cases(rules).map(lambda case: (case.rule, case.record))
