"""sistercity: model and validate sister-city agreements.

Typed classes for places, agreement kinds and lifecycle events, with status at any date,
validation to a documented rule catalogue, and serialisation to the record format.
"""

from __future__ import annotations

from types import ModuleType

from . import _construct  # noqa: F401  (installs the construction check)
from ._agreements import Agreement, AgreementKind, Event, EventType, NotAParty, Status
from ._catalogue import (
    RULES,
    Rule,
    RuleSelection,
    collection_rule,
    record_rule,
    register_rule,
    unregister_rule,
)
from ._dates import InvalidDate, PartialDate, Precision, parse_lenient
from ._identity import AmbiguousPlace, UnknownPlace
from ._places import City, FormerName, PlaceKey, PlaceLevel
from ._registry import Registry
from ._report import (
    InvalidAgreement,
    Issue,
    RecordRef,
    Report,
    Severity,
    SisterCityError,
    UnknownRuleError,
)
from ._terms import TERMS, kind_for_term
from ._version import VERSION
from .compare import Diff, diff
from .serialization import from_dict, to_dict, validate
from .statistics import Stats, stats
from .validation import validate_file, validate_records

__version__ = VERSION

__all__ = [
    "RULES",
    "TERMS",
    "Agreement",
    "AgreementKind",
    "AmbiguousPlace",
    "City",
    "Diff",
    "Event",
    "EventType",
    "FormerName",
    "InvalidAgreement",
    "InvalidDate",
    "Issue",
    "NotAParty",
    "PartialDate",
    "PlaceKey",
    "PlaceLevel",
    "Precision",
    "RecordRef",
    "Registry",
    "Report",
    "Rule",
    "RuleSelection",
    "Severity",
    "SisterCityError",
    "Stats",
    "Status",
    "UnknownPlace",
    "UnknownRuleError",
    "__version__",
    "collection_rule",
    "diff",
    "from_dict",
    "kind_for_term",
    "parse_lenient",
    "record_rule",
    "register_rule",
    "stats",
    "to_dict",
    "unregister_rule",
    "validate",
    "validate_file",
    "validate_records",
]


def __getattr__(name: str) -> ModuleType:
    """Import ``sistercity.strategies`` on first use: it needs the optional Hypothesis."""
    if name == "strategies":
        import importlib

        return importlib.import_module(".strategies", __name__)
    raise AttributeError(f"module 'sistercity' has no attribute {name!r}")
