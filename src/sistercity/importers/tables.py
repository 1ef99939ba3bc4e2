r"""Tables (CSV, TSV) with a TOML mapping file, to records (SPEC §7).

The mapping file says which column holds what::

    delimiter = ","                  # optional; "\t" for TSV; default from the extension
    encoding = "utf-8"               # optional (a byte-order mark is always skipped)
    dayfirst = true                  # optional: "12.05.1990" is 12 May (false: 5 December)

    [columns]                        # a column name, or { value = "..." } for a constant
    a.name = "municipality"          # a.* and b.*: name, country (required), subdivision,
    a.country = { value = "DE" }     #   level, wikidata, geonames
    b.name = "partnergemeinde"
    b.country = "land"
    term = "form"                    # or kind = "..." for a column that holds our kinds
    signed = "seit"                  # one key per event type, naming a date column
                                     # also: notes, reason, source
    body.suspended = "gremium"       # body, decided, announced, condition: one table each,
    decided.suspended = "beschluss"  #   keyed by an event type that also has a date column

    [terms]                          # optional: this file's terms -> kinds
    p = "twinning"

    [countries]                      # optional: this file's own spellings -> ISO codes
    "Tschech. Republik" = "CZ"

Every key is checked before any row is read: an unknown key, a missing ``a``/``b`` name or
country, a column that is not in the header, a kind or a country code outside the vocabulary
raise :class:`~sistercity.importers.MappingError`.

Each row is read as follows (and every row that is not imported is reported with its line,
the column and the reason: nothing disappears):

- Names: white space is collapsed, and otherwise kept as written. A party whose country cell
  is empty may carry its country in the name (``"Varna, Bulgaria"``, ``"Witebsk (Belarus)"``,
  ``"Athens, Georgia, United States"``): the part after the last comma, or a trailing
  parenthetical, gives the country, text in between a region, and both are removed from the
  name. A bare "Georgia" after a name ("Columbus, Georgia") is refused, naming ``GE`` and
  ``US-GA``. A name is never split when the country cell is filled.
- Countries: ``[countries]`` first (compared case-insensitively, white space collapsed; an
  alpha-2 or an ISO 3166-2 code), then :func:`~sistercity.importers.countries.read_country`
  (countrynames and pycountry, exact answers only; needs ``sistercity[tables]``). A region in
  the cell ("Brandenburg, Germany", "Georgia (U.S. state)") gives the ``subdivision``; a region
  pycountry does not know stays in the name in parentheses ("Friedland (Lower Saxony)"), so
  namesakes never merge. A ``subdivision`` column holds a code or a region's name. A name of
  two countries ("Korea") is refused with the candidates; what does not resolve refuses the row
  (``unresolved-reference``), and the message gives the nearest real country name and the
  ``[countries]`` line that would accept it.
- ``level``: a level of SPEC §1, or a word the SPEC lists for one (``city``, ``state``...);
  ``wikidata``: ``Q64`` or an entity URL; ``geonames``: a positive integer.
- The kind: from ``kind`` (a value of SPEC §1), or from ``term`` through ``[terms]`` and then
  the built-in table (:data:`sistercity.TERMS`). A term neither knows gives ``unspecified``
  and ``unmapped-term``; the term is kept verbatim. An empty cell, or neither key, gives
  ``unspecified``.
- Dates: one key per event type (``signed = "seit"``). A cell is read as a partial date, then
  by :func:`sistercity.parse_lenient`; a cell neither reads refuses the row. An all-numeric
  date whose day and month could be swapped ("03/04/2022") is refused unless the mapping
  says ``dayfirst``; a year written as a spreadsheet number ("1962.0") is read as the year.
  A row with no date gives one undated ``signed`` event, and so does a row whose dates begin
  after the signing (only an end date, say): the link existed, so it was signed, on a day the
  row does not give. A row with a ``proposed`` or ``approved`` date gets no ``signed``.
  ``reason`` goes to the last ``suspended``, ``terminated`` or ``expired`` event (to ``notes``
  when there is none); ``source`` goes to the record's ``sources``; ``notes`` to ``notes``.
- The act (SPEC §4): ``body.<type>``, ``decided.<type>``, ``announced.<type>`` and
  ``condition.<type>`` fill that event's fields; ``decided`` and ``announced`` cells are read
  as date cells are. A filled act cell with an empty date cell gives the event undated (the
  row says the act happened). Rows that merge and disagree keep the first row's value, put the
  other in ``notes`` and warn ``conflicting-statements``.
- A row whose two places are the same place (SPEC §4 identity) is refused
  (``duplicate-party``), as is a row that breaks any other record rule.

Rows that state the same pair again, in either order and with the same kind, merge into one
agreement; its ``x-source-lines`` lists the line of every row. Where the rows' dates disagree
and neither refines the other, the first row's date is kept and marked ``?``, the others go
in ``notes``, and ``conflicting-statements`` warns. A pair stated with different kinds stays as
separate agreements. Ids are stable: a slug of both place keys, the kind and the start date
(``de-aachen-us-arlington-twinning-1993``), with ``-2``, ``-3`` for repeats in file order.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import json
import os
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, Final

import attrs

from .._agreements import AgreementKind, EventType
from .._dates import InvalidDate, PartialDate, parse_lenient
from .._fields import _LEVEL_ALIASES, key_path
from .._places import PlaceKey, PlaceLevel, name_key
from .._record import check_record
from .._report import Issue, Severity
from .._terms import kind_for_term, normalise_term
from . import Draft, ImportFailed, ImportResult, MappingError, finish, read_input, refine
from .countries import (
    CountryReading,
    is_country_code,
    is_subdivision_code,
    nearest_name,
    read_country,
    read_name,
    require_extra,
    subdivision_of,
)

__all__ = ["Column", "TableMapping", "import_table", "load_mapping"]

PARTY_FIELDS: Final = ("name", "country", "subdivision", "level", "wikidata", "geonames")
EVENT_FIELDS: Final = tuple(t.value for t in EventType)
OTHER_FIELDS: Final = ("term", "kind", "notes", "reason", "source")
#: The act's fields (SPEC §4), each a table keyed by event type: ``decided.suspended = "..."``.
ACT_FIELDS: Final = ("body", "decided", "announced", "condition")
_ACT_DATES: Final = frozenset({"decided", "announced"})
_NOT_DELIMITERS: Final = frozenset('"\r\n\0')
_MAPPING_LIMIT: Final = 1 << 20
TOP_KEYS: Final = ("delimiter", "encoding", "dayfirst", "columns", "terms", "countries")
_WHOLE_FLOAT: Final = re.compile(r"(\d{4})\.0+")
_ENDING: Final = (EventType.SUSPENDED.value, EventType.TERMINATED.value, EventType.EXPIRED.value)
_SUBDIVISION_CODE: Final = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
_WIKIDATA_URL: Final = re.compile(r"(?:https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/)?(Q\d+)")


@attrs.frozen
class Column:
    """Where one field comes from: a column of the table, or a constant ``value``."""

    column: str | None = None
    value: str | None = None

    def describe(self) -> str:
        """``column 'land'`` or ``constant 'DE'``, for messages."""
        return f"column {self.column!r}" if self.column is not None else f"constant {self.value!r}"


@attrs.frozen
class TableMapping:
    """A checked mapping file: the columns of each field, and this file's terms and countries.

    ``columns`` is keyed ``a.name``, ``b.country``, ``term``, ``signed``...; ``terms`` by
    normalised term; ``countries`` by case-folded spelling.
    """

    columns: dict[str, Column]
    delimiter: str | None = None
    encoding: str = "utf-8"
    terms: dict[str, AgreementKind] = attrs.field(factory=dict)
    countries: dict[str, str] = attrs.field(factory=dict)
    source: str | None = None
    dayfirst: bool | None = None

    def country_override(self, text: str) -> str | None:
        """The code ``[countries]`` gives a spelling, if any."""
        if not self.countries:
            return None
        return self.countries.get(_spelling(text))


def _spelling(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _unknown(key: str, allowed: Sequence[str], where: str) -> MappingError:
    near = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return MappingError(
        f"{where}: unknown key {key!r} (expected one of {', '.join(allowed)}{hint})"
    )


def _column(value: object, where: str) -> Column:
    if isinstance(value, str):
        if not value.strip():
            raise MappingError(f"{where}: expected a column name (got an empty string)")
        return Column(column=value)
    if isinstance(value, dict):
        extra = sorted(set(value) - {"value"})
        if extra:
            raise MappingError(
                f'{where}: a constant is written {{ value = "..." }} (got the keys '
                f"{', '.join(map(repr, sorted(value)))})"
            )
        constant = value.get("value")
        if not isinstance(constant, str):
            raise MappingError(f"{where}: 'value' must be a string (got {type(constant).__name__})")
        return Column(value=constant)
    raise MappingError(
        f'{where}: expected a column name or {{ value = "..." }} (got '
        f"{type(value).__name__} {value!r})"
    )


def parse_mapping(data: dict[str, Any], source: str | None = None) -> TableMapping:
    """Check a parsed mapping file; raise :class:`MappingError` naming the first problem."""
    where = source or "mapping"
    for key in data:
        if key not in TOP_KEYS:
            raise _unknown(key, TOP_KEYS, where)
    dayfirst = data.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise MappingError(f"{where}: 'dayfirst' must be true or false (got {dayfirst!r})")
    delimiter = data.get("delimiter")
    if delimiter is not None and (
        not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in _NOT_DELIMITERS
    ):
        raise MappingError(
            f"{where}: 'delimiter' must be one character other than a quote, a line end or "
            f'NUL, such as "," or "\\t" (got {delimiter!r})'
        )
    encoding = data.get("encoding", "utf-8")
    if not isinstance(encoding, str):
        raise MappingError(f"{where}: 'encoding' must be a string (got {encoding!r})")
    try:
        "".encode(encoding)  # unknown codecs, and codecs that are no text encoding ("rot13")
    except (LookupError, ValueError) as exc:
        what = "unknown encoding" if "unknown encoding" in str(exc) else "not a text encoding"
        raise MappingError(
            f'{where}: \'encoding\' must name a text encoding such as "utf-8" or "cp1252" '
            f"(got {encoding!r}: {what})"
        ) from None
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict):
        raise MappingError(f"{where}: a [columns] table is required")
    columns: dict[str, Column] = {}
    allowed = ("a", "b", *OTHER_FIELDS, *EVENT_FIELDS, *ACT_FIELDS)
    for key, value in raw_columns.items():
        if key in ("a", "b"):
            if not isinstance(value, dict):
                raise MappingError(
                    f'{where}: columns.{key} holds the party\'s fields ({key}.name = "...", '
                    f"...), got {value!r}"
                )
            for field, spec in value.items():
                if field not in PARTY_FIELDS:
                    raise _unknown(f"{key}.{field}", [f"{key}.{f}" for f in PARTY_FIELDS], where)
                columns[f"{key}.{field}"] = _column(spec, f"{where}: columns.{key}.{field}")
        elif key in ACT_FIELDS:
            if not isinstance(value, dict):
                raise MappingError(
                    f"{where}: columns.{key} is a table keyed by event type "
                    f'({key}.suspended = "..."), got {value!r}'
                )
            for event_type, spec in value.items():
                if event_type not in EVENT_FIELDS:
                    raise _unknown(
                        f"{key}.{event_type}", [f"{key}.{t}" for t in EVENT_FIELDS], where
                    )
                columns[f"{key}.{event_type}"] = _column(
                    spec, f"{where}: columns.{key}.{event_type}"
                )
        elif key in allowed:
            columns[key] = _column(value, f"{where}: columns.{key}")
        else:
            raise _unknown(key, allowed, f"{where}: [columns]")
    for party in ("a", "b"):
        for field in ("name", "country"):
            if f"{party}.{field}" not in columns:
                raise MappingError(
                    f"{where}: [columns] needs {party}.{field} (a column name, or "
                    f'{{ value = "..." }} for a constant)'
                )
    for key in columns:
        field, _, event_type = key.partition(".")
        if field in ACT_FIELDS and event_type not in columns:
            raise MappingError(
                f"{where}: columns.{key} needs a date column for {event_type!r} too "
                f'({event_type} = "...")'
            )
    if "term" in columns and "kind" in columns:
        raise MappingError(f"{where}: [columns] takes 'term' or 'kind', not both")
    kinds = ", ".join(AgreementKind._value2member_map_)
    terms: dict[str, AgreementKind] = {}
    raw_terms = data.get("terms", {})
    if not isinstance(raw_terms, dict):
        raise MappingError(f'{where}: [terms] must be a table of term = "kind"')
    for term, kind in raw_terms.items():
        if not isinstance(kind, str) or kind not in AgreementKind._value2member_map_:
            raise MappingError(
                f"{where}: [terms] {term!r} must map to one of {kinds} (got {kind!r})"
            )
        terms[normalise_term(term)] = AgreementKind(kind)
    countries: dict[str, str] = {}
    raw_countries = data.get("countries", {})
    if not isinstance(raw_countries, dict):
        raise MappingError(f'{where}: [countries] must be a table of spelling = "CC"')
    for spelling, code in raw_countries.items():
        if not isinstance(code, str) or not (is_country_code(code) or is_subdivision_code(code)):
            raise MappingError(
                f"{where}: [countries] {spelling!r} must map to an ISO 3166-1 alpha-2 code or "
                f"an ISO 3166-2 code, in upper case (got {code!r})"
            )
        countries[_spelling(spelling)] = code
    return TableMapping(columns, delimiter, encoding, terms, countries, source, dayfirst)


def load_mapping(path: str | os.PathLike[str]) -> TableMapping:
    """Read and check a TOML mapping file; raise :class:`MappingError` when it cannot be used."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read(_MAPPING_LIMIT + 1)
    except OSError as exc:
        raise MappingError(f"{name}: cannot read the mapping file ({exc.strerror})") from None
    if len(raw) > _MAPPING_LIMIT:
        raise MappingError(f"{name}: a mapping file longer than 1 MiB is not a mapping file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MappingError(
            f"{name}:{line}: a mapping file is UTF-8 text, as TOML requires ({exc.reason} at "
            f"byte {exc.start})"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{name}: not a valid TOML file ({exc})") from None
    except RecursionError:
        raise MappingError(f"{name}: not a usable TOML file (nested too deeply)") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise MappingError(f"{name}: not a usable TOML file ({exc})") from None
    return parse_mapping(data, name)


# --------------------------------------------------------------------------------------------
# Reading rows
# --------------------------------------------------------------------------------------------


def _read_text(path: str, encoding: str) -> str:
    data = read_input(path, "a table")
    try:
        codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"{path}:{line}: not {encoding} text ({exc.reason} at byte {exc.start}); set "
            "'encoding' in the mapping file"
        ) from None
    except (LookupError, ValueError, TypeError) as exc:  # codecs that fail in their own way
        raise ImportFailed(f"{path}: cannot decode it as {encoding!r} ({exc})") from None


class _Lines:
    """The physical lines of a text (split at CR, LF and CRLF only), for a csv reader.

    It knows the position of the next line, so that reading can go on after a broken row.
    """

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.next = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.next += 1
        return self.lines[self.next - 1]


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """Each row as ``(line, cells, "")``, or ``(line, None, why)`` when its quoting is broken.

    A broken row is given up and reading goes on at the next line, so an unterminated quote
    never swallows the rows after it. The csv module's limits are not changed.
    """
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    width: int | None = None
    while True:
        start = lines.next
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lines.next = start + 1
            yield start + 1, None, f"the row cannot be read ({exc})"
            continue
        if width is None:
            width = len(cells)
        elif lines.next - start > 1 and len(cells) != width:
            # a quote opened in this row closes rows later: the rows between are garbled
            end, lines.next = lines.next, start + 1
            yield (
                start + 1,
                None,
                (
                    f"a quoted cell runs over lines {start + 1}-{end} and the row has "
                    f'{len(cells)} cells where the header has {width}: is a quote (") not closed?'
                ),
            )
            continue
        yield start + 1, cells, ""


@attrs.define
class _Group:
    """One agreement being assembled from the rows that state it."""

    raw: dict[str, Any]
    kind: str
    events: dict[str, PartialDate | None]
    event_lines: dict[str, int]
    lines: list[int]
    sources: list[str]
    notes: list[str]
    reasons: list[str]
    acts: dict[str, dict[str, str | PartialDate]]
    uncertain: set[str] = attrs.field(factory=set)


class _Row:
    """The cells of one row, and what went wrong reading them."""

    __slots__ = ("cells", "header", "line", "problems")

    def __init__(self, header: dict[str, int], cells: list[str], line: int) -> None:
        self.header = header
        self.cells = cells
        self.line = line
        self.problems: list[tuple[str, str]] = []

    def get(self, spec: Column | None) -> str:
        if spec is None:
            return ""
        if spec.value is not None:
            return spec.value.strip()
        assert spec.column is not None
        index = self.header[spec.column]
        return self.cells[index].strip() if index < len(self.cells) else ""

    def refuse(self, path: str, message: str) -> None:
        self.problems.append((path, message))


def _ambiguous(spec: Column, cell: str, name: str, reading: CountryReading) -> str:
    """The message for a country that stands for more than one place, naming each."""
    listed = ", ".join(f"{code} ({label})" for code, label in reading.candidates)
    if cell:
        key = json.dumps(cell, ensure_ascii=False)  # a TOML basic string
        first = reading.candidates[0][0]
        return (
            f"{spec.describe()}: {cell!r} stands for more than one place: {listed}; add "
            f'{key} = "{first}" (or another of them) to [countries] in the mapping file'
        )
    return (
        f"{spec.describe()} is empty and the name {name!r} ends in a name that stands for more "
        f"than one place: {listed}; fill {spec.describe()} to say which"
    )


def _place_key(party: dict[str, Any]) -> PlaceKey:
    """The identity of SPEC §4 (as :attr:`sistercity.City.key`) of a party dict that passed."""
    if "wikidata" in party:
        return str(party["wikidata"])
    if "geonames" in party:
        return f"geonames:{party['geonames']}"
    level = str(party.get("level", PlaceLevel.MUNICIPALITY.value))
    return (party["country"], party.get("subdivision"), level, name_key(party["name"]))


def _slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "-", plain).strip("-")


def _key_slug(party: dict[str, Any]) -> str:
    if "wikidata" in party:
        return _slug(str(party["wikidata"]))
    if "geonames" in party:
        return f"geonames-{party['geonames']}"
    parts = [party["country"]]
    if "subdivision" in party:
        parts.append(party["subdivision"])
    if party.get("level", "municipality") != "municipality":
        parts.append(party["level"])
    parts.append(party["name"])
    return _slug("-".join(parts)) or "place"


class _Importer:
    def __init__(self, mapping: TableMapping, file: str, today: dt.date | None) -> None:
        self.mapping = mapping
        self.file = file
        self.today = today
        self.issues: list[Issue] = []
        self.refused: Counter[str] = Counter()
        self.groups: dict[tuple[frozenset[Any], str], _Group] = {}
        self.read = 0
        self.ids: Counter[str] = Counter()

    def issue(self, rule: str, severity: Severity, line: int, path: str, message: str) -> None:
        self.issues.append(Issue(rule, severity, message, path, file=self.file, line=line))

    def party(self, row: _Row, side: str, index: int) -> dict[str, Any] | None:
        cols = self.mapping.columns
        base = f"$.parties[{index}]"
        name_spec = cols[f"{side}.name"]
        name = " ".join(row.get(name_spec).split())
        if not name:
            row.refuse(
                key_path(base, "name"), f"{name_spec.describe()} is empty: a party needs a name"
            )
            return None
        country_spec = cols[f"{side}.country"]
        cell = " ".join(row.get(country_spec).split())
        override = self.mapping.country_override
        if cell:
            reading = read_country(cell, override)
            if reading is None:
                row.refuse(key_path(base, "country"), self.unresolved_country(country_spec, cell))
                return None
        else:
            head, reading = read_name(name, override)
            if reading is None:
                row.refuse(
                    key_path(base, "country"),
                    f"{country_spec.describe()} is empty and the name {name!r} ends in no "
                    "country (such as 'Varna, Bulgaria')",
                )
                return None
            if reading.country is None:
                row.refuse(key_path(base, "country"), _ambiguous(country_spec, "", name, reading))
                return None
            name = head
        if reading.country is None:
            row.refuse(key_path(base, "country"), _ambiguous(country_spec, cell, name, reading))
            return None
        subdivision = reading.subdivision
        region = reading.region
        column = row.get(cols.get(f"{side}.subdivision"))
        if column:
            if _SUBDIVISION_CODE.fullmatch(column.upper()):
                subdivision = column.upper()
            else:
                subdivision = subdivision_of(reading.country, column)
                if subdivision is None:
                    region = ", ".join(r for r in (" ".join(column.split()), region) if r)
        if region:
            # a region pycountry does not know stays in the name, so namesakes never merge
            name = f"{name} ({region})"
        party: dict[str, Any] = {"name": name, "country": reading.country}
        if subdivision:
            party["subdivision"] = subdivision
        level = row.get(cols.get(f"{side}.level"))
        if level:
            folded = level.casefold()
            party["level"] = _LEVEL_ALIASES.get(folded, folded)
        wikidata = row.get(cols.get(f"{side}.wikidata"))
        if wikidata:
            match = _WIKIDATA_URL.fullmatch(wikidata)
            party["wikidata"] = match.group(1) if match else wikidata
        geonames = row.get(cols.get(f"{side}.geonames"))
        if geonames:
            if geonames.isascii() and geonames.isdigit() and len(geonames) <= 12:
                party["geonames"] = int(geonames)
            else:
                spec = cols[f"{side}.geonames"]
                row.refuse(
                    key_path(base, "geonames"),
                    f"{spec.describe()} must hold a GeoNames id, a positive integer "
                    f"(got {geonames!r})",
                )
                return None
        return party

    def unresolved_country(self, spec: Column, cell: str) -> str:
        near = nearest_name(cell)
        key = json.dumps(cell, ensure_ascii=False)  # a TOML basic string
        if near is not None:
            hint = (
                f"; the nearest known name is {near[0]!r} ({near[1]}): if that is meant, add "
                f'{key} = "{near[1]}" to [countries] in the mapping file'
            )
        else:
            hint = f'; add {key} = "CC" (its ISO code) to [countries] in the mapping file'
        return f"{spec.describe()}: {cell!r} is not a country name or code that resolves{hint}"

    def kind(self, row: _Row) -> tuple[str, str | None]:
        cols = self.mapping.columns
        if "kind" in cols:
            cell = row.get(cols["kind"])
            if not cell:
                return AgreementKind.UNSPECIFIED.value, None
            if cell in AgreementKind._value2member_map_:
                return cell, None
            values = ", ".join(AgreementKind._value2member_map_)
            row.refuse(
                "$.kind",
                f"{cols['kind'].describe()} must hold one of {values} (got {cell!r}); for a "
                "source's own words map the column as 'term'",
            )
            return AgreementKind.UNSPECIFIED.value, None
        term = row.get(cols.get("term"))
        if not term:
            return AgreementKind.UNSPECIFIED.value, None
        found = self.mapping.terms.get(normalise_term(term)) or kind_for_term(term)
        if found is None:
            self.issue(
                "unmapped-term",
                Severity.WARNING,
                row.line,
                "$.term",
                f"{cols['term'].describe()}: the term {term!r} maps to no kind; recorded as "
                f"'unspecified' (add {term!r} = \"<kind>\" to [terms] to map it)",
            )
            return AgreementKind.UNSPECIFIED.value, term
        return found.value, term

    def date_cell(self, row: _Row, spec: Column, cell: str, path: str) -> PartialDate | None:
        """A date cell: strict, then lenient; one that neither reads refuses the row."""
        try:
            whole = _WHOLE_FLOAT.fullmatch(cell)
            text = whole.group(1) if whole else cell
            return parse_lenient(text, dayfirst=self.mapping.dayfirst)
        except (InvalidDate, ValueError, OverflowError, RecursionError) as exc:
            # InvalidDate, or a failure of the parser's own on hostile text
            row.refuse(path, f"{spec.describe()}: {cell!r} is not a date ({exc})")
            return None

    def events(self, row: _Row) -> dict[str, PartialDate | None]:
        found: dict[str, PartialDate | None] = {}
        cols = self.mapping.columns
        for event_type in EVENT_FIELDS:
            spec = cols.get(event_type)
            cell = row.get(spec)
            if spec is None:
                continue
            if not cell:
                # a filled act cell says the act happened, on a day the row does not give
                if any(row.get(cols.get(f"{field}.{event_type}")) for field in ACT_FIELDS):
                    found[event_type] = None
                continue
            found[event_type] = self.date_cell(row, spec, cell, f"$.events[{len(found)}].date")
        before_signing = (
            EventType.PROPOSED.value,
            EventType.APPROVED.value,
            EventType.SIGNED.value,
        )
        if not any(event_type in found for event_type in before_signing):
            # the link existed: it was signed, on a day the row does not give
            found = {EventType.SIGNED.value: None, **found}
        return found

    def acts(
        self, row: _Row, events: dict[str, PartialDate | None]
    ) -> dict[str, dict[str, str | PartialDate]]:
        """The act's fields of each event of the row, by event type (SPEC §4 Event)."""
        out: dict[str, dict[str, str | PartialDate]] = {}
        for index, event_type in enumerate(events):
            for field in ACT_FIELDS:
                spec = self.mapping.columns.get(f"{field}.{event_type}")
                cell = row.get(spec)
                if spec is None or not cell:
                    continue
                value: str | PartialDate | None = cell
                if field in _ACT_DATES:
                    value = self.date_cell(row, spec, cell, f"$.events[{index}].{field}")
                if value is not None:
                    out.setdefault(event_type, {})[field] = value
        return out

    def row(self, header: dict[str, int], cells: list[str], line: int) -> None:
        row = _Row(header, cells, line)
        parties = [self.party(row, "a", 0), self.party(row, "b", 1)]
        kind, term = self.kind(row)
        events = self.events(row)
        acts = self.acts(row, events)
        cols = self.mapping.columns
        source = row.get(cols.get("source"))
        notes = row.get(cols.get("notes"))
        reason = row.get(cols.get("reason"))
        if row.problems:
            for path, message in row.problems:
                self.issue("unresolved-reference", Severity.ERROR, line, path, message)
            self.refused["unresolved-reference"] += 1
            return
        a, b = parties
        assert a is not None and b is not None
        raw: dict[str, Any] = {
            "id": "row",
            "kind": kind,
            "parties": [a, b],
            "events": [
                {"type": t}
                | ({} if d is None else {"date": str(d)})
                | {field: str(value) for field, value in acts.get(t, {}).items()}
                for t, d in events.items()
            ],
            "sources": ["-"],
        }
        found, _ = check_record(raw, today=dt.date.max, build=False)
        errors = [issue for issue in found if issue.is_error]
        if errors:
            columns = self.field_columns(list(events))
            for issue in errors:
                column = columns.get(issue.path)
                where = f" ({column})" if column else ""
                self.issues.append(
                    attrs.evolve(issue, message=issue.message + where, file=self.file, line=line)
                )
            self.refused[errors[0].rule] += 1
            return
        group_key = (frozenset((_place_key(a), _place_key(b))), kind)
        group = self.groups.get(group_key)
        if group is None:
            body: dict[str, Any] = {"id": "", "kind": kind}
            if term is not None:
                body["term"] = term
            body["parties"] = [a, b]
            self.groups[group_key] = _Group(
                body,
                kind,
                dict(events),
                dict.fromkeys(events, line),
                [line],
                [source] if source else [],
                [notes] if notes else [],
                [reason] if reason else [],
                acts,
            )
            return
        group.lines.append(line)
        if source and source not in group.sources:
            group.sources.append(source)
        if notes and notes not in group.notes:
            group.notes.append(notes)
        if reason and reason not in group.reasons:
            group.reasons.append(reason)
        self.merge_acts(group, acts, line)
        for event_type, date in events.items():
            if event_type not in group.events:
                group.events[event_type] = date
                group.event_lines[event_type] = line
                continue
            before = group.events[event_type]
            merged, agreed = refine(before, date)
            if agreed:
                if merged != before:
                    group.events[event_type] = merged
                    group.event_lines[event_type] = line
                continue
            assert before is not None and date is not None
            first = group.event_lines[event_type]
            group.uncertain.add(event_type)
            group.notes.append(f"{event_type} also given as {date} (line {line})")
            self.issue(
                "conflicting-statements",
                Severity.WARNING,
                line,
                "$.events",
                f"line {line} gives {event_type} {date}, line {first} gave {before}; kept "
                f"{before}, marked uncertain ('?'), and put {date} in the notes",
            )

    def merge_acts(
        self, group: _Group, acts: dict[str, dict[str, str | PartialDate]], line: int
    ) -> None:
        """Merge a row's act fields into the group's: the first row's value wins a conflict."""
        for event_type, fields in acts.items():
            kept = group.acts.setdefault(event_type, {})
            for field, value in fields.items():
                before = kept.get(field)
                if before is None or before == value:
                    kept[field] = value
                    continue
                if isinstance(before, PartialDate) and isinstance(value, PartialDate):
                    merged, agreed = refine(before, value)
                    if agreed:
                        kept[field] = merged if merged is not None else before
                        continue
                group.notes.append(f"{event_type} {field} also given as {value} (line {line})")
                self.issue(
                    "conflicting-statements",
                    Severity.WARNING,
                    line,
                    "$.events",
                    f"line {line} gives {event_type} {field} {value!s}, an earlier row gave "
                    f"{before!s}; kept {before!s} and put {value!s} in the notes",
                )

    def field_columns(self, event_types: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, spec in self.mapping.columns.items():
            if key[:2] in ("a.", "b."):
                index = 0 if key[0] == "a" else 1
                out[key_path(f"$.parties[{index}]", key[2:])] = spec.describe()
                if key.endswith(".name"):
                    out[f"$.parties[{index}]"] = spec.describe()
        for index, event_type in enumerate(event_types):
            column = self.mapping.columns.get(event_type)
            if column is not None:
                out[f"$.events[{index}].date"] = column.describe()
            for field in ACT_FIELDS:
                column = self.mapping.columns.get(f"{field}.{event_type}")
                if column is not None:
                    out[f"$.events[{index}].{field}"] = column.describe()
        return out

    def drafts(self) -> Iterator[Draft]:
        for group in self.groups.values():
            events: list[dict[str, Any]] = []
            for event_type in EVENT_FIELDS:
                if event_type not in group.events:
                    continue
                date = group.events[event_type]
                event: dict[str, Any] = {"type": event_type}
                if date is not None:
                    uncertain = event_type in group.uncertain and date.qualifier is None
                    event["date"] = f"{date}?" if uncertain else str(date)
                for field, value in group.acts.get(event_type, {}).items():
                    event[field] = str(value)
                events.append(event)
            notes = list(group.notes)
            if group.reasons:
                ending = [e for e in events if e["type"] in _ENDING]
                if ending:
                    ending[-1]["reason"] = "; ".join(group.reasons)
                else:
                    notes.extend(f"reason: {r}" for r in group.reasons)
            raw = group.raw
            start = group.events.get(EventType.SIGNED.value)
            a, b = raw["parties"]
            stem = "-".join(
                part
                for part in (_key_slug(a), _key_slug(b), group.kind, _slug(str(start or "")))
                if part
            )[:190].strip("-")
            self.ids[stem] += 1
            raw["id"] = stem if self.ids[stem] == 1 else f"{stem}-{self.ids[stem]}"
            raw["events"] = events
            if group.sources:
                raw["sources"] = group.sources
            if notes:
                raw["notes"] = "; ".join(notes)
            raw["x-source-lines"] = group.lines
            yield Draft(raw, self.file, group.lines[0], lines=group.lines, weight=len(group.lines))


def import_table(
    path: str | os.PathLike[str],
    mapping: TableMapping | str | os.PathLike[str],
    *,
    today: dt.date | None = None,
) -> ImportResult:
    """Import a CSV or TSV file with a mapping (a :class:`TableMapping` or a TOML file's path).

    Raises :class:`MappingError` for a mapping that does not fit the file (checked before any
    row is read) and :class:`ImportFailed` for a file that cannot be read; every problem with a
    row is an issue in the result, and the row is counted in ``refused``.
    """
    require_extra()
    if not isinstance(mapping, TableMapping):
        mapping = load_mapping(mapping)
    file = os.fspath(path)
    delimiter = mapping.delimiter
    if delimiter is None:
        delimiter = "\t" if file.lower().endswith((".tsv", ".tab")) else ","
    text = _read_text(file, mapping.encoding)
    rows = _rows(text, delimiter)
    try:
        _, first, why = next(rows)
    except StopIteration:
        raise ImportFailed(f"{file}: the file is empty; expected a header row") from None
    if first is None:
        raise ImportFailed(f"{file}:1: cannot read the header: {why}") from None
    header_cells = first
    header: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        header.setdefault(cell.strip(), index)
    where = mapping.source or "mapping"
    for key, spec in mapping.columns.items():
        if spec.column is None:
            continue
        if spec.column not in header:
            folded = {name.casefold(): name for name in header}
            near = difflib.get_close_matches(spec.column.casefold(), list(folded), n=1)
            hint = f"; did you mean {folded[near[0]]!r}?" if near else ""
            raise MappingError(
                f"{where}: columns.{key} names the column {spec.column!r}, which is not in the "
                f"header of {file} ({', '.join(map(repr, header))}){hint}"
            )
        if sum(1 for cell in header_cells if cell.strip() == spec.column) > 1:
            raise MappingError(
                f"{where}: columns.{key} names the column {spec.column!r}, which the header of "
                f"{file} has more than once"
            )
    importer = _Importer(mapping, file, today)
    for line, cells, why in rows:
        if cells is None:
            importer.read += 1
            importer.refused["unresolved-reference"] += 1
            importer.issue(
                "unresolved-reference",
                Severity.ERROR,
                line,
                "$",
                f"{why}; the row is not imported, and the next line is read as a new row",
            )
            continue
        if not any(cell.strip() for cell in cells):
            continue
        importer.read += 1
        importer.row(header, cells, line)
    records = finish(importer.drafts(), importer.issues, importer.refused, today=today)
    importer.issues.sort(key=lambda issue: issue.line or 0)
    # rows merged into a record that was written (a refused record's rows count as refused)
    merged = sum(len(record.extensions["x-source-lines"]) - 1 for record in records)
    return ImportResult(records, importer.issues, importer.read, dict(importer.refused), {}, merged)
