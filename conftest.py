"""Run the code examples in the README (and the docs) as tests, with their output checked."""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser
from sybil.parsers.myst import DocTestDirectiveParser

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        DocTestDirectiveParser(optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
    ],
    patterns=["README.md", "docs/*.md", "docs/**/*.md"],
).pytest()
