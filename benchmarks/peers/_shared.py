"""What the two benchmark peers share: the SPEC §4-5 rules that no schema library expresses.

Written from the SPEC alone, on the standard library and pycountry; it imports nothing from
sistercity (``tests/test_benchmark_peers.py`` checks that). Each peer declares its own schema
(types, required fields, vocabularies, patterns) in its library's idiom, calls the field
checks below from its validators, and hands the structured record to :func:`record_rules` for
the rules that need the whole record: identity of parties, actors, event order, the per-party
lifecycle (SPEC §3), former-name order and the warnings.

A record is read through attributes, so a pydantic model and a msgspec struct both fit:
``id``, ``supersedes``, ``sources``, ``parties`` (``name``, ``country``, ``subdivision``,
``level``, ``wikidata``, ``geonames``, ``former_names`` with ``from_`` and ``until``) and
``events`` (``type``, ``date``, ``by``, ``reason``, ``source``, ``body``, ``decided``,
``announced``, ``condition``). Dates are the JSON strings.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import functools
import json
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import pycountry

__all__ = [
    "COUNTRIES",
    "check_country",
    "check_date",
    "check_extension",
    "check_id",
    "check_name",
    "check_subdivision",
    "main",
    "parse_date",
    "record_rules",
]

#: Codes a party's ``country`` may hold: ISO 3166-1 alpha-2, Kosovo, and former countries.
CURRENT = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}
HISTORIC = frozenset(c.alpha_2 for c in pycountry.historic_countries) - CURRENT
COUNTRIES = CURRENT | HISTORIC
#: ISO 3166-2 code -> the country it belongs to (pycountry's ``get`` ignores case; we do not).
SUBDIVISIONS = {sub.code: sub.country_code for sub in pycountry.subdivisions}

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?[?~%]?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s")
_INT64 = (-(2**63), 2**63 - 1)
_NEEDS_SIGNING = frozenset({"ratified", "renewed", "suspended", "reinstated", "expired"})

#: ``(rule, path, message)``.
Finding = tuple[str, str, str]
#: A peer's check of one line: ``(errors, warnings)`` counts.
LineCheck = Callable[[bytes, dt.date], tuple[int, int]]


# --------------------------------------------------------------------------------------------
# Field checks: raise ValueError, as validators of either library expect
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def parse_date(text: str) -> tuple[dt.date, dt.date]:
    """A partial date (SPEC §2) as the first and last day it could be."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, then ?, ~ or % (got {text!r})")
    year = int(match[1])
    if year < 1:
        raise ValueError(f"the year must be 0001 to 9999 (got {text!r})")
    if match[2] is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(match[2])
    if not 1 <= month <= 12:
        raise ValueError(f"the month must be 01 to 12 (got {text!r})")
    last = calendar.monthrange(year, month)[1]
    if match[3] is None:
        return dt.date(year, month, 1), dt.date(year, month, last)
    day = int(match[3])
    if not 1 <= day <= last:
        raise ValueError(f"{year:04d}-{month:02d} has days 01 to {last:02d} (got {text!r})")
    return dt.date(year, month, day), dt.date(year, month, day)


def check_date(text: str) -> str:
    parse_date(text)
    return text


def check_name(name: str) -> str:
    if not name.strip():
        raise ValueError(f"a name must not be blank (got {name!r})")
    if _CONTROL.search(name):
        raise ValueError(f"a name must not hold control characters (got {name!r})")
    return name


def check_country(code: str) -> str:
    if code not in COUNTRIES:
        raise ValueError(f"expected an ISO 3166-1 alpha-2 code in upper case (got {code!r})")
    return code


def check_subdivision(code: str | None, country: str) -> None:
    if code is None:
        return
    if code not in SUBDIVISIONS:
        raise ValueError(f"expected an ISO 3166-2 code (got {code!r})")
    if SUBDIVISIONS[code] != country:
        raise ValueError(f"subdivision {code!r} is in {SUBDIVISIONS[code]}, not in {country!r}")


def check_id(value: str) -> str:
    if not 1 <= len(value) <= 200 or _SPACE.search(value):
        raise ValueError(f"expected 1 to 200 characters without white space (got {value!r})")
    return value


def check_extension(value: Any, depth: int = 0) -> None:
    """An ``x-`` value: any JSON, but numbers finite and integers in the signed 64-bit range."""
    if depth > 200:
        raise ValueError("extension value nested too deeply")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise ValueError(f"integer {value} is outside the signed 64-bit range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"number {value} is not finite")
    elif isinstance(value, list):
        for item in value:
            check_extension(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            check_extension(item, depth + 1)
    else:
        raise ValueError(f"not a JSON value: {value!r}")


# --------------------------------------------------------------------------------------------
# Rules over the whole record
# --------------------------------------------------------------------------------------------


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _place_key(party: Any) -> object:
    """SPEC §4 identity: wikidata, else geonames, else country, subdivision, level and name."""
    if party.wikidata is not None:
        return party.wikidata
    if party.geonames is not None:
        return f"geonames:{party.geonames}"
    name = " ".join(unicodedata.normalize("NFC", party.name).casefold().split())
    return (party.country, party.subdivision, party.level or "municipality", name)


def _former_names(former: Sequence[Any], base: str) -> list[Finding]:
    """Oldest first, not overlapping; ``from`` before ``until``; a missing ``from`` is the
    previous entry's ``until``."""
    out: list[Finding] = []
    previous: dt.date | None = None
    for index, entry in enumerate(former):
        until = parse_date(entry.until)[0]
        start = parse_date(entry.from_)[0] if entry.from_ is not None else None
        path = f"{base}[{index}]"
        if start is not None and not start < until:
            out.append(("former-names-out-of-order", path, "'from' must come before 'until'"))
        elif previous is not None:
            if until <= previous:
                out.append(("former-names-out-of-order", path, "not oldest first"))
            elif (start if start is not None else previous) < previous:
                out.append(("former-names-out-of-order", path, "overlaps the previous name"))
        previous = until
    return out


class Lifecycle:
    """The per-party state of SPEC §3: who signed, whose suspension is open, ended or not."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.signed: set[int] = set()
        self.suspended: set[int] = set()
        self.started = False
        self.ended = False

    def step(self, kind: str, actor: int | None, has_by: bool) -> str | None:
        """Apply one event; return the rule it breaks (and change nothing), or None."""
        if self.ended:
            return "event-after-end"
        if kind in _NEEDS_SIGNING and not self.signed:
            return "event-before-signing"
        everyone = set(range(self.parties))
        in_force = len(self.signed) == self.parties  # active or suspended
        if kind in ("proposed", "approved"):
            if in_force:
                return "invalid-transition"
        elif kind == "signed":
            if actor is not None:
                if actor in self.signed:
                    return "invalid-transition"
                self.signed.add(actor)
            elif in_force:
                return "invalid-transition"
            else:
                self.signed = everyone
        elif kind == "ratified":
            if not ({actor} if actor is not None else everyone) <= self.signed:
                return "invalid-transition"
        elif kind == "renewed":
            if not in_force:
                return "invalid-transition"
        elif kind == "suspended":
            if not in_force:
                return "invalid-transition"
            if actor is not None:
                if actor in self.suspended:
                    return "invalid-transition"
                self.suspended.add(actor)
            elif self.suspended == everyone:
                return "invalid-transition"
            else:
                self.suspended = set(everyone)
        elif kind == "reinstated":
            if actor is not None:
                if actor not in self.suspended:
                    return "invalid-transition"
                self.suspended.discard(actor)
            elif not self.suspended:
                return "invalid-transition"
            else:
                self.suspended = set()
        elif kind == "terminated":
            if not self.started:  # nothing known yet: there is nothing to end
                return "invalid-transition"
            self.ended = True
        elif kind == "expired":
            if has_by or not in_force:
                return "invalid-transition"
            self.ended = True
        self.started = True
        return None


def record_rules(record: Any, today: dt.date) -> tuple[list[Finding], list[Finding]]:
    """The cross-field rules of SPEC §5 on a record whose fields are valid: errors, warnings."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    if record.supersedes is not None and record.supersedes == record.id:
        errors.append(("self-supersedes", "$.supersedes", "'supersedes' names its own id"))
    seen: dict[object, int] = {}
    names: list[set[str]] = []
    for index, party in enumerate(record.parties):
        if party.country in HISTORIC:
            warnings.append(("historic-country", f"$.parties[{index}].country", party.country))
        key = _place_key(party)
        if seen.setdefault(key, index) != index:
            errors.append(("duplicate-party", f"$.parties[{index}]", f"same place as {key!r}"))
        if party.former_names:
            errors += _former_names(party.former_names, f"$.parties[{index}].former_names")
        nfc = unicodedata.normalize("NFC", party.name)
        forms = {nfc, f"{nfc} ({party.country})"}
        if party.wikidata is not None:
            forms.add(party.wikidata)
        names.append(forms)
    lifecycle = Lifecycle(len(record.parties))
    latest: dt.date | None = None  # the latest start of a dated event so far
    any_source = False
    for index, event in enumerate(record.events or ()):
        actor: int | None = None
        by = event.by
        if by is not None:
            wanted = unicodedata.normalize("NFC", by)
            matches = [i for i, forms in enumerate(names) if wanted in forms]
            if len(matches) == 1:
                actor = matches[0]
            else:  # treated as if there were no 'by'
                errors.append(("invalid-actor", f"$.events[{index}].by", f"{by!r}: {matches}"))
                by = None
        if event.date is not None:
            earliest, last = parse_date(event.date)
            if latest is not None and last < latest:
                errors.append(("events-out-of-order", f"$.events[{index}].date", event.date))
            if latest is None or earliest > latest:
                latest = earliest
            if event.decided is not None and last < parse_date(event.decided)[0]:
                errors.append(("decided-after-effective", f"$.events[{index}].decided", ""))
            if earliest > today:
                warnings.append(("future-date", f"$.events[{index}].date", event.date))
        if event.type in ("suspended", "terminated") and _blank(event.reason):
            warnings.append(("missing-reason", f"$.events[{index}]", event.type))
        any_source = any_source or not _blank(event.source)
        rule = lifecycle.step(event.type, actor, by is not None)
        if rule is not None:
            errors.append((rule, f"$.events[{index}].type", event.type))
    if not record.sources and not any_source:
        warnings.append(("missing-source", "$", "no sources and no event source"))
    return errors, warnings


# --------------------------------------------------------------------------------------------
# The program: read JSON Lines, print the summary
# --------------------------------------------------------------------------------------------


def _today(text: str) -> dt.date:
    try:
        return parse_date(text)[1]  # a partial date means its last day
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(check_line: LineCheck, argv: Sequence[str] | None = None) -> int:
    """Check every non-blank line of a JSON Lines file; print the JSON summary.

    The exit status is 0 without errors, 1 with errors, as ``sistercity validate``'s.
    """
    parser = argparse.ArgumentParser(description="Check SPEC §4-5 record rules (JSON Lines).")
    parser.add_argument("file")
    parser.add_argument("--today", type=_today, default=dt.date.today())
    args = parser.parse_args(argv)
    records = invalid = errors = warnings = 0
    with open(args.file, "rb") as stream:
        for line in stream:
            if not line.strip():
                continue
            records += 1
            found, warned = check_line(line, args.today)
            invalid += found > 0
            errors += found
            warnings += warned
    summary = {
        "records": records,
        "valid": records - invalid,
        "invalid": invalid,
        "errors": errors,
        "warnings": warnings,
    }
    json.dump(summary, sys.stdout)
    print()
    return 1 if errors else 0
