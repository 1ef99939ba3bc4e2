"""Country and region names to ISO 3166 codes, through maintained libraries only.

Names in many languages and spellings ("Rußland", "Republic of Ireland", "Madagaskar") are
resolved by `countrynames <https://pypi.org/project/countrynames/>`_, then by pycountry's exact
look-up of names, official names and codes. Regions are ISO 3166-2 subdivisions found by their
name as pycountry gives it or translates it in its ``iso3166-2`` locales ("Bayern",
"Bavaria"). There is no hand-written table of names here: a table's own spellings go in the
``[countries]`` section of its mapping file.

countrynames needs PyICU, which has no binary wheels, so it is the optional extra
``sistercity[tables]``: :func:`require_extra` raises :class:`MissingExtra` without it.

Only exact answers count; fuzzy matching is never used to decide ("Prussia" is not Russia). A
name that stands for more than one country ("Korea", "Congo", "Virgin Islands": case-folded,
it equals the part before the first comma or parenthesis of the name, official name or common
name of two or more countries in pycountry) is ambiguous, and :func:`read_country` gives the
candidates instead of a guess. Otherwise a text is read, in this order:

1. as a country name or code: ``"Georgia"``, ``"Südkorea"``, ``"DE"``; an answer that names a
   part of a country (``"Scotland"`` → ``GB-SCT``) gives the country and that subdivision;
2. ``"X (Y)"``: ``"Georgia (country)"`` is the country; ``"Georgia (U.S. state)"`` and
   ``"Limburg (Belgium)"`` are the region X of the country Y;
3. ``"R, C"``: the region R of the country C (``"Brandenburg, Germany"`` → ``DE``, ``DE-BB``);
4. a bare region known in one country only (``"Bavaria"`` → ``DE``, ``DE-BY``).

A region that pycountry does not know is kept as text (:attr:`CountryReading.region`), for the
caller to keep in the place's name. A former country's ISO 3166-3 code (``SUHH``) gives its
alpha-2 code (``SU``), which the record rules accept with a ``historic-country`` warning.

When nothing resolves, :func:`nearest_name` offers the closest real country name for the
message, to be confirmed by hand in ``[countries]``; it is never applied.

>>> resolve_country("Rußland")
'RU'
>>> read_country("Scotland, United Kingdom")
CountryReading(country='GB', subdivision='GB-SCT', region=None, candidates=())
>>> read_country("Georgia (U.S. state)")
CountryReading(country='US', subdivision='US-GA', region=None, candidates=())
>>> [code for code, _ in read_country("Korea").candidates]
['KP', 'KR']
>>> resolve_country("Prussia") is None
True
"""

from __future__ import annotations

import difflib
import functools
import gettext
import importlib
import os
import re
import unicodedata
from collections.abc import Callable
from typing import Any, Final

import attrs
import pycountry

from .._report import SisterCityError

__all__ = [
    "EXTRA",
    "CountryReading",
    "MissingExtra",
    "is_country_code",
    "is_subdivision_code",
    "nearest_name",
    "read_country",
    "read_name",
    "require_extra",
    "resolve_country",
]

#: how to install what the table importer needs
EXTRA: Final = "pip install 'sistercity[tables]'"

_CURRENT: Final = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}
_HISTORIC_ALPHA2: Final = frozenset(c.alpha_2 for c in pycountry.historic_countries)
_PARENTHETICAL: Final = re.compile(r"(.*\S)\s*\(([^()]*)\)")
# words that say what kind of place a parenthetical means ("Georgia (U.S. state)")
_COUNTRY_WORDS: Final = frozenset({"country", "nation", "land", "staat", "pays", "país"})
_REGION_WORDS: Final = frozenset(
    [
        "state",
        "province",
        "region",
        "county",
        "oblast",
        "district",
        "territory",
        "prefecture",
        "department",
        "canton",
        "bundesland",
        "voivodeship",
        "governorate",
        "krai",
        "okrug",
        "municipality",
        "autonomous",
    ]
)


class MissingExtra(SisterCityError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def _countrynames() -> Any:
    try:
        return importlib.import_module("countrynames")
    except ImportError:
        raise MissingExtra(
            f"the table importer needs the optional extra 'tables' (countrynames): {EXTRA}"
        ) from None


def require_extra() -> None:
    """Raise :class:`MissingExtra` when ``sistercity[tables]`` is not installed."""
    _countrynames()


@attrs.frozen
class CountryReading:
    """What a country cell (or the tail of a name) says.

    ``country`` is ``None`` exactly when the text is ambiguous; then ``candidates`` lists each
    possible code (a country's or a subdivision's) with its name. ``region`` is a region the
    text names that pycountry does not know, to keep in the place's name.
    """

    country: str | None = None
    subdivision: str | None = None
    region: str | None = None
    candidates: tuple[tuple[str, str], ...] = ()


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an alpha-2 code the record format accepts (current or former).

    >>> is_country_code("DE"), is_country_code("SU"), is_country_code("UK")
    (True, True, False)
    """
    return code in _CURRENT or code in _HISTORIC_ALPHA2


def is_subdivision_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-2 code (``US-GA``).

    >>> is_subdivision_code("US-GA"), is_subdivision_code("US-XX")
    (True, False)
    """
    return "-" in code and pycountry.subdivisions.get(code=code) is not None  # type: ignore[no-untyped-call]


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _fold(text: str) -> str:
    return _clean(text).casefold()


# --------------------------------------------------------------------------------------------
# Names in pycountry
# --------------------------------------------------------------------------------------------


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) or pycountry.historic_countries.get(
        alpha_2=code
    )
    return str(country.name) if country is not None else code


def _subdivision_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return str(subdivision.name) if subdivision is not None else code


@functools.cache
def _shared_heads() -> dict[str, tuple[tuple[str, str], ...]]:
    """Names that stand for two or more countries ("korea"), with the candidates."""
    heads: dict[str, dict[str, str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                head = _fold(re.split(r"[,(]", str(value), maxsplit=1)[0])
                heads.setdefault(head, {})[str(country.alpha_2)] = str(country.name)
    return {head: tuple(sorted(codes.items())) for head, codes in heads.items() if len(codes) > 1}


@functools.cache
def _country_spellings() -> tuple[tuple[str, str], ...]:
    """Every country's names in pycountry and its ``iso3166-1`` locales, with the code.

    Names, official and common names, and their translations ("Luxemburg", "Mexiko").
    """
    spellings: list[tuple[str, str]] = []
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                spellings.append((str(value), str(country.alpha_2)))
    translations = _translations("iso3166-1")
    for value, code in list(spellings):
        spellings.extend((t.gettext(value), code) for t in translations)
    return tuple(spellings)


@functools.cache
def _country_names() -> frozenset[str]:
    """Every country name in any language that pycountry knows, case-folded."""
    return frozenset(_fold(value) for value, _ in _country_spellings())


def _translations(domain: str) -> list[gettext.NullTranslations]:
    found: list[gettext.NullTranslations] = []
    for locale in sorted(os.listdir(pycountry.LOCALES_DIR)):
        try:
            found.append(gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale]))
        except OSError:
            continue
    return found


@functools.cache
def _subdivisions() -> tuple[dict[str, frozenset[str]], ...]:
    """Subdivision codes by case-folded name, in three indexes.

    pycountry's own names; their English names; their names in any ``iso3166-2`` locale.
    """
    by_name: dict[str, set[str]] = {}
    for subdivision in pycountry.subdivisions:
        by_name.setdefault(str(subdivision.name), set()).add(str(subdivision.code))
    translations = _translations("iso3166-2")
    english = gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=["en"], fallback=True
    )
    indexes: tuple[dict[str, set[str]], ...] = ({}, {}, {})
    for name, codes in by_name.items():
        for index, spellings in zip(
            indexes,
            ({name}, {english.gettext(name)}, {name, *(t.gettext(name) for t in translations)}),
            strict=True,
        ):
            for spelling in spellings:
                index.setdefault(_fold(spelling), set()).update(codes)
    return tuple({k: frozenset(v) for k, v in index.items()} for index in indexes)


def subdivision_of(country: str, region: str) -> str | None:
    """The one subdivision of ``country`` named ``region`` (any locale), else ``None``.

    >>> subdivision_of("DE", "Bavaria"), subdivision_of("DE", "bayern")
    ('DE-BY', 'DE-BY')
    >>> subdivision_of("DE", "Illinois") is None
    True
    """
    code = _clean(region).upper()
    if code.startswith(f"{country}-") and is_subdivision_code(code):
        return code
    folded = _fold(region)
    primary, _, every = _subdivisions()
    for index in (primary, every):
        codes = [c for c in index.get(folded, ()) if c.split("-", 1)[0] == country]
        if codes:
            return codes[0] if len(codes) == 1 else None
    return None


def _subdivisions_named(text: str) -> frozenset[str]:
    """Subdivisions of any country named ``text`` by pycountry or in English.

    Not in every locale: a name alone, with no country, must be a well-known one.
    """
    primary, english, _ = _subdivisions()
    folded = _fold(text)
    return primary.get(folded) or english.get(folded, frozenset())


# --------------------------------------------------------------------------------------------
# Reading a text
# --------------------------------------------------------------------------------------------


def _alpha2(code: str) -> str | None:
    """A library's answer as an alpha-2 code, or None when it names no country."""
    if len(code) == 2:
        return code if is_country_code(code) else None
    if len(code) == 4:
        former = pycountry.historic_countries.get(alpha_4=code)
        if former is not None:
            return str(former.alpha_2)
    return None


def _pycountry(text: str) -> str | None:
    """The alpha-2 code of an exact pycountry name, official name or code, or None."""
    for database in (pycountry.countries, pycountry.historic_countries):
        try:
            record = database.lookup(text)
        except LookupError:
            continue
        code = str(record.alpha_2)
        if is_country_code(code):
            return code
    return None


def _lookup(text: str) -> str | None:
    """The code the libraries give ``text`` as it is (``DE``, ``GB-SCT``), or None."""
    raw = _countrynames().to_code(text)
    if isinstance(raw, str) and raw:
        if "-" in raw:
            head = raw.split("-", 1)[0]
            if head in _CURRENT:
                return raw if is_subdivision_code(raw) else head
        elif (code := _alpha2(raw)) is not None:
            return code
    return _pycountry(text)


def _reading(code: str, text: str) -> CountryReading:
    """A reading from a code, with the region the text names, if it names one.

    "Illinois" gives ``US`` and ``US-IL``; a country's name in any language is no region
    ("Luxemburg" is not the canton).
    """
    if "-" in code:
        return CountryReading(code.split("-", 1)[0], code)
    if _fold(text) not in _country_names():
        subdivision = subdivision_of(code, text)
        if subdivision is not None:
            return CountryReading(code, subdivision)
    return CountryReading(code)


def _with_region(reading: CountryReading, region: str) -> CountryReading:
    region = _clean(region)
    if not region or reading.country is None:
        return reading
    if reading.subdivision is None:
        subdivision = subdivision_of(reading.country, region)
        if subdivision is not None:
            return attrs.evolve(reading, subdivision=subdivision)
    kept = f"{region}, {reading.region}" if reading.region else region
    return attrs.evolve(reading, region=kept)


def _bare_region(text: str, *, besides: str = "") -> CountryReading | None:
    """A region named alone: its country when only one country (not ``besides``) has it."""
    codes = sorted(c for c in _subdivisions_named(text) if c.split("-", 1)[0] != besides)
    countries = {code.split("-", 1)[0] for code in codes}
    if not codes:
        return None
    if len(countries) == 1:
        country = countries.pop()
        if len(codes) == 1:
            return CountryReading(country, codes[0])
        return CountryReading(country, region=_clean(text))
    return CountryReading(candidates=tuple((c, _subdivision_name(c)) for c in codes))


Override = Callable[[str], "str | None"]


def _from_override(code: str) -> CountryReading:
    if "-" in code:
        return CountryReading(code.split("-", 1)[0], code)
    return CountryReading(code)


def read_country(text: str, override: Override | None = None) -> CountryReading | None:
    """What a country cell says: a country (and region), the candidates, or ``None``.

    ``override`` (a mapping file's ``[countries]``) is asked first, for the whole text and for
    each part of it; it answers an alpha-2 or an ISO 3166-2 code.

    >>> read_country("Brandenburg, Germany")
    CountryReading(country='DE', subdivision='DE-BB', region=None, candidates=())
    >>> read_country("Atlantis, Germany")
    CountryReading(country='DE', subdivision=None, region='Atlantis', candidates=())
    >>> read_country("Georgia")
    CountryReading(country='GE', subdivision=None, region=None, candidates=())
    """
    cleaned = _clean(text)
    if not cleaned:
        return None
    if override is not None and (code := override(cleaned)) is not None:
        return _from_override(code)
    shared = _shared_heads().get(cleaned.casefold())
    if shared:
        return CountryReading(candidates=shared)
    if "," not in cleaned and "(" not in cleaned:
        code = _lookup(cleaned)
        return _reading(code, cleaned) if code is not None else _bare_region(cleaned)
    # "Korea, Republic of" is a name; "Illinois, United States" is read by its parts
    code = _pycountry(cleaned)
    if code is not None:
        return CountryReading(code)
    found = _read_parts(cleaned, override)
    if found is not None:
        return found
    code = _lookup(cleaned)
    return _reading(code, cleaned) if code is not None else None


def _read_parts(cleaned: str, override: Override | None) -> CountryReading | None:
    """``"R, C"`` (a region of a country) or ``"X (Y)"``."""
    if "," in cleaned:
        region, _, tail = cleaned.rpartition(",")
        outer = read_country(tail, override)
        if outer is None or outer.country is None:
            return outer
        return _with_region(outer, region)
    match = _PARENTHETICAL.fullmatch(cleaned)
    if match is not None:
        return _read_qualified(match.group(1), _clean(match.group(2)), override)
    return None


def _read_qualified(inner: str, qualifier: str, override: Override | None) -> CountryReading | None:
    """``"Georgia (country)"``, ``"Georgia (U.S. state)"``, ``"Limburg (province)"``."""
    words = qualifier.split()
    kinds = {w.casefold() for w in words}
    if kinds <= _COUNTRY_WORDS:
        return read_country(inner, override)
    rest = " ".join(w for w in words if w.casefold() not in _REGION_WORDS)
    outer = None
    if rest:
        outer = read_country(rest, override)
        if outer is None and "." in rest:
            outer = read_country(rest.replace(".", ""), override)
    if outer is not None and outer.country is not None:
        inside = read_country(inner, override)
        if inside is not None and inside.country == outer.country:
            return inside
        return _with_region(outer, inner)
    if kinds & _REGION_WORDS:
        # a region of no named country: never the country of the same name
        return _bare_region(inner)
    return read_country(inner, override)


def read_name(name: str, override: Override | None = None) -> tuple[str, CountryReading | None]:
    """Split a name that carries its country: ``"Varna, Bulgaria"``, ``"Witebsk (Belarus)"``.

    Text between the name and the country is a region (``"Athens, Georgia, United States"``).
    A bare "Georgia" after a name ("Columbus, Georgia") is ambiguous: a country, and a region
    of another country. Gives the name without the country, and the reading (``None``, and
    the name unchanged, when the name carries no country).

    >>> read_name("Savannah, Georgia, United States")
    ('Savannah', CountryReading(country='US', subdivision='US-GA', region=None, candidates=()))
    >>> read_name("Columbus, Georgia")[1].candidates
    (('GE', 'Georgia'), ('US-GA', 'Georgia'))
    """
    parts = [part.strip() for part in name.split(",")]
    match = _PARENTHETICAL.fullmatch(name)
    if len(parts) >= 2 and parts[0] and parts[-1]:
        head, tail, regions = parts[0], parts[-1], parts[1:-1]
    elif match is not None:
        head, tail, regions = match.group(1), match.group(2), []
    else:
        return name, None
    head, tail = _clean(head), _clean(tail)
    if override is not None and (code := override(tail)) is not None:
        reading: CountryReading | None = _from_override(code)
    else:
        reading = read_country(tail, override)
        bare_country = (
            reading is not None
            and reading.country is not None
            and reading.subdivision is None
            and reading.region is None
        )
        if bare_country and not regions:
            assert reading is not None and reading.country is not None
            others = _bare_region(tail, besides=reading.country)
            if others is not None:
                own = ((reading.country, _country_name(reading.country)),)
                theirs = others.candidates or ((str(others.subdivision), tail),)
                return head, CountryReading(candidates=own + theirs)
    if reading is None:
        return name, None
    if reading.country is None:
        return head, reading
    return head, _with_region(reading, ", ".join(r for r in regions if r))


@functools.lru_cache(maxsize=4096)
def resolve_country(text: str) -> str | None:
    """The alpha-2 code a country name or code stands for, or ``None``; never a guess.

    >>> resolve_country("Südkorea"), resolve_country("Madagaskar"), resolve_country("Wales")
    ('KR', 'MG', 'GB')
    >>> resolve_country("Korea") is None  # two countries
    True
    """
    reading = read_country(text)
    return reading.country if reading is not None else None


# --------------------------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", kept).split())


@functools.cache
def _known_names() -> dict[str, tuple[str, str]]:
    """Every real country name (pycountry's, and their translations), plain, with its code."""
    names: dict[str, tuple[str, str]] = {}
    for value, code in _country_spellings():
        plain = _plain(value)
        if plain:
            names.setdefault(plain, (value, code))
    return names


@functools.lru_cache(maxsize=1024)
def nearest_name(text: str) -> tuple[str, str] | None:
    """The real country name nearest to ``text`` and its code, for a suggestion only.

    >>> nearest_name("Philipinen")
    ('Philippinen', 'PH')
    """
    plain = _plain(text)
    if not plain:
        return None
    names = _known_names()
    near = difflib.get_close_matches(plain, list(names), n=1, cutoff=0.75)
    return names[near[0]] if near else None
