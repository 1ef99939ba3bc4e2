"""The record model and rules written with msgspec (benchmark only).

``msgspec.json.decode(line, type=Agreement)`` parses and structures in one C pass: strict
types, the vocabularies as enums, patterns and lengths as ``Meta`` constraints. ``__post_init__``
hooks parse each date once into sistercity's ``PartialDate``, check countries, subdivisions and
names, and run the cross-field rules of :mod:`peers._shared`.

What it does *not* do, so its time is a lower bound for the same job:

- it stops at the first error of a record (msgspec raises on the first failure), where
  sistercity reports every issue;
- it cannot keep ``x-`` keys nor refuse other unknown keys: msgspec structs either forbid every
  unknown key (which would refuse the ``x-`` keys the format allows) or ignore them all; the
  peer ignores them, so it neither keeps extensions nor reports ``unknown-field``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import msgspec
import pycountry

from sistercity._agreements import AgreementKind, EventType
from sistercity._dates import PartialDate
from sistercity._places import PlaceLevel

from ._shared import COUNTRIES, cross_field, former_names_in_order, parse_date, valid_name

__all__ = ["check_line"]

TODAY = dt.date(2026, 1, 1)
_SPACE = re.compile(r"\s")

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^\S+$")]
Wikidata = Annotated[str, msgspec.Meta(pattern=r"^Q[1-9][0-9]*$")]
GeoNames = Annotated[int, msgspec.Meta(gt=0)]


def _text(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value


def _date(value: str | None) -> PartialDate | None:
    return None if value is None else parse_date(value)


def _country(value: str) -> None:
    if value not in COUNTRIES:
        raise ValueError(f"'country' must be an ISO 3166-1 alpha-2 code (got {value!r})")


class FormerName(msgspec.Struct, kw_only=True, dict=True):
    name: str
    until: str
    country: str | None = None
    from_: str | None = msgspec.field(default=None, name="from")

    def __post_init__(self) -> None:
        valid_name(self.name)
        if self.country is not None:
            _country(self.country)
        self.dates = (_date(self.from_), parse_date(self.until))


class Party(msgspec.Struct, kw_only=True, dict=True):
    name: str
    country: str
    subdivision: str | None = None
    level: PlaceLevel = PlaceLevel.MUNICIPALITY
    wikidata: Wikidata | None = None
    geonames: GeoNames | None = None
    former_names: list[FormerName] = []

    def __post_init__(self) -> None:
        valid_name(self.name)
        _country(self.country)
        if self.subdivision is not None:
            sub = pycountry.subdivisions.get(code=self.subdivision)  # type: ignore[no-untyped-call]
            if sub is None or sub.country_code != self.country:
                raise ValueError(f"bad subdivision {self.subdivision!r}")


class Event(msgspec.Struct, kw_only=True, dict=True):
    type: EventType
    date: str | None = None
    by: str | None = None
    reason: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        self.reason = _text(self.reason)
        self.source = _text(self.source)
        self.day = _date(self.date)


class Agreement(msgspec.Struct, kw_only=True, dict=True):
    id: Id
    kind: AgreementKind
    parties: Annotated[list[Party], msgspec.Meta(min_length=2)]
    term: str | None = None
    events: list[Event] = []
    sources: list[str] = []
    supersedes: Id | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        self.term = _text(self.term)
        self.notes = _text(self.notes)
        findings = cross_field(
            self.id,
            self.parties,
            self.events,
            [event.day for event in self.events],
            self.sources,
            self.supersedes,
            TODAY,
        )
        for index, party in enumerate(self.parties):
            if party.former_names:
                findings += former_names_in_order(
                    [f.dates for f in party.former_names], f"$.parties[{index}].former_names"
                )
        for rule, is_error, path, message in findings:
            if is_error:
                raise ValueError(f"{rule} at {path}: {message}")
        self.warnings = findings


_decoder = msgspec.json.Decoder(Agreement)


def check_line(line: bytes) -> tuple[bool, list[dict[str, Any]]]:
    """Validate one JSON line: whether it is valid, and its issues as report dicts."""
    try:
        agreement = _decoder.decode(line)
    except msgspec.ValidationError as exc:
        return False, [{"rule": "invalid", "severity": "error", "message": str(exc), "path": "$"}]
    return True, [
        {"rule": rule, "severity": "warning", "message": message, "path": path, "id": agreement.id}
        for rule, _, path, message in agreement.warnings
    ]
