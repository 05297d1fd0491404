"""`golive wire`: the wire-level names and values in force for an environment (registered with
`golive env` in env_commands)."""

from __future__ import annotations

import argparse
import json

from golive.cli.common import _open
from golive.session.text import echo as print  # every line shown is sanitized


def cmd_wire(args: argparse.Namespace) -> int:
    from golive.api import wire
    from golive.session.model import EnvironmentSettings

    settings = EnvironmentSettings()
    if args.session:
        handle = _open(args.session, read_only=True)
        settings = getattr(handle.session.environments, args.env)
        wire.check_overrides(settings.wire, f"environments.{args.env}")
    rows = [
        {
            "name": row.entry.name,
            "value": row.value,
            "confidence": row.entry.confidence,
            "in_force": row.label(),
            "source": row.entry.source,
            "setting": row.entry.setting,
        }
        for row in wire.in_force(settings)
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("entry", "value", "how sure", "source", box=None, pad_edge=False)
    for row_ in rows:
        table.add_row(row_["name"], row_["value"], row_["in_force"], row_["source"])
    Console(highlight=False).print(table, markup=False)
    return 0
