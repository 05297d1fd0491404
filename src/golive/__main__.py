"""`python -m golive` runs the same entry point as the `golive` command."""

from golive.cli import main

raise SystemExit(main())
