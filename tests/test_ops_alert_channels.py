"""Issue 14: the alert channel list exists once, in the session model; ops reads it from there."""

from __future__ import annotations

from typing import get_args

from golive.ops.monitoring import CHANNEL_WORDS, CHANNELS
from golive.session.sections import AlertingSetup


def test_the_channels_are_the_session_models_and_each_has_its_words() -> None:
    allowed = get_args(AlertingSetup.model_fields["channel"].annotation)
    assert tuple(c for c in allowed if c) == CHANNELS
    assert set(CHANNEL_WORDS) == set(CHANNELS)
