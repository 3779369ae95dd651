"""``python -m sklandscape``: the command line."""

from .cli import main

raise SystemExit(main())
