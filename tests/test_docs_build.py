"""The generated docs pages, checked without a full Sphinx build (``make docs`` does that).

The rule reference shows, for every rule, a record that breaks it and the message it gives;
these tests catch an example that stopped breaking its rule before the docs build does.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import sistercity as sc

EXTENSION = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "sistercity_docs.py"


@pytest.fixture(scope="module")
def ext() -> ModuleType:
    # the extension imports Sphinx, a dev dependency like pytest itself
    spec = importlib.util.spec_from_file_location("sistercity_docs", EXTENSION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def builtin(scope: str) -> list[str]:
    return [r.id for r in sc.RULES.values() if r.builtin and r.scope == scope]


@pytest.mark.parametrize("rule_id", builtin("record") + builtin("collection"))
def test_every_record_and_collection_rule_has_an_example_that_breaks_it(
    ext: ModuleType, rule_id: str
) -> None:
    examples = ext._examples()
    assert rule_id in examples
    issues = ext._example_issues(rule_id, examples[rule_id])
    assert issues, f"the docs example for {rule_id} no longer breaks it"
    assert {i.rule for i in issues} == {rule_id}


def test_the_rule_page_has_a_section_per_rule(ext: ModuleType) -> None:
    page = ext.rules_markdown()
    for rule_id in builtin("record") + builtin("collection") + builtin("importer"):
        assert f"(rule-{rule_id})=\n### `{rule_id}`" in page


def test_the_terms_table_has_every_term(ext: ModuleType) -> None:
    table = ext.terms_markdown()
    for term, kind in sc.TERMS.items():
        row = next(line for line in table.splitlines() if line.startswith(f"| `{kind.value}` |"))
        assert term in row


def test_the_schema_block_is_the_schema(ext: ModuleType) -> None:
    import json

    from sistercity.schema import schema

    block = ext.schema_markdown()
    body = block.split("\n", 1)[1].rsplit("```", 1)[0]
    assert json.loads(body) == schema()
