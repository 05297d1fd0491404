"""The go-live's doing half: monitoring checks, the production window, deploys, pilot and rollout,
the post-deployment watch and reviews, the rollback, support and the calendar.

Every action is a plain function taking the session (and the session file's path where it writes
evidence) and returning a result dataclass; the CLI (`golive.cli.ops_commands`) and the wizard's
screens only present them. Nothing here imports Textual.
"""
