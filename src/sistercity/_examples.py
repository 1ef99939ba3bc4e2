"""One small broken record per record rule, for the rule reference page.

Each record in :data:`EXAMPLES` breaks exactly the rule it is filed under and nothing else (no
other error and no warning), so the page can show what the rule looks like in a record and what
``sistercity validate`` says about it. They start from Glasgow's twinning with Rostov-on-Don
(1986, suspended by Glasgow on 24 February 2022) and, where a rule needs former names or a
former country, Coventry's link with Volgograd (Stalingrad until 1961). ``event-after-end``
shows a mistake this project's own data once made: Edinburgh's link with St Petersburg expired
in October 1998, so a 2022 suspension of it cannot follow.

>>> import sistercity as sc
>>> [issue.rule for issue in sc.validate(EXAMPLES["invalid-country"]).issues]
['invalid-country']
"""

from __future__ import annotations

import copy
from typing import Any, Final

__all__ = ["EXAMPLES"]

_GLASGOW: Final = {"name": "Glasgow", "country": "GB", "subdivision": "GB-GLG", "wikidata": "Q4093"}
_ROSTOV: Final = {"name": "Rostov-on-Don", "country": "RU", "wikidata": "Q908"}
_SIGNED: Final = {"type": "signed", "date": "1986"}
_SUSPENDED: Final = {
    "type": "suspended",
    "date": "2022-02-24",
    "by": "Glasgow",
    "reason": "Russian invasion of Ukraine",
}
_SOURCES: Final = ["https://www.glasgow.gov.uk/"]


def _glasgow_rostov(**changes: Any) -> dict[str, Any]:
    """The valid Glasgow/Rostov-on-Don record with top-level ``changes`` applied."""
    record: dict[str, Any] = {
        "id": "glasgow-rostov-on-don-1986",
        "kind": "twinning",
        "parties": [_GLASGOW, _ROSTOV],
        "events": [_SIGNED, _SUSPENDED],
        "sources": _SOURCES,
    }
    record.update(changes)
    return copy.deepcopy({k: v for k, v in record.items() if v is not None})


def _glasgow(**changes: Any) -> list[dict[str, Any]]:
    """The two parties, Glasgow's entry changed."""
    glasgow = {**_GLASGOW, **changes}
    return [{k: v for k, v in glasgow.items() if v is not None}, _ROSTOV]


def _volgograd(**changes: Any) -> dict[str, Any]:
    """Coventry/Volgograd, with Volgograd's entry changed."""
    record: dict[str, Any] = {
        "id": "coventry-volgograd-1944",
        "kind": "twinning",
        "parties": [
            {"name": "Coventry", "country": "GB", "subdivision": "GB-COV"},
            {
                "name": "Volgograd",
                "country": "RU",
                "former_names": [
                    {"name": "Tsaritsyn", "until": "1925-04-10"},
                    {"name": "Stalingrad", "until": "1961-11-10"},
                ],
                **changes,
            },
        ],
        "events": [{"type": "signed", "date": "1944?"}],
        "notes": "Sources give 1941, 1942 and 1944 for the link.",
        "sources": ["https://www.coventry.gov.uk/"],
    }
    return record


def _edinburgh_saint_petersburg(*more: dict[str, Any]) -> dict[str, Any]:
    """Edinburgh/St Petersburg, which expired in October 1998, with ``more`` events after it."""
    return {
        "id": "edinburgh-saint-petersburg-1995",
        "kind": "twinning",
        "parties": [
            {"name": "Edinburgh", "country": "GB", "wikidata": "Q23436"},
            {"name": "Saint Petersburg", "country": "RU", "wikidata": "Q656"},
        ],
        "events": [
            {"type": "signed", "date": "1995?"},
            {"type": "expired", "date": "1998-10"},
            *copy.deepcopy(list(more)),
        ],
        "sources": ["https://www.edinburgh.gov.uk/"],
    }


#: One broken record per record rule (errors and warnings), by rule id.
EXAMPLES: Final[dict[str, dict[str, Any]]] = {
    "malformed-record": _glasgow_rostov(events=[{"type": "signed", "date": 1986}]),
    "unknown-field": _glasgow_rostov(signed="1986"),
    "invalid-kind": _glasgow_rostov(kind="twin town"),
    "invalid-event-type": _glasgow_rostov(events=[{"type": "signing", "date": "1986"}]),
    "invalid-level": _glasgow_rostov(parties=_glasgow(level="city")),
    "invalid-date": _glasgow_rostov(events=[{"type": "signed", "date": "1986-02-30"}]),
    "invalid-country": _glasgow_rostov(parties=_glasgow(country="UK", subdivision=None)),
    "invalid-subdivision": _glasgow_rostov(parties=_glasgow(subdivision="RU-ROS")),
    "invalid-wikidata-id": _glasgow_rostov(parties=_glasgow(wikidata="Q04093")),
    "invalid-geonames-id": _glasgow_rostov(parties=_glasgow(geonames=0)),
    "invalid-name": _glasgow_rostov(parties=[_GLASGOW, {**_ROSTOV, "name": " "}]),
    "invalid-id": _glasgow_rostov(id="glasgow rostov-on-don"),
    "former-names-out-of-order": _volgograd(
        former_names=[
            {"name": "Stalingrad", "until": "1961-11-10"},
            {"name": "Tsaritsyn", "until": "1925-04-10"},
        ]
    ),
    "too-few-parties": _glasgow_rostov(parties=[_GLASGOW], events=[_SIGNED]),
    "duplicate-party": _glasgow_rostov(
        parties=[{"name": "Glasgow", "country": "GB"}, {"name": "GLASGOW ", "country": "GB"}],
        events=[_SIGNED],
    ),
    "self-supersedes": _glasgow_rostov(supersedes="glasgow-rostov-on-don-1986"),
    "invalid-actor": _glasgow_rostov(
        events=[_SIGNED, {**_SUSPENDED, "by": "Glasgow City Council"}]
    ),
    "events-out-of-order": _glasgow_rostov(
        events=[_SIGNED, {"type": "renewed", "date": "1985"}, _SUSPENDED]
    ),
    # the suspension took effect on 24 February 2022, the day the committee decided it; a
    # 'decided' in March (as this project's docs once dated it) cannot follow the effect
    "decided-after-effective": _glasgow_rostov(
        events=[
            _SIGNED,
            {**_SUSPENDED, "body": "City Administration Committee", "decided": "2022-03-24"},
        ]
    ),
    "event-after-end": _edinburgh_saint_petersburg(
        {"type": "suspended", "date": "2022", "reason": "Russian invasion of Ukraine"}
    ),
    "event-before-signing": _glasgow_rostov(
        events=[{"type": "renewed", "date": "1985"}, _SIGNED, _SUSPENDED]
    ),
    "invalid-transition": _glasgow_rostov(events=[_SIGNED, {"type": "signed", "date": "1990"}]),
    "missing-reason": _glasgow_rostov(
        events=[_SIGNED, {k: v for k, v in _SUSPENDED.items() if k != "reason"}]
    ),
    "missing-source": _glasgow_rostov(sources=None),
    "historic-country": _volgograd(country="SU"),
    "future-date": _glasgow_rostov(
        events=[_SIGNED, _SUSPENDED, {"type": "renewed", "date": "2999"}]
    ),
}
