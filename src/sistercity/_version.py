"""The package's version, read from the installed distribution's metadata (one source)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["VERSION"]

try:
    VERSION: str = version("sistercity")
except PackageNotFoundError:  # pragma: no cover - run from a source tree, not installed
    VERSION = "0+unknown"
