"""Check sister-city records (SPEC §4-5 record rules) with msgspec, without sistercity.

Usage: ``python benchmarks/peers/msgspec_peer.py FILE.jsonl [--today YYYY-MM-DD]``; prints
``{"records", "valid", "invalid", "errors", "warnings"}`` as ``sistercity validate --format
json --no-collection`` summarises.

msgspec structs cannot keep ``x-`` keys while refusing other unknown keys (a struct forbids
every unknown key or ignores them all), so each line is decoded to plain Python first, the
``x-`` keys are checked and taken out, and ``msgspec.convert(..., strict=True)`` structures
the rest into structs that forbid unknown fields: strict types, ``Literal`` vocabularies,
``Meta`` patterns and bounds, ``__post_init__`` for the other field checks. The rules that
need the whole record run on the structs (``_shared``).

Counting: msgspec stops at a record's first schema error, so a record that fails the schema
counts one error (and no warnings); a record that passes counts the errors and warnings of the
whole-record rules.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any, Literal

import msgspec
from _shared import (
    check_country,
    check_date,
    check_extension,
    check_id,
    check_name,
    check_subdivision,
    main,
    record_rules,
)

Kind = Literal["twinning", "friendship", "cooperation", "sponsorship", "unspecified"]
EventType = Literal[
    "proposed", "approved", "signed", "ratified", "renewed",
    "suspended", "reinstated", "terminated", "expired",
]  # fmt: skip
Level = Literal["municipality", "district", "county", "region", "country"]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Wikidata = Annotated[str, msgspec.Meta(pattern=r"^Q[1-9][0-9]*\Z")]
GeoNames = Annotated[int, msgspec.Meta(gt=0, le=2**63 - 1)]


class Strict(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Unknown fields refused (``x-`` keys are taken out before structuring)."""


class FormerName(Strict):
    name: str
    until: str
    country: str | None = None  # a former country's code is fine here
    from_: str | None = msgspec.field(default=None, name="from")

    def __post_init__(self) -> None:
        check_name(self.name)
        check_date(self.until)
        if self.from_ is not None:
            check_date(self.from_)
        if self.country is not None:
            check_country(self.country)


class Party(Strict):
    name: str
    country: str
    subdivision: str | None = None
    level: Level | None = None
    wikidata: Wikidata | None = None
    geonames: GeoNames | None = None
    former_names: list[FormerName] | None = None

    def __post_init__(self) -> None:
        check_name(self.name)
        check_country(self.country)
        check_subdivision(self.subdivision, self.country)


class Event(Strict):
    type: EventType
    date: str | None = None
    by: str | None = None
    reason: str | None = None
    source: str | None = None
    body: str | None = None
    decided: str | None = None
    announced: str | None = None
    condition: str | None = None

    def __post_init__(self) -> None:
        for value in (self.date, self.decided, self.announced):
            if value is not None:
                check_date(value)


class Agreement(Strict):
    id: Id
    kind: Kind
    parties: Annotated[list[Party], msgspec.Meta(min_length=2)]
    term: str | None = None
    events: list[Event] | None = None
    sources: list[str] | None = None
    supersedes: Id | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        check_id(self.id)
        if self.supersedes is not None:
            check_id(self.supersedes)


def _take_extensions(obj: Any) -> None:
    """Check and remove the ``x-`` keys of one JSON object (anything else is left as it is)."""
    if isinstance(obj, dict):
        for key in [key for key in obj if key.startswith("x-")]:
            check_extension(obj.pop(key))


def _items(obj: Any, key: str) -> list[Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, list) else []


def check_line(line: bytes, today: dt.date) -> tuple[int, int]:
    """The numbers of errors and warnings of one JSON line."""
    try:
        raw = msgspec.json.decode(line)
        _take_extensions(raw)
        for party in _items(raw, "parties"):
            _take_extensions(party)
            for former in _items(party, "former_names"):
                _take_extensions(former)
        for event in _items(raw, "events"):
            _take_extensions(event)
        record = msgspec.convert(raw, Agreement, strict=True)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        return 1, 0
    errors, warnings = record_rules(record, today)
    return len(errors), len(warnings)


if __name__ == "__main__":
    sys.exit(main(check_line))
