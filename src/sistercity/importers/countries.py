"""Country names to ISO 3166-1 alpha-2 codes, through maintained libraries only (SPEC §7).

Names in many languages and spellings ("Rußland", "Republic of Ireland", "Madagaskar") are
resolved by `countrynames <https://pypi.org/project/countrynames/>`_, then by pycountry's exact
look-up of names, official names and codes. There is no hand-written table of country names
here: a table's own spellings go in the ``[countries]`` section of its mapping file.

Only exact answers count; fuzzy matching is never used to decide ("Prussia" is not Russia).
Before giving up, a few simple clean-ups are tried, in this order, and the first that resolves
wins:

1. the text as it is (white space collapsed);
2. without a trailing parenthetical: ``"Georgia (country)"`` → ``"Georgia"``;
3. the part after the last comma: ``"Scotland, United Kingdom"`` → ``"United Kingdom"``.

A result that names a part of a country (countrynames answers ``GB-SCT`` for "Scotland",
``CN-BJ`` for "Beijing") gives that country's code (``GB``, ``CN``): a subdivision comes only
from a subdivision column, so the same pair written two ways stays one pair. A former
country's ISO 3166-3 code (``SUHH``, ``YUCS``, ``DDDE``) gives its alpha-2 code (``SU``, ``YU``,
``DD``), which the record rules accept with a ``historic-country`` warning. Answers that are no
country at all (``EU``, ``ZZ``) do not resolve.

When nothing resolves, :func:`nearest_name` offers the closest known name for the message, to
be confirmed by hand in ``[countries]``; it is never applied.

>>> resolve_country("Rußland")
'RU'
>>> resolve_country("Scotland, United Kingdom")
'GB'
>>> resolve_country("Georgia (country)")
'GE'
>>> resolve_country("Prussia") is None
True
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from typing import Final

import countrynames
import pycountry
from countrynames.util import normalize_name

__all__ = ["is_country_code", "is_subdivision_name", "nearest_name", "resolve_country"]

_CURRENT: Final = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}
_HISTORIC_ALPHA2: Final = frozenset(c.alpha_2 for c in pycountry.historic_countries)
_PARENTHETICAL: Final = re.compile(r"\s*\([^()]*\)\s*$")


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an alpha-2 code the record format accepts (current or former).

    >>> is_country_code("DE"), is_country_code("SU"), is_country_code("UK")
    (True, True, False)
    """
    return code in _CURRENT or code in _HISTORIC_ALPHA2


@functools.cache
def _subdivision_names() -> frozenset[str]:
    return frozenset(_clean(s.name).casefold() for s in pycountry.subdivisions)


def is_subdivision_name(text: str) -> bool:
    """Whether ``text`` is exactly the name of an ISO 3166-2 subdivision (``Texas``, ``Kent``).

    Used to keep such a name in a place's name: it tells two places of one country apart.

    >>> is_subdivision_name("Texas"), is_subdivision_name("Bulgaria")
    (True, False)
    """
    return _clean(text).casefold() in _subdivision_names()


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _from_library_code(code: str | None) -> str | None:
    """Turn a countrynames answer into an alpha-2 code, or None when it names no country."""
    if code is None:
        return None
    if len(code) == 2:
        return code if is_country_code(code) else None
    if "-" in code:
        head = code.split("-", 1)[0]
        return head if head in _CURRENT else None
    if len(code) == 4:
        former = pycountry.historic_countries.get(alpha_4=code)
        if former is not None:
            return str(former.alpha_2)
    return None


def _lookup(text: str) -> str | None:
    if not text:
        return None
    found = _from_library_code(countrynames.to_code(text))
    if found is not None:
        return found
    for database in (pycountry.countries, pycountry.historic_countries):
        try:
            record = database.lookup(text)
        except LookupError:
            continue
        code = str(record.alpha_2)
        if is_country_code(code):
            return code
    return None


@functools.lru_cache(maxsize=4096)
def resolve_country(text: str) -> str | None:
    """The alpha-2 code a country name or code stands for, or ``None``; never a guess.

    >>> resolve_country("Republik Korea") is None
    True
    >>> resolve_country("Südkorea"), resolve_country("Madagaskar"), resolve_country("Wales")
    ('KR', 'MG', 'GB')
    """
    cleaned = _clean(text)
    if not cleaned:
        return None
    candidates = [cleaned]
    bare = _PARENTHETICAL.sub("", cleaned)
    if bare and bare != cleaned:
        candidates.append(bare)
    if "," in cleaned:
        tail = cleaned.rsplit(",", 1)[1].strip()
        if tail:
            candidates.append(tail)
    for candidate in candidates:
        found = _lookup(candidate)
        if found is not None:
            return found
    return None


@functools.cache
def _known_names() -> dict[str, tuple[str, str]]:
    """Every name the libraries know, normalised, with a display form and its code."""
    from countrynames.data import DATA

    names: dict[str, tuple[str, str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            norm = normalize_name(value) if value else None
            if norm:
                names.setdefault(norm, (str(value), str(country.alpha_2)))
    for raw_code, aliases in DATA.items():
        code = _from_library_code(str(raw_code).strip().upper())
        if code is None:
            continue
        for alias in aliases:
            norm = normalize_name(alias)
            if norm:
                names.setdefault(norm, (alias, code))
    return names


@functools.lru_cache(maxsize=1024)
def nearest_name(text: str) -> tuple[str, str] | None:
    """The known country name nearest to ``text`` and its code, for a suggestion only.

    >>> nearest_name("Philipinen")
    ('Philippinen', 'PH')
    """
    norm = normalize_name(_clean(text))
    if not norm:
        return None
    names = _known_names()
    near = difflib.get_close_matches(norm, list(names), n=1, cutoff=0.6)
    return names[near[0]] if near else None
