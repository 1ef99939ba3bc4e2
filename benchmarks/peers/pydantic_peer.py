"""Check sister-city records (SPEC §4-5 record rules) with pydantic v2, without sistercity.

Usage: ``python benchmarks/peers/pydantic_peer.py FILE.jsonl [--today YYYY-MM-DD]``; prints
``{"records", "valid", "invalid", "errors", "warnings"}`` as ``sistercity validate --format
json --no-collection`` summarises.

Strict models (a number is never a string, a boolean never a number), ``Literal``
vocabularies, patterns and ``AfterValidator`` field checks; ``extra="allow"`` with a model
validator that refuses every extra key but ``x-`` ones. ``model_validate_json`` reads each
line. The rules that need the whole record run on the validated model (``_shared``).

Counting: a record that fails the schema counts pydantic's errors for it (every field error,
but the whole-record rules do not run then, nor do its warnings); a record that passes counts
the errors and warnings of the whole-record rules.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any, Literal

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
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

Kind = Literal["twinning", "friendship", "cooperation", "sponsorship", "unspecified"]
EventType = Literal[
    "proposed", "approved", "signed", "ratified", "renewed",
    "suspended", "reinstated", "terminated", "expired",
]  # fmt: skip
Level = Literal["municipality", "district", "county", "region", "country"]

Id = Annotated[str, AfterValidator(check_id)]
Name = Annotated[str, AfterValidator(check_name)]
Country = Annotated[str, AfterValidator(check_country)]
Date = Annotated[str, AfterValidator(check_date)]
Wikidata = Annotated[str, Field(pattern=r"^Q[1-9][0-9]*$")]
GeoNames = Annotated[int, Field(gt=0, le=2**63 - 1)]


class Strict(BaseModel):
    """Strict types; unknown keys refused, ``x-`` extension keys allowed."""

    model_config = ConfigDict(strict=True, extra="allow")

    @model_validator(mode="after")
    def _extension_keys(self) -> Any:
        for key, value in (self.__pydantic_extra__ or {}).items():
            if not key.startswith("x-"):
                raise ValueError(f"unknown field {key!r}")
            check_extension(value)
        return self


class FormerName(Strict):
    name: Name
    country: Country | None = None  # a former country's code is fine here
    from_: Date | None = Field(default=None, alias="from")
    until: Date


class Party(Strict):
    name: Name
    country: Country
    subdivision: str | None = None
    level: Level | None = None
    wikidata: Wikidata | None = None
    geonames: GeoNames | None = None
    former_names: list[FormerName] | None = None

    @model_validator(mode="after")
    def _subdivision_in_country(self) -> Any:
        check_subdivision(self.subdivision, self.country)
        return self


class Event(Strict):
    type: EventType
    date: Date | None = None
    by: str | None = None
    reason: str | None = None
    source: str | None = None
    body: str | None = None
    decided: Date | None = None
    announced: Date | None = None
    condition: str | None = None


class Agreement(Strict):
    id: Id
    kind: Kind
    term: str | None = None
    parties: Annotated[list[Party], Field(min_length=2)]
    events: list[Event] | None = None
    sources: list[str] | None = None
    supersedes: Id | None = None
    notes: str | None = None


def check_line(line: bytes, today: dt.date) -> tuple[int, int]:
    """The numbers of errors and warnings of one JSON line."""
    try:
        record = Agreement.model_validate_json(line)
    except ValidationError as exc:
        return exc.error_count(), 0
    errors, warnings = record_rules(record, today)
    return len(errors), len(warnings)


if __name__ == "__main__":
    sys.exit(main(check_line))
