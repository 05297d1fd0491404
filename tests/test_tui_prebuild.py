"""The other steps' screens are built ahead while the user reads the first one, held back while
keys are pressed, and shown as they were built (no visible change before)."""

from __future__ import annotations

import pytest
from tests.tui_fixtures import SIZE, app_for, make_session, wait_for, wait_for_screen

from golive.session import clock
from golive.tui.widgets.sidebar import STEP_IDS


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


async def test_the_other_steps_are_built_while_idle_and_a_key_holds_the_building(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the quiet period is measured on golive's clock: the test moves it, so a loaded machine
    # (keys reaching the app far apart) cannot let the building slip in between key presses
    fake_now = [0.0]  # as if a key had just been pressed: nothing is built until it moves
    monkeypatch.setattr(clock, "monotonic", lambda: fake_now[0])
    file = make_session()
    app = app_for(file)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")

        def built() -> list[str]:
            return [
                step
                for step in STEP_IDS
                if app.is_screen_installed(app.step_screen_name(step))
                and app.get_screen(app.step_screen_name(step)).is_mounted
            ]

        first = app.screen
        # typing keeps holding the building back
        for _ in range(8):
            await pilot.press("a")
            fake_now[0] += 0.2
            await pilot.pause()
        assert built() == ["credentials"]
        fake_now[0] += 10  # the keys have been quiet long enough
        await wait_for(pilot, lambda: built() == list(STEP_IDS), 20, "the steps built ahead")
        assert app.screen is first  # nothing else was shown
        # built with the width class it is shown with (no restyle on the first visit)
        assert "-wide" in app.get_screen(app.step_screen_name("golive")).classes
        prebuilt = app.get_screen(app.step_screen_name("environment"))
        app.go_to_step("environment")
        await wait_for_screen(pilot, "EnvironmentScreen")
        assert app.screen is prebuilt
