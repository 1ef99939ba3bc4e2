"""Build model objects from values the record pass has checked, without checking again.

The record pass (``_record``) has checked and converted every value (enum members, tuples,
``PartialDate`` objects, read-only extension mappings), so running the classes' ``__init__``
(converters and construction check) would only repeat the work. Only the rule modules use this,
and the validation loop, to locate an :class:`~sistercity.Issue` (a ``Severity`` and a tuple of
``RecordRef`` already).
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any, Final

import attrs

from ._agreements import Agreement, Event
from ._places import City, FormerName
from ._report import Issue, RecordRef, Severity

__all__ = ["checked", "new_issue"]

# The fields of the model classes, in the order _checked takes their values. Checked when this
# module loads, so that a field added to a model cannot be skipped silently.
_FIELDS: Final[dict[type, tuple[str, ...]]] = {
    FormerName: ("name", "until", "from_", "country", "extensions"),
    City: (
        "name", "country", "subdivision", "level", "wikidata", "geonames", "former_names",
        "extensions",
    ),
    Event: (
        "type", "date", "by", "reason", "source", "body", "decided", "announced", "condition",
        "extensions",
    ),
    Agreement: (
        "id", "kind", "parties", "events", "term", "sources", "supersedes", "notes", "extensions",
    ),
    Issue: ("rule", "severity", "message", "path", "id", "file", "line", "index", "records"),
}  # fmt: skip
for _cls, _names in _FIELDS.items():
    if tuple(field.name for field in attrs.fields(_cls)) != _names:  # pragma: no cover
        raise RuntimeError(f"_trusted._FIELDS is out of date for {_cls.__name__}")
_new = object.__new__
_set = object.__setattr__


def _setter(cls: type[Any], name: str) -> Callable[[Any, Any], None]:
    """What sets field ``name`` of a new ``cls``, past ``attrs``' frozen ``__setattr__``.

    The slot's own descriptor where the class has slots (the model classes do: a third of the
    time of ``object.__setattr__``, which looks the name up each time), else that.
    """
    slot = inspect.getattr_static(cls, name, None)
    if isinstance(slot, types.MemberDescriptorType):
        return slot.__set__

    def set_attribute(obj: Any, value: Any) -> None:
        _set(obj, name, value)

    return set_attribute


_SETTERS: Final = {
    cls: tuple(_setter(cls, name) for name in names) for cls, names in _FIELDS.items()
}


def checked(cls: type[Any], values: tuple[Any, ...]) -> Any:
    """A model object from values the pass has checked and converted, without checking again.

    The values are already what the class's converters return (enum members, tuples,
    ``PartialDate`` objects, read-only extension mappings), and the record's rules have been
    checked on them, so ``__init__`` (its converters and its check) would only repeat work.
    """
    obj = _new(cls)
    for set_field, value in zip(_SETTERS[cls], values, strict=True):
        set_field(obj, value)
    return obj


(_RULE, _SEVERITY, _MESSAGE, _PATH, _ID, _FILE, _LINE, _INDEX, _RECORDS) = _SETTERS[Issue]


def new_issue(
    rule: str,
    severity: Severity,
    message: str,
    path: str,
    rid: str | None,
    file: str | None,
    line: int | None,
    index: int | None,
    records: tuple[RecordRef, ...] = (),
) -> Issue:
    """``checked(Issue, ...)``, written out for speed (most issues name no records).

    The record pass makes one per warning (a fifth of the records of a typical file), the
    validation loop one per issue of the full pass that it locates: nine slot setters called
    in line cost 9k instructions where the loop of :func:`checked` costs 15k.
    """
    obj: Issue = _new(Issue)
    _RULE(obj, rule)
    _SEVERITY(obj, severity)
    _MESSAGE(obj, message)
    _PATH(obj, path)
    _ID(obj, rid)
    _FILE(obj, file)
    _LINE(obj, line)
    _INDEX(obj, index)
    _RECORDS(obj, records)
    return obj
