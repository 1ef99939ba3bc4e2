"""The JSON Schema (2020-12) of the record format (docs: Record format).

The schema is a structural subset of the rules: types, required fields, vocabularies and the
forms of strings (ids, codes, partial dates). Calendar validity (``2022-02-30``), membership of
ISO 3166, identity, order and the lifecycle are the validator's: a record the schema accepts
may still break a rule, but every record the validator accepts passes the schema.

Patterns use only syntax that ECMA-262 and Python's ``re`` read alike, and white space is
spelled out as the exact set of characters Python counts as white space, so the schema means
the same in every JSON Schema implementation.

>>> s = schema()
>>> s["$schema"]
'https://json-schema.org/draft/2020-12/schema'
>>> sorted(s["required"])
['id', 'kind', 'parties']
"""

from __future__ import annotations

import copy
from typing import Any, Final

from ._identity import WIKIDATA_ID
from ._vocab import AgreementKind, EventType, PlaceLevel

__all__ = ["SCHEMA", "WHITE_SPACE", "schema"]

#: Every character Python's ``str.isspace`` (and ``re``'s ``\s``) counts as white space, as a
#: regular-expression class body.
WHITE_SPACE: Final = (
    "\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000"
)
_CONTROL: Final = "\\u0000-\\u001f\\u007f-\\u009f"
_DATE: Final = "^(?!0000)[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?[?~%]?$"
_ID: Final = f"^[^{WHITE_SPACE}]{{1,200}}$"
_INT64_MAX: Final = 2**63 - 1

_EXTENSIONS: Final[dict[str, Any]] = {"^x-": {}}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    """``null`` means absent for an optional field."""
    return {"anyOf": [schema, {"type": "null"}]}


def _text(description: str | None = None) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string"}
    if description is not None:
        text["description"] = description
    return _optional(text)


_NAME: Final = {
    "type": "string",
    "allOf": [
        {"pattern": f"^[^{_CONTROL}]*$"},
        {"pattern": f"[^{WHITE_SPACE}]"},
    ],
    "description": "not blank, no control characters",
}
_COUNTRY: Final = {
    "type": "string",
    "pattern": "^[A-Z]{2}$",
    "description": "ISO 3166-1 alpha-2 (or an ISO 3166-3 former country, with a warning)",
}

#: The schema as a constant; :func:`schema` returns a copy that may be changed.
SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:sistercity:record:1",
    "title": "sistercity agreement record, version 1",
    "description": (
        "One sister-city agreement (the record format). A structural subset of the rules: calendar "
        "validity, ISO membership, identity and the lifecycle are checked by "
        "'sistercity validate'."
    ),
    "type": "object",
    "required": ["id", "kind", "parties"],
    "properties": {
        "id": {"$ref": "#/$defs/id"},
        "kind": {"enum": [kind.value for kind in AgreementKind]},
        "term": _text(),
        "parties": {
            "type": "array",
            "minItems": 2,
            "items": {"$ref": "#/$defs/party"},
        },
        "events": _optional({"type": "array", "items": {"$ref": "#/$defs/event"}}),
        "sources": _optional({"type": "array", "items": {"type": "string"}}),
        "supersedes": _optional({"$ref": "#/$defs/id"}),
        "notes": _text(),
    },
    "patternProperties": _EXTENSIONS,
    "additionalProperties": False,
    "$defs": {
        "id": {
            "type": "string",
            "pattern": _ID,
            "description": "1 to 200 characters without white space",
        },
        "partialDate": {
            "type": "string",
            "pattern": _DATE,
            "description": "YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ?, ~ or %",
        },
        "party": {
            "type": "object",
            "required": ["name", "country"],
            "properties": {
                "name": _NAME,
                "country": _COUNTRY,
                "subdivision": _optional(
                    {
                        "type": "string",
                        "pattern": "^[A-Z]{2}-[A-Z0-9]{1,3}$",
                        "description": "ISO 3166-2, in the party's country",
                    }
                ),
                "level": _optional({"enum": [level.value for level in PlaceLevel]}),
                "wikidata": _optional({"type": "string", "pattern": f"^{WIKIDATA_ID.pattern}$"}),
                "geonames": _optional({"type": "integer", "minimum": 1, "maximum": _INT64_MAX}),
                "former_names": _optional(
                    {"type": "array", "items": {"$ref": "#/$defs/formerName"}}
                ),
            },
            "patternProperties": _EXTENSIONS,
            "additionalProperties": False,
        },
        "formerName": {
            "type": "object",
            "required": ["name", "until"],
            "properties": {
                "name": _NAME,
                "country": _optional(_COUNTRY),
                "from": _optional({"$ref": "#/$defs/partialDate"}),
                "until": {"$ref": "#/$defs/partialDate"},
            },
            "patternProperties": _EXTENSIONS,
            "additionalProperties": False,
        },
        "event": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"enum": [event.value for event in EventType]},
                "date": _optional({"$ref": "#/$defs/partialDate"}),
                "by": _text(),
                "reason": _text(),
                "source": _text(),
                "body": _text("the organ that acted for the party, e.g. 'full council'"),
                "decided": _optional(
                    {
                        "$ref": "#/$defs/partialDate",
                        "description": "when the act was decided, where that differs from "
                        "'date' (the day it took effect); never definitely after 'date'",
                    }
                ),
                "announced": _optional(
                    {"$ref": "#/$defs/partialDate", "description": "when it was made public"}
                ),
                "condition": _text("what the act waits for, e.g. 'until further notice'"),
            },
            "patternProperties": _EXTENSIONS,
            "additionalProperties": False,
        },
    },
}


def schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the record format, as a fresh dict."""
    return copy.deepcopy(SCHEMA)
