"""The vocabularies of the record format: agreement kinds, event types, statuses, place levels.

String-valued enums, so that the JSON form is the value:
``AgreementKind.FRIENDSHIP == "friendship"``. See the docs page "Agreement kinds" for what each
term means and which source terms map to it.
"""

from __future__ import annotations

import enum

__all__ = ["AgreementKind", "EventType", "PlaceLevel", "Status"]


class AgreementKind(enum.StrEnum):
    """What sort of link an agreement is. Twinning is not friendship."""

    TWINNING = "twinning"
    FRIENDSHIP = "friendship"
    COOPERATION = "cooperation"
    SPONSORSHIP = "sponsorship"
    UNSPECIFIED = "unspecified"


class EventType(enum.StrEnum):
    """What happened to an agreement."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    SIGNED = "signed"
    RATIFIED = "ratified"
    RENEWED = "renewed"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    TERMINATED = "terminated"
    EXPIRED = "expired"


class Status(enum.StrEnum):
    """Where an agreement stands: ``unknown`` when no event is known yet."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"
    UNKNOWN = "unknown"


class PlaceLevel(enum.StrEnum):
    """What kind of place a party is. ``municipality`` is the default."""

    MUNICIPALITY = "municipality"
    DISTRICT = "district"
    COUNTY = "county"
    REGION = "region"
    COUNTRY = "country"
