"""Sphinx configuration for the sistercity docs (MyST Markdown, furo theme).

Build with ``make docs`` (``sphinx-build -n -W --keep-going -b html docs docs/_build/html``).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import sistercity  # noqa: E402

project = "sistercity"
author = "The sistercity developers"
copyright = "the sistercity developers"
release = sistercity.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sistercity_docs",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_generated", "_data", "_drafts", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"sistercity {release}"
html_static_path = ["_static"]
html_css_files = ["sistercity.css"]
pygments_style = "friendly"
pygments_dark_style = "monokai"

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True}

nitpicky = True
# The standard library and third-party types in signatures: without network access (no
# intersphinx) there is nothing to link them to.
nitpick_ignore_regex = [
    (r"py:.*", r"(datetime|collections\.abc|typing|types|enum|os|io|argparse|xml)(\..*)?"),
    (r"py:.*", r"(attrs|attr|cattrs|hypothesis|networkx|pandas)(\..*)?"),
    (r"py:.*", r"(Any|Final|Literal|TypeAlias|Callable|Iterable|Iterator|Mapping|Sequence)"),
    (r"py:.*", r"(datetime|date|Path|PathLike|IO|BinaryIO|TextIO|ModuleType|Element)"),
    # type aliases of custom rules' functions, described in prose on the API page
    (r"py:.*", r"(RecordCheck|CollectionCheck)"),
    # private helper classes that appear in a generated signature (Diff's lazy tuples)
    (r"py:class", r"sistercity\.[\w.]*\._[A-Za-z]\w*"),
]
