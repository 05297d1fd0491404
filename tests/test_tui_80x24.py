"""The wizard at 80x24 and 60x20: every label whole, the footer's keys all there, the sidebar
folded to its symbols below 80 columns, the window step's suggestions picked with Enter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.cells import cell_len
from tests.test_tui_snapshots import STEPS, settle, snapshot_session
from tests.tui_fixtures import app_for, make_session, wait_for, wait_for_screen
from textual.widgets import Button, Input, OptionList

from golive.tui.app import WizardApp
from golive.tui.widgets.checklist import ChecklistTable
from golive.tui.widgets.key_line import KeyLine
from golive.tui.widgets.step_list import StepList


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GOLIVE_NOW", "2026-01-02T03:04:05+00:00")
    import keyring
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def screen_lines(app: WizardApp) -> list[str]:
    """What the terminal shows, line by line (plain text)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def cut_buttons(app: WizardApp) -> list[str]:
    """Buttons whose label is not whole: narrower than the label, or past the step's right edge."""
    right = app.screen.query_one("#main").scrollable_content_region.right
    cut = []
    for button in app.screen.query(Button):
        if not button.display or not button.region.width:
            continue
        label = str(button.label)
        if button.content_size.width < cell_len(label) or button.region.right > right:
            cut.append(label)
    return cut


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
@pytest.mark.parametrize(("step", "screen"), STEPS, ids=[s for s, _ in STEPS])
async def test_every_button_and_key_whole(step: str, screen: str, size: tuple[int, int]) -> None:
    app = app_for(snapshot_session(step))
    async with app.run_test(size=size) as pilot:
        await settle(pilot, screen)
        assert cut_buttons(app) == []
        # every key whole: on one line at 80 columns, on as many as they need at 60
        keys = app.screen.query_one(KeyLine).region
        footer = screen_lines(app)[keys.y : keys.bottom]
        for key in ("Next", "^s Save", "f1 Help", "^q Quit"):
            assert any(key in line for line in footer), footer
        if size == (80, 24):
            assert len(footer) == 1, footer


@pytest.mark.parametrize("step", ["staging", "production"])
async def test_live_test_buttons_whole_at_120_columns(step: str) -> None:
    screen = dict(STEPS)[step]
    app = app_for(snapshot_session(step))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        assert cut_buttons(app) == []


async def test_title_whole_at_80_columns() -> None:
    app = app_for(snapshot_session("environment"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, "EnvironmentScreen")
        assert "golive · ACME go-live · ACME GmbH" in screen_lines(app)[0]


async def test_sidebar_folds_below_80_columns_and_every_step_is_reachable() -> None:
    app = app_for(snapshot_session("credentials"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, "CredentialsScreen")
        for step, screen in STEPS:
            app.go_to_step(step)
            await wait_for_screen(pilot, screen)
            sidebar = app.screen.query_one("#sidebar")
            assert sidebar.size.width <= 8
            lines = [line[: sidebar.size.width] for line in screen_lines(app)]
            number = [s for s, _ in STEPS].index(step) + 1
            # the current step: its marker, its state symbol and its number, no title
            assert any(line.startswith("▶") and f"{number:>2}" in line for line in lines), lines
            assert not any("Credentials" in line for line in lines)
            assert cut_buttons(app) == []
        # and the sidebar opens a step with the keys alone
        app.screen.query_one("#step-list", StepList).focus()
        await pilot.press("home", "enter")
        await wait_for_screen(pilot, "CredentialsScreen")


async def test_sidebar_shows_titles_again_when_wide() -> None:
    app = app_for(snapshot_session("staging"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, "StagingScreen")
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: any("Credentials" in line for line in screen_lines(app)))


async def test_window_suggestions_name_the_zone_of_start_and_enter_fills_start() -> None:
    app = app_for(snapshot_session("production"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, "ProductionScreen")
        from golive.ops.window import local_zone, zone_name

        zone = zone_name(local_zone())
        label = str(app.screen.query_one("#window-start").parent.children[0].content)  # type: ignore[union-attr]
        assert label.strip() == f"Start ({zone})"
        app.screen.query_one("#window-suggest", Button).press()
        picker = app.screen.query_one("#window-list", OptionList)
        await wait_for(pilot, lambda: picker.option_count > 0, what="suggestions")
        state = str(app.screen.query_one("#window-state").content)  # type: ignore[attr-defined]
        assert f"(Start, {zone})" in state and "UTC)" not in state.replace(f"{zone})", "")
        first = picker.get_option_at_index(0).id
        await wait_for(pilot, lambda: picker.has_focus, what="the list focused")
        await pilot.press("enter")
        start = app.screen.query_one("#window-start", Input)
        await wait_for(pilot, lambda: start.value == first, what="Start filled")
        assert start.has_focus


async def test_pilot_add_error_shows_next_to_the_pilot_controls() -> None:
    from tests.tui_fixtures import text_of

    app = app_for(snapshot_session("golive"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, "GoLiveScreen")
        app.screen.query_one("#pilot-add", Button).press()
        await wait_for(pilot, lambda: text_of(app, "#pilot-result") != "", what="the error")
        assert text_of(app, "#pilot-result").startswith("✗") or "customer" in text_of(
            app, "#pilot-result"
        )
        assert text_of(app, "#golive-result") == ""
        # it sits under the pilot buttons, above "Rollout stages"
        result = app.screen.query_one("#pilot-result")
        enable = app.screen.query_one("#pilot-enable")
        stages = app.screen.query_one("#stages")
        assert enable.region.y < result.region.y < stages.region.y


async def test_preset_label_shows_the_url_really_used() -> None:
    from tests.tui_fixtures import environment_for, make_session

    file = make_session(step="environment")
    file.session.environments.staging = environment_for("https://127.0.0.1:40963")
    file.save()
    app = app_for(file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, "EnvironmentScreen")
        shown = "\n".join(screen_lines(app))
        assert "(https://127.0.0.1:40963)" in shown, shown
        assert "http://127.0.0.1:8765" not in shown


@pytest.mark.parametrize("width", [120, 80])
async def test_staging_vs_production_table_is_not_cut(width: int) -> None:
    from textual.widgets import DataTable

    app = app_for(snapshot_session("staging"))
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot, "StagingScreen")
        app.screen.query_one("#verify-config", Button).press()
        table = app.screen.query_one("#config-table", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0, what="the comparison")
        await pilot.pause()
        assert table.virtual_size.width <= table.content_size.width, (
            table.virtual_size,
            table.content_size,
        )


async def test_a_step_built_before_the_terminal_narrowed_shows_narrow() -> None:
    """Steps are built ahead at the width of the moment; one shown first after the terminal
    narrowed must lay out narrow (labels above inputs, the sidebar folded), not as built."""
    app = app_for(make_session(countries={"DE": ""}))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, "CredentialsScreen")
        name = app.step_screen_name("environment")
        await wait_for(
            pilot,
            lambda: app.is_screen_installed(name) and app.get_screen(name).is_mounted,
            what="the next step built ahead",
        )
        assert app.get_screen(name).has_class("-wide")
        await pilot.resize_terminal(60, 20)
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, "EnvironmentScreen")
        await wait_for(pilot, lambda: app.screen.has_class("-narrow"), what="the narrow class")
        assert not app.screen.has_class("-wide")
        await wait_for(
            pilot, lambda: app.screen.query_one("#sidebar").size.width <= 8, what="the fold"
        )
        assert cut_buttons(app) == []
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: any("Credentials" in line for line in screen_lines(app)))
        assert app.screen.has_class("-wide")


def key_columns(app: WizardApp, label: str) -> int:
    """The column of `label` (e.g. "^s Save") on the bottom line."""
    line = screen_lines(app)[-1]
    assert label in line, line
    return line.index(label)


async def test_the_key_line_follows_focus_and_a_click_presses_its_key() -> None:
    app = app_for(make_session(countries={"DE": ""}))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, "CredentialsScreen")
        # the focused field's step keys, then the checklist's own keys once it has focus
        assert "Done/undo" not in screen_lines(app)[-1]
        app.screen.query_one("#items").focus()
        await wait_for(pilot, lambda: "space Done/undo" in screen_lines(app)[-1], what="keys")
        assert "⏎ Item…" in screen_lines(app)[-1]
        # a click on "^n Next" moves on, as the key does
        await pilot.click(KeyLine, offset=(key_columns(app, "^n Next") + 3, 0))
        await wait_for_screen(pilot, "EnvironmentScreen")
        # a click between two keys presses nothing
        gap = key_columns(app, "^n Next") + len("^n Next")
        await pilot.click(KeyLine, offset=(gap, 0))
        await pilot.click(KeyLine, offset=(key_columns(app, "^s Save"), 0))
        await wait_for(pilot, lambda: "saved" in str(app.save_state), what="the save")
        assert app.screen.__class__.__name__ == "EnvironmentScreen"


async def test_the_step_list_follows_its_cursor_in_a_terminal_too_short_for_every_step() -> None:
    app = app_for(make_session(countries={"DE": ""}))
    async with app.run_test(size=(80, 14)) as pilot:
        await settle(pilot, "CredentialsScreen")
        steps = app.screen.query_one("#step-list", StepList)
        assert steps.size.height < steps.option_count  # not every step fits
        await pilot.press("f2")
        assert steps.has_focus
        await pilot.press("end")
        shown = [line[: steps.region.right] for line in screen_lines(app)]
        assert any("11 Review & export" in line for line in shown), "\n".join(shown)
        assert not any(" 1 Credentials" in line for line in shown)
        await pilot.press("enter")
        await wait_for_screen(pilot, "ReviewScreen")
        # a click lands on the line shown under the pointer, wherever the list is scrolled to
        steps = app.screen.query_one("#step-list", StepList)
        line = next(
            y
            for y, text in enumerate(screen_lines(app))
            if "10 Support" in text[: steps.region.right]
        )
        await pilot.click(steps, offset=(4, line - steps.region.y))
        await wait_for_screen(pilot, "SupportScreen")


@pytest.mark.parametrize(("step", "screen"), STEPS[:2], ids=[s for s, _ in STEPS[:2]])
async def test_the_checklist_fits_80_columns_and_every_item_text_is_whole(
    step: str, screen: str
) -> None:
    app = app_for(snapshot_session(step))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, screen)
        table = app.screen.query_one("#checklist #items", ChecklistTable)
        # nothing to scroll sideways for: every column is on the screen
        assert table.virtual_size.width <= table.size.width
        shown = " ".join(
            " ".join(str(cell).split())
            for row in range(table.row_count)
            for cell in table.get_row_at(row)
        )
        for item in app.checklist().items:
            if item.section == step:
                assert item.text in shown
        assert [str(c.label) for c in table.columns.values()][:2] == ["Status", "Item"]


async def test_moving_on_says_only_the_newest_still_open_and_keeps_other_toasts() -> None:
    """Three ctrl+n in a row at 80x24: one "Still open on …" toast (the last step's), not three
    piled over the step moved to; a toast of another kind (an error) is never cleared by it.
    Items of a country say which country."""
    file = make_session(countries={"DE": "", "IT": ""})
    app = app_for(file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "CredentialsScreen")

        def still_open() -> list[str]:
            return [n.title for n in app._notifications if n.title.startswith("Still open")]

        for screen in ("EnvironmentScreen", "ComplianceScreen", "MonitoringScreen"):
            await pilot.press("ctrl+n")
            await wait_for_screen(pilot, screen)
        await wait_for(pilot, lambda: "Still open on Compliance" in still_open(), what="toast")
        assert still_open() == ["Still open on Compliance"]
        compliance = next(n for n in app._notifications if n.title == "Still open on Compliance")
        assert "DE VAT registration completed" in compliance.message
        assert "IT VAT registration completed" in compliance.message
        app.notify("the keyring is locked", title="Save failed", severity="error")
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, "StagingScreen")
        await wait_for(pilot, lambda: "Still open on Monitoring" in still_open(), what="toast")
        titles = [n.title for n in app._notifications]
        assert "Save failed" in titles and "Still open on Compliance" in titles, titles


async def test_keys_too_many_for_a_narrow_terminal_take_a_second_line_and_a_click_finds_them() -> (
    None
):
    app = app_for(make_session(countries={"DE": ""}, step="compliance"))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, "ComplianceScreen")
        keys = app.screen.query_one(KeyLine)
        await wait_for(pilot, lambda: keys.region.height == 2, what="two lines of keys")
        second = screen_lines(app)[keys.region.y + 1]
        assert "^s Save" in second, second
        await pilot.click(KeyLine, offset=(second.index("f1 Help"), 1))
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HelpScreen", what="help")
        await pilot.press("escape")
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: keys.region.height == 1, what="one line again")
