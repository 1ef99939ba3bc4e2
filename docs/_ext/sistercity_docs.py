"""Sphinx extension for the sistercity docs: pages and pictures generated from the code.

- Lines of the form ``% sistercity:NAME`` in a page are replaced, when the page is read, by
  Markdown generated from the library: ``rules`` (the rule catalogue, with an example record
  for each rule and the message that ``sistercity.validate`` gives for it, computed now),
  ``terms`` (the table of source terms), ``schema`` (the JSON Schema of the record format).
  So the docs cannot drift from the code: a rule whose example no longer breaks it fails the
  build.
- Before reading, the SVG pictures are drawn into ``docs/_generated/``: the lifecycle diagram,
  timelines of the bundled example data, and the events-per-year charts of the bundled
  examples and of the German partnerships (``docs/_data/twintowns.csv``).
- A reference to ``sistercity._module.Name`` that Sphinx cannot find is resolved to the public
  ``sistercity.Name`` it is re-exported as.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Final

from docutils import nodes  # type: ignore[import-untyped]
from pygments.lexer import RegexLexer, bygroups  # type: ignore[import-untyped]
from pygments.token import Generic, Text  # type: ignore[import-untyped]
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

import sistercity as sc

LOG = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
#: The day the generated examples are checked on, so that pages do not change with the clock.
DOCS_TODAY = dt.date(2024, 6, 30)


# ---------------------------------------------------------------------------------------------
# Generated Markdown
# ---------------------------------------------------------------------------------------------


def _fence(language: str, text: str) -> str:
    ticks = "````" if "```" in text else "```"
    return f"{ticks}{language}\n{text.rstrip()}\n{ticks}\n"


def _record(id: str, a: dict[str, Any], b: dict[str, Any], *events: Any, **more: Any) -> Any:
    record = {"id": id, "kind": more.pop("kind", "twinning"), "parties": [a, b]}
    record["events"] = [{"type": t} | ({"date": d} if d else {}) for t, d in events]
    record.update(more)
    record["sources"] = ["https://example.org/"]
    return record


_GLASGOW = {"name": "Glasgow", "country": "GB", "wikidata": "Q4093"}
_ROSTOV = {"name": "Rostov-on-Don", "country": "RU", "wikidata": "Q908"}
_BETHLEHEM = {"name": "Bethlehem", "country": "PS", "wikidata": "Q5776"}
_NUREMBERG = {"name": "Nuremberg", "country": "DE", "wikidata": "Q2090"}

#: Collections of records that break each collection rule (the record rules' examples are
#: sistercity._examples.EXAMPLES).
COLLECTION_EXAMPLES: dict[str, list[Any]] = {
    "duplicate-id": [
        _record("glasgow-1986", _GLASGOW, _ROSTOV, ("signed", "1986")),
        _record("glasgow-1986", _GLASGOW, _NUREMBERG, ("signed", "1985")),
    ],
    "conflicting-city": [
        _record("glasgow-rostov-on-don-1986", _GLASGOW, _ROSTOV, ("signed", "1986")),
        _record(
            "glasgow-ky-bethlehem",
            {"name": "Glasgow", "country": "US", "wikidata": "Q4093"},
            _BETHLEHEM,
            ("signed", "2006"),
        ),
    ],
    "duplicate-agreement": [
        _record("glasgow-rostov-on-don-1986", _GLASGOW, _ROSTOV, ("signed", "1986")),
        _record("wikidata-Q908-Q4093", _ROSTOV, _GLASGOW, ("signed", None), kind="unspecified"),
    ],
    "unknown-supersedes": [
        _record(
            "glasgow-nuremberg-1985",
            _GLASGOW,
            _NUREMBERG,
            ("signed", "1985"),
            supersedes="glasgow-nuremberg-friendship",
        ),
    ],
    "superseded-still-active": [
        _record(
            "glasgow-bethlehem-friendship",
            _GLASGOW,
            _BETHLEHEM,
            ("signed", "2006"),
            kind="friendship",
        ),
        _record(
            "glasgow-bethlehem-2016",
            _GLASGOW,
            _BETHLEHEM,
            ("signed", "2016"),
            supersedes="glasgow-bethlehem-friendship",
        ),
    ],
}


def compact_json(value: Any, indent: str = "") -> str:
    """JSON as the record format's examples are written: one line per party, event or record.

    >>> print(compact_json({"id": "a", "parties": [{"name": "A"}, {"name": "B"}]}))
    {
      "id": "a",
      "parties": [
        {"name": "A"},
        {"name": "B"}
      ]
    }
    """

    def one_line(item: Any) -> str:
        return json.dumps(item, ensure_ascii=False, separators=(", ", ": "))

    inner = indent + "  "
    if isinstance(value, Mapping):
        lines = []
        for key, item in value.items():
            if isinstance(item, list) and item and all(isinstance(i, Mapping) for i in item):
                body = ",\n".join(inner + "  " + one_line(i) for i in item)
                lines.append(f"{inner}{json.dumps(key)}: [\n{body}\n{inner}]")
            else:
                lines.append(f"{inner}{json.dumps(key)}: {one_line(item)}")
        return "{\n" + ",\n".join(lines) + f"\n{indent}}}"
    if isinstance(value, list):
        body = ",\n".join(inner + compact_json(i, inner).lstrip() for i in value)
        return "[\n" + body + f"\n{indent}]"
    return one_line(value)


def _examples() -> Mapping[str, Any]:
    try:
        module = importlib.import_module("sistercity._examples")
    except ImportError:
        return dict(COLLECTION_EXAMPLES)
    examples: dict[str, Any] = dict(module.EXAMPLES)
    examples.update(COLLECTION_EXAMPLES)
    return examples


_SCOPES = {
    "record": "Record rules",
    "collection": "Collection rules",
    "output": "Output rules",
    "importer": "Importer rules",
}
_SCOPE_TEXT = {
    "record": (
        "A record rule looks at one record. An error means the record cannot be constructed as "
        "an `Agreement`; a warning is policy and does not."
    ),
    "collection": (
        "A collection rule needs the whole input: `sistercity validate` (unless "
        "`--no-collection`) and `Registry.validate` check them."
    ),
    "output": (
        "Output rules are reported by `sistercity convert` when the output format cannot hold "
        "a record; see [CSV](csv.md)."
    ),
    "importer": (
        "Importer rules are reported by `sistercity import` while it reads a source; see "
        "[Importing real data](importing.md)."
    ),
}


def _example_issues(rule_id: str, example: Any) -> list[sc.Issue]:
    """Run validation on an example and keep the findings of ``rule_id``."""
    if isinstance(example, Mapping):
        report = sc.validate(example, today=DOCS_TODAY)
        return [i for i in report.issues if i.rule == rule_id]
    registry_module = importlib.import_module("sistercity._registry")
    agreements = [sc.from_dict(record) for record in example]
    registry = registry_module.Registry(agreements, today=DOCS_TODAY)
    return [i for i in registry.validate().issues if i.rule == rule_id]


def rules_markdown() -> str:
    """The rule reference: every built-in rule, by scope, with an example and its message."""
    examples = _examples()
    out: list[str] = []
    builtin = [rule for rule in sc.RULES.values() if rule.builtin]
    out.append("| id | severity | scope | what it checks |\n|---|---|---|---|")
    for rule in builtin:
        out.append(
            f"| [`{rule.id}`](#rule-{rule.id}) | {rule.severity.value} | {rule.scope} | "
            f"{rule.summary} |"
        )
    out.append("")
    missing: list[str] = []
    for scope, heading in _SCOPES.items():
        out.append(f"## {heading}\n\n{_SCOPE_TEXT[scope]}\n")
        for rule in (r for r in builtin if r.scope == scope):
            out.append(f"({'rule-' + rule.id})=\n### `{rule.id}`\n")
            ignorable = "" if rule.ignorable else " It cannot be ignored."
            out.append(f"**{rule.severity.value}** · {rule.scope} rule.{ignorable}\n")
            out.append(f"It reports {rule.summary}.\n")
            example = examples.get(rule.id)
            if example is None:
                if scope not in ("importer", "output"):
                    missing.append(rule.id)
                continue
            issues = _example_issues(rule.id, example)
            if not issues:
                raise ExtensionError(
                    f"the docs example for rule {rule.id!r} does not break it any more: "
                    "fix sistercity._examples.EXAMPLES"
                )
            shown = compact_json(example)
            if isinstance(example, Mapping):
                out.append("A record that breaks it:\n")
            else:
                out.append("Records that break it together:\n")
            out.append(_fence("json", shown))
            out.append("and what `sistercity.validate` says about it:\n")
            out.append(_fence("text", "\n".join(str(issue) for issue in issues)))
    if missing:
        LOG.info("sistercity docs: no example yet for %s", ", ".join(missing))
    return "\n".join(out)


def terms_markdown() -> str:
    """The table of source terms, from ``sistercity.TERMS``, grouped by kind."""
    by_kind: dict[sc.AgreementKind, list[str]] = {kind: [] for kind in sc.AgreementKind}
    for term, kind in sc.TERMS.items():
        by_kind[kind].append(term)
    rows = ["| kind | source terms that map to it |", "|---|---|"]
    for kind, terms in by_kind.items():
        listed = ", ".join(terms) if terms else "*(none: the source does not say)*"
        rows.append(f"| `{kind.value}` | {listed} |")
    return "\n".join(rows) + "\n"


def schema_markdown() -> str:
    """The JSON Schema of the record format, from ``sistercity.schema``."""
    try:
        module = importlib.import_module("sistercity.schema")
    except ImportError:
        return (
            ":::{note}\nThe JSON Schema is not in this build of sistercity yet "
            "(`sistercity.schema` is missing).\n:::\n"
        )
    document: Any = None
    for name in ("schema", "json_schema", "SCHEMA"):
        found = getattr(module, name, None)
        if found is not None:
            document = found() if callable(found) else found
            break
    if document is None:
        raise ExtensionError("sistercity.schema has no schema(), json_schema() or SCHEMA")
    return _fence("json", json.dumps(document, indent=2, ensure_ascii=False))


GENERATORS: dict[str, Callable[[], str]] = {
    "rules": rules_markdown,
    "terms": terms_markdown,
    "schema": schema_markdown,
}


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    lines = source[0].split("\n")
    changed = False
    for index, line in enumerate(lines):
        if line.startswith("% sistercity:"):
            name = line.removeprefix("% sistercity:").strip()
            if name not in GENERATORS:
                raise ExtensionError(f"{docname}: unknown generated block {name!r}")
            lines[index] = GENERATORS[name]()
            changed = True
    if changed:
        source[0] = "\n".join(lines)


def _always_reread(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages with generated blocks depend on the code, not only on their text: read them again."""
    out = []
    for docname in env.found_docs:
        path = Path(env.doc2path(docname))
        if path.suffix == ".md" and "\n% sistercity:" in path.read_text(encoding="utf-8"):
            out.append(docname)
    return out


# ---------------------------------------------------------------------------------------------
# Pictures
# ---------------------------------------------------------------------------------------------


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def bundled_agreements() -> list[sc.Agreement]:
    """Every valid agreement in the bundled example data (``examples/data``)."""
    from sistercity import io

    out: list[sc.Agreement] = []
    seen: set[str] = set()
    for path in sorted(DATA.glob("*")):
        # the files of mistakes are there to be validated, not to be drawn
        if path.suffix not in (".jsonl", ".ndjson", ".json", ".csv") or "mistake" in path.name:
            continue
        for item in io.read(path):
            if item.issue is not None:
                continue
            try:
                agreement = sc.from_dict(item.raw)
            except sc.InvalidAgreement:
                continue
            if agreement.id not in seen:
                seen.add(agreement.id)
                out.append(agreement)
    return out


#: The real cases of "Modelling the 2022 wave" (docs/wave-2022.md), in the bundled data.
WAVE_CASES: Final = frozenset(
    {
        "manchester-saint-petersburg-1962",
        "glasgow-rostov-on-don-1986",
        "coventry-volgograd-1944",
        "oxford-perm",
        "aachen-kostroma-2001",
        "aachen-kostroma-2005",
        "edinburgh-saint-petersburg-1995",
        "glasgow-mykolaiv-2024",
    }
)


def draw_pictures(app: Sphinx) -> None:
    """Draw the SVG pictures the pages show into ``docs/_generated``."""
    from sistercity import diagram, timeline

    folder = Path(app.srcdir) / "_generated"
    folder.mkdir(exist_ok=True)
    _write_if_changed(folder / "lifecycle.svg", diagram.render())
    agreements = bundled_agreements()
    manchester = [a for a in agreements if any(p.wikidata == "Q18125" for p in a.parties)]
    wave = [
        a
        for a in agreements
        if any(
            e.type is sc.EventType.SUSPENDED and e.date is not None and e.date.year == 2022
            for e in a.events
        )
    ]
    _write_if_changed(
        folder / "manchester.svg",
        timeline.render(manchester, place="Q18125" if manchester else None, today=DOCS_TODAY),
    )
    _write_if_changed(
        folder / "suspensions-2022.svg",
        timeline.render(wave, today=DOCS_TODAY, since="2016", title="Agreements suspended in 2022"),
    )
    # "Modelling the 2022 wave": every real case of the page together
    cases = [a for a in agreements if a.id in WAVE_CASES]
    _write_if_changed(
        folder / "wave-2022.svg",
        timeline.render(
            cases, today=DOCS_TODAY, since="2021", title="The 2022 wave, as councils acted"
        ),
    )
    draw_charts(folder, agreements)


def draw_charts(folder: Path, bundled: list[sc.Agreement]) -> None:
    """The events-per-year charts of "Studying the network" (``sistercity stats --plot``)."""
    from sistercity.importers import import_table
    from sistercity.statistics import events_chart

    _write_if_changed(folder / "wave-events.svg", events_chart(sc.stats(bundled, today=DOCS_TODAY)))
    data = Path(__file__).resolve().parents[1] / "_data"
    german = import_table(data / "twintowns.csv", data / "twintowns.toml").agreements
    _write_if_changed(
        folder / "german-events.svg",
        events_chart(
            sc.stats(german, today=DOCS_TODAY),
            title="Partnerships of German municipalities, by the year they began",
        ),
    )


# ---------------------------------------------------------------------------------------------
# References to re-exported names
# ---------------------------------------------------------------------------------------------


def _lookup(path: str) -> Any:
    """The object a dotted name stands for (``sistercity.importers.tables.Mapping``), or None."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                found = getattr(found, name)
        except AttributeError:
            return None
        return found
    return None


def _missing_reference(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    """Resolve ``sistercity._module.Name`` to the documented name of the same object.

    Type hints name the module where an object is defined (``sistercity._agreements``); the
    docs document it where users import it (``sistercity.Agreement``).
    """
    target = node.get("reftarget", "")
    module = node.get("py:module") or ""
    if node.get("refdomain") != "py":
        return None
    if "." not in target and module.startswith("sistercity"):
        target = f"{module}.{target}"
    if not target.startswith("sistercity."):
        return None
    wanted = _lookup(target)
    if wanted is None:
        return None
    domain = env.get_domain("py")
    for name, *_ in domain.get_objects():
        if name == target or not name.startswith("sistercity.") or name.count(".") > 3:
            continue
        if name.rsplit(".", 1)[-1] != target.rsplit(".", 1)[-1] and not isinstance(wanted, type):
            continue
        if _lookup(name) is wanted:
            resolved: nodes.reference | None = domain.resolve_xref(
                env, node.get("refdoc", ""), app.builder, node["reftype"], name, node, contnode
            )
            if resolved is not None:
                return resolved
    return None


class ConsoleLexer(RegexLexer):  # type: ignore[misc]
    """Terminal sessions as the docs write them: ``$ command`` lines, and their output as is.

    Pygments' own ``console`` lexer reads long output lines as shell code and colours words
    such as ``for`` and ``in`` in the middle of a message.
    """

    name = "sistercity console"
    aliases: ClassVar[list[str]] = ["console"]
    tokens: ClassVar[dict[str, Any]] = {
        "root": [
            # every pattern consumes at least one character: an empty match never ends
            (r"^(\$ )(.*\n?)", bygroups(Generic.Prompt, Text)),
            (r".+\n?|\n", Generic.Output),
        ]
    }


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the generators, the pictures and the reference resolver."""
    app.add_lexer("console", ConsoleLexer)
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _always_reread)
    app.connect("builder-inited", draw_pictures)
    app.connect("missing-reference", _missing_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
