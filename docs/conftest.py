"""Run the docs' ```console examples: every command in them is run and its output checked.

The Python examples of the docs run through the Sybil set up in the repository's conftest.py.
This one adds the command-line examples. In a ```console block, a line ``$ sistercity ...``
(or ``$ python -m sistercity ...``) runs the command line in-process, and the lines under it,
up to the next ``$``, are its expected output: standard output and standard error, as a
terminal shows them, compared as doctest does (``...`` matches anything, white space is
normalised). ``$ echo $?`` shows the exit status of the command before it, and
``< FILE`` feeds a file to standard input. Commands run in a scratch folder where
``examples/`` and ``docs/`` are the repository's, so files they write land there. Any other
command fails the test: write such examples as ```shell, which is not run.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE, OutputChecker
from pathlib import Path
from typing import Any

from sybil import Example, Sybil
from sybil.parsers.markdown import CodeBlockParser

ROOT = Path(__file__).resolve().parent.parent
# The built site holds copies of the pages (``_sources/testing.md.txt`` even looks like a
# doctest file to pytest), and the generated pictures and data files are not tests.
collect_ignore = ["_build", "_generated", "_data", "_drafts"]
CHECKER = OutputChecker()


def _steps(source: str) -> Iterator[tuple[str, str]]:
    """``(command, expected output)`` pairs of a console block."""
    command: str | None = None
    output: list[str] = []
    for line in source.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, "\n".join(output)
            command, output = line[2:].strip(), []
        elif command is not None:
            output.append(line)
    if command is not None:
        yield command, "\n".join(output)


@contextlib.contextmanager
def _inside(folder: str) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _run(words: list[str], folder: str) -> tuple[int, str]:
    """Run the command line with ``words``; return its status and everything it printed."""
    from sistercity.cli import main

    stdin: Any = sys.stdin
    if "<" in words:
        at = words.index("<")
        data = (Path(folder) / words[at + 1]).read_bytes()
        stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
        words = words[:at] + words[at + 2 :]
    printed = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = stdin
    try:
        with (
            _inside(folder),
            contextlib.redirect_stdout(printed),
            contextlib.redirect_stderr(printed),
        ):
            status = main(words)
    finally:
        sys.stdin = old_stdin
    return status, printed.getvalue()


def evaluate_console(example: Example) -> str | None:
    """Run every command of a console block; return a failure message, or ``None``."""
    folder: str = example.namespace["console_folder"]
    status = 0
    for command, expected in _steps(str(example.parsed)):
        words = shlex.split(command)
        if words == ["echo", "$?"]:
            printed = f"{status}\n"
        elif words[:1] == ["sistercity"]:
            status, printed = _run(words[1:], folder)
        elif words[:3] == ["python", "-m", "sistercity"]:
            status, printed = _run(words[3:], folder)
        else:
            return (
                f"a ```console example runs only sistercity commands (got {command!r}); "
                "write other commands in a ```shell block"
            )
        want = expected.strip() + "\n" if expected.strip() else ""
        if not CHECKER.check_output(want, printed, ELLIPSIS | NORMALIZE_WHITESPACE):
            return f"$ {command}\nexpected:\n{want}got:\n{printed}"
    return None


def _setup(namespace: dict[str, Any]) -> None:
    folder = tempfile.mkdtemp(prefix="sistercity-docs-")
    for name in ("examples", "docs"):
        os.symlink(ROOT / name, Path(folder) / name)
    namespace["console_folder"] = folder


def _teardown(namespace: dict[str, Any]) -> None:
    # rmtree removes the symlinks themselves and never follows them into the repository
    shutil.rmtree(namespace["console_folder"])


pytest_collect_file = Sybil(
    parsers=[CodeBlockParser(language="console", evaluator=evaluate_console)],
    patterns=["*.md", "**/*.md"],
    setup=_setup,
    teardown=_teardown,
).pytest()
