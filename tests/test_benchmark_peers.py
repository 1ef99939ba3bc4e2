"""The benchmark peers (benchmarks/peers/) are independent of sistercity and do the same job.

A peer that called sistercity's own code would be as fast or as slow as sistercity, and the
ratio in benchmarks/bench_validate.py would measure nothing; a peer that skipped rules would
look faster than it is. So: no peer imports sistercity, by its source (AST) and at run time;
on valid records the peers' summaries equal ``sistercity validate --no-collection``'s; broken
records (one per record rule of SPEC §5) are invalid for every peer, as for sistercity.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sistercity.strategies import BrokenRecord, broken_cases, records

pytest.importorskip("pydantic")
pytest.importorskip("msgspec")

ROOT = Path(__file__).resolve().parents[1]
PEERS_DIR = ROOT / "benchmarks" / "peers"
PEERS = ("pydantic_peer", "msgspec_peer")
TODAY = "2026-01-01"
#: What a peer may import besides the standard library and its own helper module.
THIRD_PARTY = frozenset({"pydantic", "pydantic_core", "msgspec", "pycountry"})


# --------------------------------------------------------------------------------------------
# Independence
# --------------------------------------------------------------------------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def forbidden_imports(source: str, own: frozenset[str]) -> list[str]:
    """What in ``source`` imports, or names for importing, anything but the allowed modules.

    Import statements may name the standard library, :data:`THIRD_PARTY` and ``own`` (the
    peers' helper modules) only. No string outside a docstring may mention sistercity, so
    ``importlib.import_module("sistercity")``, ``__import__`` and a ``sys.path`` entry
    pointing at its source are refused too.
    """
    tree = ast.parse(source)
    allowed = sys.stdlib_module_names | THIRD_PARTY | own
    problems: list[str] = []
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                names = ["." * node.level + (node.module or "")]
            for name in names:
                if name.startswith(".") or name.partition(".")[0] not in allowed:
                    problems.append(f"line {node.lineno}: import {name}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and "sistercity" in node.value.casefold()
        ):
            problems.append(f"line {node.lineno}: string {node.value!r}")
    return problems


def _peer_files() -> list[Path]:
    return sorted(PEERS_DIR.glob("*.py"))


def test_the_peers_are_there() -> None:
    names = {path.stem for path in _peer_files()}
    assert set(PEERS) <= names


@pytest.mark.parametrize("path", _peer_files(), ids=lambda path: path.name)
def test_peer_source_imports_nothing_of_sistercity(path: Path) -> None:
    own = frozenset(p.stem for p in _peer_files())
    assert forbidden_imports(path.read_text(encoding="utf-8"), own) == []


@pytest.mark.parametrize(
    "source",
    [
        "import sistercity",
        "import sistercity._dates as d",
        "from sistercity import PartialDate",
        "from sistercity._rules import check_record",
        "from . import _shared",
        "import importlib\nimportlib.import_module('sistercity._agreements')",
        "m = __import__('SisterCity')",
        "import sys\nsys.path.insert(0, '../../src/sistercity')",
        "import attrs",  # sistercity's own dependency, not the peers'
    ],
)
def test_the_import_check_finds_each_way_in(source: str) -> None:
    assert forbidden_imports(source, frozenset({"_shared"})) != []


def test_the_import_check_passes_docstrings_and_allowed_imports() -> None:
    source = '"""Written without sistercity."""\nimport json, pydantic\nfrom _shared import x\n'
    assert forbidden_imports(source, frozenset({"_shared"})) == []


# Run a peer as a program with every import of sistercity refused, whatever sys.path holds.
_GUARDED = """
import pathlib, runpy, sys

class NoSisterCity:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "sistercity":
            raise ImportError("the peer imported " + name)
        return None

sys.meta_path.insert(0, NoSisterCity())
sys.argv = sys.argv[1:]
sys.path.insert(0, str(pathlib.Path(sys.argv[0]).parent))
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _run(args: list[str]) -> dict[str, int]:
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode in (0, 1) and done.stdout.strip(), done.stderr
    document = json.loads(done.stdout)
    summary: dict[str, int] = document.get("summary", document)
    return summary


def run_peer(peer: str, path: Path) -> dict[str, int]:
    """The summary a peer prints for ``path``, run as a program that cannot import sistercity."""
    script = str(PEERS_DIR / f"{peer}.py")
    return _run([sys.executable, "-c", _GUARDED, script, str(path), "--today", TODAY])


def run_sistercity(path: Path) -> dict[str, int]:
    """``sistercity validate --format json --no-collection``'s summary for ``path``."""
    command = ["validate", "--format", "json", "--no-collection", "--today", TODAY, str(path)]
    return _run([sys.executable, "-m", "sistercity", *command])


# --------------------------------------------------------------------------------------------
# The peers agree with sistercity
# --------------------------------------------------------------------------------------------


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _load_peers() -> dict[str, ModuleType]:
    """The peer modules in this process (their helper ``_shared`` is found beside them)."""
    sys.path.insert(0, str(PEERS_DIR))
    try:
        return {peer: _load(peer, PEERS_DIR / f"{peer}.py") for peer in PEERS}
    finally:
        sys.path.remove(str(PEERS_DIR))


LOADED = _load_peers()


@pytest.fixture
def bench_records() -> Iterator[Path]:
    """400 records from the benchmark's own generator, some with a mistake, in a file."""
    bench = _load("bench_validate", ROOT / "benchmarks" / "bench_validate.py")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.jsonl"
        bench.write_records(path, 400, seed=7)
        yield path


def _write(path: Path, batch: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in batch:
            out.write(json.dumps(record) + "\n")


def _in_process(peer: str, record: dict[str, Any]) -> tuple[int, int]:
    counts: tuple[int, int] = LOADED[peer].check_line(
        json.dumps(record).encode(), dt.date.fromisoformat(TODAY)
    )
    return counts


@settings(max_examples=15)
@given(st.lists(records(), min_size=1, max_size=15))
def test_peers_agree_with_sistercity_on_valid_records(batch: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "valid.jsonl"
        _write(path, batch)
        ours = run_sistercity(path)
    assert ours["valid"] == ours["records"] == len(batch), ours
    for peer in PEERS:
        errors = warnings = 0
        for record in batch:
            found, warned = _in_process(peer, record)
            assert found == 0, (peer, record)
            errors, warnings = errors + found, warnings + warned
        assert (errors, warnings) == (ours["errors"], ours["warnings"]), peer


@settings(max_examples=15)
@given(st.lists(broken_cases(), min_size=1, max_size=15))
def test_peers_find_every_broken_record_invalid(batch: list[BrokenRecord]) -> None:
    for peer in PEERS:
        for case in batch:
            found, _ = _in_process(peer, case.record)
            assert found > 0, f"{peer} missed {case.rule} at {case.path}: {case.record}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "broken.jsonl"
        _write(path, [case.record for case in batch])
        ours = run_sistercity(path)
    assert ours["invalid"] == ours["records"] == len(batch), ours


def test_peer_programs_agree_with_sistercity_on_the_benchmark_records(
    bench_records: Path,
) -> None:
    ours = run_sistercity(bench_records)
    assert ours["records"] == 400
    assert 0 < ours["invalid"] < 400, "the generator must give valid and broken records"
    for peer in PEERS:
        theirs = run_peer(peer, bench_records)
        assert set(theirs) == {"records", "valid", "invalid", "errors", "warnings"}
        for key in ("records", "valid", "invalid"):
            assert theirs[key] == ours[key], (peer, key, theirs, ours)
