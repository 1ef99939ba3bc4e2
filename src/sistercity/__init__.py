"""sistercity: model and validate sister-city agreements.

Typed classes for places, agreement kinds and lifecycle events, with status at any date,
validation to a documented rule catalogue, and serialisation to the record format.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

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
from .validation import validate_file, validate_records

if TYPE_CHECKING:
    from ._registry import Registry
    from .compare import Diff, diff
    from .serialization import from_dict, to_dict, validate
    from .statistics import Stats, stats

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


# Imported on first use (PEP 562), as ``sistercity.strategies`` is (it needs the optional
# Hypothesis): ``sistercity validate`` needs none of these, and with them came cattrs, the
# comparison and the chart code, a seventh of its start-up.
_LAZY: Final = {
    "Registry": "._registry",
    "Diff": ".compare",
    "diff": ".compare",
    "from_dict": ".serialization",
    "to_dict": ".serialization",
    "validate": ".serialization",
    "Stats": ".statistics",
    "stats": ".statistics",
}


def __getattr__(name: str) -> Any:
    """The names of :data:`_LAZY` and ``strategies``, imported on first use."""
    if name == "strategies":
        return importlib.import_module(".strategies", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sistercity' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
