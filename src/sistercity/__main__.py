"""``python -m sistercity``: the same program as the ``sistercity`` command."""

from .cli import main

raise SystemExit(main())
