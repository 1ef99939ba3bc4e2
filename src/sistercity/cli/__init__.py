"""The ``sistercity`` command line: validate, convert, schema, rules, show, timeline, import.

Exit status, for every subcommand: 0 no errors; 1 errors found (or warnings with
``--strict``; for ``convert`` and ``import``, some records refused); 2 the command could not do
its job (no such file, a directory, an unknown format, a bad option, an unknown rule id). Such a
problem is one line on standard error, never a traceback.

The package parses arguments and formats output; every decision is the library's.
"""

from __future__ import annotations

from ._main import EXTENSIONS, build_parser, main

__all__ = ["EXTENSIONS", "build_parser", "main"]
