"""The pilot: one to three customers first, and the watch that starts when they are enabled.

Enabling the pilot fixes the watch's checkpoints (by default +1 h, +4 h, +24 h and the end of the
monitoring window, +48 h). golive does not need to keep running: each checkpoint is recorded with
its figures whenever the user (or `golive watch`) records it, and shown in the user's local time
with what to look at."""

from __future__ import annotations

from golive.ops.pilot.checkpoints import (
    CheckpointRecorded,
    CheckpointView,
    PilotEnabled,
    _watch_status,
    checkpoint_schedule,
    default_offsets,
    due_checkpoint,
    enable_pilot,
    find_checkpoint,
    local_zone_name,
    record_checkpoint,
)
from golive.ops.pilot.customers import (
    DEFAULT_OFFSETS,
    PilotChange,
    _label_key,
    _pilot_note,
    add_pilot_customer,
    checkpoint_label,
    remove_pilot_customer,
    what_to_look_at,
)

__all__ = [
    "DEFAULT_OFFSETS",
    "CheckpointRecorded",
    "CheckpointView",
    "PilotChange",
    "PilotEnabled",
    "_label_key",
    "_pilot_note",
    "_watch_status",
    "add_pilot_customer",
    "checkpoint_label",
    "checkpoint_schedule",
    "default_offsets",
    "due_checkpoint",
    "enable_pilot",
    "find_checkpoint",
    "local_zone_name",
    "record_checkpoint",
    "remove_pilot_customer",
    "what_to_look_at",
]
