"""The record model and rules written with pydantic v2 (benchmark only).

Strict types, the vocabularies as enums, patterns and calendar dates as field validators (each
date parsed once into sistercity's ``PartialDate``), ``x-`` keys allowed and any other unknown
key refused, then the cross-field rules of :mod:`peers._shared` in an ``after`` model
validator. ``model_validate_json`` reads each line. Like sistercity it reports every field error
of a record at once; the cross-field rules run only when the fields are valid (pydantic skips
the ``after`` validator otherwise).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, cast

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from sistercity._agreements import AgreementKind, EventType
from sistercity._places import PlaceLevel

from ._shared import COUNTRIES, cross_field, former_names_in_order, parse_date, valid_name

__all__ = ["check_line"]

TODAY = dt.date(2026, 1, 1)
_SPACE = re.compile(r"\s")


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _country(value: str) -> str:
    if value not in COUNTRIES:
        raise ValueError(f"'country' must be an ISO 3166-1 alpha-2 code (got {value!r})")
    return value


def _id(value: str) -> str:
    if _SPACE.search(value):
        raise ValueError("'id' must have no white space")
    return value


Text = Annotated[str | None, BeforeValidator(_blank_is_none)]
Name = Annotated[str, AfterValidator(valid_name)]
Country = Annotated[str, AfterValidator(_country)]
# a strict string, parsed once; the field then holds the PartialDate
Date = Annotated[str, AfterValidator(parse_date)]
Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_id)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    @model_validator(mode="after")
    def _only_x_keys(self) -> _Model:
        extra = self.__pydantic_extra__
        if extra:
            bad = [key for key in extra if not key.startswith("x-")]
            if bad:
                raise ValueError(f"unknown keys {bad}")
        return self


class FormerName(_Model):
    name: Name
    country: Country | None = None
    from_: Date | None = Field(default=None, alias="from")
    until: Date


class Party(_Model):
    name: Name
    country: Country
    subdivision: str | None = None
    level: PlaceLevel = PlaceLevel.MUNICIPALITY
    wikidata: Annotated[str, Field(pattern=r"^Q[1-9][0-9]*$")] | None = None
    geonames: Annotated[int, Field(gt=0)] | None = None
    former_names: tuple[FormerName, ...] = ()

    @model_validator(mode="after")
    def _subdivision(self) -> Party:
        if self.subdivision is not None:
            sub = pycountry.subdivisions.get(code=self.subdivision)  # type: ignore[no-untyped-call]
            if sub is None or sub.country_code != self.country:
                raise ValueError(f"bad subdivision {self.subdivision!r}")
        return self


class Event(_Model):
    type: EventType
    date: Date | None = None
    by: str | None = None
    reason: Text = None
    source: Text = None


class Agreement(_Model):
    id: Id
    kind: AgreementKind
    term: Text = None
    parties: Annotated[tuple[Party, ...], Field(min_length=2)]
    events: tuple[Event, ...] = ()
    sources: tuple[str, ...] = ()
    supersedes: Id | None = None
    notes: Text = None

    @model_validator(mode="after")
    def _cross_field(self) -> Agreement:
        findings = cross_field(
            self.id,
            self.parties,
            self.events,
            [cast(Any, event.date) for event in self.events],
            self.sources,
            self.supersedes,
            TODAY,
        )
        for index, party in enumerate(self.parties):
            if party.former_names:
                findings += former_names_in_order(
                    [(cast(Any, f.from_), cast(Any, f.until)) for f in party.former_names],
                    f"$.parties[{index}].former_names",
                )
        errors = [f for f in findings if f[1]]
        if errors:
            raise ValueError("; ".join(f"{rule} at {path}" for rule, _, path, _ in errors))
        object.__setattr__(self, "__warnings__", findings)
        return self


def check_line(line: bytes) -> tuple[bool, list[dict[str, Any]]]:
    """Validate one JSON line: whether it is valid, and its issues as report dicts."""
    try:
        agreement = Agreement.model_validate_json(line)
    except ValidationError as exc:
        return False, [
            {"rule": error["type"], "severity": "error", "message": error["msg"],
             "path": "$." + ".".join(map(str, error["loc"]))}
            for error in exc.errors(include_url=False, include_context=False)
        ]  # fmt: skip
    warnings: list[Any] = agreement.__dict__.get("__warnings__", [])
    return True, [
        {"rule": rule, "severity": "warning", "message": message, "path": path, "id": agreement.id}
        for rule, _, path, message in warnings
    ]
