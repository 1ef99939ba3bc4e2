"""The rule catalogue: every rule's id, severity, scope and summary, and custom rules.

The built-in rules are the docs' rule reference ("Rules" page, generated from :data:`RULES`).
Users add their own record and collection rules under their own ids with :func:`record_rule`,
:func:`collection_rule` or :func:`register_rule`; :class:`RuleSelection` chooses which rules a
run reports, as linters' ``--select``/``--ignore`` do.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

from ._report import Issue, Severity, UnknownRuleError

if TYPE_CHECKING:
    from ._agreements import Agreement


__all__ = [
    "RULES",
    "UNIGNORABLE",
    "Rule",
    "RuleSelection",
    "collection_rule",
    "record_rule",
    "register_rule",
    "unregister_rule",
]

Scope: TypeAlias = Literal["record", "collection", "output", "importer"]
#: A custom record rule: an agreement in, ``(path, message)`` pairs or issues out.
RecordCheck: TypeAlias = Callable[["Agreement"], Iterable["Issue | tuple[str, str]"]]
#: A custom collection rule: every agreement in, ``(path, message)`` pairs or issues out.
CollectionCheck: TypeAlias = Callable[[Sequence["Agreement"]], Iterable["Issue | tuple[str, str]"]]

ERROR: Final = Severity.ERROR
WARNING: Final = Severity.WARNING


@attrs.frozen
class Rule:
    """One entry of the rule catalogue: its id, severity, scope and what it checks.

    Built-in rules are checked by sistercity itself; a registered rule carries its ``check``.
    """

    id: str
    severity: Severity = attrs.field(converter=Severity)
    scope: Scope
    summary: str
    check: Callable[[Any], Iterable[Issue | tuple[str, str]]] | None = attrs.field(
        default=None, eq=False, repr=False
    )

    @property
    def builtin(self) -> bool:
        """Whether sistercity checks this rule itself."""
        return self.check is None

    @property
    def ignorable(self) -> bool:
        """``malformed-record`` and ``unknown-field`` cannot be ignored."""
        return self.id not in UNIGNORABLE


UNIGNORABLE: Final = frozenset({"malformed-record", "unknown-field"})

_BUILTIN: Final[tuple[Rule, ...]] = (
    # record rules, errors
    Rule("malformed-record", ERROR, "record",
         "not valid JSON, not an object, a value of the wrong JSON type, or a required field "
         "missing"),
    Rule("unknown-field", ERROR, "record", "a key that is neither in the format nor x- prefixed"),
    Rule("invalid-kind", ERROR, "record", "a kind outside the vocabulary"),
    Rule("invalid-event-type", ERROR, "record", "an event type outside the vocabulary"),
    Rule("invalid-level", ERROR, "record", "a place level outside the vocabulary"),
    Rule("invalid-date", ERROR, "record",
         "a date that is not a partial date (YYYY[-MM[-DD]][?~%])"),
    Rule("invalid-country", ERROR, "record", "a country that is not an ISO 3166-1 alpha-2 code"),
    Rule("invalid-subdivision", ERROR, "record",
         "a subdivision that is not an ISO 3166-2 code of the party's country"),
    Rule("invalid-wikidata-id", ERROR, "record",
         "a Wikidata id that is not Q and a positive integer"),
    Rule("invalid-geonames-id", ERROR, "record", "a GeoNames id that is not a positive integer"),
    Rule("invalid-name", ERROR, "record", "a blank name or one with control characters"),
    Rule("invalid-id", ERROR, "record",
         "an id (or supersedes) that is not 1-200 characters without white space"),
    Rule("former-names-out-of-order", ERROR, "record",
         "former names not oldest first, overlapping, or with 'from' not before 'until'"),
    Rule("too-few-parties", ERROR, "record", "fewer than two parties"),
    Rule("duplicate-party", ERROR, "record", "the same place twice among the parties"),
    Rule("self-supersedes", ERROR, "record", "'supersedes' names the record's own id"),
    Rule("invalid-actor", ERROR, "record", "an event's 'by' matches no party, or more than one"),
    Rule("events-out-of-order", ERROR, "record",
         "a dated event definitely before a dated event listed earlier"),
    Rule("decided-after-effective", ERROR, "record",
         "an event's 'decided' definitely after its 'date' (the day it took effect)"),
    Rule("event-after-end", ERROR, "record", "an event after 'terminated' or 'expired'"),
    Rule("event-before-signing", ERROR, "record",
         "'ratified', 'renewed', 'suspended', 'reinstated' or 'expired' before any signing"),
    Rule("invalid-transition", ERROR, "record", "any other event the lifecycle does not allow"),
    # record rules, warnings
    Rule("missing-reason", WARNING, "record", "'suspended' or 'terminated' without a reason"),
    Rule("missing-source", WARNING, "record", "no sources and no event source"),
    Rule("historic-country", WARNING, "record",
         "a party's country is a former country's code (ISO 3166-3), such as SU, YU or DD"),
    Rule("future-date", WARNING, "record", "an event dated after today"),
    # collection rules
    Rule("duplicate-id", ERROR, "collection", "two agreements share an id"),
    Rule("conflicting-city", ERROR, "collection",
         "the same wikidata or geonames id with different countries"),
    Rule("duplicate-agreement", WARNING, "collection",
         "the same places and kind, periods that possibly overlap, neither supersedes the other"),
    Rule("unknown-supersedes", WARNING, "collection", "'supersedes' names an id not in the input"),
    Rule("superseded-still-active", WARNING, "collection",
         "an agreement and the one that supersedes it are both active now"),
    # output rules
    Rule("unwritable-record", ERROR, "output",
         "a record the output format cannot hold (CSV: not exactly two parties)"),
    # importer rules
    Rule("unmapped-term", WARNING, "importer", "a source term with no kind in the term table"),
    Rule("deprecated-statement", WARNING, "importer",
         "a Wikidata statement of deprecated rank (skipped)"),
    Rule("missing-reciprocal", WARNING, "importer", "a directed statement with no counterpart"),
    Rule("conflicting-statements", WARNING, "importer", "the two sides of a pair disagree"),
    Rule("unresolved-reference", ERROR, "importer",
         "a partner, country or column value the input cannot resolve (not imported)"),
)  # fmt: skip

_registry: dict[str, Rule] = {rule.id: rule for rule in _BUILTIN}


class _Catalogue(Mapping[str, Rule]):
    """A read-only view of every known rule, built in and registered, by id."""

    def __getitem__(self, key: str) -> Rule:
        return _registry[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_registry)

    def __len__(self) -> int:
        return len(_registry)

    def __repr__(self) -> str:
        return f"<RULES {sorted(_registry)}>"


#: Every known rule by id: the built-in catalogue of SPEC §5 and any registered rule.
RULES: Final[Mapping[str, Rule]] = _Catalogue()

_ID_FORM: Final = re.compile(r"[a-z0-9][a-z0-9-]*")


def register_rule(rule: Rule) -> Rule:
    """Add a custom rule (its ``check`` set) to the catalogue, under an id of its own."""
    if rule.check is None:
        raise ValueError(f"rule {rule.id!r} needs a check function")
    if rule.scope not in ("record", "collection"):
        raise ValueError(f"a custom rule's scope is 'record' or 'collection' (got {rule.scope!r})")
    if not _ID_FORM.fullmatch(rule.id):
        raise ValueError(f"a rule id is lower case letters, digits and '-' (got {rule.id!r})")
    existing = _registry.get(rule.id)
    if existing is not None and existing.builtin:
        raise ValueError(f"{rule.id!r} is a built-in rule")
    _registry[rule.id] = rule
    return rule


def unregister_rule(rule_id: str) -> None:
    """Remove a custom rule from the catalogue."""
    rule = _registry.get(rule_id)
    if rule is None:
        raise UnknownRuleError(f"unknown rule id {rule_id!r}")
    if rule.builtin:
        raise ValueError(f"{rule_id!r} is a built-in rule and cannot be removed")
    del _registry[rule_id]


def record_rule(
    id: str, *, severity: Severity | str = WARNING, summary: str
) -> Callable[[RecordCheck], RecordCheck]:
    """Register a function from an :class:`Agreement` to findings as a record rule.

    The function yields :class:`Issue` objects or ``(path, message)`` pairs.
    """

    def decorate(check: RecordCheck) -> RecordCheck:
        register_rule(Rule(id, Severity(severity), "record", summary, check))
        return check

    return decorate


def collection_rule(
    id: str, *, severity: Severity | str = WARNING, summary: str
) -> Callable[[CollectionCheck], CollectionCheck]:
    """Register a function from a sequence of agreements to findings as a collection rule."""

    def decorate(check: CollectionCheck) -> CollectionCheck:
        register_rule(Rule(id, Severity(severity), "collection", summary, check))
        return check

    return decorate


@attrs.frozen
class RuleSelection:
    """Which rules a run reports, from ``select`` and ``ignore`` lists of ids (as linters do).

    Selecting and ignoring change the report and the exit status only; they never make a
    broken record constructible. ``malformed-record`` and ``unknown-field`` are always reported.
    """

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, select: Iterable[str] | str | None = None, ignore: Iterable[str] | str | None = None
    ) -> RuleSelection:
        """Build a selection, raising :class:`UnknownRuleError` for an unknown id.

        A ``select`` that names no id (``""``, ``","``, ``[]``) is refused the same way: it
        would report no error at all, which is what an unset variable in ``--select "$RULES"``
        gives, not what anyone asks for. Leave ``select`` out (``None``) to run every rule.
        """
        chosen = None if select is None else frozenset(_ids(select))
        if chosen is not None and not chosen:
            raise UnknownRuleError(
                f"select names no rule id (got {select!r}): give at least one, or leave select "
                "out to check every rule"
            )
        dropped = frozenset(_ids(ignore)) if ignore is not None else frozenset()
        for rule_id in (chosen or frozenset()) | dropped:
            if rule_id not in _registry:
                near = difflib.get_close_matches(rule_id, list(_registry), n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise UnknownRuleError(f"unknown rule id {rule_id!r}{hint}")
        return cls(chosen, dropped)

    def wants(self, rule_id: str) -> bool:
        """Whether a finding of ``rule_id`` belongs in the report."""
        if rule_id in UNIGNORABLE:
            return True
        if self.select is not None and rule_id not in self.select:
            return False
        return rule_id not in self.ignore

    @property
    def everything(self) -> bool:
        """Whether every finding belongs in the report (nothing selected, nothing ignored)."""
        return self.select is None and not self.ignore

    def custom(self, scope: Scope) -> list[Rule]:
        """The registered rules of ``scope`` that this selection runs."""
        return [
            rule
            for rule in _registry.values()
            if not rule.builtin and rule.scope == scope and self.wants(rule.id)
        ]

    def filter(self, issues: Iterable[Issue]) -> list[Issue]:
        """Keep the issues this selection reports."""
        return [issue for issue in issues if self.wants(issue.rule)]


def _ids(value: Iterable[str] | str) -> Iterator[str]:
    parts = value.split(",") if isinstance(value, str) else value
    for part in parts:
        if part.strip():
            yield part.strip()


def run_custom(rule: Rule, subject: Any, *, id: str | None = None) -> Iterator[Issue]:
    """Run one registered rule, turning ``(path, message)`` pairs into issues."""
    assert rule.check is not None
    for found in rule.check(subject):
        if isinstance(found, Issue):
            yield attrs.evolve(found, rule=rule.id, severity=rule.severity)
        else:
            path, message = found
            yield Issue(rule.id, rule.severity, message, path, id=id)


def severity_of(rule_id: str) -> Severity:
    """The severity of a known rule."""
    return _registry[rule_id].severity
