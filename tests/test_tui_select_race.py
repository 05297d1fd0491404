"""Textual 8's Select mount race (textual#6581): on a busy machine a Select's first value can
arrive before its label is mounted. The wizard's Select must not crash then, and must show the
value once the label is there."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static
from textual.widgets._select import SelectCurrent

from golive.tui.widgets.select import PatientSelect


class OneSelect(App[None]):
    def compose(self) -> ComposeResult:
        yield PatientSelect([("Alpha", "a"), ("Beta", "b")], value="a", id="pick")


async def test_a_value_set_before_the_label_is_mounted_shows_once_it_is() -> None:
    app = OneSelect()
    async with app.run_test() as pilot:
        current = app.query_one(SelectCurrent)
        await current.query_one("#label").remove()  # as if the label were not mounted yet
        current.update("Beta")  # Textual's own SelectCurrent raises NoMatches here
        await current.mount(Static("", id="label"))
        for _ in range(20):  # wait on the condition: the label shows the value
            await pilot.pause()
            if "Beta" in str(current.query_one("#label", Static).render()):
                break
        assert "Beta" in str(current.query_one("#label", Static).render())
