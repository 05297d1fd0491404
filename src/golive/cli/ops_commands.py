"""Running the go-live headless: the commands that used to live here now have a module each
(monitoring, window, deploy and verify-config, pilot, watch, rehearse, rollout and reviews,
rollback, support and calendar). This facade registers them in the order `golive --help` shows
and keeps the old import names working.
"""

from __future__ import annotations

import argparse

from golive.cli import (
    deploy_commands,
    monitoring_commands,
    pilot_commands,
    rehearse_commands,
    rollback_commands,
    rollout_commands,
    support_commands,
    watch_commands,
    window_commands,
)
from golive.cli.common import SESSION_HELP
from golive.cli.deploy_commands import cmd_deploy, cmd_verify_config
from golive.cli.monitoring_commands import cmd_monitoring
from golive.cli.pilot_commands import cmd_pilot
from golive.cli.rehearse_commands import cmd_rehearse
from golive.cli.rollback_commands import cmd_rollback
from golive.cli.rollout_commands import cmd_reviews, cmd_rollout
from golive.cli.support_commands import cmd_calendar, cmd_support
from golive.cli.watch_commands import cmd_watch
from golive.cli.window_commands import cmd_window

__all__ = [
    "SESSION_HELP",
    "cmd_calendar",
    "cmd_deploy",
    "cmd_monitoring",
    "cmd_pilot",
    "cmd_rehearse",
    "cmd_reviews",
    "cmd_rollback",
    "cmd_rollout",
    "cmd_support",
    "cmd_verify_config",
    "cmd_watch",
    "cmd_window",
    "register",
]

_MODULES = (
    monitoring_commands,
    window_commands,
    deploy_commands,
    pilot_commands,
    watch_commands,
    rehearse_commands,
    rollout_commands,
    rollback_commands,
    support_commands,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the go-live commands to `golive`, each from its own module."""
    for module in _MODULES:
        module.register(sub)
