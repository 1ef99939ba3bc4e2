"""Run the code examples in the README (and the docs) as tests, with their output checked.

Python blocks run as doctests. ```console blocks in the README run the command line the way
docs/conftest.py runs them for the docs site (see its docstring).
"""

import importlib.util
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path

from hypothesis import settings
from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser
from sybil.parsers.myst import DocTestDirectiveParser

# Two shared cores make example timings noisy: no per-example deadline. Health checks stay on.
settings.register_profile("sistercity", deadline=None)
settings.load_profile("sistercity")

_spec = importlib.util.spec_from_file_location(
    "sistercity_docs_console", Path(__file__).parent / "docs" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_console = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_console)

_python = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        DocTestDirectiveParser(optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
    ],
    patterns=["README.md", "docs/*.md", "docs/**/*.md"],
)
_readme_console = Sybil(
    parsers=[CodeBlockParser(language="console", evaluator=_console.evaluate_console)],
    patterns=["README.md"],
    setup=_console._setup,
    teardown=_console._teardown,
)

pytest_collect_file = (_python + _readme_console).pytest()
